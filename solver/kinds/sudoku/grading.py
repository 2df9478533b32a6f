"""Sudoku difficulty grading by the human techniques a puzzle needs.

A logic solver works on per-cell candidate bitmasks (bit ``d`` = digit ``d + 1``) and, at every
step, applies the easiest technique that removes a candidate or places a digit:

1. naked single, hidden single                          -> ``Grade.SINGLES``
2. locked candidates (pointing, claiming),
   naked pair, hidden pair, naked triple, hidden triple -> ``Grade.DEDUCTION``
3. anything the above cannot finish                      -> ``Grade.SEARCH`` (trial and error)
4. ``Grade.EXTREME`` is not a technique but a rating inside SEARCH: the exact solver
   (`search.search_effort`) branches at least `EXTREME_EFFORT` times to solve the puzzle and prove
   it unique. `grade` never returns it (a grade is what techniques can do); the generator makes
   such puzzles on request (generator.py) and `is_extreme` tells them.

Every technique is monotone: a pattern found in a candidate state is still there (or has become a
contradiction) once more candidates are gone. So the fixpoint the solver reaches does not depend
on the order of the steps, and the grade is the same for every relabelling, transposition or
row/column shuffle of the puzzle (``SudokuSymmetry``). The per-technique step counts do depend on
the order and are only a rough picture of the work.

Grades are only meaningful for puzzles with a unique solution: a puzzle that singles or deduction
solve is necessarily unique, but a ``SEARCH`` grade says nothing about uniqueness. Check with
``solver.sudoku_search.count_solutions`` first.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from solver.kinds.sudoku.puzzle import CELLS, PEERS, SIZE, UNITS
from solver.kinds.sudoku.search import (
    ALL_CELLS,
    boards_from_cells,
    cell_masks,
    grid_cells,
    propagate,
    search_effort,
)

FULL = (1 << SIZE) - 1
_PEERS = [[int(p) for p in PEERS[c]] for c in range(CELLS)]
_UNITS = [[int(c) for c in unit] for unit in UNITS]
_ROW_UNITS, _COL_UNITS, _BOX_UNITS = _UNITS[0:9], _UNITS[9:18], _UNITS[18:27]
_ROW_OF = [c // SIZE for c in range(CELLS)]
_COL_OF = [c % SIZE for c in range(CELLS)]
_BOX_OF = [(c // 27) * 3 + (c % SIZE) // 3 for c in range(CELLS)]
_CELL_BIT = [1 << c for c in range(CELLS)]
_BOX_MASK = [sum(1 << c for c in unit) for unit in _BOX_UNITS]
_LINE_MASKS = [sum(1 << c for c in unit) for unit in _ROW_UNITS + _COL_UNITS]
# The row and column masks crossing each box, and for each line the box masks it crosses.
_LINES_THROUGH_BOX = [[line for line in _LINE_MASKS if line & box] for box in _BOX_MASK]
_BOXES_ON_LINE = [(line, [box for box in _BOX_MASK if box & line]) for line in _LINE_MASKS]
_POPCOUNT = [bin(m).count("1") for m in range(1 << SIZE)]

TECHNIQUES = (
    "naked_single",
    "hidden_single",
    "locked_candidates",
    "naked_pair",
    "hidden_pair",
    "naked_triple",
    "hidden_triple",
)


class Grade(enum.IntEnum):
    """How hard a unique puzzle is, by the easiest family of techniques that solves it."""

    SINGLES = 1  # naked and hidden singles alone
    DEDUCTION = 2  # also locked candidates and naked/hidden pairs and triples
    SEARCH = 3  # none of the above finishes it: needs trial and error
    EXTREME = 4  # SEARCH, and the exact solver branches at least EXTREME_EFFORT times


# Branch points of the exact search for EXTREME (measured 2026-12-03, 100 puzzles each: menneske.no
# level 8, its hardest, has a median of 15 and a 90th percentile of 36; level 7 a median of 4; a
# plain SEARCH dig a median of 2.5 and a 90th percentile of 8).
EXTREME_EFFORT = 12


@dataclass(frozen=True)
class GradeReport:
    """A puzzle's grade, its number of givens and how often each technique made progress."""

    grade: Grade
    n_givens: int
    steps_by_technique: dict[str, int] = field(default_factory=dict)


class _Contradiction(Exception):
    """The candidates ran out somewhere: the puzzle has no solution."""


