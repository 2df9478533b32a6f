"""Maze parsing, formatting, rule checking, BFS and the maze token codec."""

from __future__ import annotations

import contextlib
import csv
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.codec import TokenCodec
from solver.kinds import codec_for
from solver.kinds.maze import (
    CHARSET,
    GOAL,
    MAZE_CODEC_30,
    OPEN,
    PATH,
    START,
    WALL,
    Maze,
    MazeCodec,
    check_path,
    count_shortest_paths,
    format_maze,
    format_maze_csv,
    format_mazes,
    maze_to_row,
    pad_maze,
    parse_maze,
    parse_maze_csv,
    parse_maze_document,
    parse_maze_row,
    parse_mazes,
    shortest_path_length,
    solve_maze,
)
from tests.shared_data import shared_data

SMALL = "S #\n  #\n# G\n"  # two shortest paths, 3 cells between S and G
CORRIDOR = "#####\nS   G\n#####\n"


@pytest.fixture(scope="module")
def official() -> list[tuple[Maze, Maze | None]]:
    head = "".join(shared_data("maze", "maze_30x30_hard_test.csv").read_text().splitlines(keepends=True)[:51])  # header + 50 rows
    return parse_maze_csv(head)


@st.composite
def mazes(draw: st.DrawFn, square: bool = False) -> Maze:
    """A random grid of walls and open cells with one S and one G (not necessarily solvable)."""
    height = draw(st.integers(1, 30))
    width = height if square else draw(st.integers(1 if height > 1 else 2, 30))
    if height * width < 2:
        height, width = 2, 2
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    grid = np.where(rng.random((height, width)) < 0.35, WALL, OPEN).astype(np.uint8)
    start, goal = rng.choice(height * width, size=2, replace=False)
    grid.flat[start], grid.flat[goal] = START, GOAL
    return Maze(grid)


@st.composite
def mutated(draw: st.DrawFn, base: str) -> str:
    """`base` with a few characters replaced, deleted or inserted."""
    text = base
    alphabet = st.sampled_from(list('# SGo\n\r,"x0')) | st.characters()
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["replace", "delete", "insert"]))
        i = draw(st.integers(0, max(0, len(text) - 1)))
        if op == "insert":
            text = text[:i] + draw(alphabet) + text[i:]
        elif text and op == "delete":
            text = text[:i] + text[i + 1 :]
        elif text:
            text = text[:i] + draw(alphabet) + text[i + 1 :]
    return text


def _raises_only_value_error(fn, text: str) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(ValueError):
        fn(text)


# ------------------------------------------------------------------------------- round trips


@settings(max_examples=60, deadline=None)
@given(mazes())
def test_text_grid_round_trip(maze: Maze) -> None:
    assert parse_maze(format_maze(maze)) == maze


@settings(max_examples=30, deadline=None)
@given(st.lists(mazes(), min_size=1, max_size=4))
def test_several_text_grids_round_trip(many: list[Maze]) -> None:
    assert parse_mazes(format_mazes(many)) == many


@settings(max_examples=40, deadline=None)
@given(mazes(square=True))
def test_row_string_round_trip(maze: Maze) -> None:
    row = maze_to_row(maze)
    assert len(row) == maze.shape[0] ** 2
    assert parse_maze_row(row) == maze


@settings(max_examples=20, deadline=None)
@given(st.lists(mazes(square=True), min_size=1, max_size=3))
def test_csv_round_trip(many: list[Maze]) -> None:
    pairs = [(m, None) for m in many]
    assert parse_maze_csv(format_maze_csv(pairs)) == pairs


def test_csv_round_trip_with_answers() -> None:
    question = parse_maze(SMALL)
    pairs = [(question, solve_maze(question))]
    text = format_maze_csv(pairs)
    assert text.splitlines()[0] == "index,question,answer,path_len"
    assert text.splitlines()[1].endswith(",3")
    assert parse_maze_csv(text) == pairs


def test_crlf_bom_and_surrounding_blank_lines_are_fine() -> None:
    maze = parse_maze(SMALL)
    assert parse_maze("\ufeff\r\n" + SMALL.replace("\n", "\r\n") + "\r\n\r\n") == maze
    assert parse_maze(SMALL.replace("\n", "\r")) == maze


