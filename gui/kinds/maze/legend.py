"""The maze board's legend: its colours (walls, open cells, S, G, the model's path) and marks."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from gui.colours import CHANGED, CONFLICT, MAZE_COLOURS
from gui.views.legend import LegendEntry, Swatch
from solver.kinds.maze import GOAL, OPEN, PATH, START, WALL


def maze_legend(palette: QPalette) -> list[LegendEntry]:
    """One entry per colour and mark `MazePanel` paints (the puzzle colours are data: fixed)."""
    def colour(symbol: int) -> QColor:
        return QColor(MAZE_COLOURS[symbol])

    return [
        LegendEntry(Swatch.FILL, colour(WALL), "wall"),
        LegendEntry(Swatch.FILL, colour(OPEN), "open"),
        LegendEntry(Swatch.FILL, colour(START), "start S"),
        LegendEntry(Swatch.FILL, colour(GOAL), "goal G"),
        LegendEntry(Swatch.SHADES, colour(PATH), "model's path (stronger: surer)"),
        LegendEntry(Swatch.CORNER, CHANGED, "changed since the last pass"),
        LegendEntry(Swatch.FRAME, CONFLICT, "breaks a rule"),
    ]
