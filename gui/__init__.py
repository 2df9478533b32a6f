"""The trm-puzzles window (PySide6): boards for Sudoku, mazes and ARC, and the pass timeline."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trm-puzzles")
except PackageNotFoundError:  # a frozen build or an uninstalled checkout
    __version__ = "0.1.0"

# Before any widget is made: see gui.qt_compat for the PySide6 6.12.0 reference-count bug.
from gui.qt_compat import protect_singletons

protect_singletons()
