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


@pytest.mark.parametrize("grade_wanted", list(Grade))
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
