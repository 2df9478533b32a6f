"""The "changed since the last pass" mark: a small triangle filling a cell's top-right corner.

A corner triangle rather than a dot, because a dot set in from the corner covered the top-right
pencil mark (candidate 3, or the model's belief in 3) of a Sudoku cell; the triangle stays
inside the corner, clear of the glyph centred in the cell's top-right third.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPolygonF

LEG = 0.16  # the triangle's legs, as a fraction of the cell's side


def draw_changed_marks(painter: QPainter, rects: list[QRectF], colour: QColor, leg_px: float) -> None:
    """A corner triangle of legs `leg_px` in each rect, filled with `colour`."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    for rect in rects:
        right, top = rect.right(), rect.top()
        painter.drawPolygon(QPolygonF([QPointF(right - leg_px, top), QPointF(right, top),
                                       QPointF(right, top + leg_px)]))
    painter.restore()