class _LogicSolver:
    """Candidate bitmasks plus the techniques, each returning True when it made progress."""

    def __init__(self, cands: list[int], placed: list[bool]) -> None:
        self.cands = cands
        self.placed = placed
        self.open_count = placed.count(False)
        self.steps = dict.fromkeys(TECHNIQUES, 0)

    @classmethod
    def from_cells(cls, cells: Sequence[int]) -> _LogicSolver:
        """A solver with the givens placed and nothing else deduced."""
        solver = cls([FULL] * CELLS, [False] * CELLS)
        for c, value in enumerate(cells):
            if value:
                if not solver.cands[c] & (1 << (value - 1)):
                    raise _Contradiction
                solver._place(c, 1 << (value - 1))
        return solver

    def _place(self, cell: int, bit: int) -> None:
        self.cands[cell] = bit
        self.placed[cell] = True
        self.open_count -= 1
        cands = self.cands
        for p in _PEERS[cell]:
            if cands[p] & bit:
                if self.placed[p]:
                    raise _Contradiction
                cands[p] &= ~bit
                if not cands[p]:
                    raise _Contradiction

    def _eliminate(self, cells: Sequence[int], bits: int) -> bool:
        """Remove `bits` from the open `cells`; True if anything was removed."""
        changed = False
        cands = self.cands
        for c in cells:
            if not self.placed[c] and cands[c] & bits:
                cands[c] &= ~bits
                if not cands[c]:
                    raise _Contradiction
                changed = True
        return changed

    # -- singles ----------------------------------------------------------------------------------

    def naked_single(self) -> bool:
        """Place every open cell that has one candidate left."""
        progress = False
        for c in range(CELLS):
            m = self.cands[c]
            if not self.placed[c] and not m & (m - 1):
                self._place(c, m)
                self.steps["naked_single"] += 1
                progress = True
        return progress

    def hidden_single(self) -> bool:
        """Place a digit that has one possible cell left in some unit."""
        progress = False
        cands, placed = self.cands, self.placed
        for unit in _UNITS:
            once = twice = done = 0
            for c in unit:
                m = cands[c]
                if placed[c]:
                    done |= m
                else:
                    twice |= once & m
                    once |= m
            if (once | done) != FULL:
                raise _Contradiction  # some digit has no place in this unit
            lonely = once & ~twice & ~done
            while lonely:
                bit = lonely & -lonely
                lonely ^= bit
                for c in unit:
                    if not placed[c] and cands[c] & bit:
                        self._place(c, bit)
                        self.steps["hidden_single"] += 1
                        progress = True
                        break
        return progress

    # -- deduction --------------------------------------------------------------------------------

    def locked_candidates(self) -> bool:
        """Pointing (box -> line) and claiming (line -> box) eliminations, one digit at a time."""
        cands, placed = self.cands, self.placed
        for d in range(SIZE):
            bit = 1 << d
            # 81-bit mask of the open cells where digit d is still possible.
            where = 0
            for c in range(CELLS):
                if cands[c] & bit and not placed[c]:
                    where |= _CELL_BIT[c]
            removed = 0
            for box in range(SIZE):
                in_box = where & _BOX_MASK[box]
                if not in_box & (in_box - 1):
                    continue  # zero or one place: a single, not a lock
                for line in _LINES_THROUGH_BOX[box]:
                    if in_box & line == in_box:  # pointing: the line loses d outside the box
                        removed |= where & line & ~_BOX_MASK[box]
            # Every elimination is a sound deduction from the same state, so they can be pooled.
            for line, line_boxes in _BOXES_ON_LINE:
                in_line = where & line
                if not in_line & (in_line - 1):
                    continue
                for box_mask in line_boxes:
                    if in_line & box_mask == in_line:
                        # Claiming: d sits in one box within this line; the box loses the rest.
                        removed |= where & box_mask & ~line
            if removed:
                self._eliminate_mask(removed, bit)
                self.steps["locked_candidates"] += 1
                return True
        return False

    def _eliminate_mask(self, cells: int, bit: int) -> None:
        """Remove the digit `bit` from every cell in the 81-bit mask `cells`."""
        cands = self.cands
        while cells:
            low = cells & -cells
            cells ^= low
            c = low.bit_length() - 1
            cands[c] &= ~bit
            if not cands[c]:
                raise _Contradiction

    def _naked_subset(self, size: int) -> bool:
        """`size` open cells of a unit holding only `size` digits: no other cell of it has them."""
        cands = self.cands
        for unit in _UNITS:
            open_cells = [c for c in unit if not self.placed[c]]
            if len(open_cells) <= size:
                continue
            small = [c for c in open_cells if _POPCOUNT[cands[c]] <= size]
            for group in combinations(small, size):
                digits = 0
                for c in group:
                    digits |= cands[c]
                if _POPCOUNT[digits] == size:
                    others = [c for c in open_cells if c not in group]
                    if self._eliminate(others, digits):
                        return True
        return False

    def _hidden_subset(self, size: int) -> bool:
        """`size` digits confined to `size` cells of a unit: those cells hold nothing else."""
        cands = self.cands
        for unit in _UNITS:
            open_cells = [c for c in unit if not self.placed[c]]
            if len(open_cells) <= size:
                continue
            # Position mask (over the unit's open cells) of each digit not yet placed here.
            spots: dict[int, int] = {}
            for d in range(SIZE):
                bit = 1 << d
                mask = 0
                for i, c in enumerate(open_cells):
                    if cands[c] & bit:
                        mask |= 1 << i
                if mask and _POPCOUNT[mask] <= size:
                    spots[d] = mask
            for group in combinations(spots, size):
                where = 0
                for d in group:
                    where |= spots[d]
                if _POPCOUNT[where] == size:
                    keep = sum(1 << d for d in group)
                    cells = [c for i, c in enumerate(open_cells) if where >> i & 1]
                    if self._eliminate(cells, FULL & ~keep):
                        return True
        return False

    def naked_pair(self) -> bool:
        """Two cells of a unit with the same two candidates."""
        return self._counted("naked_pair", self._naked_subset(2))

    def hidden_pair(self) -> bool:
        """Two digits with the same two possible cells in a unit."""
        return self._counted("hidden_pair", self._hidden_subset(2))

    def naked_triple(self) -> bool:
        """Three cells of a unit whose candidates together are three digits."""
        return self._counted("naked_triple", self._naked_subset(3))

    def hidden_triple(self) -> bool:
        """Three digits confined to the same three cells of a unit."""
        return self._counted("hidden_triple", self._hidden_subset(3))

    def _counted(self, name: str, progress: bool) -> bool:
        if progress:
            self.steps[name] += 1
        return progress

    def run(self, max_grade: Grade) -> bool:
        """Apply the techniques up to `max_grade`, easiest first; True if the grid is filled."""
        singles = (self.naked_single, self.hidden_single)
        deduction = (
            self.locked_candidates,
            self.naked_pair,
            self.hidden_pair,
            self.naked_triple,
            self.hidden_triple,
        )
        techniques = singles + (deduction if max_grade >= Grade.DEDUCTION else ())
        while self.open_count:
            # Restart from the easiest technique after every success, as a human would.
            if not any(technique() for technique in techniques):
                return False
        return True


