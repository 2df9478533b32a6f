"""Light/dark: Fusion style everywhere, the colour scheme following the desktop unless forced.

Qt 6.8's `QStyleHints.setColorScheme` asks the platform theme for a scheme, and only some
platform themes honour it (not plain X11, nor offscreen): there "dark" was saved and nothing
changed. So after asking, the palette is checked, and when it is not what was asked for, Fusion
gets an explicit palette of that scheme. "system" drops any explicit palette again."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from gui.colours import is_dark

log = logging.getLogger(__name__)

_SCHEMES = {
    "system": Qt.ColorScheme.Unknown,  # Unknown = follow the platform
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}


def dark_palette() -> QPalette:
    """Fusion's widgets in dark greys with a blue highlight (the usual dark Fusion look)."""
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    colours = {
        role.Window: "#353535", role.WindowText: "#eeeeee", role.Base: "#262626",
        role.AlternateBase: "#303030", role.ToolTipBase: "#404040", role.ToolTipText: "#eeeeee",
        role.PlaceholderText: "#8a8a8a", role.Text: "#eeeeee", role.Button: "#3a3a3a",
        role.ButtonText: "#eeeeee", role.BrightText: "#ff6b60", role.Light: "#505050",
        role.Midlight: "#444444", role.Mid: "#2e2e2e", role.Dark: "#232323", role.Shadow: "#141414",
        role.Highlight: "#2f7bd6", role.HighlightedText: "#ffffff", role.Link: "#5aa9ff",
        role.LinkVisited: "#b48ce6",
    }
    for r, colour in colours.items():
        palette.setColor(r, QColor(colour))
    for r in (role.WindowText, role.Text, role.ButtonText, role.HighlightedText):
        palette.setColor(group.Disabled, r, QColor("#7f7f7f"))
    palette.setColor(group.Disabled, role.Base, QColor("#2c2c2c"))
    palette.setColor(group.Disabled, role.Button, QColor("#333333"))
    return palette


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion style with the requested colour scheme (chrome only; puzzle colours are data)."""
    app.setStyle("Fusion")
    scheme = _SCHEMES.get(theme, Qt.ColorScheme.Unknown)
    setter = getattr(app.styleHints(), "setColorScheme", None)  # Qt 6.8+
    app.setPalette(QPalette())  # drop an explicit palette of an earlier choice: the platform's again
    if setter is not None:
        setter(scheme)
    if scheme is not Qt.ColorScheme.Unknown:
        want_dark = scheme is Qt.ColorScheme.Dark
        if is_dark(app.palette()) != want_dark:
            log.info("the platform theme did not switch to %s; using Fusion's own %s palette", theme, theme)
            app.setPalette(dark_palette() if want_dark else app.style().standardPalette())
    # A widget with a style sheet keeps the palette it was polished with (a bold label stayed
    # white on the light window after dark): polish those again.
    # Only under the open windows: allWidgets() also hands out widgets already being deleted.
    for window in app.topLevelWidgets():
        if not window.isVisible():
            continue
        for widget in [window, *window.findChildren(QWidget)]:
            if widget.styleSheet():
                widget.setStyleSheet(widget.styleSheet())
