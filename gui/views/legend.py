"""Legend: a key to the marks a board paints, one small swatch and a few words per mark.

The entries come from each kind's gui package (what its board paints is its own business); this
widget only draws them, flowing into as many rows as the width needs."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.views.changed_mark import draw_changed_marks


class Swatch(enum.Enum):
    """How a mark looks on the board, so its swatch looks the same."""

    FILL = "fill"  # a filled cell
    SHADES = "shades"  # the same colour from faint to strong (confidence)
    CORNER = "corner"  # the changed mark: a small triangle in the cell's top-right corner
    FRAME = "frame"  # an outlined cell
    TEXT = "text"  # a digit in this colour (bold: `bold`)
    PENCIL = "pencil"  # small candidate digits


@dataclass(frozen=True)
class LegendEntry:
    """One mark: how it looks and what it means."""

    swatch: Swatch
    colour: QColor
    text: str
    bold: bool = False
    italic: bool = False
    under: tuple[QColor, ...] = ()  # fills painted under the mark, as the board layers them


_SWATCH = 14  # px side of a swatch
_GAP = 6  # between a swatch and its words
_SPACING = 16  # between entries
_ROW = 18  # height of a row


class Legend(QWidget):
    """Entries left to right, wrapping; height follows the width (heightForWidth)."""

    def __init__(self, entries: Sequence[LegendEntry] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Legend")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._entries: list[LegendEntry] = []
        self.set_entries(entries)

    @property
    def entries(self) -> list[LegendEntry]:
        return list(self._entries)

    def set_entries(self, entries: Sequence[LegendEntry]) -> None:
        self._entries = list(entries)
        self.setAccessibleDescription("; ".join(e.text for e in self._entries))
        self.setToolTip("What the marks on the board mean")
        self.updateGeometry()
        self.update()

    def _widths(self) -> list[int]:
        metrics = QFontMetrics(self.font())
        return [_SWATCH + _GAP + metrics.horizontalAdvance(e.text) for e in self._entries]

    def _layout(self, width: int) -> list[QRectF]:
        """Each entry's rectangle when the widget is `width` wide."""
        rects, x, y = [], 0, 0
        for w in self._widths():
            if x > 0 and x + w > width:
                x, y = 0, y + _ROW
            rects.append(QRectF(x, y, w, _ROW))
            x += w + _SPACING
        return rects

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rects = self._layout(width)
        return int(rects[-1].bottom()) if rects else 0

    def sizeHint(self) -> QSize:
        widths = self._widths()
        return QSize(sum(widths) + _SPACING * max(0, len(widths) - 1), _ROW if widths else 0)

    def minimumSizeHint(self) -> QSize:
        return QSize(max(self._widths(), default=0), _ROW if self._entries else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Box layouts inside a main window do not always ask heightForWidth: a minimum height
        # for this width keeps a wrapped second row from being painted over the board.
        need = self.heightForWidth(self.width())
        if need != self.minimumHeight():
            self.setMinimumHeight(need)
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        base = self.palette().color(QPalette.ColorRole.Base)
        for entry, rect in zip(self._entries, self._layout(self.width()), strict=True):
            box = QRectF(rect.left(), rect.top() + (_ROW - _SWATCH) / 2, _SWATCH, _SWATCH)
            self._paint_swatch(painter, entry, box, base, text_colour)
            painter.setPen(text_colour)
            painter.setFont(self.font())
            words = QRectF(box.right() + _GAP, rect.top(), rect.width() - _SWATCH - _GAP, _ROW)
            painter.drawText(words, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, entry.text)
        painter.end()

    @staticmethod
    def _paint_swatch(painter: QPainter, entry: LegendEntry, box: QRectF, base: QColor, text: QColor) -> None:
        outline = QColor(text)
        outline.setAlphaF(0.4)
        painter.setPen(QPen(outline, 1))
        painter.setBrush(base)
        painter.drawRect(box)
        painter.setPen(Qt.PenStyle.NoPen)
        for fill in entry.under:
            painter.fillRect(box.adjusted(1, 1, -1, -1), fill)
        if entry.swatch is Swatch.FILL:
            painter.fillRect(box.adjusted(1, 1, -1, -1), entry.colour)
        elif entry.swatch is Swatch.SHADES:
            third = (box.width() - 2) / 3
            for i in range(3):
                shade = QColor(entry.colour)
                shade.setAlphaF(0.2 + 0.4 * i)
                painter.fillRect(QRectF(box.left() + 1 + i * third, box.top() + 1, third, box.height() - 2), shade)
        elif entry.swatch is Swatch.CORNER:
            draw_changed_marks(painter, [box.adjusted(1, 1, -1, -1)], entry.colour, 6.0)
        elif entry.swatch is Swatch.FRAME:
            pen = QPen(entry.colour, 2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(box.adjusted(3, 3, -3, -3))
        elif entry.swatch is Swatch.PENCIL:
            font = QFont(painter.font())
            font.setPixelSize(6)
            painter.setFont(font)
            painter.setPen(entry.colour)
            half = box.width() / 2
            for i, digit in enumerate("1379"):
                corner = QRectF(box.left() + (i % 2) * half, box.top() + (i // 2) * half, half, half)
                painter.drawText(corner, Qt.AlignmentFlag.AlignCenter, digit)
        elif entry.swatch is Swatch.TEXT:
            font = QFont(painter.font())
            font.setPixelSize(int(box.height()) - 2)
            font.setBold(entry.bold)
            font.setItalic(entry.italic)
            painter.setFont(font)
            painter.setPen(entry.colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "5")
