"""HaltChart: halt probability and the share of confident cells against pass number (QPainter)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

HALT_COLOUR = QColor("#e67e22")
CONFIDENT_COLOUR = QColor("#16a085")


class HaltChart(QWidget):
    """Two lines over passes 1..N, a dashed halting threshold and a marker at the shown pass.

    The x axis is the pass number as the result line counts it, so an other view's passes sit
    after the first try's, where the puzzle's count puts them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(90)
        self.setAccessibleName("Halt probability chart")
        self._numbers: list[int] = []
        self._halt: list[float] = []
        self._confident: list[float] = []
        self._threshold = 0.5
        self._current = -1
        self._capacity = 16

    def sizeHint(self) -> QSize:
        return QSize(400, 100)

    def set_series(self, numbers: list[int], halt: list[float], confident: list[float], threshold: float,
                   capacity: int) -> None:
        """Values (0-1) at pass numbers (1-based), the halt threshold and the passes the x axis spans."""
        self._numbers, self._halt, self._confident = list(numbers), list(halt), list(confident)
        self._threshold = threshold
        self._capacity = max(capacity, max(numbers, default=0), 2)
        self.update()

    def set_current(self, number: int) -> None:
        """Mark pass `number` (1-based; -1: none)."""
        self._current = number
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.Text)
        muted = QColor(text)
        muted.setAlphaF(0.35)
        font = QFont(self.font())
        font.setPixelSize(max(9, min(12, self.height() // 8)))
        painter.setFont(font)
        plot = QRectF(34, 8, self.width() - 44, self.height() - 26)
        painter.fillRect(plot, self.palette().color(QPalette.ColorRole.Base))
        painter.setPen(QPen(muted, 1))
        painter.drawRect(plot)
        painter.setPen(text)
        painter.drawText(QRectF(0, plot.top() - 6, 30, 14), Qt.AlignmentFlag.AlignRight, "1")
        painter.drawText(QRectF(0, plot.bottom() - 8, 30, 14), Qt.AlignmentFlag.AlignRight, "0")
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 2, plot.width(), 16),
            Qt.AlignmentFlag.AlignLeft,
            "pass 1",
        )
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 2, plot.width(), 16),
            Qt.AlignmentFlag.AlignRight,
            f"{self._capacity}",
        )

        def point(number: int, v: float) -> QPointF:
            x = plot.left() + plot.width() * (number - 1) / (self._capacity - 1)
            return QPointF(x, plot.bottom() - plot.height() * max(0.0, min(1.0, v)))

        dash = QPen(HALT_COLOUR, 1, Qt.PenStyle.DashLine)
        painter.setPen(dash)
        painter.drawLine(point(1, self._threshold), point(self._capacity, self._threshold))
        if self._current in self._numbers:
            painter.setPen(QPen(muted, 2))
            x = point(self._current, 0).x()
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        for values, colour in ((self._confident, CONFIDENT_COLOUR), (self._halt, HALT_COLOUR)):
            if not values:
                continue
            painter.setPen(QPen(colour, 2))
            points = [point(n, v) for n, v in zip(self._numbers, values, strict=True)]
            painter.drawPolyline(QPolygonF(points))
            painter.setBrush(colour)
            for p in points:
                painter.drawEllipse(p, 2.5, 2.5)
        # Legend, top left inside the plot.
        legend_x = plot.left() + 6
        for n, (label, colour) in enumerate((("halt probability", HALT_COLOUR), ("confident cells", CONFIDENT_COLOUR))):
            y = plot.top() + 4 + n * 14
            painter.fillRect(QRectF(legend_x, y + 4, 10, 3), colour)
            painter.setPen(text)
            painter.drawText(QRectF(legend_x + 14, y - 2, 160, 14), Qt.AlignmentFlag.AlignLeft, label)
        painter.end()
