"""ArcPanel: the ARC tab: demonstration pairs, the test input, a paintable answer, the model's answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.colours import ARC_NAMES, ARC_PALETTE
from gui.commands import push_edit
from gui.kinds.arc.learning import LearnBar
from gui.kinds.arc.legend import arc_legend
from gui.kinds.arc.state import ArcAnswerState, parse_size
from gui.models import ModelChoice, read_card
from gui.pass_frame import PassFrame
from gui.puzzle_panel import PanelContext, PuzzlePanel
from gui.result_text import ERROR, INFO
from gui.run import Run
from gui.solve_job import SolveOptions
from gui.views.grid_view import GridView
from gui.views.legend import LegendEntry
from solver.kinds import Kind, Record
from solver.kinds.arc import ArcPair, ArcTask, format_arc_task
from solver.kinds.arc.formats import read_arc_document
from solver.result import SolveResult

ARC_NOTE = (
    "A TRM knows an ARC task only once it has learned it: Learn this task fits the pretrained network "
    "to the demonstration pairs (each view its own embedding), then Solve answers in every view and votes."
)


@dataclass(frozen=True)
class ArcRecord(Record):
    """A test input of a task, with the task it belongs to (its demonstration pairs)."""

    task: ArcTask | None = None
    test: int = 0


def _small_grid(grid: np.ndarray, title: str) -> QWidget:
    """A captioned read-only grid for the demonstration pairs."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    h, w = grid.shape
    caption = QLabel(f"{title} {h}×{w}")
    view = GridView(ARC_PALETTE, cell_hint=12)
    view.set_grid(grid)
    view.setMinimumSize(max(60, w * 8), max(60, h * 8))
    view.setAccessibleName(caption.text())
    layout.addWidget(caption)
    layout.addWidget(view, 1)
    return box


