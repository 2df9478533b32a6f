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
        self.setMinimumHeight(110)
        self.setAccessibleName("Halt probability chart")
        self._numbers: list[int] = []
        self._halt: list[float] = []
        self._confident: list[float] = []
        self._threshold = 0.5
        self._current = -1
        self._capacity = 16

    X_TITLE = "pass"
    Y_TITLE = "p / share"

    def sizeHint(self) -> QSize:
        return QSize(560, 130)

    def set_series(self, numbers: list[int], halt: list[float], confident: list[float], threshold: float,
                   capacity: int) -> None:
        """Values (0-1) at pass numbers (1-based), the halt threshold and the passes the x axis spans."""
        self._numbers, self._halt, self._confident = list(numbers), list(halt), list(confident)
        self._threshold = threshold
        self._capacity = max(capacity, max(numbers, default=0), 2)
        self.update()

    @property
    def capacity(self) -> int:
        """The last pass number the x axis spans."""
        return self._capacity

    def legend(self, muted: QColor | None = None) -> list[tuple[str, QColor, Qt.PenStyle]]:
        """(words, colour, line style) of each line the chart draws."""
        return [
            ("halt probability", HALT_COLOUR, Qt.PenStyle.SolidLine),
            ("confident cells", CONFIDENT_COLOUR, Qt.PenStyle.SolidLine),
            (f"halt threshold {self._threshold:.0%}", HALT_COLOUR, Qt.PenStyle.DashLine),
            ("pass shown", muted or QColor("#888888"), Qt.PenStyle.SolidLine),
        ]

    def set_current(self, number: int) -> None:
        """Mark pass `number` (1-based; -1: none)."""
        self._current = number
        self.update()

    def ticks(self) -> list[int]:
        """Pass numbers labelled on the x axis: 1, the axis's end, and round steps between that fit."""
        span = self._capacity
        room = max(2, int((self.width() - 60) // 36))  # a label needs about 36 px
        step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10**9) if span / s <= room)
        marks = [n for n in range(step, span, step) if span - n >= step / 2 and n - 1 >= step * 0.75]
        return [1, *marks, span]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.Text)
        muted = QColor(text)
        muted.setAlphaF(0.35)
        font = QFont(self.font())
        font.setPixelSize(max(9, min(12, self.height() // 8)))
        painter.setFont(font)
        # Room on the left for the y axis's title and labels, below for the x axis's.
        plot = QRectF(52, 22, self.width() - 62, self.height() - 54)
        painter.fillRect(plot, self.palette().color(QPalette.ColorRole.Base))
        painter.setPen(QPen(muted, 1))
        painter.drawRect(plot)
        painter.setPen(text)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for value, label in ((1.0, "100%"), (0.5, "50%"), (0.0, "0%")):
            y = plot.bottom() - plot.height() * value
            painter.drawText(QRectF(14, y - 7, 34, 14), right, label)
        painter.save()
        painter.translate(8, plot.center().y())
        painter.rotate(-90)
        small = QFont(font)
        small.setPixelSize(10)
        painter.setFont(small)
        painter.drawText(QRectF(-40, -7, 80, 14), Qt.AlignmentFlag.AlignCenter, self.Y_TITLE)
        painter.restore()
        for number in self.ticks():
            x = plot.left() + plot.width() * (number - 1) / (self._capacity - 1)
            painter.setPen(QPen(muted, 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
            painter.setPen(text)
            painter.drawText(QRectF(x - 20, plot.bottom() + 2, 40, 14), Qt.AlignmentFlag.AlignHCenter, str(number))
        painter.drawText(QRectF(plot.left(), plot.bottom() + 16, plot.width(), 14), Qt.AlignmentFlag.AlignHCenter,
                         self.X_TITLE)

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
        # Legend, one row above the plot (inside, the lines would cross it): every line drawn.
        x = plot.left()
        metrics = painter.fontMetrics()
        for label, colour, style in self.legend(muted):
            painter.setPen(QPen(colour, 2, style))
            painter.drawLine(QPointF(x, 9), QPointF(x + 12, 9))
            painter.setPen(text)
            width = metrics.horizontalAdvance(label)
            painter.drawText(QRectF(x + 16, 2, width + 2, 14), Qt.AlignmentFlag.AlignLeft, label)
            x += 16 + width + 18  # measured: a long threshold label once ran into the next
        painter.end()