def _run(solver: _LogicSolver) -> Grade:
    """Grade reached by `solver`; ValueError if the puzzle has no solution."""
    try:
        if solver.run(Grade.SINGLES):
            return Grade.SINGLES
        if solver.run(Grade.DEDUCTION):
            return Grade.DEDUCTION
    except _Contradiction:
        raise ValueError("the puzzle has no solution (the candidates run out)") from None
    return Grade.SEARCH


def grade_cells(cells: Sequence[int]) -> Grade:
    """Grade of a flat list of 81 ints (the generator's fast path; see `grade`)."""
    start = boards_from_cells(cells)
    if start is None:
        raise ValueError("the givens conflict")
    boards, placed = start
    # The bitboard singles of the exact solver first: same fixpoint, many times faster.
    placed = propagate(boards, placed)
    if placed < 0:
        raise ValueError("the puzzle has no solution (the candidates run out)")
    if placed == ALL_CELLS:
        return Grade.SINGLES
    is_placed = [bool(placed >> c & 1) for c in range(CELLS)]
    return _run(_LogicSolver(cell_masks(boards), is_placed))


def grade(grid: np.ndarray | Sequence[int]) -> Grade:
    """The difficulty grade of a unique puzzle (81 cells, 0 = blank).

    Raises ValueError for conflicting givens or when the logic finds the puzzle has no solution.
    """
    return grade_cells(grid_cells(grid))


def grade_report(grid: np.ndarray | Sequence[int]) -> GradeReport:
    """Grade, number of givens and successful steps per technique of a unique puzzle."""
    cells = grid_cells(grid)
    try:
        solver = _LogicSolver.from_cells(cells)
    except _Contradiction:
        raise ValueError("the givens conflict") from None
    found = _run(solver)
    return GradeReport(found, sum(1 for v in cells if v), solver.steps)


def is_extreme(grid: np.ndarray | Sequence[int]) -> bool:
    """True for a SEARCH puzzle the exact solver needs `EXTREME_EFFORT` or more branches for."""
    return grade(grid) == Grade.SEARCH and search_effort(grid) >= EXTREME_EFFORT
