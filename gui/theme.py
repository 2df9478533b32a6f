"""Light/dark: Fusion style everywhere, the colour scheme following the desktop unless forced."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

_SCHEMES = {
    "system": Qt.ColorScheme.Unknown,  # Unknown = follow the platform
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion style with the requested colour scheme (chrome only; puzzle colours are data)."""
    app.setStyle("Fusion")
    hints = app.styleHints()
    setter = getattr(hints, "setColorScheme", None)  # Qt 6.8+
    if setter is None:
        log.info("this Qt cannot force a colour scheme; following the system")
        return
    setter(_SCHEMES.get(theme, Qt.ColorScheme.Unknown))
