"""Sudoku files as other programs and people write them (issue: read the files people have).

Each layout is written here from its published description; every test asserts the exact givens
read, through the same path trm-solve and the window's Open use (`read_document`, `kinds.sniff`,
`Kind.read`).
"""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver import kinds
from solver.documents import decode_document
from solver.kinds.sudoku.search import solve

P = ".3....9....6.........241.3....9..7.......2..4.8..7..2.85........9.7.4........6..1"
DIGITS = P.replace(".", "0")
S = "".join(str(int(d)) for d in solve(np.array([int(c) for c in DIGITS], np.int8)))
ROWS = [P[r * 9 : (r + 1) * 9] for r in range(9)]
GRID = "\n".join(" ".join(row.replace(".", "0")) for row in ROWS)


def read(data: str | bytes, name: str) -> list:
    """(givens or error) of every record, read as the app reads a file."""
    text = decode_document(data if isinstance(data, bytes) else data.encode("utf-8"), name)
    kind = kinds.sniff(text, name)
    assert kind.name == "sudoku", f"{name} sniffed as {kind.name}"
    return [r.error or kind.format_answer(r.puzzle.givens) for r in kind.read(text, name)]


def _candidate_rows() -> list[list[str]]:
    """Each cell's candidates (a given: its digit), as a pencil-mark grid shows them."""
    grid = [[int(c) for c in DIGITS[r * 9 : (r + 1) * 9]] for r in range(9)]
    rows = []
    for r in range(9):
        cells = []
        for c in range(9):
            if grid[r][c]:
                cells.append(str(grid[r][c]))
                continue
            seen = set(grid[r]) | {grid[i][c] for i in range(9)}
            seen |= {grid[i][j] for i in range(r // 3 * 3, r // 3 * 3 + 3) for j in range(c // 3 * 3, c // 3 * 3 + 3)}
            cells.append("".join(str(d) for d in range(1, 10) if d not in seen))
        rows.append(cells)
    return rows


def _pencil_grid() -> str:
    """A candidate grid in the boxed layout Simple Sudoku prints (sudopedia's description):
    a starred frame, '|' between boxes, dashed rules between bands, a two-line trailer."""
    lines = ["*" + "-" * 68 + "*"]
    for r, cells in enumerate(_candidate_rows()):
        boxes = [" ".join(f"{cell:<6}" for cell in cells[b * 3 : b * 3 + 3]) for b in range(3)]
        lines.append("| " + " | ".join(boxes) + " |")
        if r in (2, 5):
            lines.append("|" + "+".join(["-" * 22] * 3) + "|")
    lines += ["*" + "-" * 68 + "*", "                     Simple Sudoku", "                      Version 4.2n"]
    return "\n".join(lines) + "\n"


def _ksudoku(values: str, order: str = "9", variant: str = "Plain") -> str:
    """A KSudoku save as its serializer writes one: values as chr(ord('a') + v), '_' vacant."""
    symbols = "".join("_" if c == "0" else chr(ord("a") + int(c)) for c in values)
    solution = "".join(chr(ord("a") + int(c)) for c in S)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ksudoku>\n<ksudoku>\n'
            ' <game had-help="0" msecs-elapsed="81234">\n  <puzzle>\n'
            f'   <graph specific-type="{variant}" order="{order}" type="sudoku"/>\n'
            f"   <values>{symbols}</values>\n   <solution>{solution}</solution>\n  </puzzle>\n"
            '  <history>\n   <simple-event index="0" value="1"/>\n   <simple-event index="2" markers="001100000"/>\n'
            "  </history>\n </game>\n</ksudoku>\n")


SIMPLE_SUDOKU_GIVENS = ("*-----------*\n" + "\n".join(
    ("|" + "|".join(row[b * 3 : b * 3 + 3] for b in range(3)) + "|") + ("\n|---+---+---|" if r in (2, 5) else "")
    for r, row in enumerate(ROWS)) + "\n*-----------*\n")


LAYOUTS = {
    # name: (file name, content, records)
    "trailing text (puzzle bank, SudoRules)": ("bank.txt", f"{P} # 99.0\nab12cd {P} 7.2\n{P} ED=11.7/11.7/2.6 x\n", [DIGITS] * 3),
    "UTF-8 byte-order mark": ("notepad.sdm", "\ufeff" + P + "\n" + P + "\n", [DIGITS] * 2),
    "Project Euler 96 (titles, nine rows each)": ("p096.txt", f"Grid 01\n{GRID}\nGrid 02\n{GRID}\n", [DIGITS] * 2),
    "grids separated by blank lines": ("grids.txt", f"{GRID}\n\n{GRID}\n", [DIGITS] * 2),
    "title line before a list": ("list.txt", f"Puzzles from the forum, 2 of them\n{P}\n{P}\n", [DIGITS] * 2),
    "SadMan .sdk with [Puzzle] and [State]": (
        "sadman.sdk", "[Puzzle]\n" + "\n".join(ROWS) + "\n[State]\n" + "\n".join(r.replace(".", "1") for r in ROWS) + "\n",
        [DIGITS]),
    "semicolon CSV with a puzzle column": ("semi.csv", f"puzzle;rating\n{P};3.2\n", [DIGITS]),
    "TSV (Kaggle columns)": ("k.tsv", f"quizzes\tsolutions\n{DIGITS}\t{S}\n", [DIGITS]),
    "'_' and '-' as blanks": ("blanks.txt", P.replace(".", "_") + "\n" + P.replace(".", "-") + "\n", [DIGITS] * 2),
    "a comment, then nine puzzle lines": ("nine.sdm", "# nine puzzles\n" + "\n".join([P] * 9) + "\n", [DIGITS] * 9),
    "HoDoKu library line": ("hodoku.txt", f":0000:x:{P}:::\n", [DIGITS]),
    # gsf's q2 taxonomy lists, as issue #21 describes them: the puzzle in field 5 of a '|'- or
    # tab-separated line (the other fields here are made-up counts and ratings).
    "q2 taxonomy line, '|'-separated": ("q2.txt", f"1|24|3|0.7|{P}|x y\n2|25|4|0.8|{P}|z\n", [DIGITS] * 2),
    "q2 taxonomy line, tab-separated": ("q2.tsv", f"1\t24\t3\t0.7\t{P}\tx y\n", [DIGITS]),
    "Simple Sudoku .ss (givens)": ("simple.ss", SIMPLE_SUDOKU_GIVENS, [DIGITS]),
    # A blank with one candidate left (a naked single) reads as placed: the layout cannot tell.
    "Simple Sudoku pencil-mark grid (.ss candidates)": (
        "marks.ss", _pencil_grid(), ["".join(c if len(c) == 1 else "0" for row in _candidate_rows() for c in row)]),
    "KSudoku save": ("game.ksudoku", _ksudoku(DIGITS), [DIGITS]),
    "tab-separated grid with empty cells": ("tabs.txt", "\n".join("\t".join("" if c == "." else c for c in row) for row in ROWS) + "\n", [DIGITS]),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_layout_reads_the_exact_givens(layout):
    name, content, expected = LAYOUTS[layout]
    assert read(content, name) == expected


def test_kaggle_csv_without_its_header_takes_the_column_with_blanks():
    """Once silently wrong: the solution column was read as a puzzle and 'verified'."""
    assert read(f"{DIGITS},{S}\n", "k.csv") == [DIGITS]
    assert read(f"{S},{DIGITS}\n", "k.csv") == [DIGITS]


def test_a_puzzle_column_holding_a_solved_grid_is_named_not_solved():
    [only] = read(f"puzzle,rating\n{S},1\n", "solved.csv")
    assert "solved grid" in only and only.startswith("line 2")


def test_a_good_line_among_bad_ones_is_its_own_record():
    assert read(f"12345\n{P}\nzzz\n", "mixed.txt") == [
        "line 1: expected 81 cells, found 5", DIGITS, "line 3: not a Sudoku puzzle"]


def test_encodings_people_save_in():
    sdk = "#A Jos\u00e9 M\u00fcller\n" + "\n".join(ROWS) + "\n"
    assert read(sdk.encode("cp1252"), "old.sdk") == [DIGITS]
    assert read((P + "\r\n").encode("utf-16"), "powershell.txt") == [DIGITS]
    with pytest.raises(ValueError, match="binary file"):
        decode_document(b"\x89PNG\r\n\x1a\n\x00\x00", "picture.png")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.#_-|+ \t\n,;:[]Gridxz\ufeff")), max_size=400))
def test_sniffing_and_reading_never_crash(text):
    """Any text: a kind is chosen or a ValueError says why, and reading gives records or a
    ValueError; never another exception."""
    try:
        kind = kinds.sniff(text, "fuzz.txt")
        records = kind.read(text, "fuzz.txt")
    except ValueError:
        return
    assert all(r.error or r.puzzle is not None for r in records)


def test_opensudoku_xml_round_trip():
    kind = kinds.get("sudoku")
    text = kind.write([kind.read(P, "p.txt")[0].puzzle] * 2, ".opensudoku")
    assert text.startswith("<?xml") and text.count("<game ") == 2
    assert read(text, "collection.opensudoku") == [DIGITS] * 2
    with pytest.raises(ValueError, match="DOCTYPE"):
        kind.read('<!DOCTYPE x [<!ENTITY a "b">]><opensudoku></opensudoku>', "evil.opensudoku")


@pytest.mark.parametrize("suffix", [".sdm", ".sdk", ".txt", ".csv", ".opensudoku"])
def test_every_written_layout_reads_back(suffix):
    kind = kinds.get("sudoku")
    puzzle = kind.read(P, "p.txt")[0].puzzle
    assert read(kind.write([puzzle], suffix), "out" + suffix) == [DIGITS]


@pytest.mark.parametrize(("suffix", "count"), [(".sdm", 2), (".txt", 2), (".sdk", 1), (".opensudoku", 2)])
def test_answers_written_in_each_layout_read_back_as_the_answers(suffix, count):
    """What trm-solve --out writes: a document layout holds the answer grids; a line layout is the
    answer lines themselves (the CLI writes those, one per puzzle)."""
    kind = kinds.get("sudoku")
    answer = np.array([int(c) for c in S], np.int8)
    if kind.answers_as_document(suffix, count):
        text = kind.write_answers([answer] * count, suffix)
    else:
        text = "".join(kind.format_answer(answer) + "\n" for _ in range(count))
    assert read(text, "answers" + suffix) == [S] * count


def test_answer_layouts_refused_before_solving():
    kind = kinds.get("sudoku")
    with pytest.raises(ValueError, match=r"use \.sdm or \.txt"):
        kind.answers_as_document(".sdk", 3)
    with pytest.raises(ValueError, match="cannot write Sudoku answers"):
        kind.answers_as_document(".csv", 1)
    assert kinds.get("maze").answers_as_document(".sdk", 3) is False  # mazes keep their answer lines


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["f.txt", "f.sdk", "f.ss", "f.csv", "f.json", "f.opensudoku", "f"]))
def test_every_kind_reads_any_bytes_or_says_why(data, name):
    """Random bytes through the app's whole path (decode, sniff, then every kind's reader, not
    only the sniffed one): records, or a ValueError; never another exception."""
    try:
        text = decode_document(data, name)
    except ValueError:
        return
    with contextlib.suppress(ValueError):
        kinds.sniff(text, name)
    for kind_name in kinds.names():
        try:
            records = kinds.get(kind_name).read(text, name)
        except ValueError:
            continue
        assert all(r.error or r.puzzle is not None for r in records)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('0123456789.#SG |+-\n\t,;:[]{}"<>/=_trainestpuzzlequion\ufeff\r')), max_size=300))
