"""The Sudoku tab: its panel (`PANEL`), the board's state and the board view."""

from gui.kinds.sudoku.panel import SudokuPanel as PANEL

__all__ = ["PANEL"]
