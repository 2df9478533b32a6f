"""The Sudoku being edited: givens and the person's own entries, as plain numpy (no Qt); and the
exact solver's note on an entered puzzle, which the worker runs before the model."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solver.kinds.sudoku import CELLS, SIZE, Sudoku, conflicts
from solver.kinds.sudoku.search import count_solutions

# (givens, entries, pencil marks) as bytes: cheap to keep in undo history
SudokuSnapshot = tuple[bytes, bytes, bytes]


def _peers() -> np.ndarray:
    """(81, 81) bool: the cells sharing a row, column or box with each cell (not itself)."""
    rows, cols = np.divmod(np.arange(CELLS), SIZE)
    boxes = (rows // 3) * 3 + cols // 3
    same = (rows[:, None] == rows) | (cols[:, None] == cols) | (boxes[:, None] == boxes)
    return same & ~np.eye(CELLS, dtype=bool)


PEERS = _peers()


@dataclass
class SudokuBoardState:
    """Givens (the puzzle) and entries (what the person filled in), both (81,) int8, 0 = blank;
    and the person's pencil marks, (81,) uint16 with bit d set for candidate d (1-9)."""

    givens: np.ndarray
    entries: np.ndarray
    pencil: np.ndarray = field(default_factory=lambda: np.zeros(CELLS, np.uint16))

    @classmethod
    def empty(cls) -> SudokuBoardState:
        """A blank board."""
        return cls(np.zeros(CELLS, np.int8), np.zeros(CELLS, np.int8))

    @classmethod
    def from_puzzle(cls, puzzle: Sudoku) -> SudokuBoardState:
        """A board holding `puzzle`'s givens and no entries."""
        return cls(np.array(puzzle.givens, np.int8), np.zeros(CELLS, np.int8))

    def marks(self, cell: int) -> list[int]:
        """The candidates pencilled into `cell`, ascending."""
        bits = int(self.pencil[cell])
        return [d for d in range(1, 10) if bits >> d & 1]

    def with_pencil(self, cell: int, digit: int) -> SudokuSnapshot:
        """The snapshot after toggling candidate `digit` in `cell` (0 clears them all); a cell
        holding a digit takes no marks."""
        pencil = self.pencil.copy()
        if not self.values()[cell]:
            pencil[cell] = 0 if digit == 0 else pencil[cell] ^ np.uint16(1 << digit)
        return self.givens.tobytes(), self.entries.tobytes(), pencil.tobytes()

    def values(self) -> np.ndarray:
        """(81,) what the board shows: givens, and entries where there is no given."""
        return np.where(self.givens > 0, self.givens, self.entries).astype(np.int8)

    def is_given(self, cell: int) -> bool:
        """True when `cell` holds a digit of the puzzle itself."""
        return bool(self.givens[cell])

    def with_digit(self, cell: int, digit: int, as_given: bool) -> SudokuSnapshot:
        """The snapshot after writing `digit` (0 clears) into `cell` as a given or an entry."""
        givens, entries, pencil = self.givens.copy(), self.entries.copy(), self.pencil.copy()
        if as_given:
            givens[cell], entries[cell] = digit, 0
        elif not givens[cell]:
            entries[cell] = digit
        if digit and (givens[cell] or entries[cell]) == digit:
            # A placed digit is no candidate of its row, column or box any more, and its own
            # cell needs no marks (as in HoDoKu and GNOME Sudoku).
            pencil[cell] = 0
            pencil[PEERS[cell]] &= np.uint16(~(1 << digit) & 0xFFFF)
        return givens.tobytes(), entries.tobytes(), pencil.tobytes()

    def conflicts(self) -> np.ndarray:
        """(81,) bool: cells whose digit repeats in a row, column or box."""
        return conflicts(self.values())

    def given_conflicts(self) -> np.ndarray:
        """(81,) bool: givens that repeat among the givens (the puzzle itself breaks the rules)."""
        return conflicts(self.givens) & (self.givens > 0)

    def entry_conflicts(self) -> np.ndarray:
        """(81,) bool: the person's entries that repeat a given or another entry."""
        return self.conflicts() & (self.givens == 0) & (self.entries > 0)

    def puzzle(self) -> Sudoku:
        """The givens as a solver puzzle."""
        return Sudoku(self.givens.copy())

    def is_empty(self) -> bool:
        """True when nothing at all is on the board."""
        return not (self.givens.any() or self.entries.any())

    def snapshot(self) -> SudokuSnapshot:
        """An immutable copy for undo."""
        return self.givens.tobytes(), self.entries.tobytes(), self.pencil.tobytes()

    def restore(self, snapshot: SudokuSnapshot) -> None:
        """Go back to a snapshot taken earlier."""
        self.givens = np.frombuffer(snapshot[0], np.int8).copy()
        self.entries = np.frombuffer(snapshot[1], np.int8).copy()
        self.pencil = np.frombuffer(snapshot[2], np.uint16).copy()


def cell_label(cell: int) -> str:
    """r3c7-style name of a cell, for messages and undo texts."""
    return f"r{cell // SIZE + 1}c{cell % SIZE + 1}"


def uniqueness_note(puzzle: Sudoku) -> str:
    """What the exact solver says about an entered puzzle ('' when it has one solution)."""
    count = count_solutions(puzzle.givens, limit=2)
    if count == 0:
        return "The exact solver finds no solution to this puzzle; the model will try anyway."
    if count > 1:
        return "This puzzle has more than one solution; the model will try anyway."
    return ""