def test_every_kind_reads_text_near_its_layouts_or_says_why(text):
    """Text made of the characters of every kind's layouts (JSON, maze walls, grids, XML), read by
    every kind: records, or a ValueError; never another exception."""
    for kind_name in kinds.names():
        try:
            records = kinds.get(kind_name).read(text, "fuzz.txt")
        except ValueError:
            continue
        assert all(r.error or r.puzzle is not None for r in records)


def test_a_ksudoku_variant_is_named_not_misread():
    [problem] = read(_ksudoku(DIGITS, variant="XSudoku"), "x.ksudoku")
    assert "KSudoku XSudoku sudoku of order 9, not a classic 9x9 Sudoku" in problem
    [problem] = read(_ksudoku(DIGITS[:80]), "short.ksudoku")
    assert "<values> has 80 cells" in problem


def test_a_pencil_mark_grid_with_a_placed_digit_reads_it_as_a_given():
    """The layout cannot tell a placed digit from a given: both are one-candidate cells."""
    rows = _candidate_rows()
    first_blank = next(c for c in range(9) if DIGITS[c] == "0")
    rows[0][first_blank] = S[first_blank]
    text = "\n".join(" ".join(cells) for cells in rows) + "\n"
    [givens] = read(text, "marks.txt")
    expected = "".join(c if len(c) == 1 else "0" for row in rows for c in row)
    assert givens == expected and givens[first_blank] == S[first_blank]
