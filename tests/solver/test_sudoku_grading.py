"""Difficulty grading: graded reference puzzles, the report, and invariance under symmetry."""

from __future__ import annotations

import csv
import gzip
from itertools import islice

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.kinds.sudoku import CELLS
from solver.kinds.sudoku.grading import TECHNIQUES, Grade, grade, grade_report
from solver.kinds.sudoku.symmetry import SudokuSymmetry
from tests.shared_data import shared_data

# Hand-checked puzzles, one per grade (graded by the techniques listed; also menneske levels).
SINGLES_PUZZLE = (  # menneske.no level 0 "Super easy"
    "3.......5...273...26.....34.1..24.5..3.1.5.2..8.36..7.19.....82...691...6.......9"
)
# menneske.no 2272, level 2 "Easy": singles stall once; one locked candidate (pointing) unblocks.
DEDUCTION_PUZZLE = (
    "...3.8..7....1....6..542.1.1.5...2.9.79...85.3.8...6.1...186.....1.2....5..4.31.."
)
# "AI Escargot"-class: no technique here finishes it.
SEARCH_PUZZLE = "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3.."


def _digits(line: str) -> np.ndarray:
    return np.array([0 if ch == "." else int(ch) for ch in line.strip()], dtype=np.int8)


def _menneske(level: int, n: int) -> list[np.ndarray]:
    with shared_data("sudoku", "menneske_no_graded.csv").open() as f:
        rows = (r for r in csv.DictReader(f) if r["level"] == str(level))
        return [_digits(r["puzzle"]) for r in islice(rows, n)]


def test_hand_checked_puzzles() -> None:
    assert grade(_digits(SINGLES_PUZZLE)) == Grade.SINGLES
    assert grade(_digits(DEDUCTION_PUZZLE)) == Grade.DEDUCTION
    assert grade_report(_digits(DEDUCTION_PUZZLE)).steps_by_technique["locked_candidates"] >= 1
    assert grade(_digits(SEARCH_PUZZLE)) == Grade.SEARCH


def test_menneske_levels_order_the_grades() -> None:
    easy = [grade(p) for p in _menneske(0, 40)]
    assert easy.count(Grade.SINGLES) >= 0.9 * len(easy)
    medium = [grade(p) for p in _menneske(4, 20)]
    assert medium.count(Grade.DEDUCTION) >= 0.8 * len(medium)
    hardest = [grade(p) for p in _menneske(8, 20)]
    assert hardest.count(Grade.SEARCH) >= 0.8 * len(hardest)


def test_some_17_clue_puzzles_need_search() -> None:
    with gzip.open(shared_data("sudoku", "royle_sudoku17.txt.gz"), "rt") as f:
        next(f)
        grades = [grade(_digits(line)) for line in islice(f, 60)]
    assert Grade.SEARCH in grades
    assert set(grades) <= set(Grade)


def test_report_matches_fast_grade_and_counts_steps() -> None:
    puzzle = _digits(SINGLES_PUZZLE)
    report = grade_report(puzzle)
    assert report.grade == Grade.SINGLES
    assert report.n_givens == int(np.count_nonzero(puzzle))
    assert set(report.steps_by_technique) == set(TECHNIQUES)
    # Under singles every blank is filled by exactly one single.
    singles = report.steps_by_technique["naked_single"] + report.steps_by_technique["hidden_single"]
    assert singles == CELLS - report.n_givens
    for text in (DEDUCTION_PUZZLE, SEARCH_PUZZLE):
        assert grade_report(_digits(text)).grade == grade(_digits(text))


def test_deduction_report_uses_deduction() -> None:
    for puzzle in _menneske(4, 5):
        report = grade_report(puzzle)
        assert report.grade == Grade.DEDUCTION
        advanced = sum(report.steps_by_technique[t] for t in TECHNIQUES[2:])
        assert advanced > 0


def test_conflicting_givens_raise() -> None:
    puzzle = np.zeros(CELLS, dtype=np.int8)
    puzzle[0] = puzzle[9] = 4  # same column
    with pytest.raises(ValueError):
        grade(puzzle)
    with pytest.raises(ValueError):
        grade_report(puzzle)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([SINGLES_PUZZLE, DEDUCTION_PUZZLE, SEARCH_PUZZLE]), st.integers(0, 2**32))
def test_grade_is_invariant_under_symmetry(text: str, seed: int) -> None:
    puzzle = _digits(text)
    moved = SudokuSymmetry.random(np.random.default_rng(seed)).apply(puzzle)
    assert grade(moved) == grade(puzzle)
    assert grade_report(moved).grade == grade(puzzle)
