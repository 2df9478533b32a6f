"""Shared bits for the GUI tests."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtGui import QKeySequence

from gui.main_window import MainWindow
from gui.settings import AppSettings

PUZZLE = "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"
ASSETS = Path(__file__).resolve().parents[1] / "assets"
TINY = {name: str(ASSETS / f"tiny_{name}.onnx") for name in ("sudoku", "maze", "arc", "latin")}


def make_window(qtbot, **overrides) -> MainWindow:
    """A shown main window with default settings (plus overrides)."""
    settings = dataclasses.replace(AppSettings(), **overrides)
    window = MainWindow(settings)
    window.ask_on_quit = False  # closing at a test's end must not wait on a question
    for panel in window.panels.values():
        panel.seed = 0  # the same symmetric views every run: a test's outcome never rests on a draw
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def trigger(window: MainWindow, shortcut: str) -> None:
    """Do what pressing `shortcut` does: trigger the window's action bound to it."""
    wanted = QKeySequence(shortcut)
    actions = [a for a in window.actions() if a.shortcut() == wanted]
    assert len(actions) == 1, f"{len(actions)} actions for {shortcut}"
    actions[0].trigger()


def wait_done(qtbot, panel, timeout=30000) -> None:
    qtbot.waitUntil(lambda: not panel.runner.running, timeout=timeout)