def test_spaces_are_cells_and_a_line_of_spaces_is_a_row() -> None:
    maze = parse_maze("S  \n   \n  G")
    assert maze.shape == (3, 3)
    assert maze.start == (0, 0) and maze.goal == (2, 2)


def test_parse_mazes_splits_on_empty_lines_only() -> None:
    many = parse_mazes(SMALL + "\n" + CORRIDOR + "\n\n")
    assert [m.shape for m in many] == [(3, 3), (3, 5)]


def test_maze_is_immutable_and_copies_its_input() -> None:
    grid = np.array([[START, GOAL]], dtype=np.uint8)
    maze = Maze(grid)
    grid[0, 0] = WALL
    assert maze.grid[0, 0] == START
    with pytest.raises(ValueError):
        maze.grid[0, 0] = WALL


def test_document_dispatches_csv_and_text() -> None:
    question = parse_maze(SMALL)
    answer = solve_maze(question)
    assert parse_maze_document(format_maze_csv([(question, answer)])) == [(question, answer)]
    assert parse_maze_document(format_maze(answer)) == [(question, answer)]
    assert parse_maze_document(format_maze(question)) == [(question, None)]


def test_csv_without_header_and_hrm_header() -> None:
    question = parse_maze(SMALL)
    row = maze_to_row(question)
    assert parse_maze_csv(f"x,{row},,\n") == [(question, None)]
    answer = maze_to_row(solve_maze(question))
    hrm = f"source,question,answer,rating\nmy,{row},{answer},3\n"
    assert parse_maze_csv(hrm) == [(question, solve_maze(question))]


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S #\n #\n# G\n", "line 2, column 3: ragged rows"),
        ("S #\n x \n# G\n", "line 2, column 2: character 'x'"),
        ("S" + " " * 29 + "G", "line 1, column 31: row has 31 cells"),
        ("S\n" + " \n" * 30 + "G\n", "line 31: maze has 32 rows"),
        ("  #\n  #\n# G\n", "no start cell 'S'"),
        ("S #\n  #\n#  \n", "no goal cell 'G'"),
        (
            "S #\n S#\n# G\n",
            "line 2, column 2: a second start cell 'S' (the first is at line 1, column 1)",
        ),
        ("SG\n\nSG\n", "line 3: a second maze starts here"),
        ("", "empty text"),
        ("\n\r\n", "empty text"),
    ],
)
def test_text_errors_name_line_and_column(text: str, expected: str) -> None:
    with pytest.raises(ValueError, match=None) as err:
        parse_maze(text)
    assert expected in str(err.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("index,question\n0,S G\n", "line 2, question: 3 characters is not a square number"),
        ("index,question\n0,S GX\n", "line 2, question, character 4 (row 2, column 2)"),
        ("index,question\n0,\n", "line 2, question: empty maze string"),
        ("index,question,answer\n0,S  G,S  GG\n", "line 2, answer: 5 characters"),
        ("index,question,answer\n0,S  G,S       G\n", "line 2: answer is 3x3"),
        ("question\n" + "S" + " " * 959 + "G\n", "line 2, question: 31x31 maze is over 30x30"),
        ("index,question\n", "empty CSV"),
        ('index,question\n0,"S  G\n', "line"),
    ],
)
def test_csv_errors_name_line_and_position(text: str, expected: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_maze_csv(text)
    assert expected in str(err.value)


def test_non_text_input_is_a_value_error() -> None:
    for parse in (parse_maze, parse_mazes, parse_maze_csv, parse_maze_row, parse_maze_document):
        with pytest.raises(ValueError):
            parse(b"S G")  # type: ignore[arg-type]


PARSERS = [parse_maze, parse_mazes, parse_maze_csv, parse_maze_row, parse_maze_document]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_random_text_raises_only_value_error(text: str) -> None:
    for parse in PARSERS:
        _raises_only_value_error(parse, text)


VALID_CSV = format_maze_csv([(parse_maze("S #\n  #\n# G\n"), None)])


@settings(max_examples=150, deadline=None)
@given(st.one_of(mutated(SMALL), mutated(CORRIDOR), mutated(VALID_CSV)))
def test_mutated_valid_text_raises_only_value_error(text: str) -> None:
    for parse in PARSERS:
        _raises_only_value_error(parse, text)


# ------------------------------------------------------------------------------- BFS and checking


def test_shortest_path_length_counts_cells_between_s_and_g() -> None:
    assert shortest_path_length(parse_maze(CORRIDOR)) == 3
    assert shortest_path_length(parse_maze("SG")) == 0
    assert shortest_path_length(parse_maze("S#G")) is None
    assert count_shortest_paths(parse_maze(SMALL)) == 2
    assert count_shortest_paths(parse_maze("S#G")) == 0


def test_solve_maze_marks_a_shortest_path() -> None:
    answer = solve_maze(parse_maze(CORRIDOR))
    assert format_maze(answer) == "#####\nSoooG\n#####\n"
    with pytest.raises(ValueError, match="no path"):
        solve_maze(parse_maze("S#G"))


def test_official_answers_pass_and_match_path_len(official: list[tuple[Maze, Maze | None]]) -> None:
    assert len(official) == 50
    rows = list(csv.DictReader(io.StringIO(shared_data("maze", "maze_30x30_hard_test.csv").read_text())))[:50]
    for (question, answer), row in zip(official, rows, strict=True):
        assert answer is not None
        verdict = check_path(answer, question)
        assert verdict.ok, verdict.reason
        assert shortest_path_length(question) == int(row["path_len"])
        assert check_path(solve_maze(question), question).ok


def _edit(maze: Maze, changes: dict[tuple[int, int], int]) -> Maze:
    grid = maze.grid.copy()
    for cell, value in changes.items():
        grid[cell] = value
    return Maze(grid)


def test_check_path_rejects_a_gap() -> None:
    question = parse_maze(CORRIDOR)
    verdict = check_path(_edit(solve_maze(question), {(1, 2): OPEN}), question)
    assert not verdict.ok and "gap" in verdict.reason
    assert (1, 1) in verdict.bad_cells


def test_check_path_rejects_a_path_through_a_wall() -> None:
    question = parse_maze("S  \n#  \n G \n")
    through_wall = _edit(question, {(1, 0): PATH})
    verdict = check_path(through_wall, question)
    assert not verdict.ok and verdict.bad_cells == [(1, 0)]
    assert "from '#' to 'o'" in verdict.reason


def test_check_path_rejects_a_longer_than_shortest_path() -> None:
    question = parse_maze("S  G\n    \n")
    assert check_path(parse_maze("SooG\n    \n"), question).ok
    verdict = check_path(parse_maze("S  G\noooo\n"), question)
    assert not verdict.ok
    assert "path has 4 cells between S and G, the shortest has 2" in verdict.reason


def test_check_path_rejects_a_longer_path_on_an_official_maze(
    official: list[tuple[Maze, Maze | None]],
) -> None:
    question, answer = official[0]
    assert answer is not None
    # Redraw the answer on the same maze with the S→G route forced around one extra wall: the
    # path is valid in the question's walls but longer than the shortest one.
    on_path = [tuple(c) for c in np.argwhere(answer.grid == PATH)]
    for cell in on_path:
        blocked = _edit(question, {cell: WALL})
        if shortest_path_length(blocked) not in (None, shortest_path_length(question)):
            detour = _edit(solve_maze(blocked), {cell: OPEN})
            verdict = check_path(detour, question)
            assert not verdict.ok and "the shortest has" in verdict.reason
            return
    pytest.fail("no single wall lengthens the official path")


def test_check_path_rejects_a_changed_wall_and_moved_goal() -> None:
    question = parse_maze(CORRIDOR)
    answer = solve_maze(question)
    verdict = check_path(_edit(answer, {(0, 0): OPEN}), question)
    assert not verdict.ok and verdict.bad_cells == [(0, 0)]
    verdict = check_path(_edit(answer, {(1, 4): PATH, (1, 3): GOAL}), question)
    assert not verdict.ok and verdict.bad_cells == [(1, 3), (1, 4)]
    assert verdict.reason.startswith("answer changes row 2, column 4 from ' ' to 'G'")


def test_check_path_rejects_branches_and_separate_loops() -> None:
    question = parse_maze("S G\n   \n   \n   \n   \n")
    assert check_path(parse_maze("SoG\n   \n   \n   \n   \n"), question).ok
    verdict = check_path(parse_maze("SoG\n o \n   \n   \n   \n"), question)
    assert not verdict.ok and "branch" in verdict.reason
    verdict = check_path(parse_maze("SoG\n   \noo \noo \n   \n"), question)
    assert not verdict.ok and "not connected to S" in verdict.reason
    assert sorted(verdict.bad_cells) == [(2, 0), (2, 1), (3, 0), (3, 1)]
    verdict = check_path(parse_maze("SG"), question)
    assert not verdict.ok and verdict.reason == "answer is (1, 2), question is (5, 3)"


def test_check_path_rejects_a_question_without_start() -> None:
    question = Maze(np.array([[OPEN, GOAL]], dtype=np.uint8))
    verdict = check_path(question, question)
    assert not verdict.ok and verdict.reason == "question has 0 start cells, not 1"


def test_check_path_accepts_either_of_two_equally_short_paths() -> None:
    """Any shortest path verifies, not only the one solve_maze draws."""
    question = parse_maze(SMALL)
    one, other = parse_maze("So#\n o#\n#oG\n"), parse_maze("S #\noo#\n#oG\n")
    assert one != other
    assert check_path(one, question).ok and check_path(other, question).ok
    assert check_path(solve_maze(question), question).ok


def test_check_path_rejects_a_question_that_already_holds_path_cells() -> None:
    question = parse_maze("SoG\n   \n")
    verdict = check_path(question, question)
    assert not verdict.ok and verdict.reason == "question already contains path cells"
    assert verdict.bad_cells == [(0, 1)]


def test_check_path_rejects_s_and_g_with_two_path_neighbours() -> None:
    """A ring through S and G: every cell has two neighbours on it, but an end needs one."""
    question = parse_maze("S \n G\n")
    verdict = check_path(parse_maze("So\noG\n"), question)
    assert not verdict.ok and sorted(verdict.bad_cells) == [(0, 0), (1, 1)]
    assert verdict.reason == ("not a single S→G path: an end at row 1, column 1 has 2 path "
                              "neighbours (a branch)")
    # G alone with two: a ring through G and a spur to S.
    question = parse_maze("S  \n  G\n   \n")
    verdict = check_path(parse_maze("So \n oG\n oo\n"), question)
    assert not verdict.ok and (1, 2) in verdict.bad_cells and (0, 0) not in verdict.bad_cells


# ------------------------------------------------------------------------------- codec


def test_codec_contract_and_registry() -> None:
    assert isinstance(MAZE_CODEC_30, TokenCodec)
    assert (MAZE_CODEC_30.name, MAZE_CODEC_30.kind) == ("maze-30x30-v1", "maze")
    assert (MAZE_CODEC_30.vocab_size, MAZE_CODEC_30.seq_len, MAZE_CODEC_30.pad_id) == (6, 900, 0)
    assert MazeCodec(12).name == "maze-12x12-v1"
    assert codec_for("maze-30x30-v1") is MAZE_CODEC_30


def test_codec_token_ids() -> None:
    codec = MazeCodec(2)
    tokens = codec.encode_puzzle(parse_maze("S \n#G\n"))
    assert tokens.dtype == np.int64
    assert tokens.tolist() == [3, 2, 1, 4]
    assert [CHARSET.index(c) + 1 for c in "# SGo"] == [1, 2, 3, 4, 5]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(mazes(square=True), min_size=1, max_size=4).filter(
        lambda ms: len({m.shape for m in ms}) == 1
    )
)
def test_codec_round_trip_single_and_batched(many: list[Maze]) -> None:
    codec = MazeCodec(many[0].shape[0])
    for maze in many:
        assert codec.decode_answer(codec.encode_answer(maze)) == maze
    flat = np.stack([m.grid.reshape(-1) for m in many])  # (B, H*W) CHARSET indices
    batch = codec.encode_puzzle(flat)
    assert batch.shape == (len(many), codec.seq_len)
    assert np.array_equal(batch, codec.encode_puzzle(many))
    assert codec.decode_answer(batch) == many


def test_codec_rejects_wrong_sizes_and_reads_pad_as_wall() -> None:
    with pytest.raises(ValueError, match="maze-30x30-v1"):
        MAZE_CODEC_30.encode_puzzle(parse_maze(SMALL))
    padded = pad_maze(parse_maze(SMALL), 30)
    assert shortest_path_length(padded) == 3
    tokens = MAZE_CODEC_30.encode_puzzle(padded)
    tokens[5] = 0
    decoded = MAZE_CODEC_30.decode_answer(tokens)
    assert isinstance(decoded, Maze) and decoded.grid.flat[5] == WALL
