"""The Sudoku symmetries keep the rules, and each inverse undoes its map."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.kinds.sudoku import is_solution
from solver.kinds.sudoku.search import count_solutions
from solver.kinds.sudoku.symmetry import SudokuSymmetry, apply_symmetry_batch, random_symmetry_batch

PUZZLE = np.array([int(c) for c in
                   "400000805030000000000700000020000060000080400000010000000603070500200000104000000"])
SOLUTION = np.array([int(c) for c in
                     "417369825632158947958724316825437169791586432346912758289643571573291684164875293"])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_symmetry_keeps_solutions_and_inverts(seed):
    s = SudokuSymmetry.random(np.random.default_rng(seed))
    puzzle, solution = s.apply(PUZZLE), s.apply(SOLUTION)
    assert is_solution(solution, puzzle)
    assert np.count_nonzero(puzzle) == np.count_nonzero(PUZZLE)
    assert np.array_equal(s.invert(puzzle), PUZZLE)
    assert np.array_equal(s.invert(solution), SOLUTION)


def test_symmetry_keeps_uniqueness():
    s = SudokuSymmetry.random(np.random.default_rng(7))
    assert count_solutions(s.apply(PUZZLE)) == 1


def test_batch_form_matches_one_at_a_time():
    rng = np.random.default_rng(3)
    grids = np.stack([PUZZLE, SOLUTION, PUZZLE])
    sources, maps = random_symmetry_batch(rng, 3)
    out = apply_symmetry_batch(grids, sources, maps)
    for i in range(3):
        assert np.array_equal(out[i], SudokuSymmetry(sources[i], maps[i]).apply(grids[i]))


def test_draws_differ_and_identity_is_identity():
    rng = np.random.default_rng(0)
    a, b = SudokuSymmetry.random(rng), SudokuSymmetry.random(rng)
    assert not np.array_equal(a.apply(SOLUTION), b.apply(SOLUTION))
    assert np.array_equal(SudokuSymmetry.identity().apply(SOLUTION), SOLUTION)


def test_invert_cells_moves_per_cell_values_back_without_relabelling():
    """A view's per-cell values (confidence, changed) land on the puzzle's own cells."""
    from solver.kinds.sudoku import KIND

    rng = np.random.default_rng(5)
    for aug in KIND.augmentations(4, rng, identity=False):
        view = aug.symmetry.apply(SOLUTION)
        five = aug.symmetry.digit_map[5]
        assert np.array_equal(aug.invert_cells(view == five), SOLUTION == 5)
        confidence = np.linspace(0, 1, 81).reshape(9, 9)  # the shape Kind.cells gives
        back = aug.invert_cells(confidence)
        assert back.shape == (9, 9) and np.array_equal(np.sort(back, None), np.sort(confidence, None))
        # Positions only: the digits stay the view's own (a confidence or a mask has no digit).
        assert np.array_equal(aug.invert_cells(view), aug.symmetry.digit_map[SOLUTION])
