"""Random Sudoku generation: full grids, unique puzzles dug from them, graded to order.

The trainer calls this from a background process, so everything is pure Python plus numpy and
reproducible from a seed: all randomness flows from the `np.random.Generator` passed in (a
`random.Random` seeded from it drives the inner loops, where numpy's per-call cost would dominate).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from solver.kinds.sudoku.grading import EXTREME_EFFORT, Grade, grade_cells
from solver.kinds.sudoku.puzzle import CELLS, SIZE
from solver.kinds.sudoku.search import (
    grid_cells,
    has_other_solution,
    search_cells,
    search_effort,
    solved_by_singles,
)
from solver.kinds.sudoku.symmetry import SudokuSymmetry

log = logging.getLogger(__name__)

MIN_GIVENS = 17  # no unique 9x9 Sudoku has fewer
# Where a SINGLES dig may stop: from as low as singles allow up to an easy 45 givens.
SINGLES_STOP_RANGE = (20, 45)
MAX_ATTEMPTS = 1000
EXTREME_TRIES = 400  # neighbours a climb to EXTREME tries before it starts again
DERIVE_TRIES = 4  # random orders of added givens tried per SEARCH puzzle in generate(DEDUCTION)


@dataclass(frozen=True, eq=False)
class GeneratedSudoku:
    """A generated puzzle with its unique solution and grade."""

    puzzle: np.ndarray  # (81,) int8, 0 = blank
    solution: np.ndarray  # (81,) int8
    grade: Grade
    n_givens: int


def _python_rng(rng: np.random.Generator) -> random.Random:
    """A fast stdlib generator for inner loops, seeded from (and so reproducible by) `rng`."""
    return random.Random(int(rng.integers(0, 2**63)))


def random_full_grid(rng: np.random.Generator) -> np.ndarray:
    """A complete valid grid, (81,) int8, drawn close to uniformly at random.

    Method: fill the top-left box with a uniformly random permutation of 1-9, complete the grid
    with a depth-first search that tries the digits of every branch cell in a fresh random order
    (naked/hidden singles propagation in between), and finally apply a uniformly random Sudoku
    symmetry (digit relabelling, band/row/stack/column shuffles, transpose).

    Why it is close to uniform: the random symmetry at the end makes the distribution exactly
    uniform *within* each symmetry class (every grid of a class is equally likely), whatever the
    search did; and the first box is exactly uniform, as every filling of it is completed by the
    same number of grids. Where it is not: the mass of each class comes from the search, and a
    depth-first search that returns its first solution favours grids that sit in sparse parts of
    the search tree (a grid whose early branches lead to few completions is reached with higher
    probability than one among many siblings). This bias is between classes of grids only, is
    modest in practice, and no fixed pattern is ever reused: every grid comes from a fresh search.
    """
    prng = _python_rng(rng)
    cells = [0] * CELLS
    first_box = [r * SIZE + c for r in range(3) for c in range(3)]
    for cell, digit in zip(first_box, prng.sample(range(1, 10), SIZE), strict=True):
        cells[cell] = digit
    found, grid = search_cells(cells, 1, shuffle=prng)
    if not found or grid is None:  # cannot happen: every filled box extends to a grid
        raise RuntimeError("no completion of the first box")
    return SudokuSymmetry.random(rng).apply(grid).astype(np.int8)


# A keep-digging test: (puzzle with `cell` just blanked, cell, the digit it held) -> keep it blank?
DigTest = Callable[[list[int], int, int], bool]


def _still_unique(cells: list[int], cell: int, digit: int) -> bool:
    """The puzzle was unique before `cell` was blanked: is it still?"""
    return not has_other_solution(cells, cell, digit)


def _singles_solvable(cells: list[int], cell: int, digit: int) -> bool:
    """Solved by singles alone (which implies unique)."""
    return solved_by_singles(cells)


def _deduction_solvable(cells: list[int], cell: int, digit: int) -> bool:
    """Solved by singles or deduction (so unique); the cheap tests first."""
    if solved_by_singles(cells):
        return True
    # A non-unique puzzle can never be deduced, and the search is cheaper than the logic.
    return _still_unique(cells, cell, digit) and grade_cells(cells) <= Grade.DEDUCTION


def _dig_test(target: Grade | None) -> DigTest:
    """The keep-digging test for `target`: unique, and no harder than `target`."""
    if target == Grade.SINGLES:
        return _singles_solvable
    if target == Grade.DEDUCTION:
        return _deduction_solvable
    return _still_unique


def dig_puzzle(
    solution: np.ndarray,
    rng: np.random.Generator,
    target: Grade | None = None,
    min_givens: int = MIN_GIVENS,
    stop_givens: int | None = None,
    _start: list[int] | None = None,
) -> np.ndarray:
    """A unique puzzle dug out of the full grid `solution`, (81,) int8.

    Givens are removed in a random order, each removal kept only while the puzzle stays unique
    and, with `target` SINGLES or DEDUCTION, still solvable by that grade's techniques (so the
    result is never harder than `target`; it may be easier). Digging stops at `stop_givens`
    (default: `min_givens`) or when no further given can go. For `target` SEARCH or None it digs
    to a minimal unique puzzle, the way hard puzzles are found; the grade is not checked here.
    """
    cells = grid_cells(solution)
    if 0 in cells:
        raise ValueError("solution must be a full grid")
    if _start is not None:  # derive_harder: dig on from a unique subset of the solution
        cells = list(_start)
    keep_digging = _dig_test(target)
    floor = max(min_givens, stop_givens or 0)
    givens = CELLS - cells.count(0)
    for cell in rng.permutation(CELLS).tolist():
        if givens <= floor:
            break
        if not cells[cell]:
            continue
        digit = cells[cell]
        cells[cell] = 0
        if keep_digging(cells, cell, digit):
            givens -= 1
        else:
            cells[cell] = digit
    return np.array(cells, dtype=np.int8)


def _made(puzzle: np.ndarray, solution: np.ndarray, found: Grade) -> GeneratedSudoku:
    return GeneratedSudoku(
        puzzle.astype(np.int8), solution.astype(np.int8), found, int(np.count_nonzero(puzzle))
    )


def derive_easier(
    puzzle: np.ndarray, solution: np.ndarray, rng: np.random.Generator, target: Grade
) -> GeneratedSudoku | None:
    """A puzzle of grade `target` made by adding givens from `solution` to the unique `puzzle`.

    Givens are added one at a time in a random order (at least one) until the grade is at most
    `target`; a superset of a unique puzzle's givens is unique, so only grading is needed. None
    when the grade jumped past `target` (became easier). With `target` equal to the puzzle's own
    grade this makes cheap variants: one more given, same grade.
    """
    cells = grid_cells(puzzle)
    answer = grid_cells(solution)
    blanks = [c for c in rng.permutation(CELLS).tolist() if not cells[c]]
    for cell in blanks:
        cells[cell] = answer[cell]
        found = grade_cells(cells)
        if found <= target:
            if found != target:
                return None
            return _made(np.array(cells, dtype=np.int8), np.asarray(solution), found)
    return None


def derive_harder(
    puzzle: np.ndarray,
    solution: np.ndarray,
    rng: np.random.Generator,
    target: Grade = Grade.SEARCH,
    n_swap: int = 2,
) -> GeneratedSudoku | None:
    """A neighbour of the unique `puzzle` of grade `target`, or None if this try missed.

    Adds `n_swap` random givens from `solution`, then digs (uniqueness only) in a random order to
    a minimal puzzle. Hard puzzles cluster, so from a SEARCH puzzle this finds another SEARCH
    puzzle (with a different given pattern, 17-25 givens) far more often than a fresh dig does.
    """
    cells = grid_cells(puzzle)
    answer = grid_cells(solution)
    blanks = [c for c in rng.permutation(CELLS).tolist() if not cells[c]]
    for cell in blanks[:n_swap]:
        cells[cell] = answer[cell]
    dug = dig_puzzle(np.array(answer, dtype=np.int8), rng, _start=cells)
    found = grade_cells(dug.tolist())
    if found != target:
        return None
    return _made(dug, np.asarray(solution), found)


def climb_to_extreme(start: GeneratedSudoku, rng: np.random.Generator,
                     tries: int = EXTREME_TRIES) -> GeneratedSudoku | None:
    """An EXTREME puzzle reached from the SEARCH puzzle `start` by hill climbing, or None.

    Each step takes a `derive_harder` neighbour (two givens added, dug back to minimal) and keeps
    it when the exact solver needs at least as many branches for it; hard puzzles cluster, so
    this reaches EXTREME_EFFORT in about 50 neighbours where fresh digs would need hundreds
    (measured 2026-12-03: 7 of 8 starts within 400 tries, about 9 s a puzzle on one core).
    """
    current, effort = start, search_effort(start.puzzle)
    for _ in range(tries):
        if effort >= EXTREME_EFFORT:
            return replace(current, grade=Grade.EXTREME)
        near = derive_harder(current.puzzle, current.solution, rng)
        if near is None:
            continue
        near_effort = search_effort(near.puzzle)
        if near_effort >= effort:
            current, effort = near, near_effort
    return replace(current, grade=Grade.EXTREME) if effort >= EXTREME_EFFORT else None


def generate(rng: np.random.Generator, grade: Grade) -> GeneratedSudoku:
    """A fresh unique puzzle of exactly `grade`, retrying with new grids until one matches.

    SINGLES: dug with singles as the test, stopping at a random 20-45 givens. SEARCH: dug to a
    minimal unique puzzle (about half of them need search). DEDUCTION: a minimal unique puzzle
    that is DEDUCTION as dug, or a SEARCH one made easier with `derive_easier`, which costs a few
    gradings instead of a new dig. EXTREME: a SEARCH puzzle climbed by `climb_to_extreme`
    (seconds, not milliseconds).
    """
    if grade == Grade.EXTREME:
        for _attempt in range(MAX_ATTEMPTS):
            extreme = climb_to_extreme(generate(rng, Grade.SEARCH), rng)
            if extreme is not None:
                return extreme
        raise RuntimeError(f"no EXTREME puzzle in {MAX_ATTEMPTS} climbs")
    for _attempt in range(MAX_ATTEMPTS):
        solution = random_full_grid(rng)
        if grade == Grade.SINGLES:
            stop = int(rng.integers(SINGLES_STOP_RANGE[0], SINGLES_STOP_RANGE[1] + 1))
            puzzle = dig_puzzle(solution, rng, target=Grade.SINGLES, stop_givens=stop)
        else:
            puzzle = dig_puzzle(solution, rng)
        found = grade_cells(puzzle.tolist())
        if found == grade:
            return _made(puzzle, solution, found)
        if grade == Grade.DEDUCTION and found == Grade.SEARCH:
            # Adding givens usually jumps SEARCH -> SINGLES; a few orders are cheaper than a dig.
            for _try in range(DERIVE_TRIES):
                derived = derive_easier(puzzle, solution, rng, Grade.DEDUCTION)
                if derived is not None:
                    return derived
    raise RuntimeError(f"no {grade.name} puzzle in {MAX_ATTEMPTS} attempts")


def generate_many(n: int, grade: Grade, seed: int) -> list[GeneratedSudoku]:
    """`n` puzzles of `grade`, the same ones for the same seed."""
    rng = np.random.default_rng(seed)
    return [generate(rng, grade) for _ in range(n)]
