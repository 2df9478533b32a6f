"""SudokuPanel: the Sudoku tab: the board, typing givens or entries, new puzzles, solving."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from gui.background import BackgroundTask
from gui.commands import push_edit
from gui.kinds.sudoku.board_view import SudokuBoardView
from gui.kinds.sudoku.clock import SolvingClock
from gui.kinds.sudoku.legend import sudoku_legend
from gui.kinds.sudoku.state import SudokuBoardState, cell_label, uniqueness_note
from gui.pass_frame import PassFrame
from gui.puzzle_list import PuzzleList
from gui.puzzle_panel import Command, PanelContext, PuzzlePanel
from gui.result_text import ERROR, INFO, WARNING
from gui.views.legend import LegendEntry
from solver.kinds import Kind, Record
from solver.kinds.sudoku import Sudoku, format_sudoku
from solver.kinds.sudoku.generator import GeneratedSudoku, generate
from solver.kinds.sudoku.grading import Grade
from solver.kinds.sudoku.search import solve_unique

GRADE_LABELS = {Grade.SINGLES: "Easy", Grade.DEDUCTION: "Medium", Grade.SEARCH: "Hard", Grade.EXTREME: "Hardest"}


class SudokuPanel(PuzzlePanel):
    """Owns the Sudoku being edited, its undo stack and its runs."""

    draws_beliefs = True  # every frame carries each cell's top candidates (drawn when show_beliefs)
    sample_labels = {"easy": "Easy (singles)", "medium": "Medium (deductions)", "hard": "Hard (needs search)"}  # noqa: RUF012

    def __init__(self, kind: Kind, context: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(kind, context, parent)
        self.state = SudokuBoardState.empty()
        self.entering_givens = True  # typed digits become givens (a puzzle is being entered)
        self.pencil_mode = False  # typed digits toggle pencil marks
        self.show_beliefs = False  # the model's pass shows its top candidates per blank, not one digit
        self.wrong = np.zeros(81, bool)  # the person's entries Check found wrong (red until the next edit)
        self.clock = SolvingClock()  # the person's solving time: runs from a loaded puzzle
        self.clock.reset(running=False)
        self.clock_tick = QTimer(self)
        self.clock_tick.setInterval(1000)
        self.clock_tick.timeout.connect(self._refresh_info)

        self.board = SudokuBoardView()
        self.generator = BackgroundTask(self)
        self.info_label = QLabel()
        self.prev_button = QToolButton(text="◀")
        self.prev_button.setToolTip("Previous puzzle in the file (Page Up)")
        self.next_button = QToolButton(text="▶")
        self.next_button.setToolTip("Next puzzle in the file (Page Down)")
        self.list_label = QLabel()

        top = QHBoxLayout()
        top.addWidget(self.prev_button)
        top.addWidget(self.list_label)
        top.addWidget(self.next_button)
        top.addWidget(self.info_label, 1)
        self._lay_out(top, self.board)

        self.board.digitEntered.connect(self.enter_digit)
        self.board.pencilToggled.connect(self.toggle_pencil)
        self.prev_button.clicked.connect(lambda: self.step_list(-1))
        self.next_button.clicked.connect(lambda: self.step_list(1))
        self.generator.done.connect(self._generated)
        self.generator.failed.connect(lambda m: self.show_message(f"Could not generate a puzzle: {m}", ERROR))
        self.generator.runningChanged.connect(lambda busy: self.statusChanged.emit())
        self._refresh()
        self._update_buttons()

    def commands(self) -> list[Command]:
        # Ctrl+Alt+digit: Ctrl+digit is the board's pencil mark (as in GNOME Sudoku and HoDoKu).
        made = [Command("Puzzle", label, lambda g=grade: self.generate_puzzle(g), f"Ctrl+Alt+{n}",
                        submenu="New &Sudoku")
                for n, (grade, label) in enumerate(GRADE_LABELS.items(), start=1)]
        made.append(Command("Edit", "Enter &givens", lambda: self.set_entering_givens(not self.entering_givens),
                            "Ctrl+E", "Typed digits become the puzzle's givens", checked=lambda: self.entering_givens))
        made.append(Command("Edit", "&Pencil marks", lambda: self.set_pencil_mode(not self.pencil_mode), "Ctrl+P",
                            "Typed digits toggle candidates in the cell (Ctrl+digit does in either mode)",
                            checked=lambda: self.pencil_mode))
        made.append(Command("Timeline", "Model's &beliefs as pencil marks", lambda: self.set_show_beliefs(not self.show_beliefs),
                            "Ctrl+B", "Each blank of the pass on show lists the model's likeliest digits, larger and "
                            "darker the surer it is", checked=lambda: self.show_beliefs))
        made.append(Command("Puzzle", "Pause &timer", self.toggle_pause, "Ctrl+Shift+P",
                            "Stop or restart your solving time (it pauses by itself when the window loses focus)",
                            checked=lambda: self.clock.paused_by_person))
        made.append(Command("Puzzle", "&Hint", self.give_hint, "Ctrl+H",
                            "Fill the blank the model is surest of, once the exact solver confirms it"))
        made.append(Command("Puzzle", "Chec&k my entries", self.check_entries, "Ctrl+Shift+C",
                            "Mark your digits that differ from the exact solution"))
        return made

    def legend_entries(self) -> list[LegendEntry]:
        return sudoku_legend(self.palette())

    def help_text(self) -> str:
        return ("<p>The rule checker accepts an answer that keeps every given and has each digit once in "
                "every row, column and 3×3 box. Click a cell or move with the arrow keys; 1–9 write a digit, "
                "0, Space, Delete or Backspace clear it. With Edit ▸ Enter givens on, typed digits become the "
                "puzzle; off, they are your own entries, which the model ignores. Ctrl+digit (or a digit with "
                "Edit ▸ Pencil marks on) toggles a small candidate in an empty cell; placing a digit removes "
                "it from the marks of its row, column and box.</p>")

    def hint_text(self) -> str:
        if self.state.puzzle().n_givens:
            return ""
        return ("<b>Getting started:</b> type a puzzle's givens on the board (Enter givens is on), paste one "
                "(Ctrl+V), pick File ▸ Sample puzzles, or make a new one with Ctrl+Alt+1 (easy) to Ctrl+Alt+4 (hardest). "
                "Then press <b>Solve</b> (F5) and watch the model work pass by pass. Help ▸ How it works (F1) "
                "explains what you see.")

    def focus_board(self) -> None:
        self.board.setFocus()

    def shutdown(self) -> None:
        super().shutdown()
        self.generator.wait()

    # -- editing -------------------------------------------------------------------------------

    @Slot(int, int)
    def enter_digit(self, cell: int, digit: int) -> None:
        """Write (or clear) a digit in a cell as one undoable edit."""
        if not self.entering_givens and self.state.is_given(cell):
            self.show_message("That cell is a given; use Edit ▸ Enter givens to change the puzzle.", INFO)
            return
        if digit and self.pencil_mode:
            self.toggle_pencil(cell, digit)
            return
        if digit == 0 and not self.state.values()[cell] and self.state.pencil[cell]:
            self._pencil_edit(self.state.with_pencil(cell, 0), f"Clear marks in {cell_label(cell)}")
            return
        after = self.state.with_digit(cell, digit, as_given=self.entering_givens)
        what = f"Clear {cell_label(cell)}" if digit == 0 else f"{digit} in {cell_label(cell)}"
        self._edit(after, what)

    @Slot(int, int)
    def toggle_pencil(self, cell: int, digit: int) -> None:
        """Pencil candidate `digit` into an empty cell, or take it out (one undoable edit)."""
        if self.state.values()[cell]:
            self.show_message(f"{cell_label(cell)} holds a digit; pencil marks go in empty cells.", INFO)
            return
        had = digit in self.state.marks(cell)
        self._pencil_edit(self.state.with_pencil(cell, digit),
                          f"{'Unmark' if had else 'Mark'} {digit} in {cell_label(cell)}")

    def _pencil_edit(self, after: object, text: str) -> None:
        # Marks are the person's notes, not the puzzle: undoable, but the run stays.
        push_edit(self.undo_stack, self.state, after, text, self._refresh)
        self._refresh()

    def set_pencil_mode(self, on: bool) -> None:
        """Typed digits toggle pencil marks (on) or write digits (off)."""
        self.pencil_mode = on
        self._refresh()

    def _refresh(self) -> None:
        # A given is red only when the givens clash; a typed digit that clashes is red alone.
        self.board.show_board(self.state.givens, self.state.entries,
                              self.state.given_conflicts() | self.state.entry_conflicts() | self.wrong,
                              self.state.pencil)
        many = len(self.records) > 1
        for w in (self.prev_button, self.next_button, self.list_label):
            w.setVisible(many)
        if many:
            self.list_label.setText(self.records.label())
            self.prev_button.setEnabled(self.records.index > 0)
            self.next_button.setEnabled(self.records.index < len(self.records) - 1)
        self._refresh_info()

    def _refresh_info(self) -> None:
        mode = "entering givens" if self.entering_givens else "solving"
        if self.pencil_mode:
            mode += " · pencil marks"
        timer = f" · time {self.clock.text()}" if not self.entering_givens and self.state.puzzle().n_givens else ""
        title = self.title_text()
        self.info_label.setText(f"{self.state.puzzle().n_givens} givens · {mode}{timer}" + (f" · {title}" if title else ""))
        self.statusChanged.emit()

    # -- the solving timer ---------------------------------------------------------------------

    def toggle_pause(self) -> None:
        """The person's Pause: the clock stops until they press it again."""
        if self.clock.paused_by_person:
            self.clock.paused_by_person = False
            if self.isActiveWindow():
                self.clock.resume()
        else:
            self.clock.paused_by_person = True
            self.clock.pause()
        self._refresh_info()

    def changeEvent(self, event: QEvent) -> None:
        # Time away from the window is no solving time; back, it runs on unless Pause stopped it.
        if event.type() == QEvent.Type.ActivationChange and hasattr(self, "clock"):
            if not self.isActiveWindow():
                self.clock.pause()
            elif not self.clock.paused_by_person and self.clock_tick.isActive():
                self.clock.resume()
            self._refresh_info()
        super().changeEvent(event)

    def set_entering_givens(self, on: bool) -> None:
        """Typed digits become givens (on) or the person's entries (off)."""
        self.entering_givens = on
        self._refresh()

    def new_board(self) -> None:
        self.clear_board()

    def clear_board(self) -> None:
        """An empty board for entering a new puzzle (undoable)."""
        self.records = PuzzleList()
        self.entering_givens = True
        self._edit(SudokuBoardState.empty().snapshot(), "Clear board", source="")
        self._refresh()

    def set_puzzle(self, puzzle: Sudoku, source: str = "") -> None:
        """Put a puzzle on the board as a new puzzle (undoable); typed digits become entries."""
        self.entering_givens = False
        self._edit(SudokuBoardState.from_puzzle(puzzle).snapshot(), "Load puzzle", source=source or puzzle.source)
        self._start_clock()  # a new puzzle to solve: the person's time starts at zero
        self._refresh()

    def load_record(self, record: Record, source: str) -> None:
        self.set_puzzle(record.puzzle, source)

    def _start_clock(self) -> None:
        self.clock.reset(running=self.isActiveWindow())
        self.clock_tick.start()

    def current_puzzle(self) -> Sudoku:
        return self.state.puzzle()

    def copy_text(self) -> str:
        """The board as one 81-character line ('.' for blanks)."""
        return format_sudoku(self.state.values(), "line")

    # -- work that survives a restart ----------------------------------------------------------

    def unsaved_work(self) -> bool:
        # Digits the person typed are in no file: they would be lost too.
        return super().unsaved_work() or bool(self.state.entries[self.state.givens == 0].any())

    def session_state(self) -> dict[str, str]:
        if self.state.is_empty() and not self.state.pencil.any():
            return {}
        return {
            "givens": "".join(str(int(d)) for d in self.state.givens),
            "entries": "".join(str(int(d)) for d in self.state.entries),
            "pencil": ",".join(str(int(b)) for b in self.state.pencil),
            "source": self.source,
            "edited": "1" if self.edited else "0",
            "entering_givens": "1" if self.entering_givens else "0",
        }

    def restore_session(self, state: dict[str, str]) -> bool:
        try:
            givens = np.array([int(c) for c in state["givens"]], np.int8)
            entries = np.array([int(c) for c in state["entries"]], np.int8)
            pencil = np.array([int(b) for b in state["pencil"].split(",")], np.uint16)
            if not givens.size == entries.size == pencil.size == 81:
                raise ValueError("not 81 cells")
        except (KeyError, ValueError) as err:
            logging.getLogger(__name__).warning("the last session's Sudoku does not read (%s); starting empty", err)
            return False
        self._edit((givens.tobytes(), entries.tobytes(), pencil.tobytes()), "Reopen last puzzle",
                   source=state.get("source", ""))
        self.undo_stack.clear()  # the reopened work is where this session starts
        self.edited = state.get("edited") == "1"
        self.entering_givens = state.get("entering_givens") == "1"
        if not self.entering_givens:
            self._start_clock()
        self.titleChanged.emit(self.title_text())
        self._refresh()
        return True

    # -- hint and check ------------------------------------------------------------------------

    def _solution(self) -> np.ndarray | None:
        """The exact solver's solution of the givens, or None (with a message) when there is none
        or more than one."""
        if not self.state.puzzle().n_givens:
            self.show_message("The board is empty: type or paste a puzzle first.", INFO)
            return None
        solution = solve_unique(self.state.givens)
        if solution is None:
            self.show_message("The exact solver finds no single solution to these givens.", WARNING)
        return solution

    def give_hint(self) -> bool:
        """Fill the blank the model is surest of whose digit the exact solver confirms, as an entry."""
        run = self.run
        frames = [] if run is None else run.frames
        if not frames:
            self.show_message("A hint comes from the model's passes: press Solve (F5) first.", INFO)
            return False
        solution = self._solution()
        if solution is None:
            return False
        end = run.result_frame() if run is not None else None
        frame = frames[end if end is not None else -1]
        blank = self.state.values() == 0
        right = blank & (frame.answer == solution)  # the model's digit and the exact solver agree
        if not right.any():
            self.show_message("The model has no digit for any blank that the exact solver confirms.", INFO)
            return False
        cell = int(np.flatnonzero(right)[np.argmax(frame.confidence.reshape(-1)[right])])
        sure = float(frame.confidence.reshape(-1)[cell])
        digit = int(solution[cell])
        self.entering_givens = False
        self._edit(self.state.with_digit(cell, digit, as_given=False), f"Hint: {digit} in {cell_label(cell)}")
        self._refresh()
        self.board.select(cell)
        self.show_message(f"{cell_label(cell)} = {digit}: the model was {sure:.0%} sure.", INFO)
        return True

    def check_entries(self) -> int:
        """Mark the person's entries that differ from the exact solution in red; how many."""
        solution = self._solution()
        if solution is None:
            return -1
        mine = (self.state.givens == 0) & (self.state.entries > 0)
        self.wrong = mine & (self.state.entries != solution)
        self._refresh()
        wrong, total = int(self.wrong.sum()), int(mine.sum())
        if not total:
            self.show_message("You have entered no digits to check.", INFO)
        elif wrong:
            self.show_message(f"{wrong} of your {total} entries are wrong (marked red).", WARNING)
        else:
            self.show_message(f"All {total} of your entries are right.", INFO)
        return wrong

    def _puzzle_edited(self) -> None:
        self.wrong = np.zeros(81, bool)  # a check is of the entries it saw
        super()._puzzle_edited()

    # -- new puzzles ---------------------------------------------------------------------------

    def generate_puzzle(self, grade: Grade, seed: int | None = None) -> bool:
        """Generate a puzzle of `grade` on a worker thread (hard ones take up to a second)."""
        rng = np.random.default_rng(seed)
        started = self.generator.start(lambda: generate(rng, grade))
        if started:
            wait = " (the hardest take several seconds)" if grade == Grade.EXTREME else ""
            self.show_message(f"Generating a {GRADE_LABELS[grade].lower()} puzzle…{wait}", INFO)
        return started

    @Slot(object)
    def _generated(self, made: GeneratedSudoku) -> None:
        self.records = PuzzleList()
        label = GRADE_LABELS.get(made.grade, made.grade.name)
        self.set_puzzle(Sudoku(made.puzzle, answer=made.solution), f"new {label.lower()} puzzle")
        self.banner.clear()

    # -- solving -------------------------------------------------------------------------------

    def solvable_puzzle(self) -> Sudoku | None:
        """The givens, unless the board is empty or the givens themselves break the rules. Digits
        the person typed are not the puzzle: a clash of theirs is said as theirs, and the model
        solves the givens."""
        puzzle = self.state.puzzle()
        if puzzle.n_givens == 0:
            self.show_message("The board is empty: type or paste a puzzle first.", INFO)
            return None
        if self.state.given_conflicts().any():
            self.show_message("The givens break the rules (marked in red); fix them before solving.", ERROR)
            return None
        clashes = self.state.entry_conflicts()
        if clashes.any():
            cells = ", ".join(cell_label(int(c)) for c in np.flatnonzero(clashes))
            self.show_message(f"Your digit in {cells} clashes with the puzzle (marked in red); the model solves "
                              "the givens alone.", WARNING)
        return puzzle

    def precheck(self) -> Callable[[Any], str] | None:
        return uniqueness_note

    def set_show_beliefs(self, on: bool) -> None:
        """The pass on show draws each blank's top candidates (on) or the model's one digit (off)."""
        self.show_beliefs = on
        self.redraw_frame()

    def _draw(self, frame: PassFrame, inner: int | None) -> None:
        # The beliefs are the pass's own distribution: an inner step's answer has none.
        beliefs = self.show_beliefs and inner is None
        self.board.show_answer(frame.answer_at(inner), frame.confidence, frame.changed, frame.violations_at(inner),
                               frame.beliefs if beliefs else None, frame.belief_probs if beliefs else None)

    def _clear_answer(self) -> None:
        self.board.show_answer(None)
