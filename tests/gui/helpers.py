"""Shared bits for the GUI tests."""

from __future__ import annotations

import dataclasses

from gui.main_window import MainWindow
from gui.settings import AppSettings

PUZZLE = "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"


def make_window(qtbot, **overrides) -> MainWindow:
    """A shown main window with default settings (plus overrides)."""
    settings = dataclasses.replace(AppSettings(), **overrides)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
