"""SudokuPanel: the Sudoku tab: board, puzzle list, solving with a pass timeline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from gui.background import BackgroundTask
from gui.commands import push_edit
from gui.pass_frame import PassFrame
from gui.puzzle_list import PuzzleList
from gui.puzzle_panel import PuzzlePanel
from gui.result_text import ERROR, INFO, LEVEL_STYLE, SUCCESS, WARNING, describe_result
from gui.solve_job import ModelHandle, SolveOptions, SolveRequest
from gui.sudoku_files import load_sudoku_file, read_sudokus, sudoku_file_text
from gui.sudoku_state import SudokuBoardState
from gui.views.sudoku_board_view import SudokuBoardView
from solver.kinds.sudoku import Sudoku, format_sudoku
from solver.kinds.sudoku.generator import GeneratedSudoku, generate
from solver.kinds.sudoku.grading import Grade
from solver.kinds.sudoku.search import count_solutions
from solver.result import SolveResult

GRADE_LABELS = {Grade.SINGLES: "Easy", Grade.DEDUCTION: "Medium", Grade.SEARCH: "Hard"}


def uniqueness_note(givens: np.ndarray) -> str:
    """What the exact solver says about an entered puzzle ('' when it has one solution)."""
    count = count_solutions(givens, limit=2)
    if count == 0:
        return "The exact solver finds no solution to this puzzle; the model will try anyway."
    if count > 1:
        return "This puzzle has more than one solution; the model will try anyway."
    return ""


class SudokuPanel(PuzzlePanel):
    """Owns the Sudoku being edited, its undo stack and its solves."""

    kind = "sudoku"

    def __init__(
        self,
        load_model: Callable[[], Callable[[], ModelHandle]],
        solve_options: Callable[[], SolveOptions],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(load_model, solve_options, parent)
        self.state = SudokuBoardState.empty()
        self.puzzles: PuzzleList[Sudoku] = PuzzleList()
        self.entering_givens = True  # typed digits become givens (a puzzle is being entered)
        self.source = ""
        self._answer_visible = False

        self.board = SudokuBoardView()
        self.generator = BackgroundTask(self)
        self.result_label.setAccessibleName("Solve result")
        self.info_label = QLabel()
        self.prev_button = QToolButton(text="◀")
        self.prev_button.setToolTip("Previous puzzle in the file (Page Up)")
        self.next_button = QToolButton(text="▶")
        self.next_button.setToolTip("Next puzzle in the file (Page Down)")
        self.list_label = QLabel()
        self.solve_button.setToolTip("Run the model pass by pass (F5)")
        self.cancel_button.setToolTip("Stop the model now (Esc)")
        self.keep_button.setToolTip("Run more passes past the model's halt")

        top = QHBoxLayout()
        top.addWidget(self.prev_button)
        top.addWidget(self.list_label)
        top.addWidget(self.next_button)
        top.addWidget(self.info_label, 1)
        self._lay_out(top, self.board)

        self.board.digitEntered.connect(self.enter_digit)
        self.prev_button.clicked.connect(lambda: self.step_list(-1))
        self.next_button.clicked.connect(lambda: self.step_list(1))
        self.generator.done.connect(self._generated)
        self.generator.failed.connect(lambda m: self.show_message(f"Could not generate a puzzle: {m}", ERROR))
        self.generator.runningChanged.connect(lambda busy: self.statusChanged.emit())
        self._refresh()
        self._running_changed(False)

    # -- editing -------------------------------------------------------------------------------

    @Slot(int, int)
    def enter_digit(self, cell: int, digit: int) -> None:
        """Write (or clear) a digit in a cell as one undoable edit."""
        if not self.entering_givens and self.state.is_given(cell):
            self.show_message("That cell is a given; use Edit ▸ Enter givens to change the puzzle.", INFO)
            return
        after = self.state.with_digit(cell, digit, as_given=self.entering_givens)
        what = f"Clear {cell_label(cell)}" if digit == 0 else f"{digit} in {cell_label(cell)}"
        self._edit(after, what)

    def _edit(self, after: object, text: str) -> None:
        if push_edit(self.undo_stack, self.state, after, text, self._refresh):
            self._board_changed()

    def _board_changed(self) -> None:
        """An edit makes the model's answer stale: stop it, hide it, forget its run."""
        self.puzzle_changed()
        self._answer_visible = False
        self._refresh()

    def _refresh(self) -> None:
        self.board.show_board(self.state.givens, self.state.entries, self.state.conflicts())
        if not self._answer_visible:
            self.board.show_answer(None)
        many = len(self.puzzles) > 1
        for w in (self.prev_button, self.next_button, self.list_label):
            w.setVisible(many)
        if many:
            self.list_label.setText(self.puzzles.label())
            self.prev_button.setEnabled(self.puzzles.index > 0)
            self.next_button.setEnabled(self.puzzles.index < len(self.puzzles) - 1)
        mode = "entering givens" if self.entering_givens else "solving"
        self.info_label.setText(f"{self.state.puzzle().n_givens} givens · {mode}" + (f" · {self.source}" if self.source else ""))
        self.statusChanged.emit()

    def set_entering_givens(self, on: bool) -> None:
        """Typed digits become givens (on) or the person's entries (off)."""
        self.entering_givens = on
        self._refresh()

    def clear_board(self) -> None:
        """An empty board for entering a new puzzle (undoable)."""
        self.puzzles = PuzzleList()
        self.source = ""
        self.entering_givens = True
        self._edit(SudokuBoardState.empty().snapshot(), "Clear board")
        self._refresh()

    def set_puzzle(self, puzzle: Sudoku, source: str = "") -> None:
        """Put a puzzle on the board (undoable); typed digits become entries."""
        self.entering_givens = False
        self.source = source or puzzle.source
        self._edit(SudokuBoardState.from_puzzle(puzzle).snapshot(), "Load puzzle")
        self.timeline.reset(0.5, 16)
        self._answer_visible = False
        self._refresh()

    def set_puzzles(self, puzzles: list[Sudoku], name: str) -> None:
        """A list of puzzles to step through; the first goes on the board."""
        self.puzzles = PuzzleList(puzzles, 0, name)
        self.set_puzzle(puzzles[0], self._list_source())

    def step_list(self, delta: int) -> None:
        """The previous or next puzzle of the file."""
        if self.puzzles.step(delta):
            self.set_puzzle(self.puzzles.current, self._list_source())

    def _list_source(self) -> str:
        current = self.puzzles.current
        where = current.source or f"#{self.puzzles.index + 1}"
        return f"{self.puzzles.name} {where}".strip()

    # -- clipboard and files -------------------------------------------------------------------

    def copy_text(self) -> str:
        """The board as one 81-character line ('.' for blanks)."""
        return format_sudoku(self.state.values(), "line")

    def paste_text(self, text: str) -> bool:
        """Any format the solver reads; a bad paste is a message and the board stays."""
        read = self._read(lambda: read_sudokus(text), "The pasted text is not a Sudoku")
        if read is None:
            return False
        self._take(*read, "clipboard")
        return True

    def open_file(self, path: str | Path) -> bool:
        """Open a .txt/.sdk/.sdm/.csv file; a bad file is a message and the board stays."""
        path = Path(path)
        read = self._read(lambda: load_sudoku_file(path), "Could not open the file")
        if read is None:
            return False
        self.file_path = path
        self._take(*read, path.name)
        self.titleChanged.emit(path.name)
        return True

    def _take(self, puzzles: list[Sudoku], problems: list[str], name: str) -> None:
        if len(puzzles) > 1:
            self.set_puzzles(puzzles, name)
        else:
            self.puzzles = PuzzleList()
            self.set_puzzle(puzzles[0], name)
        if problems:
            self.show_message(
                f"{len(problems)} record(s) skipped; first problem: {problems[0]}", WARNING
            )
        else:
            self.banner.clear()

    def save_file(self, path: str | Path) -> bool:
        """Save the puzzle on the board (the whole list for .sdm/.csv when a file was opened)."""
        path = Path(path)
        current = self.state.puzzle()
        puzzles = [current]
        if len(self.puzzles) > 1 and path.suffix.lower() in (".sdm", ".csv"):
            puzzles = list(self.puzzles.items)
            puzzles[self.puzzles.index] = current
        try:
            path.write_text(sudoku_file_text(puzzles, path.suffix), encoding="utf-8")
        except OSError as err:
            self.show_message(f"Could not save {path.name}: {err}", ERROR)
            return False
        self.file_path = path
        self.undo_stack.setClean()
        self.titleChanged.emit(path.name)
        self.show_message(f"Saved {len(puzzles)} puzzle(s) to {path.name}.", SUCCESS)
        return True

    # -- new puzzles ---------------------------------------------------------------------------

    def generate_puzzle(self, grade: Grade, seed: int | None = None) -> bool:
        """Generate a puzzle of `grade` on a worker thread (hard ones take up to a second)."""
        rng = np.random.default_rng(seed)
        started = self.generator.start(lambda: generate(rng, grade))
        if started:
            self.show_message(f"Generating a {GRADE_LABELS[grade].lower()} puzzle…", INFO)
        return started

    @Slot(object)
    def _generated(self, made: GeneratedSudoku) -> None:
        self.puzzles = PuzzleList()
        label = GRADE_LABELS.get(made.grade, made.grade.name)
        self.set_puzzle(Sudoku(made.puzzle, answer=made.solution), f"new {label.lower()} puzzle")
        self.banner.clear()

    # -- solving -------------------------------------------------------------------------------

    def _solve_request(self) -> SolveRequest | None:
        """Check the puzzle with the exact solver (on the worker thread, before the model runs)."""
        puzzle = self.state.puzzle()
        if puzzle.n_givens == 0:
            self.show_message("The board is empty: type or paste a puzzle first.", INFO)
            return None
        conflicts = self.state.conflicts() & (self.state.givens > 0)
        if conflicts.any():
            self.show_message("The givens break the rules (marked in red); fix them before solving.", ERROR)
            return None
        givens = puzzle.givens.copy()
        request = self._request_for(puzzle, precheck=lambda: uniqueness_note(givens))
        self._answer_visible = True
        return request

    def _thinking_further(self) -> None:
        self._answer_visible = True
        self.result_label.setText("Thinking further…")

    def _draw_frame(self, frame: PassFrame, inner: int) -> bool:
        self._answer_visible = True
        answer = frame.answer_at(inner)
        self.board.show_answer(answer, frame.confidence, frame.changed, frame.violations)
        return True

    @Slot(object)
    def _show_result(self, result: SolveResult) -> None:
        text, level = describe_result(result)
        self.result_label.setText(text)
        self.result_label.setStyleSheet(LEVEL_STYLE[level])
        if result.answer is not None:
            voted = np.asarray(result.answer).reshape(-1)
            bad = self._differs_from_drawn(voted, result)
            if bad is not None:
                self.board.show_answer(voted, None, None, bad)
                if not result.retried:
                    self.result_label.setText(text + f" (voted over {result.views} views)")
        self.statusChanged.emit()

    @Slot(str)
    def _solve_failed(self, message: str) -> None:
        self.result_label.clear()
        super()._solve_failed(message)

    @Slot()
    def _cancelled(self) -> None:
        self.result_label.setStyleSheet("")
        super()._cancelled()

    @Slot(bool)
    def _running_changed(self, running: bool) -> None:
        if running:
            self.result_label.setStyleSheet("")
        super()._running_changed(running)


def cell_label(cell: int) -> str:
    """r3c7-style name for undo texts."""
    return f"r{cell // 9 + 1}c{cell % 9 + 1}"
