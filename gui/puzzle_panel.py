"""PuzzlePanel: what every tab shares: documents through its kind, messages, undo, and the run
of the puzzle on show (solve, cancel, keep thinking, the timeline over every pass).

A tab's puzzle has a revision: every change of puzzle (new, generated, pasted, opened, next in a
list, edited, undone) bumps it and forgets the run, so the timeline, the chart, the result line,
Keep thinking and the status bar all start empty for the new puzzle. A run remembers the revision
it was made for; nothing of a run is shown unless it belongs to the puzzle on show.

Subclasses put a puzzle on their board (`load_record`), say what the puzzle on show is
(`solvable_puzzle`), and draw a frame (`_draw`, `_clear_answer`).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.colours import CHANGED, CONFLICT
from gui.commands import push_edit
from gui.documents import read_puzzle_file
from gui.models import ModelCache, ModelChoice, read_card
from gui.pass_frame import KEEP_THINKING, OTHER_VIEWS, PassFrame
from gui.puzzle_list import PuzzleList
from gui.result_text import ERROR, INFO, LEVEL_STYLE, SUCCESS, WARNING, describe_result
from gui.run import Run, RunState
from gui.runner import KEEP_THINKING_PASSES, Runner
from gui.settings import AppSettings
from gui.solve_job import SolveOptions, SolveRequest
from gui.views.legend import Legend, LegendEntry, Swatch
from gui.views.message_banner import MessageBanner
from gui.views.pass_timeline import PassTimeline
from solver.kinds import Kind, Record
from solver.result import SolveResult

T = TypeVar("T")


@dataclass(frozen=True)
class Command:
    """A menu entry a tab offers (the window adds it; triggering it shows the tab first)."""

    menu: str  # "Puzzle", "Edit" or "Timeline"
    text: str
    run: Callable[[], object]
    shortcut: str = ""
    tip: str = ""
    submenu: str = ""  # "New Sudoku": grouped under this submenu
    checked: Callable[[], bool] | None = None  # a check box: its state (enabled on its tab only)


@dataclass(frozen=True)
class PanelContext:
    """What a tab needs from the window, and nothing more: the settings, which model file a
    kind uses, and the loaded models (shared by every tab, safe on worker threads)."""

    settings: Callable[[], AppSettings]
    model_choice: Callable[[str], ModelChoice]
    models: ModelCache


class PuzzlePanel(QWidget):
    """One puzzle tab for `kind`: a banner, a result line, Solve/Cancel/Keep thinking, a timeline."""

    titleChanged = Signal(str)
    statusChanged = Signal()
    max_tta: int | None = None  # caps the person's TTA views for this kind
    draws_beliefs = False  # the tab draws each cell's top candidates: its frames carry them
    sample_labels: dict[str, str] = {}  # noqa: RUF012 - sample file stem -> menu label, in menu order

    def __init__(self, kind: Kind, context: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.name = kind.name
        self.context = context
        self.undo_stack = QUndoStack(self)
        self.file_path: Path | None = None
        self.records: PuzzleList[Record] = PuzzleList()
        self.revision = 0  # bumped by every change of the puzzle on show
        self.source = ""  # where the puzzle on show came from ("easy.sdm line 3", "clipboard")
        self.edited = False  # changed since it came from `source`
        self.step_wrapper: Callable[[Any], Any] | None = None  # tests slow the model down with this
        self.seed: int | None = None  # for the symmetric views (None: fresh each solve)
        self._notes_shown = 0

        self.banner = MessageBanner()
        self.timeline = PassTimeline()
        self.legend = Legend(self.legend_entries())
        self.hint = QLabel()  # the first-run hint: what to do in an empty tab
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Getting started")
        self.hint.setStyleSheet("QLabel { border: 1px solid palette(mid); border-radius: 4px; padding: 6px; }")
        self.hint.hide()
        self.runner = Runner(self)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName("Solve result")
        self.model_note = QLabel()
        self.model_note.setWordWrap(True)
        self.model_note.hide()
        self.solve_button = QPushButton("Solve")
        self.solve_button.setToolTip("Run the model pass by pass (F5)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the model now (Esc)")
        self.keep_button = QPushButton("Keep thinking")

        self.solve_button.clicked.connect(self.solve)
        self.cancel_button.clicked.connect(self.cancel)
        self.keep_button.clicked.connect(self.keep_thinking)
        self.runner.changed.connect(self._run_changed)
        self.runner.ended.connect(self._run_ended)
        self.runner.runningChanged.connect(lambda running: self._update_buttons())
        self.timeline.positionChanged.connect(self._show_position)
        self.timeline.set_empty_axes(*self._axes())

    def _lay_out(self, top: QHBoxLayout, board: QWidget) -> None:
        """Top to bottom: banner, `top`, the board, the result line, the solve buttons, the timeline."""
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.hint)
        layout.addLayout(top)
        layout.addWidget(board, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.result_label)
        layout.addWidget(self.model_note)
        layout.addLayout(self.solve_buttons())
        layout.addWidget(self.timeline)

    def solve_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        for button in (self.solve_button, self.cancel_button, self.keep_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    # -- what the window asks ------------------------------------------------------------------

    @property
    def run(self) -> Run | None:
        """The run of the puzzle on show (None: not solved since it came)."""
        run = self.runner.run
        return run if run is not None and run.belongs_to(self.revision) else None

    def commands(self) -> list[Command]:
        """This tab's menu entries (New Sudoku, New maze, Enter givens ...)."""
        return []

    def legend_entries(self) -> list[LegendEntry]:
        """What each mark on this tab's board means (a kind's package says for its own board)."""
        return [
            LegendEntry(Swatch.CORNER, CHANGED, "changed since the last pass"),
            LegendEntry(Swatch.FRAME, CONFLICT, "breaks a rule"),
        ]

    def help_text(self) -> str:
        """This tab's paragraph of Help ▸ How it works (html): its rules and its board's keys."""
        return ""

    def hint_text(self) -> str:
        """What to do first, while the tab has no puzzle to solve ("" once it has one)."""
        return ""

    def _update_hint(self) -> None:
        text = self.hint_text()
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def showEvent(self, event: QShowEvent) -> None:
        self._update_hint()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # Light and dark boards paint in other colours: the legend follows the palette.
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "legend"):
            self.legend.set_entries(self.legend_entries())
        super().changeEvent(event)

    # -- work that survives a restart ----------------------------------------------------------

    def unsaved_work(self) -> bool:
        """True when quitting would lose something the person made: an edit since the puzzle came
        from its file, or a pasted puzzle never saved."""
        return self.edited or (self.source == "clipboard" and self.file_path is None)

    def session_state(self) -> dict[str, str]:
        """What reopens this tab's work on the next start ({}: nothing to keep)."""
        return {}

    def restore_session(self, state: dict[str, str]) -> bool:
        """Reopen work saved by `session_state`; False when there is none or it does not read."""
        return False

    def title_text(self) -> str:
        """What the window title names: where the puzzle came from, marked when edited since."""
        if not self.source:
            return ""
        return self.source + (" (edited)" if self.edited else "")

    def focus_board(self) -> None:
        """Give the keyboard to the board (the tab became current)."""
        self.setFocus()

    def settings_changed(self) -> None:
        """Preferences changed: which model runs, and so whether Solve can."""
        self._update_buttons()
        self.timeline.set_empty_axes(*self._axes())

    def _axes(self) -> tuple[float, int]:
        """The halting threshold and the pass cap the next solve will use (the person's, else the
        model card's; 0.5 and 16 when no model is there to say)."""
        s = self.context.settings()
        threshold, cap = s.halt_threshold or 0.5, s.max_passes or 16
        path = self.model_choice().path
        if path is not None and not (s.halt_threshold and s.max_passes):
            try:
                card = read_card(path)
            except ValueError:
                return threshold, cap
            threshold, cap = s.halt_threshold or card.halt_threshold, s.max_passes or card.max_passes
        return threshold, cap

    def shutdown(self) -> None:
        """The window closes: stop every thread of this tab."""
        self.runner.shutdown()

    def new_board(self) -> None:
        """An empty board to enter a puzzle on (tabs that can edit puzzles override this)."""
        self.show_message(f"This tab cannot enter {self.kind.title} puzzles by hand; open or paste one.", INFO)

    # -- messages ------------------------------------------------------------------------------

    def show_message(self, text: str, level: str = INFO) -> None:
        """A non-modal message above the puzzle (tests read it from `banner`)."""
        logging.getLogger(type(self).__module__).info("%s: %s", level, text)
        self.banner.show_message(text, level)

    def _read(self, read: Callable[[], T], failure: str, errors: tuple[type[Exception], ...] = (ValueError,)) -> T | None:
        """`read()`, or None after an error message '<failure>: <why>' (the puzzle on show stays)."""
        try:
            return read()
        except errors as err:
            self.show_message(f"{failure}: {err}", ERROR)
            return None

    # -- the puzzle on show --------------------------------------------------------------------

    def puzzle_changed(self, source: str | None = None) -> None:
        """The puzzle on show is another one: a new revision, no run, nothing of the old one said.
        `source` names where a new puzzle came from; None means the one on show was edited."""
        self.revision += 1  # from here on the old run is no run of the puzzle on show ...
        self._describe()  # ... so the result line says nothing of it, not even for a moment
        self.runner.forget()
        self.timeline.show_run(None)
        self._clear_answer()
        if source is None:
            self.edited = True
        else:
            self.source, self.edited = source, False
        self._update_buttons()
        self._update_hint()
        self.statusChanged.emit()
        self.titleChanged.emit(self.title_text())

    def _set_source(self, source: str) -> None:
        """The puzzle on show came from `source` (a load that changed nothing renames it only)."""
        self.source, self.edited = source, False
        self.titleChanged.emit(self.title_text())

    def _edit(self, after: object, text: str, source: str | None = None) -> bool:
        """One undoable change of the puzzle's state (`self.state`); a new puzzle when `source`
        names where it came from. Undo and redo change the puzzle too."""
        pushed = push_edit(self.undo_stack, self.state, after, text, self._puzzle_edited)  # type: ignore[attr-defined]
        if source is not None:
            self._set_source(source)
        return pushed

    def _puzzle_edited(self) -> None:
        self.puzzle_changed()
        self._refresh()

    def _refresh(self) -> None:
        """Repaint the puzzle from the tab's state."""

    # -- documents -----------------------------------------------------------------------------

    def read_records(self, text: str, name: str) -> list[Record]:
        """Every puzzle of a document (the kind's reader)."""
        return self.kind.read(text, name)

    def _good_records(self, text: str, name: str) -> tuple[list[Record], list[str]]:
        records = self.read_records(text, name)
        good = [r for r in records if not r.error and r.puzzle is not None]
        problems = [r.problem for r in records if r.error]
        if not good:
            raise ValueError(problems[0] if problems else f"no {self.kind.title} puzzle found")
        return good, problems

    def open_file(self, path: str | Path) -> bool:
        """Open a document of this tab's kind; a bad file is a message and the puzzle stays."""
        path = Path(path)
        text = self._read(lambda: read_puzzle_file(path), f"Could not open {path.name}")
        return text is not None and self.open_text(text, path.name, path)

    def open_text(self, text: str, name: str, path: Path | None = None) -> bool:
        """The puzzles of a document's text (`name` says where from); the first goes on the board."""
        failure = f"Could not open {name}" if path is not None else f"The pasted text is not a {self.kind.title} puzzle"
        read = self._read(lambda: self._good_records(text, name), failure)
        if read is None:
            return False
        good, problems = read
        if path is not None:
            self.file_path = path
        self.records = PuzzleList(good, 0, name)
        self._show_record()
        if problems:
            self.show_message(f"{len(problems)} record(s) skipped; first problem: {problems[0]}", WARNING)
        else:
            self.banner.clear()
        return True

    def paste_text(self, text: str) -> bool:
        """A puzzle from the clipboard in any format the kind reads; a bad paste changes nothing."""
        return self.open_text(text, "clipboard")

    def step_list(self, delta: int) -> bool:
        """The previous or next puzzle of the document."""
        if self.records.step(delta):
            self._show_record()
            return True
        return False

    def _show_record(self) -> None:
        record = self.records.current
        many = len(self.records) > 1
        self.load_record(record, f"{self.records.name} {record.where}".strip() if many else self.records.name)
        self._refresh()

    def load_record(self, record: Record, source: str) -> None:
        """Put a document's puzzle on the board as a new puzzle."""
        raise NotImplementedError

    def current_puzzle(self) -> Any:
        """The puzzle on show as the solver takes it (ValueError when it cannot be one)."""
        raise NotImplementedError

    def copy_text(self) -> str:
        """The puzzle on show as text (the kind's first file format)."""
        return self.kind.write([self.current_puzzle()], self.kind.suffixes[0]).strip()

    def save_file(self, path: str | Path) -> bool:
        """Save the puzzle on show (the whole list, with it in its place, where the format holds many)."""
        path = Path(path)
        try:
            current = self.current_puzzle()
            puzzles = [current]
            if len(self.records) > 1:
                every = [r.puzzle for r in self.records.items]
                every[self.records.index] = current
                try:
                    text = self.kind.write(every, path.suffix)
                    puzzles = every
                except ValueError:
                    text = self.kind.write(puzzles, path.suffix)  # e.g. .sdk holds one
            else:
                text = self.kind.write(puzzles, path.suffix)
            path.write_text(text, encoding="utf-8")
        except (OSError, ValueError) as err:
            self.show_message(f"Could not save {path.name}: {err}", ERROR)
            return False
        self.file_path = path
        self.undo_stack.setClean()
        self._set_source(path.name)
        self.show_message(f"Saved {len(puzzles)} puzzle(s) to {path.name}.", SUCCESS)
        return True

    # -- solving -------------------------------------------------------------------------------

    def model_choice(self) -> ModelChoice:
        return self.context.model_choice(self.name)

    def no_model_text(self) -> str:
        title = self.kind.title
        return (f"No {title} model is installed, so Solve is off. To try one, choose a model file in "
                f"Preferences ▸ {title} model; it runs as the model you chose.")

    def solvable_puzzle(self) -> Any | None:
        """The puzzle on show if it can be solved, else None after a message saying why."""
        try:
            return self.current_puzzle()
        except ValueError as err:
            self.show_message(str(err), ERROR)
            return None

    def precheck(self) -> Callable[[Any], str] | None:
        """A pure function of the puzzle the worker runs first (a note for the person), or None."""
        return None

    def _options(self) -> SolveOptions:
        s = self.context.settings()
        tta = s.tta_k if self.max_tta is None else min(s.tta_k, self.max_tta)
        return SolveOptions(s.max_passes or None, s.halt_threshold or None, tta, s.retry_tta, s.explore, s.commit)

    def _request(self, puzzle: Any, choice_path: Path, origin: str, **more: Any) -> SolveRequest:
        return SolveRequest(
            puzzle=copy.deepcopy(puzzle), kind_name=self.name, model_path=choice_path, model_origin=origin,
            models=self.context.models, force_cpu=self.context.settings().force_cpu, options=self._options(),
            step_wrapper=self.step_wrapper, seed=self.seed, beliefs=self.draws_beliefs, **more,
        )

    def solve(self) -> bool:
        """Run the model on the puzzle on show on a worker thread."""
        if self.runner.running:
            return False
        choice = self.model_choice()
        if choice.path is None:
            self.show_message(self.no_model_text(), WARNING)
            return False
        self.banner.clear()
        puzzle = self.solvable_puzzle()
        if puzzle is None:
            return False
        run = Run(self.kind, puzzle, self.revision, self._axes()[1])
        request = self._request(run.puzzle, choice.path, choice.origin, precheck=self.precheck())
        self._notes_shown = 0
        self.runner.start(run, request)
        self.timeline.show_run(run)
        self._describe()
        self.statusChanged.emit()
        return True

    def cancel(self) -> None:
        """Stop the model now."""
        self.runner.cancel()

    def can_keep_thinking(self) -> bool:
        run = self.run
        return not self.runner.running and run is not None and run.state is RunState.DONE and run.carry is not None

    def keep_thinking(self) -> bool:
        """More passes of the puzzle on show, from where its run stopped."""
        run = self.run
        if not self.can_keep_thinking() or run is None or run.model is None or run.carry is None:
            return False
        request = self._request(run.puzzle, Path(run.model.path), run.model.origin,
                                carry=run.carry, more_passes=KEEP_THINKING_PASSES)
        if not self.runner.keep_thinking(request):
            return False
        self.timeline.refresh(follow=True)
        self._describe()
        return True

    # -- showing the run -----------------------------------------------------------------------

    @Slot(object)
    def _run_changed(self, run: Run) -> None:
        if run is not self.run:
            return
        for note in run.notes[self._notes_shown:]:
            self.show_message(note, WARNING)
        self._notes_shown = len(run.notes)
        self.timeline.refresh()
        self._describe()
        self.statusChanged.emit()

    @Slot(object)
    def _run_ended(self, run: Run) -> None:
        if run is not self.run:
            return
        if run.state is RunState.FAILED:
            self.show_message(f"The model could not run: {run.error}", ERROR)
        if run.state is RunState.DONE:
            self.timeline.refresh(target=run.result_frame())
        else:
            self.timeline.refresh()  # the chart's axis shrinks to the passes made
        self._describe()
        self._update_buttons()
        self.statusChanged.emit()

    @Slot(int, int)
    def _show_position(self, index: int, inner: int) -> None:
        run = self.run
        if run is None or not 0 <= index < len(run.frames):
            return
        self._draw(run.frames[index], None if inner < 0 else inner)
        self._describe()

    def redraw_frame(self) -> None:
        """Paint the frame on show again (a way of showing it changed)."""
        position = self.timeline.position_cursor.current
        if self.run is not None and position is not None:
            self._show_position(position[0], -1 if position[1] is None else position[1])

    def _draw(self, frame: PassFrame, inner: int | None) -> None:
        """Paint one frame (at inner step `inner`, None for the pass's end) on the board."""
        raise NotImplementedError

    def _clear_answer(self) -> None:
        """Hide the model's answer (the puzzle alone shows)."""

    def describe(self, run: Run, result: SolveResult) -> tuple[str, str]:
        """(sentence, level) for the result on show."""
        return describe_result(result, run.model.described if run.model is not None else "")

    def _describe(self) -> None:
        """The line under the board says what is on it, and nothing that belongs to another grid."""
        text, level = self._result_line()
        self.result_label.setText(text)
        self.result_label.setStyleSheet(LEVEL_STYLE[level])

    def _result_line(self) -> tuple[str, str]:
        run = self.run
        if run is None:
            return "", INFO
        if run.state is RunState.RUNNING:
            return self._progress(run), INFO
        if run.state is RunState.CANCELLED:
            return f"Cancelled after {run.passes()} pass(es).", INFO
        if run.state is RunState.FAILED or run.result is None:
            return "", INFO
        position = self.timeline.position_cursor.current
        if position is None or run.shows_result(*position):
            return self.describe(run, run.result)
        frame = run.frames[position[0]]
        step = "" if position[1] is None else f", inner step {position[1] + 1} of {len(frame.inner_answers)}"
        end = run.result_frame()
        where = f" ({run.frames[end].where})" if end is not None else ""
        return (f"Showing pass {frame.number} ({frame.where}{step}): {frame.reason_at(position[1])}. "
                f"The run's answer is pass {run.result.passes}{where}.", INFO)

    def _progress(self, run: Run) -> str:
        if run.stage == OTHER_VIEWS:
            done = max((f.own_number for f in run.frames if f.stage == OTHER_VIEWS), default=0)
            progress = f" (pass {done})" if done else ""
            return (f"Not verified after {run.stage_after} passes: trying {run.stage_views} other symmetric views "
                    f"of the puzzle (rotations, relabellings){progress}…")
        if run.stage == KEEP_THINKING:
            return f"Thinking further… pass {run.passes()}"
        return f"Solving… pass {run.passes()}" if run.frames else "Solving…"

    def _update_buttons(self) -> None:
        running = self.runner.running
        has_model = self.model_choice().path is not None
        self.solve_button.setEnabled(not running and has_model)
        self.solve_button.setToolTip("Run the model pass by pass (F5)" if has_model else self.no_model_text())
        self.model_note.setText("" if has_model else self.no_model_text())
        self.model_note.setVisible(not has_model)
        self.cancel_button.setEnabled(running)
        self.keep_button.setEnabled(self.can_keep_thinking())
        run = self.run
        if run is not None and run.state is RunState.DONE and run.carry is None:
            self.keep_button.setToolTip("The answer came from another view of the puzzle: there is no line "
                                        "of passes of the puzzle itself to continue")
        else:
            self.keep_button.setToolTip(f"Run {KEEP_THINKING_PASSES} more passes past the model's halt (Ctrl+K)")
        self.statusChanged.emit()
