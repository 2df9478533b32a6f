"""Sudoku: every format in and out, the rule checker, candidates and the token codec."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.kinds.sudoku import (
    SUDOKU_CODEC,
    Sudoku,
    candidates,
    conflicts,
    detect_format,
    format_sudoku,
    format_sudokus,
    is_solution,
    iter_sudoku_records,
    parse_sudoku,
    parse_sudokus,
)

PUZZLE = "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"
SOLUTION = "417369825632158947958724316825437169791586432346912758289643571573291684164875293"


def grid(text: str) -> np.ndarray:
    return np.array([0 if c == "." else int(c) for c in text], dtype=np.int8)


def test_line_with_dots_and_zeros():
    a = parse_sudoku(PUZZLE)
    b = parse_sudoku(PUZZLE.replace(".", "0"))
    assert a == b and a.n_givens == 17
    assert format_sudoku(a) == PUZZLE
    assert format_sudoku(a, blank="0") == PUZZLE.replace(".", "0")


def test_grid_text_with_separators():
    text = format_sudoku(parse_sudoku(PUZZLE), "grid")
    assert "|" in text and "+" in text
    assert detect_format(text) == "grid"
    assert parse_sudoku(text) == parse_sudoku(PUZZLE)
    boxed = "*-----------*\n" + "\n".join(
        "|" + "|".join(PUZZLE[r * 9 + b : r * 9 + b + 3] for b in (0, 3, 6)) + "|" for r in range(9)
    ) + "\n*-----------*\n"
    assert parse_sudoku(boxed) == parse_sudoku(PUZZLE)


def test_sdk_with_headers_round_trips():
    text = "#A Someone\n#D A hard one\n" + "\n".join(PUZZLE[r * 9 : r * 9 + 9] for r in range(9)) + "\n"
    s = parse_sudoku(text)
    assert s.meta["A"] == "Someone" and s.meta["D"] == "A hard one"
    again = parse_sudoku(format_sudoku(s, "sdk"))
    assert again == s and again.meta == s.meta


def test_sdm_list_and_csv_round_trip():
    puzzles = [parse_sudoku(PUZZLE), Sudoku(grid(SOLUTION)), Sudoku(np.zeros(81, np.int8))]
    assert parse_sudokus(format_sudokus(puzzles, "sdm")) == puzzles
    with_answer = [Sudoku(grid(PUZZLE), answer=grid(SOLUTION), source="x", meta={"rating": "3"})]
    csv_text = format_sudokus(with_answer, "csv")
    assert csv_text.startswith("source,question,answer,rating")
    back = parse_sudokus(csv_text)
    assert back == with_answer and back[0].meta == {"rating": "3"} and back[0].source == "x"


def test_csv_with_a_puzzle_column_keeps_other_columns():
    text = "id,level,puzzle\n7,5," + PUZZLE + "\n"
    (s,) = parse_sudokus(text)
    assert s.meta == {"id": "7", "level": "5"} and s == parse_sudoku(PUZZLE)


def test_list_with_a_title_line_is_read_as_a_list():
    """A title before a list is no record: the file holds two puzzles, not three."""
    text = "Some collection, 2 puzzles\n" + PUZZLE + "\n" + SOLUTION + "\n"
    records = list(iter_sudoku_records(text))
    assert [isinstance(r, ValueError) for _, r in records] == [False, False]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PUZZLE[:80], "expected 81 cells"),
        (PUZZLE[:40] + "x" + PUZZLE[41:], "line 1, column 41: unexpected character 'x'"),
        ("11" + "." * 79, "givens conflict at r1c1=1, r1c2=1"),
        ("", "no Sudoku puzzle"),
        ("\n".join([PUZZLE[:9]] * 8), "line 1: a grid of 8 rows, not 9"),
    ],
)
def test_errors_name_what_and_where(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_sudoku(text)


def test_lenient_reader_reports_each_bad_line():
    text = PUZZLE + "\n" + "1" * 81 + "\n" + SOLUTION + "\n"
    kinds = [(n, type(r).__name__) for n, r in iter_sudoku_records(text)]
    assert kinds == [(1, "Sudoku"), (2, "ValueError"), (3, "Sudoku")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text_raises_only_value_error(text):
    with contextlib.suppress(ValueError):
        parse_sudokus(text)


@st.composite
def mutated(draw):
    text = draw(st.sampled_from([
        PUZZLE, format_sudoku(parse_sudoku(PUZZLE), "grid"), format_sudokus([parse_sudoku(PUZZLE)], "csv"),
        "#A me\n" + "\n".join(PUZZLE[r * 9 : r * 9 + 9] for r in range(9)),
    ]))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        ch = draw(st.characters(codec="utf-8"))
        if op == "insert":
            text = text[:i] + ch + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + ch + text[i + 1 :]
    return text


@settings(max_examples=300, deadline=None)
@given(mutated())
def test_mutated_text_raises_only_value_error(text):
    try:
        for _ in parse_sudokus(text):
            pass
    except ValueError:
        pass


def test_malformed_csv_is_a_value_error_naming_the_line():
    # Found by the fuzz test above: a lone carriage return inside a CSV field.
    with pytest.raises(ValueError, match=r"line 2: malformed CSV"):
        list(parse_sudokus("question,answer\n1,2\r3\n"))


def test_rules():
    solution = grid(SOLUTION)
    assert is_solution(solution, grid(PUZZLE))
    assert not conflicts(solution).any()
    broken = solution.copy()
    broken[[0, 1]] = broken[[1, 0]]  # swap two cells of row 1: columns now repeat
    assert not is_solution(broken, grid(PUZZLE))
    assert conflicts(broken)[[0, 1]].all()
    changed_given = solution.copy()
    assert not is_solution(changed_given, grid("5" + PUZZLE[1:]))  # a given is not kept
    assert not is_solution(grid(PUZZLE), grid(PUZZLE))  # incomplete
    assert not is_solution(np.zeros(80), grid(PUZZLE))  # wrong shape, no exception


def test_candidates():
    cand = candidates(grid(PUZZLE))
    assert cand.shape == (81, 9)
    assert not cand[0].any()  # r1c1 is given
    # r1c2 sees 4, 8 and 5 in its row, 3 and 2 in its column and box
    for digit in (4, 8, 5, 3, 2):
        assert not cand[1, digit - 1]
    assert cand[1, int(SOLUTION[1]) - 1]  # the solution digit is always a candidate


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=81, max_size=81))
def test_codec_round_trips(cells):
    g = np.array(cells, dtype=np.int8)
    tokens = SUDOKU_CODEC.encode_puzzle(g)
    assert tokens.dtype == np.int64 and tokens.min() >= 1 and tokens.max() < SUDOKU_CODEC.vocab_size
    assert np.array_equal(SUDOKU_CODEC.decode_answer(tokens), g)
    batch = np.stack([g, g[::-1]])
    assert np.array_equal(SUDOKU_CODEC.decode_answer(SUDOKU_CODEC.encode_answer(batch)), batch)
    assert SUDOKU_CODEC.decode_answer(np.zeros(81, np.int64)).max() == 0  # PAD reads as no digit
