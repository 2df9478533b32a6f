"""The ARC tab's legend: the grids are the task's own colours; the model's answer adds one mark."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from gui.colours import CHANGED
from gui.views.legend import LegendEntry, Swatch


def arc_legend(palette: QPalette) -> list[LegendEntry]:
    """The mark `ArcPanel` paints over the model's answer (the ten colours are the task's data)."""
    return [LegendEntry(Swatch.CORNER, CHANGED, "model's answer: changed since the last pass")]