class ArcPanel(PuzzlePanel):
    """Owns the open task, the answer grid being painted and the model's attempts."""

    learned_model: Path | None = None  # also while the base class builds the tab and asks for it

    def __init__(self, kind: Kind, context: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(kind, context, parent)
        self.task: ArcTask | None = None
        self.test_index = 0
        self.state = ArcAnswerState.blank()
        self.colour = 1
        self.tool = "paint"  # or "fill"
        self._stroke: list[tuple[int, int]] = []
        self.learned_model: Path | None = None  # learned for the task on show (LearnBar)
        self.learned_done: dict = {}  # the learner's "done" event for it
        self._pair_titles: list[QLabel] = []

        self.learn_bar = LearnBar(self)
        self.learn_bar.learned.connect(self._use_learned)
        self.learn_bar.forgotten.connect(self._forget_learned)
        self.note = QLabel(ARC_NOTE)
        self.note.setWordWrap(True)
        self.task_label = QLabel("No task open: File ▸ Open… a task JSON, or pick a sample.")
        self.pairs_box = QWidget()
        self.pairs_layout = QGridLayout(self.pairs_box)
        pairs_scroll = QScrollArea()
        pairs_scroll.setWidgetResizable(True)
        pairs_scroll.setWidget(self.pairs_box)
        pairs_scroll.setMinimumWidth(200)
        self.test_choice = QComboBox()
        self.test_choice.setAccessibleName("Test input")
        self.test_view = GridView(ARC_PALETTE, cell_hint=16)
        self.test_view.setAccessibleName("Test input grid")
        self.test_view.clear()
        self.answer_view = GridView(ARC_PALETTE, cell_hint=16)
        self.answer_view.editable = True
        self.answer_view.setAccessibleName("Your answer")
        self.model_view = GridView(ARC_PALETTE, cell_hint=16)
        self.model_view.setAccessibleName("Model's answer")
        self.model_view.clear()
        self.model_label = QLabel("Model's answer")
        self.model_label.setWordWrap(True)  # "Model's answer 30×30 (pass 12)" in a narrow column
        self.size_edit = QLineEdit("3x3")
        self.size_edit.setMaximumWidth(70)
        self.size_edit.setToolTip("Rows x columns, e.g. 10x20; the top-left content is kept")
        self.size_edit.setAccessibleName("Answer grid size")
        self.resize_button = QPushButton("Resize")
        self.copy_button = QPushButton("Copy from input")
        self.reset_button = QPushButton("Reset")
        self.paint_radio = QRadioButton("Paint")
        self.fill_radio = QRadioButton("Flood fill")
        self.paint_radio.setChecked(True)
        self.palette_group = QButtonGroup(self)
        # Two rows of five: one row of ten needs more width than the answer's column has at the
        # window's minimum size.
        palette_row = QGridLayout()
        palette_row.setSpacing(2)
        for index, hex_colour in enumerate(ARC_PALETTE):
            button = QToolButton()
            button.setCheckable(True)
            button.setFixedSize(26, 26)
            button.setToolTip(f"{index}: {ARC_NAMES[index]} (key {index})")
            button.setAccessibleName(f"Colour {index} {ARC_NAMES[index]}")
            button.setStyleSheet(
                f"QToolButton {{ background: {hex_colour}; border: 1px solid #555; }}"
                "QToolButton:checked { border: 3px solid palette(highlight); }"
            )
            self.palette_group.addButton(button, index)
            palette_row.addWidget(button, index // 5, index % 5)
        palette_row.setColumnStretch(5, 1)
        self.palette_group.button(self.colour).setChecked(True)

        test_box = QVBoxLayout()
        test_box.addWidget(QLabel("Test input"))
        test_box.addWidget(self.test_choice)
        test_box.addWidget(self.test_view, 1)
        answer_box = QVBoxLayout()
        answer_box.addWidget(QLabel("Your answer"))
        tools = QHBoxLayout()
        for w in (self.paint_radio, self.fill_radio):
            tools.addWidget(w)
        tools.addStretch(1)
        answer_box.addLayout(tools)
        sizing = QHBoxLayout()
        for w in (self.size_edit, self.resize_button):
            sizing.addWidget(w)
        sizing.addStretch(1)
        answer_box.addLayout(sizing)
        answer_box.addLayout(palette_row)
        answer_box.addWidget(self.answer_view, 1)
        grid_buttons = QHBoxLayout()
        grid_buttons.addWidget(self.copy_button)
        grid_buttons.addWidget(self.reset_button)
        grid_buttons.addStretch(1)
        answer_box.addLayout(grid_buttons)
        model_box = QVBoxLayout()
        model_box.addWidget(self.model_label)
        model_box.addWidget(self.model_view, 1)

        columns = QHBoxLayout()
        columns.addWidget(pairs_scroll, 3)
        columns.addLayout(test_box, 2)
        columns.addLayout(answer_box, 3)
        columns.addLayout(model_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.task_label)
        layout.addWidget(self.note)
        layout.addWidget(self.learn_bar)
        layout.addWidget(self.model_note)
        layout.addLayout(columns, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.result_label)
        layout.addLayout(self.solve_buttons())
        layout.addWidget(self.timeline)

        self.palette_group.idClicked.connect(self.set_colour)
        self.paint_radio.toggled.connect(lambda on: self.set_tool("paint" if on else "fill"))
        self.resize_button.clicked.connect(lambda: self.resize_answer(self.size_edit.text()))
        self.size_edit.returnPressed.connect(lambda: self.resize_answer(self.size_edit.text()))
        self.copy_button.clicked.connect(self.copy_from_input)
        self.reset_button.clicked.connect(self.reset_answer)
        self.test_choice.currentIndexChanged.connect(self.choose_test)
        self.answer_view.cellPressed.connect(self._pressed)
        self.answer_view.cellDragged.connect(self._dragged)
        self.answer_view.strokeFinished.connect(self._stroke_done)
        self.model_note.setStyleSheet("font-weight: bold;")
        self._refresh()
        self._update_buttons()

    # -- task ----------------------------------------------------------------------------------

    def set_task(self, task: ArcTask, test: int = 0, source: str = "") -> None:
        """Show a task's pairs and test input `test`; the answer grid starts blank."""
        self.task = task
        while self.pairs_layout.count():
            item = self.pairs_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self._pair_titles = []
        for row, pair in enumerate(task.train):
            example = _small_grid(pair.input, f"Example {row + 1} in")
            self._pair_titles.append(example.findChild(QLabel))
            self.pairs_layout.addWidget(example, row, 0)
            arrow = QLabel("→")
            arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.pairs_layout.addWidget(arrow, row, 1)
            if pair.output is not None:
                self.pairs_layout.addWidget(_small_grid(pair.output, "out"), row, 2)
        self.test_choice.blockSignals(True)
        self.test_choice.clear()
        self.test_choice.addItems([f"Test {i + 1} of {len(task.test)}" for i in range(len(task.test))])
        self.test_choice.blockSignals(False)
        self.task_label.setText(f"Task {task.name or '(unnamed)'}: {len(task.train)} examples, {len(task.test)} test input(s)")
        self._show_test(test, source or self._test_source(test))
        self.learn_bar.set_task(task)

    # -- learning ------------------------------------------------------------------------------

    def _use_learned(self, path: Path, done: dict) -> None:
        self.learned_model, self.learned_done = Path(path), dict(done)
        self._mark_demos([int(d) for d in done.get("demos_wrong", [])])
        self.settings_changed()
        self.statusChanged.emit()

    def _forget_learned(self) -> None:
        self.learned_model, self.learned_done = None, {}
        self._mark_demos([])
        self.settings_changed()
        self.statusChanged.emit()

    def _mark_demos(self, wrong: list[int]) -> None:
        """Mark the demonstration pairs the learned model still gets wrong: honest evidence of
        whether it learned the rule."""
        if self.task is None:
            return
        for d, title in enumerate(self._pair_titles):
            if title is None:
                continue
            h, w = self.task.train[d].input.shape
            base = f"Example {d + 1} in {h}×{w}"
            title.setWordWrap(True)  # the mark on its own line: the pairs' column stays narrow
            if d in wrong:
                title.setText(f"{base}\n✗ still wrong after learning")
                title.setStyleSheet("color: #c0392b; font-weight: bold;")
            else:
                title.setText(base + ("\n✓ learned" if self.learned_model is not None else ""))
                title.setStyleSheet("")

    def model_choice(self) -> ModelChoice:
        if self.learned_model is not None and self.learned_model.is_file():
            return ModelChoice(self.name, self.learned_model, "learned")
        return super().model_choice()

    def _options(self) -> SolveOptions:
        options = super()._options()
        if self.learned_model is None:
            return options
        try:  # a learned model answers in every view it learned, and the views vote
            views = int(str(read_card(self.learned_model).codec).rsplit("views", 1)[1].split("-")[0])
        except (ValueError, IndexError):
            return options
        return SolveOptions(options.max_passes, options.threshold, views, 0, 0)

    def shutdown(self) -> None:
        self.learn_bar.shutdown()
        super().shutdown()

    def choose_test(self, index: int) -> None:
        """Show test input `index` of the task with a fresh answer grid of its size."""
        if self.task is None or not 0 <= index < len(self.task.test):
            return
        for i, record in enumerate(self.records.items):
            if isinstance(record, ArcRecord) and record.task is self.task and record.test == index:
                self.records.index = i
        self._show_test(index, self._test_source(index))

    def _test_source(self, index: int) -> str:
        name = self.records.name or (self.task.name if self.task is not None else "")
        return f"{name} test {index + 1}" if self.task is not None and len(self.task.test) > 1 else name

    def _show_test(self, index: int, source: str) -> None:
        assert self.task is not None
        self.test_index = index
        if self.test_choice.currentIndex() != index:
            self.test_choice.blockSignals(True)
            self.test_choice.setCurrentIndex(index)
            self.test_choice.blockSignals(False)
        grid = self.task.test[index].input
        self.test_view.set_grid(grid)
        self.undo_stack.clear()
        self.state = ArcAnswerState.blank(*grid.shape)
        self.puzzle_changed(source)  # another test input: another puzzle
        self._refresh()

    @property
    def test_input(self) -> np.ndarray | None:
        """The test input on show."""
        return None if self.task is None else self.task.test[self.test_index].input

    def read_records(self, text: str, name: str) -> list[Record]:
        """Every test input of a task file (or of a combined challenges file), with its task."""
        stem = name.rsplit("/", 1)[-1].removesuffix(".json")
        return [ArcRecord(f"task {task.name} test {i + 1}", task.test[i].input, group=task.name,
                          solution=task.test[i].output, task=task, test=i)
                for task, i in read_arc_document(text, stem)]

    def load_record(self, record: Record, source: str) -> None:
        assert isinstance(record, ArcRecord) and record.task is not None
        if record.task is self.task:
            self.choose_test(record.test)
        else:
            self.set_task(record.task, record.test, source)

    def copy_text(self) -> str:
        """The answer grid as JSON rows."""
        return str(self.state.grid.tolist()).replace(" ", "")

    def save_file(self, path: str | Path) -> bool:
        """Save the task, with the painted grid as the output of the current test input."""
        if self.task is None:
            self.show_message("No task is open.", INFO)
            return False
        tests = list(self.task.test)
        tests[self.test_index] = ArcPair(tests[self.test_index].input, self.state.grid.copy())
        task = ArcTask(self.task.name, self.task.train, tuple(tests))
        try:
            Path(path).write_text(format_arc_task(task), encoding="utf-8")
        except OSError as err:
            self.show_message(f"Could not save: {err}", ERROR)
            return False
        self.file_path = Path(path)
        self.undo_stack.setClean()
        return True

    # -- painting ------------------------------------------------------------------------------

    def set_colour(self, colour: int) -> None:
        """The colour painting and filling use."""
        self.colour = colour
        button = self.palette_group.button(colour)
        if button is not None and not button.isChecked():
            button.setChecked(True)

    def set_tool(self, tool: str) -> None:
        """'paint' or 'fill'."""
        self.tool = tool
        (self.paint_radio if tool == "paint" else self.fill_radio).setChecked(True)

    def paint(self, cells: list[tuple[int, int]], colour: int | None = None) -> None:
        """Paint cells as one undoable edit."""
        self._edit(self.state.with_paint(cells, self.colour if colour is None else colour), "Paint")

    def fill(self, cell: tuple[int, int], colour: int | None = None) -> None:
        """Flood fill from a cell as one undoable edit."""
        self._edit(self.state.with_fill(cell, self.colour if colour is None else colour), "Flood fill")

    def resize_answer(self, text: str) -> bool:
        """Resize the answer grid ('10x20'), keeping its top-left content."""
        try:
            height, width = parse_size(text)
        except ValueError as err:
            self.show_message(str(err), ERROR)
            return False
        self._edit(self.state.with_size(height, width), f"Resize to {height}x{width}")
        return True

    def copy_from_input(self) -> None:
        """The answer grid becomes a copy of the test input."""
        if self.test_input is not None:
            self._edit(ArcAnswerState.of_grid(self.test_input), "Copy from input")

    def reset_answer(self) -> None:
        """All black, same size."""
        self._edit(ArcAnswerState.of_grid(np.zeros(self.state.shape, np.uint8)), "Reset grid")

    @Slot(int, int, int)
    def _pressed(self, row: int, col: int, button: int) -> None:
        if self.tool == "fill":
            self.fill((row, col))
            return
        self._stroke = [(row, col)]
        self._preview()

    @Slot(int, int)
    def _dragged(self, row: int, col: int) -> None:
        if self._stroke:
            self._stroke.append((row, col))
            self._preview()

    def _preview(self) -> None:
        shape, data = self.state.with_paint(self._stroke, self.colour)
        self.answer_view.set_grid(np.frombuffer(data, np.uint8).reshape(shape))

    @Slot()
    def _stroke_done(self) -> None:
        if self._stroke:
            cells, self._stroke = self._stroke, []
            self.paint(cells)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        text = event.text()
        if len(text) == 1 and text.isdigit():
            self.set_colour(int(text))
        else:
            super().keyPressEvent(event)

    def _edit(self, after: object, text: str, source: str | None = None) -> bool:
        """One undoable change of the answer grid the person paints (not of the puzzle)."""
        return push_edit(self.undo_stack, self.state, after, text, self._answer_edited)

    def _answer_edited(self) -> None:
        self._refresh()
        self._describe()  # "It matches your answer" follows the painting

    def _refresh(self) -> None:
        self.answer_view.set_grid(self.state.grid)
        h, w = self.state.shape
        self.size_edit.setText(f"{h}x{w}")
        has_task = self.task is not None
        for widget in (self.copy_button, self.reset_button, self.resize_button):
            widget.setEnabled(has_task)
        self.statusChanged.emit()

    # -- solving -------------------------------------------------------------------------------

    def legend_entries(self) -> list[LegendEntry]:
        return arc_legend(self.palette())

    def help_text(self) -> str:
        return ("<p>ARC has no rule checker: any well-formed grid is an answer, and only the task's own "
                "test output could say whether it is right. Paint your answer with the palette (keys 0–9) "
                "and compare it with the model's.</p>")

    def hint_text(self) -> str:
        if self.task is not None:
            return ""
        return ("<b>Getting started:</b> open an ARC task JSON (Ctrl+O) or pick File ▸ Sample puzzles; paint "
                "your answer from the demonstration pairs.")

    def no_model_text(self) -> str:
        bar = getattr(self, "learn_bar", None)  # None while the base class builds the tab
        learn = ("Press Learn this task to fit a model to this task's examples on this computer (it starts "
                 "from the pretrained ARC network); "
                 if bar is None or bar.available else f"Learning is not available here ({bar.why_not}). ")
        return ("No ARC model answers a task before it has learned it, so Solve is off; the painting tools "
                f"work without one. {learn}or choose a model file in Preferences ▸ ARC model: "
                "Solve then runs that file, named as your choice.")

    def current_puzzle(self) -> np.ndarray:
        if self.test_input is None:
            raise ValueError("Open a task first.")
        return self.test_input.copy()

    def _draw(self, frame: PassFrame, inner: int | None) -> None:
        answer = frame.answer_at(inner)
        if answer.size == 0:
            self.model_view.clear()
            self.model_label.setText(f"Model's answer (pass {frame.number}: no grid yet)")
            return
        self.model_view.set_grid(answer)
        same_shape = frame.changed.shape == answer.shape
        self.model_view.set_overlay(None, changed=frame.changed if same_shape else None)
        h, w = answer.shape
        self.model_label.setText(f"Model's answer {h}×{w} (pass {frame.number})")

    def _clear_answer(self) -> None:
        self.model_view.clear()
        self.model_label.setText("Model's answer: none yet")

    def describe(self, run: Run, result: SolveResult) -> tuple[str, str]:
        text, level = super().describe(run, result)
        if result.attempts:
            text += " " + self.attempts_text(result)
        answer = np.asarray(result.answer) if result.answer is not None else None
        if answer is not None and answer.shape == self.state.shape and np.array_equal(answer, self.state.grid):
            text += " It matches your answer."
        return text, level

    def attempts_text(self, result: SolveResult) -> str:
        """Both attempts with their votes, and whether each is right when the task knows."""
        known = None
        if self.task is not None:
            known = self.task.test[self.test_index].output
        parts = []
        for k, attempt in enumerate(result.attempts[:2], start=1):
            grid = np.asarray(attempt.answer)
            shape = f"{grid.shape[0]}×{grid.shape[1]}" if grid.ndim == 2 and grid.size else "no grid"
            verdict = ""
            if known is not None:
                verdict = ", right" if grid.shape == known.shape and np.array_equal(grid, known) else ", wrong"
            parts.append(f"attempt {k}: {shape}, {attempt.votes} of {result.views} views{verdict}")
        return "Attempts (" + "; ".join(parts) + ")."
