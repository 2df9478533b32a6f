"""The generator: reproducible, unique puzzles of the requested grade, valid varied full grids."""

from __future__ import annotations

import numpy as np
import pytest

from solver.kinds.sudoku import CELLS, is_solution
from solver.kinds.sudoku.generator import (
    derive_easier,
    derive_harder,
    dig_puzzle,
    generate,
    generate_many,
    random_full_grid,
)
from solver.kinds.sudoku.grading import Grade, grade
from solver.kinds.sudoku.search import count_solutions

EMPTY = np.zeros(CELLS, dtype=np.int8)


def _check(puzzle: np.ndarray, solution: np.ndarray) -> None:
    """Unique, solved by `solution`, and a subset of it."""
    assert puzzle.shape == (CELLS,) and solution.shape == (CELLS,)
    assert is_solution(solution, puzzle)
    assert count_solutions(puzzle, limit=2) == 1


def test_full_grids_are_valid_different_and_reproducible() -> None:
    rng = np.random.default_rng(7)
    grids = [random_full_grid(rng) for _ in range(20)]
    for g in grids:
        assert is_solution(g, EMPTY)
    assert len({g.tobytes() for g in grids}) == len(grids)
    again = [random_full_grid(np.random.default_rng(7)) for _ in range(1)]
    assert np.array_equal(again[0], grids[0])


def test_full_grid_cells_are_spread_over_digits() -> None:
    # Not a relabelled fixed pattern: cell r1c1 and r1c2 take every digit over many draws,
    # and the pair (r1c1, r2c4) is not determined by r1c1 alone.
    rng = np.random.default_rng(3)
    grids = np.array([random_full_grid(rng) for _ in range(200)])
    assert set(grids[:, 0].tolist()) == set(range(1, 10))
    relabelled = np.array([np.argsort(g[:9])[g[[30, 40, 50]] - 1] for g in grids])
    assert len({r.tobytes() for r in relabelled}) > 20


@pytest.mark.parametrize("grade_wanted", [Grade.SINGLES, Grade.DEDUCTION, Grade.SEARCH])  # grades by technique
def test_generate_many_gives_the_grade_and_is_reproducible(grade_wanted: Grade) -> None:
    first = generate_many(3, grade_wanted, seed=11)
    again = generate_many(3, grade_wanted, seed=11)
    for made, same in zip(first, again, strict=True):
        assert np.array_equal(made.puzzle, same.puzzle)
        assert np.array_equal(made.solution, same.solution)
        _check(made.puzzle, made.solution)
        assert made.grade == grade_wanted == grade(made.puzzle)
        assert made.n_givens == int(np.count_nonzero(made.puzzle))
    other = generate_many(3, grade_wanted, seed=12)
    assert not np.array_equal(first[0].puzzle, other[0].puzzle)


def test_search_puzzles_are_hard_and_singles_vary() -> None:
    rng = np.random.default_rng(5)
    hard = [generate(rng, Grade.SEARCH) for _ in range(3)]
    assert all(17 <= h.n_givens <= 27 for h in hard)
    easy = generate_many(12, Grade.SINGLES, seed=5)
    assert len({e.n_givens for e in easy}) >= 4


def test_dig_puzzle_keeps_uniqueness_and_floor() -> None:
    rng = np.random.default_rng(1)
    solution = random_full_grid(rng)
    puzzle = dig_puzzle(solution, rng)
    _check(puzzle, solution)
    assert int(np.count_nonzero(puzzle)) <= 30
    capped = dig_puzzle(solution, rng, target=Grade.SINGLES, stop_givens=40)
    _check(capped, solution)
    assert int(np.count_nonzero(capped)) == 40
    assert grade(capped) == Grade.SINGLES
    with pytest.raises(ValueError):
        dig_puzzle(puzzle, rng)


def test_derive_easier_and_harder() -> None:
    rng = np.random.default_rng(2)
    hard = generate(rng, Grade.SEARCH)
    easier = derive_easier(hard.puzzle, hard.solution, rng, Grade.SINGLES)
    assert easier is not None and easier.grade == Grade.SINGLES == grade(easier.puzzle)
    assert np.all((hard.puzzle == 0) | (easier.puzzle == hard.puzzle))
    assert easier.n_givens > hard.n_givens
    _check(easier.puzzle, hard.solution)
    found = [derive_harder(hard.puzzle, hard.solution, rng) for _ in range(4)]
    neighbours = [f for f in found if f is not None]
    assert neighbours
    for n in neighbours:
        assert n.grade == Grade.SEARCH == grade(n.puzzle)
        _check(n.puzzle, hard.solution)


@pytest.mark.slow  # a climb takes seconds to a minute
def test_an_extreme_puzzle_is_unique_needs_search_and_many_branches():
    from solver.kinds.sudoku.grading import EXTREME_EFFORT, is_extreme
    from solver.kinds.sudoku.search import count_solutions, search_effort

    made = generate(np.random.default_rng(11), Grade.EXTREME)
    assert made.grade == Grade.EXTREME
    assert count_solutions(made.puzzle) == 1
    assert grade(made.puzzle) == Grade.SEARCH
    assert search_effort(made.puzzle) >= EXTREME_EFFORT and is_extreme(made.puzzle)
    assert np.array_equal(np.where(made.puzzle > 0, made.solution, 0), made.puzzle)


def test_search_effort_counts_branches():
    from solver.kinds.sudoku.search import search_effort

    solved = generate(np.random.default_rng(3), Grade.SINGLES)
    assert search_effort(solved.puzzle) == 0  # singles propagation alone finishes it
    assert search_effort(np.zeros(81, np.int8)) > 0  # an empty grid needs guesses (and has many solutions)


def test_a_climb_keeps_the_solution_and_reaches_the_effort_asked(monkeypatch):
    """climb_to_extreme at a lower bar (fast): every step keeps a unique puzzle of the same
    solution, and it stops once the exact solver's effort reaches the bar."""
    import solver.kinds.sudoku.generator as gen
    from solver.kinds.sudoku.search import search_effort

    monkeypatch.setattr(gen, "EXTREME_EFFORT", 4)
    rng = np.random.default_rng(5)
    start = generate(rng, Grade.SEARCH)
    made = gen.climb_to_extreme(start, rng)
    assert made is not None and made.grade == Grade.EXTREME
    assert search_effort(made.puzzle) >= 4 and count_solutions(made.puzzle) == 1
    assert np.array_equal(made.solution, start.solution)
    monkeypatch.setattr(gen, "EXTREME_EFFORT", 10_000)
    assert gen.climb_to_extreme(start, rng, tries=3) is None  # out of tries: no false EXTREME
