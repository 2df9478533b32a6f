"""The trm-puzzles window (PySide6): boards for Sudoku, mazes and ARC, and the pass timeline."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trm-puzzles")
except PackageNotFoundError:  # a frozen build or an uninstalled checkout
    __version__ = "0.1.0"
