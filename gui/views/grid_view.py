"""GridView: paints a small grid of colour indices (mazes, ARC grids) and reports mouse strokes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.colours import CHANGED, CONFLICT
from gui.views.changed_mark import LEG, draw_changed_marks


class GridView(QWidget):
    """A grid of colour indices with optional overlays; square cells, centred, any size."""

    cellPressed = Signal(int, int, int)  # row, column, Qt.MouseButton value
    cellDragged = Signal(int, int)  # row, column, while a button is held
    strokeFinished = Signal()

    def __init__(
        self,
        colours: Sequence[str],
        parent: QWidget | None = None,
        line_colour: str = "#555555",
        cell_hint: int = 20,
    ) -> None:
        super().__init__(parent)
        self._colours = [QColor(c) for c in colours]
        self._line = QColor(line_colour)
        self._cell_hint = cell_hint
        self._grid = np.zeros((1, 1), np.uint8)
        self._overlay: np.ndarray | None = None  # (H, W) bool: draw the overlay colour here
        self._overlay_colour = QColor("#0074D9")
        self._overlay_alpha: np.ndarray | None = None  # (H, W) 0-1 per overlay cell
        self._marks: np.ndarray | None = None  # (H, W) bool: outlined in red
        self._changed: np.ndarray | None = None  # (H, W) bool: a corner triangle (changed_mark)
        self._numbers: np.ndarray | None = None  # (H, W) ints written in the cells (0: none)
        self._bold: np.ndarray | None = None  # (H, W) bool: numbers written bold (givens)
        self._last_cell: tuple[int, int] | None = None
        self._blank = False
        self.editable = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(60, 60)

    def set_grid(self, grid: np.ndarray) -> None:
        """The colour indices to paint."""
        self._grid = np.array(grid, np.uint8)
        self._blank = False
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        """Paint no grid at all (not a grid of colour 0: that would read as an answer)."""
        self._grid = np.zeros((1, 1), np.uint8)
        self._blank = True
        self.set_overlay(None)
        self.set_numbers(None)

    @property
    def blank(self) -> bool:
        """True when no grid is painted."""
        return self._blank

    @property
    def grid(self) -> np.ndarray:
        """What is painted now (a copy)."""
        return self._grid.copy()

    def set_overlay(
        self,
        mask: np.ndarray | None,
        colour: QColor | None = None,
        alpha: np.ndarray | None = None,
        marks: np.ndarray | None = None,
        changed: np.ndarray | None = None,
    ) -> None:
        """Cells to tint (with per-cell strength), cells to outline, cells to dot; None clears."""
        self._overlay = None if mask is None else np.asarray(mask, bool)
        if colour is not None:
            self._overlay_colour = QColor(colour)
        self._overlay_alpha = None if alpha is None else np.asarray(alpha, float)
        self._marks = None if marks is None else np.asarray(marks, bool)
        self._changed = None if changed is None else np.asarray(changed, bool)
        self.update()

    def set_numbers(self, numbers: np.ndarray | None, bold: np.ndarray | None = None) -> None:
        """Numbers to write in the cells (0 writes nothing), bold where `bold`; None clears."""
        self._numbers = None if numbers is None else np.asarray(numbers).astype(int)
        self._bold = None if bold is None else np.asarray(bold, bool)
        self.update()

    @property
    def numbers(self) -> np.ndarray | None:
        """The numbers written now (a copy)."""
        return None if self._numbers is None else self._numbers.copy()

    # -- geometry ------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        h, w = self._grid.shape
        return QSize(w * self._cell_hint + 2, h * self._cell_hint + 2)

    def cell_size(self) -> float:
        """Side of one cell in device-independent pixels."""
        h, w = self._grid.shape
        return max(1.0, min((self.width() - 2) / w, (self.height() - 2) / h))

    def grid_rect(self) -> QRectF:
        """Where the grid is painted, centred."""
        h, w = self._grid.shape
        size = self.cell_size()
        return QRectF((self.width() - w * size) / 2, (self.height() - h * size) / 2, w * size, h * size)

    def cell_rect(self, row: int, col: int) -> QRectF:
        """The rectangle of one cell."""
        rect, size = self.grid_rect(), self.cell_size()
        return QRectF(rect.left() + col * size, rect.top() + row * size, size, size)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        """(row, column) under a point, or None outside the grid."""
        rect, size = self.grid_rect(), self.cell_size()
        if not rect.contains(pos):
            return None
        h, w = self._grid.shape
        row = min(h - 1, int((pos.y() - rect.top()) / size))
        col = min(w - 1, int((pos.x() - rect.left()) / size))
        return row, col

    # -- input ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.editable:
            return
        cell = self.cell_at(event.position())
        if cell is not None:
            self._last_cell = cell
            self.cellPressed.emit(cell[0], cell[1], event.button().value)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self.editable or event.buttons() == Qt.MouseButton.NoButton:
            return
        cell = self.cell_at(event.position())
        if cell is not None and cell != self._last_cell:
            self._last_cell = cell
            self.cellDragged.emit(*cell)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.editable and self._last_cell is not None:
            self._last_cell = None
            self.strokeFinished.emit()

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._blank:
            return
        painter = QPainter(self)
        h, w = self._grid.shape
        size = self.cell_size()
        for r in range(h):
            for c in range(w):
                rect = self.cell_rect(r, c)
                painter.fillRect(rect, self._colours[int(self._grid[r, c]) % len(self._colours)])
                if self._overlay is not None and self._overlay.shape == (h, w) and self._overlay[r, c]:
                    tint = QColor(self._overlay_colour)
                    if self._overlay_alpha is not None:
                        tint.setAlphaF(0.25 + 0.75 * float(self._overlay_alpha[r, c]))
                    inset = size * 0.12
                    painter.fillRect(rect.adjusted(inset, inset, -inset, -inset), tint)
        if size >= 4:
            pen = QPen(self._line)
            pen.setWidthF(1.0 if size >= 8 else 0.5)
            painter.setPen(pen)
            rect = self.grid_rect()
            for r in range(h + 1):
                y = rect.top() + r * size
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            for c in range(w + 1):
                x = rect.left() + c * size
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._numbers is not None and self._numbers.shape == (h, w) and size >= 8:
            font = QFont(self.font())
            font.setPixelSize(max(6, int(size * 0.55)))
            bold = QFont(font)
            bold.setBold(True)
            painter.setPen(QColor("#202020"))  # on the pale cell tints, in light and dark themes
            for r, c in np.argwhere(self._numbers != 0):
                strong = self._bold is not None and self._bold.shape == (h, w) and bool(self._bold[r, c])
                painter.setFont(bold if strong else font)
                painter.drawText(self.cell_rect(int(r), int(c)), Qt.AlignmentFlag.AlignCenter, str(int(self._numbers[r, c])))
        if self._changed is not None and self._changed.shape == (h, w) and size >= 10:
            cells = [self.cell_rect(int(r), int(c)) for r, c in np.argwhere(self._changed)]
            draw_changed_marks(painter, cells, CHANGED, max(3.0, size * LEG))
        if self._marks is not None and self._marks.shape == (h, w):
            pen = QPen(CONFLICT)
            pen.setWidthF(max(1.0, size * 0.07))
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for r, c in np.argwhere(self._marks):
                inset = size * 0.15
                painter.drawRect(self.cell_rect(int(r), int(c)).adjusted(inset, inset, -inset, -inset))
        painter.end()
