"""The 9x9 Sudoku: the puzzle type, its units and peers, and an independent rule checker.

A grid is a flat `(81,)` integer array in row-major order, 0 for a blank, 1-9 for a digit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SIZE = 9
CELLS = 81
BLANK_CHARS = ".0"
SEPARATOR_CHARS = "|-+ \t_=*:"
FORMATS = ("line", "grid", "sdk", "sdm", "csv")
CSV_HEADER = ("source", "question", "answer", "rating")
# Other collections name the puzzle column differently (menneske.no exports use "puzzle").
QUESTION_COLUMNS = {"question", "puzzle", "quizzes"}
ANSWER_COLUMNS = {"answer", "solution", "solutions"}

ROWS = np.arange(CELLS) // SIZE  # (81,) row of each cell
COLS = np.arange(CELLS) % SIZE  # (81,) column of each cell
BOXES = (ROWS // 3) * 3 + COLS // 3  # (81,) box of each cell
# UNITS[u] lists the 9 cells of unit u: rows 0-8, columns 9-17, boxes 18-26.
UNITS = np.array(
    [np.flatnonzero(i == ROWS) for i in range(SIZE)]
    + [np.flatnonzero(i == COLS) for i in range(SIZE)]
    + [np.flatnonzero(i == BOXES) for i in range(SIZE)]
)
# PEERS[c] is the 20 other cells sharing a row, column or box with cell c.
PEERS = np.array(
    [
        np.flatnonzero(((ROWS[c] == ROWS) | (COLS[c] == COLS) | (BOXES[c] == BOXES)) & (np.arange(CELLS) != c))
        for c in range(CELLS)
    ]
)


def cell_name(cell: int) -> str:
    """Human name of a cell, 1-based: ``r3c7``."""
    return f"r{cell // SIZE + 1}c{cell % SIZE + 1}"


@dataclass(frozen=True, eq=False)
class Sudoku:
    """A 9x9 puzzle: its givens, and its answer when the source came with one."""

    givens: np.ndarray  # (81,) int8, 0 = blank
    answer: np.ndarray | None = None  # (81,) int8 solution from the file, if it had one
    source: str = ""  # where it came from: CSV source column, .sdk header, file line
    meta: dict[str, str] = field(default_factory=dict)  # .sdk headers, CSV rating, ...

    def __post_init__(self) -> None:
        object.__setattr__(self, "givens", _as_grid(self.givens, "givens"))
        if self.answer is not None:
            object.__setattr__(self, "answer", _as_grid(self.answer, "answer"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sudoku):
            return NotImplemented
        same_answer = (self.answer is None and other.answer is None) or (
            self.answer is not None
            and other.answer is not None
            and np.array_equal(self.answer, other.answer)
        )
        return bool(np.array_equal(self.givens, other.givens)) and same_answer

    __hash__ = None  # type: ignore[assignment]

    @property
    def n_givens(self) -> int:
        return int(np.count_nonzero(self.givens))


def _as_grid(values: object, what: str) -> np.ndarray:
    grid = np.asarray(values)
    if grid.shape == (SIZE, SIZE):
        grid = grid.reshape(CELLS)
    if grid.shape != (CELLS,):
        raise ValueError(f"{what}: expected 81 cells, got shape {grid.shape}")
    if not np.issubdtype(grid.dtype, np.integer):
        raise ValueError(f"{what}: cells must be integers, got {grid.dtype}")
    if grid.size and (grid.min() < 0 or grid.max() > 9):
        raise ValueError(f"{what}: cell values must be 0-9")
    grid = grid.astype(np.int8)
    grid.setflags(write=False)
    return grid


# ------------------------------------------------------------------------------------------------
# Rules


def conflicts(grid: np.ndarray) -> np.ndarray:
    """(81,) bool: cells whose digit repeats in their row, column or box."""
    grid = np.asarray(grid).reshape(CELLS)
    bad = np.zeros(CELLS, dtype=bool)
    for unit in UNITS:
        values = grid[unit]
        filled = values > 0
        counts = np.bincount(values[filled], minlength=10)
        bad[unit] |= filled & (counts[values] > 1)
    return bad


def is_solution(answer: np.ndarray, puzzle: Sudoku | np.ndarray) -> bool:
    """True when `answer` is a complete, rule-abiding grid that keeps every given of `puzzle`."""
    answer = np.asarray(answer).reshape(-1)
    givens = puzzle.givens if isinstance(puzzle, Sudoku) else np.asarray(puzzle).reshape(-1)
    if answer.shape != (CELLS,) or givens.shape != (CELLS,):
        return False
    if answer.min() < 1 or answer.max() > 9:
        return False
    kept = (givens == 0) | (givens == answer)
    if not kept.all():
        return False
    # Each unit must hold the nine digits exactly once.
    return bool((np.sort(answer[UNITS], axis=1) == np.arange(1, 10)).all())


def candidates(grid: np.ndarray) -> np.ndarray:
    """(81, 9) bool: digit d+1 is possible in each blank cell (filled cells have none)."""
    grid = np.asarray(grid).reshape(CELLS)
    possible = np.ones((CELLS, SIZE), dtype=bool)
    for cell in range(CELLS):
        if grid[cell]:
            possible[cell] = False
            continue
        seen = grid[PEERS[cell]]
        possible[cell, seen[seen > 0] - 1] = False
    return possible


def check_givens(grid: np.ndarray, where: str = "") -> None:
    """ValueError naming the cells if the givens already break the rules."""
    bad = np.flatnonzero(conflicts(grid))
    if bad.size:
        names = ", ".join(f"{cell_name(c)}={grid[c]}" for c in bad[:6])
        more = f" and {bad.size - 6} more" if bad.size > 6 else ""
        prefix = f"{where}: " if where else ""
        raise ValueError(f"{prefix}givens conflict at {names}{more}")


