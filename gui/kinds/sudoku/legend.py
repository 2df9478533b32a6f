"""The Sudoku board's legend: one entry per mark `SudokuBoardView` paints, in its colours."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from gui.colours import BoardColours
from gui.pass_frame import CONFIDENT
from gui.views.legend import LegendEntry, Swatch


def sudoku_legend(palette: QPalette) -> list[LegendEntry]:
    """What the board's digits, shading, corner marks, red cells and frames mean (colours of `palette`)."""
    colours = BoardColours.from_palette(palette)
    shaded = QColor(colours.answer)
    shaded.setAlphaF(0.3)  # as a fairly sure answer cell: the red over it reads brown
    return [
        LegendEntry(Swatch.TEXT, colours.given, "given", bold=True),
        LegendEntry(Swatch.TEXT, colours.entry, "your digit"),
        LegendEntry(Swatch.PENCIL, colours.entry, "your pencil marks"),
        LegendEntry(Swatch.TEXT, colours.answer, "model's digit"),
        LegendEntry(Swatch.PENCIL, colours.answer, "model's beliefs (Ctrl+B): larger, darker = likelier"),
        LegendEntry(Swatch.TEXT, colours.answer, f"model unsure (< {CONFIDENT:.0%})", italic=True),
        LegendEntry(Swatch.SHADES, colours.answer, "shading: how sure the model is"),
        LegendEntry(Swatch.CORNER, colours.changed, "changed since the last pass"),
        LegendEntry(Swatch.TEXT, colours.conflict, "breaks a rule (red, brown over shading)",
                    under=(shaded, colours.conflict_fill)),
        LegendEntry(Swatch.FRAME, colours.conflict, "given the model overwrote"),
    ]
