"""GridPanel: a tab for any kind whose puzzles and answers are 2-D grids of small numbers.

It needs nothing of the kind but the `Kind` protocol: documents are read and written by
`kind.read` / `kind.write`, the puzzle and each pass are painted from `kind.display_grid` (the
numbers written in the cells, the puzzle's own bold), and solving goes through the pipeline like
every tab. It does not edit puzzles: open or paste one. A kind defined elsewhere gets a working
tab with `gui.kinds.register_panel(name, GridPanel)`.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from gui.colours import CHANGED, CONFLICT, NUMBER_COLOURS
from gui.pass_frame import PassFrame
from gui.puzzle_panel import PanelContext, PuzzlePanel
from gui.views.grid_view import GridView
from gui.views.legend import LegendEntry, Swatch
from solver.kinds import Kind, Record

ANSWER_TINT = "#0074D9"


class GridPanel(PuzzlePanel):
    """Shows a kind's grid puzzle and the model's passes over it."""

    def __init__(self, kind: Kind, context: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(kind, context, parent)
        self.puzzle: Any = None
        self.view = GridView(NUMBER_COLOURS, line_colour="#777777", cell_hint=48)
        self.view.setAccessibleName(f"{kind.title} board")
        self.info_label = QLabel(f"Open or paste a {kind.title} puzzle ({kind.formats}).")
        self.info_label.setWordWrap(True)
        self.prev_button = QToolButton(text="◀")
        self.next_button = QToolButton(text="▶")
        self.list_label = QLabel()
        top = QHBoxLayout()
        for widget in (self.prev_button, self.list_label, self.next_button):
            top.addWidget(widget)
        top.addWidget(self.info_label, 1)
        self._lay_out(top, self.view)
        self.prev_button.clicked.connect(lambda: self.step_list(-1))
        self.next_button.clicked.connect(lambda: self.step_list(1))
        self._refresh()
        self._update_buttons()

    def legend_entries(self) -> list[LegendEntry]:
        return [
            LegendEntry(Swatch.TEXT, QColor("#202020"), "the puzzle's numbers", bold=True),
            LegendEntry(Swatch.SHADES, QColor(ANSWER_TINT), "model's cells (stronger: surer)"),
            LegendEntry(Swatch.CORNER, CHANGED, "changed since the last pass"),
            LegendEntry(Swatch.FRAME, CONFLICT, "breaks a rule"),
        ]

    def focus_board(self) -> None:
        self.view.setFocus()

    def load_record(self, record: Record, source: str) -> None:
        self.puzzle = copy.deepcopy(record.puzzle)
        self.puzzle_changed(source)

    def current_puzzle(self) -> Any:
        if self.puzzle is None:
            raise ValueError(f"Open or paste a {self.kind.title} puzzle first.")
        return copy.deepcopy(self.puzzle)

    def _givens(self) -> np.ndarray:
        return np.asarray(self.kind.display_grid(self.puzzle))

    def _refresh(self) -> None:
        many = len(self.records) > 1
        for widget in (self.prev_button, self.next_button, self.list_label):
            widget.setVisible(many)
        if many:
            self.list_label.setText(self.records.label())
        if self.puzzle is None:
            self.view.set_grid(np.zeros((1, 1), np.uint8))
            self.view.set_numbers(None)
        else:
            givens = self._givens()
            self.view.set_grid(givens)
            self.view.set_numbers(givens, bold=givens != 0)
        self.view.set_overlay(None)
        self.statusChanged.emit()

    def _draw(self, frame: PassFrame, inner: int | None) -> None:
        answer = frame.answer_at(inner)
        givens = self._givens()
        self.view.set_grid(answer)
        bold = givens != 0 if givens.shape == answer.shape else None
        self.view.set_numbers(answer, bold=bold)
        open_cells = givens == 0 if givens.shape == answer.shape else np.ones(answer.shape, bool)
        same = frame.confidence.shape == answer.shape
        self.view.set_overlay(open_cells, QColor(ANSWER_TINT), alpha=frame.confidence * 0.35 if same else None,
                              marks=frame.violations_at(inner), changed=frame.changed if same else None)

    def _clear_answer(self) -> None:
        self._refresh()
