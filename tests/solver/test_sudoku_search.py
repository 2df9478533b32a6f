"""The exact solver: known puzzles, edge cases and that every answer obeys the rules."""

from __future__ import annotations

import gzip
from itertools import islice

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.kinds.sudoku import CELLS, is_solution
from solver.kinds.sudoku.search import count_solutions, has_other_solution, solve, solve_unique
from tests.shared_data import shared_data

# A valid full grid written out by hand (the classic shifted-rows pattern, relabelled).
FULL = np.array(
    [
        int(ch)
        for ch in (
            "534678912672195348198342567859761423426853791713924856961537284287419635345286179"
        )
    ]
)


def _digits(line: str) -> np.ndarray:
    return np.array([int(ch) for ch in line.strip()], dtype=np.int8)


def _royle(n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The first `n` 17-clue puzzles with their solutions (the puzzle file has a header line)."""
    royle = shared_data("sudoku", "royle_sudoku17.txt.gz")
    solved = shared_data("sudoku", "royle_sudoku17.solutions.txt.gz")
    with gzip.open(royle, "rt") as puzzles, gzip.open(solved, "rt") as solutions:
        next(puzzles)
        return [
            (_digits(p), _digits(s)) for p, s in islice(zip(puzzles, solutions, strict=True), n)
        ]


def _two_solution_puzzle() -> np.ndarray:
    """FULL with an unavoidable rectangle blanked: its two digits can swap, so 2 solutions."""
    grid = FULL.reshape(9, 9)
    for r1 in range(9):
        for r2 in range(r1 + 1, (r1 // 3 + 1) * 3):  # same band: the swap keeps the rows valid
            for c1 in range(9):
                for c2 in range(c1 + 1, 9):
                    a, b = grid[r1, c1], grid[r1, c2]
                    if grid[r2, c1] == b and grid[r2, c2] == a and c1 // 3 != c2 // 3:
                        puzzle = grid.copy()
                        puzzle[[r1, r1, r2, r2], [c1, c2, c1, c2]] = 0
                        return puzzle.reshape(CELLS)
    raise AssertionError("FULL has no unavoidable rectangle")


def test_full_grid_is_valid() -> None:
    assert is_solution(FULL, np.zeros(CELLS, dtype=np.int8))


def test_royle_17_clue_puzzles_are_unique_and_solved() -> None:
    for puzzle, solution in _royle(25):
        assert count_solutions(puzzle) == 1
        answer = solve(puzzle)
        assert answer is not None
        assert np.array_equal(answer, solution)
        assert is_solution(answer, puzzle)


def test_empty_grid_has_many_solutions() -> None:
    empty = np.zeros(CELLS, dtype=np.int8)
    assert count_solutions(empty, limit=2) == 2
    assert count_solutions(empty, limit=5) == 5
    answer = solve(empty)
    assert answer is not None and is_solution(answer, empty)
    assert solve_unique(empty) is None


def test_conflicting_givens_have_no_solution() -> None:
    puzzle = np.zeros(CELLS, dtype=np.int8)
    puzzle[0] = puzzle[5] = 7  # same row
    assert count_solutions(puzzle) == 0
    assert solve(puzzle) is None


def test_unsolvable_without_direct_conflict() -> None:
    # r1c1..r1c8 hold 1-8 and r2c9 holds 9: r1c9 has no candidate left, though no digit repeats.
    puzzle = np.zeros(CELLS, dtype=np.int8)
    puzzle[:8] = np.arange(1, 9)
    puzzle[17] = 9
    assert count_solutions(puzzle) == 0


def test_puzzle_with_two_solutions() -> None:
    puzzle = _two_solution_puzzle()
    assert count_solutions(puzzle, limit=2) == 2
    assert count_solutions(puzzle, limit=10) == 2
    assert solve_unique(puzzle) is None
    answer = solve(puzzle)
    assert answer is not None and is_solution(answer, puzzle)


def test_full_grid_counts_once_and_accepts_9x9() -> None:
    assert count_solutions(FULL.reshape(9, 9)) == 1
    assert np.array_equal(solve(FULL), FULL)


def test_has_other_solution() -> None:
    puzzle = _two_solution_puzzle()
    blank = int(np.flatnonzero(puzzle == 0)[0])
    assert has_other_solution(puzzle.tolist(), blank, int(FULL[blank]))
    single = FULL.copy()
    single[blank] = 0
    assert not has_other_solution(single.tolist(), blank, int(FULL[blank]))


@pytest.mark.parametrize("bad", [np.zeros(80, dtype=np.int8), np.full(CELLS, 10)])
def test_bad_input_raises(bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        count_solutions(bad)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=CELLS, max_size=CELLS), st.integers(0, 5))
def test_every_returned_solution_obeys_the_rules(keep: list[bool], shift: int) -> None:
    relabel = np.concatenate([[0], np.roll(np.arange(1, 10), shift)])
    puzzle = np.where(np.array(keep), relabel[FULL], 0)
    assert count_solutions(puzzle, limit=2) >= 1
    answer = solve(puzzle)
    assert answer is not None and is_solution(answer, puzzle)
