"""SudokuBoardView: paints the 9x9 board and turns keys and clicks into intents."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.colours import BoardColours
from gui.pass_frame import CONFIDENT
from gui.views.changed_mark import LEG, draw_changed_marks
from solver.kinds.sudoku import CELLS, SIZE, cell_name

_MARGIN = 6.0
BELIEF_MIN = 0.05  # a candidate the model gives less than this is not drawn among its beliefs


class SudokuBoardView(QWidget):
    """The board. Signals say what the person wants; the panel decides what happens."""

    digitEntered = Signal(int, int)  # cell, digit (0 = clear)
    pencilToggled = Signal(int, int)  # cell, candidate digit 1-9 (Ctrl+digit)
    selectionChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(270, 270)
        self.setAccessibleName("Sudoku board")
        self._givens = np.zeros(CELLS, np.int8)
        self._entries = np.zeros(CELLS, np.int8)
        self._conflicts = np.zeros(CELLS, bool)
        self._pencil = np.zeros(CELLS, np.uint16)
        self._answer: np.ndarray | None = None
        self._confidence: np.ndarray | None = None
        self._changed: np.ndarray | None = None
        self._violations: np.ndarray | None = None
        self._beliefs: np.ndarray | None = None  # (81, k) digits, likeliest first
        self._belief_probs: np.ndarray | None = None  # (81, k)
        self.selected = 0

    # -- what to show --------------------------------------------------------------------------

    def show_board(self, givens: np.ndarray, entries: np.ndarray, conflicts: np.ndarray,
                   pencil: np.ndarray | None = None) -> None:
        """The puzzle and the person's entries, with conflicting cells and pencil marks (bit d: d)."""
        self._givens, self._entries, self._conflicts = givens.copy(), entries.copy(), conflicts.copy()
        self._pencil = np.zeros(CELLS, np.uint16) if pencil is None else pencil.copy()
        self._update_accessible()
        self.update()

    def show_answer(
        self,
        answer: np.ndarray | None,
        confidence: np.ndarray | None = None,
        changed: np.ndarray | None = None,
        violations: np.ndarray | None = None,
        beliefs: np.ndarray | None = None,
        belief_probs: np.ndarray | None = None,
    ) -> None:
        """The model's answer for one pass over the blanks (None hides it); with `beliefs` (81, k)
        and `belief_probs`, each blank shows the model's top candidates instead of its one digit."""
        self._answer = answer
        self._confidence = confidence
        self._changed = changed
        self._violations = violations
        self._beliefs = None if answer is None or belief_probs is None else beliefs
        self._belief_probs = None if self._beliefs is None else belief_probs
        self.update()

    def belief_marks(self, cell: int) -> list[tuple[int, float]]:
        """(digit, probability) of the candidates drawn in `cell`, likeliest first: the model's
        top ones with at least BELIEF_MIN, in a cell that is no given ([] when none are shown)."""
        if self._beliefs is None or self._belief_probs is None or self._givens[cell]:
            return []
        return [(int(d), float(p)) for d, p in zip(self._beliefs[cell].tolist(), self._belief_probs[cell].tolist(),
                                                   strict=True) if d and p >= BELIEF_MIN]

    def select(self, cell: int) -> None:
        """Move the selection to `cell`."""
        cell = max(0, min(CELLS - 1, cell))
        if cell != self.selected:
            self.selected = cell
            self.selectionChanged.emit(cell)
            self._update_accessible()
            self.update()

    # -- geometry ------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(460, 460)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def board_rect(self) -> QRectF:
        """The square the grid occupies, centred, in device-independent pixels."""
        side = min(self.width(), self.height()) - 2 * _MARGIN
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def cell_rect(self, cell: int) -> QRectF:
        """The rectangle of `cell`."""
        board = self.board_rect()
        size = board.width() / SIZE
        return QRectF(board.left() + (cell % SIZE) * size, board.top() + (cell // SIZE) * size, size, size)

    def cell_at(self, pos: QPointF) -> int | None:
        """The cell under a point, or None outside the grid."""
        board = self.board_rect()
        if not board.contains(pos):
            return None
        size = board.width() / SIZE
        col = min(SIZE - 1, int((pos.x() - board.left()) / size))
        row = min(SIZE - 1, int((pos.y() - board.top()) / size))
        return row * SIZE + col

    # -- input ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is not None:
            self.setFocus()
            self.select(cell)

    @staticmethod
    def _pencil_digit(event: QKeyEvent) -> int:
        """1-9 for Ctrl+digit (no other modifier but keypad), else 0."""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == Qt.KeyboardModifier.ControlModifier and Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_9:
            return event.key() - Qt.Key.Key_0
        return 0

    def event(self, event: QEvent) -> bool:
        # Ctrl+digit is the board's own (a pencil mark), not a window shortcut.
        if event.type() == QEvent.Type.ShortcutOverride and self._pencil_digit(event):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        if digit := self._pencil_digit(event):
            self.pencilToggled.emit(self.selected, digit)
            return
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(event)  # leave shortcuts to the window
            return
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
        }
        text = event.text()
        if key in moves:
            dr, dc = moves[key]
            row = (self.selected // SIZE + dr) % SIZE
            col = (self.selected % SIZE + dc) % SIZE
            self.select(row * SIZE + col)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space) or text in ("0", "."):
            self.digitEntered.emit(self.selected, 0)
        elif len(text) == 1 and text in "123456789":
            self.digitEntered.emit(self.selected, int(text))
        else:
            super().keyPressEvent(event)

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        # One repaint per pass while solving: per-cell work is kept to a few Qt calls, and
        # state comes from numpy as plain lists once (Python-level calls are what cost here).
        colours = BoardColours.from_palette(self.palette())
        painter = QPainter(self)
        board = self.board_rect()
        painter.fillRect(board, colours.background)
        size = board.width() / SIZE
        rects = [self.cell_rect(cell) for cell in range(CELLS)]
        givens = self._givens.tolist()
        values = np.where(self._givens > 0, self._givens, self._entries)
        showing_answer = self._answer is not None
        if showing_answer:
            shown = np.where(self._givens > 0, self._givens, self._answer).tolist()
            if self._beliefs is not None:  # the blanks show candidates, not one digit
                shown = [d if givens[c] else 0 for c, d in enumerate(shown)]
            bad = (self._violations if self._violations is not None else np.zeros(CELLS, bool)).tolist()
        else:
            shown = values.tolist()
            bad = self._conflicts.tolist()
        selected_digit = int(values[self.selected])

        # Backgrounds: confidence shading of the answer, conflicts, same digit, selection.
        if showing_answer and self._confidence is not None:
            levels = [QColor(colours.answer) for _ in range(6)]
            for i, colour in enumerate(levels):
                colour.setAlphaF(0.05 + 0.06 * i)
            for cell, conf in enumerate(np.minimum((self._confidence * 5).astype(int), 5).tolist()):
                if not givens[cell]:
                    painter.fillRect(rects[cell], levels[conf])
        # In answer mode a given the model overwrote is framed, not filled: the digit shown is
        # still the given, so painting it as a conflict would misread.
        framed = [c for c in range(CELLS) if showing_answer and givens[c] and bad[c]]
        if showing_answer:
            bad = [b and not givens[c] for c, b in enumerate(bad)]
        for cell in range(CELLS):
            if bad[cell]:
                painter.fillRect(rects[cell], colours.conflict_fill)
            elif selected_digit and shown[cell] == selected_digit and cell != self.selected:
                painter.fillRect(rects[cell], colours.same_digit)
        selection = QColor(colours.selection)
        if not self.hasFocus():
            selection.setAlphaF(0.2)
        painter.fillRect(rects[self.selected], selection)

        # Digits, grouped by font and colour so each group sets them once.
        font = QFont(self.font())
        font.setPixelSize(max(6, int(size * 0.62)))
        bold = QFont(font)
        bold.setBold(True)
        unsure_font = QFont(font)
        unsure_font.setItalic(True)
        unsure = (
            (self._confidence < CONFIDENT).tolist() if showing_answer and self._confidence is not None
            else [False] * CELLS
        )
        entry_colour = colours.answer if showing_answer else colours.entry
        unsure_colour = QColor(colours.answer)
        unsure_colour.setAlphaF(0.6)
        groups = (
            (bold, colours.given, lambda c: givens[c] and not bad[c]),
            (bold, colours.conflict, lambda c: givens[c] and bad[c]),
            (font, entry_colour, lambda c: not givens[c] and not bad[c] and not unsure[c]),
            (unsure_font, unsure_colour, lambda c: not givens[c] and not bad[c] and unsure[c]),
            (font, colours.conflict, lambda c: not givens[c] and bad[c]),
        )
        centre = Qt.AlignmentFlag.AlignCenter
        for group_font, colour, member in groups:
            cells = [c for c in range(CELLS) if shown[c] and member(c)]
            if not cells:
                continue
            painter.setFont(group_font)
            painter.setPen(colour)
            for cell in cells:
                painter.drawText(rects[cell], centre, str(shown[cell]))

        if self._beliefs is not None:
            self._paint_beliefs(painter, rects, size, colours)
        else:
            self._paint_pencil(painter, rects, shown, size, colours)
        if showing_answer and self._changed is not None:
            changed = [c for c in np.flatnonzero(self._changed).tolist() if not givens[c]]
            if changed:
                draw_changed_marks(painter, [rects[cell] for cell in changed], colours.changed, max(4.0, size * LEG))
        self._paint_lines(painter, board, size, colours)
        if framed:
            pen = QPen(colours.conflict)
            pen.setWidthF(max(1.0, size * 0.04))
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            inset = size * 0.1
            for cell in framed:
                painter.drawRect(rects[cell].adjusted(inset, inset, -inset, -inset))
        painter.end()

    def _paint_pencil(self, painter: QPainter, rects: list[QRectF], shown: list[int], size: float,
                      colours: BoardColours) -> None:
        """Candidates as small digits in a 3x3 pattern, in the cells that show no digit."""
        marked = [c for c in np.flatnonzero(self._pencil).tolist() if not shown[c]]
        if not marked or size < 18:
            return
        font = QFont(self.font())
        font.setPixelSize(max(6, int(size * 0.24)))
        painter.setFont(font)
        painter.setPen(colours.entry)
        third = size / 3
        for cell in marked:
            bits, rect = int(self._pencil[cell]), rects[cell]
            for d in range(1, 10):
                if bits >> d & 1:
                    r, c = divmod(d - 1, 3)
                    box = QRectF(rect.left() + c * third, rect.top() + r * third, third, third)
                    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(d))

    def _paint_beliefs(self, painter: QPainter, rects: list[QRectF], size: float, colours: BoardColours) -> None:
        """The model's candidates as pencil marks, each at its digit's place in the 3x3 pattern;
        likelier ones are larger and darker, so the weight reads at a glance (a 0.97 is almost
        a digit, a 0.06 a faint speck)."""
        if size < 18:
            return
        third = size / 3
        font = QFont(self.font())
        colour = QColor(colours.answer)
        for cell in range(CELLS):
            rect = rects[cell]
            for digit, p in self.belief_marks(cell):
                font.setPixelSize(max(6, int(size * (0.2 + 0.14 * p))))
                font.setBold(p >= CONFIDENT)
                colour.setAlphaF(0.3 + 0.7 * p)
                painter.setFont(font)
                painter.setPen(colour)
                r, c = divmod(digit - 1, 3)
                box = QRectF(rect.left() + c * third, rect.top() + r * third, third, third)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(digit))

    def _paint_lines(self, painter: QPainter, board: QRectF, size: float, colours: BoardColours) -> None:
        thin = QPen(colours.cell_line)
        thin.setWidthF(max(1.0, size * 0.02))
        thick = QPen(colours.box_line)
        thick.setWidthF(max(2.0, size * 0.06))
        for i in range(SIZE + 1):
            painter.setPen(thick if i % 3 == 0 else thin)
            x = board.left() + i * size
            y = board.top() + i * size
            painter.drawLine(QPointF(x, board.top()), QPointF(x, board.bottom()))
            painter.drawLine(QPointF(board.left(), y), QPointF(board.right(), y))

    def _update_accessible(self) -> None:
        value = int(self._givens[self.selected] or self._entries[self.selected])
        what = "given" if self._givens[self.selected] else "entry" if value else "empty"
        self.setAccessibleDescription(f"{cell_name(self.selected)}: {value or ''} {what}")
