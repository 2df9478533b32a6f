"""The Qt-free puzzle state behind the boards."""

from __future__ import annotations

import numpy as np
import pytest

from gui.kinds.arc.state import ArcAnswerState, flood_fill, parse_size
from gui.kinds.maze.state import MazeBoardState
from gui.kinds.sudoku.state import SudokuBoardState
from gui.puzzle_list import PuzzleList
from gui.timeline_cursor import TimelineCursor
from solver.kinds.maze import GOAL, OPEN, START, WALL


def test_a_typed_digit_that_clashes_is_the_persons_not_the_givens():
    state = SudokuBoardState.empty()
    state.restore(state.with_digit(0, 5, as_given=True))
    state.restore(state.with_digit(1, 5, as_given=False))
    assert not state.given_conflicts().any()
    assert state.entry_conflicts().tolist()[:2] == [False, True]
    state.restore(state.with_digit(2, 5, as_given=True))
    assert state.given_conflicts().tolist()[:3] == [True, False, True]


def test_sudoku_digit_as_given_or_entry():
    """Entries never overwrite givens; snapshots restore exactly."""
    state = SudokuBoardState.empty()
    state.restore(state.with_digit(0, 5, as_given=True))
    state.restore(state.with_digit(0, 7, as_given=False))
    state.restore(state.with_digit(1, 5, as_given=False))
    assert state.values()[:2].tolist() == [5, 5]
    assert state.conflicts()[:2].tolist() == [True, True]
    before = state.snapshot()
    state.restore(state.with_digit(1, 0, as_given=False))
    assert state.values()[1] == 0
    state.restore(before)
    assert state.values()[1] == 5


def test_flood_fill_stays_in_its_region():
    """Only the 4-connected same-colour region changes."""
    grid = np.array([[0, 0, 1], [1, 0, 1], [0, 1, 0]], np.uint8)
    out = flood_fill(grid, (0, 0), 3)
    assert out.tolist() == [[3, 3, 1], [1, 3, 1], [0, 1, 0]]
    assert grid[0, 0] == 0  # the input is untouched


def test_arc_resize_keeps_top_left():
    """Resizing keeps the top-left content, as the official interface does."""
    state = ArcAnswerState(np.arange(9, dtype=np.uint8).reshape(3, 3))
    state.restore(state.with_size(2, 4))
    assert state.grid.tolist() == [[0, 1, 2, 0], [3, 4, 5, 0]]
    assert parse_size("10x20") == (10, 20)
    with pytest.raises(ValueError, match="1x1 to 30x30"):
        parse_size("31x2")


def test_maze_walls_and_endpoints():
    """S and G survive wall strokes and move as one."""
    state = MazeBoardState.open_field(5)
    state.restore(state.with_wall([(0, 0), (0, 1), (1, 1)], wall=True))
    assert state.grid[0, 0] == START and state.grid[0, 1] == WALL
    state.restore(state.with_endpoint(GOAL, (0, 1)))
    assert state.grid[0, 1] == GOAL and state.grid[4, 4] == OPEN
    assert (state.grid == GOAL).sum() == 1


def test_timeline_cursor_passes_and_inner_steps():
    """Fine steps walk inner steps; pass steps jump between pass ends; following stays on the target."""
    cursor = TimelineCursor()
    cursor.set_frames([(0, 2), (1, 2)])
    assert cursor.current == (1, None)
    cursor.step_fine(-1)
    assert cursor.current == (1, 1)
    assert not cursor.following
    cursor.set_frames([(0, 2), (1, 2), (2, 2)])
    assert cursor.current == (1, 1)  # not following: the new pass does not steal the view
    cursor.step_pass(-1)
    assert cursor.current == (0, None)
    cursor.step_pass(1)
    assert cursor.current == (1, None)


def test_timeline_cursor_keeps_its_frame_when_another_views_pass_lands_before_it():
    """Frames are named by their index in the run: a view's pass inserted earlier in the order
    does not move what is shown, and following shows the run's target, not the last frame."""
    cursor = TimelineCursor()
    cursor.set_frames([(0, 0), (1, 0)], target=1)
    cursor.step_pass(-1)
    assert cursor.current == (0, None) and not cursor.following
    cursor.set_frames([(0, 0), (2, 0), (1, 0)], target=2)
    assert cursor.current == (0, None)
    cursor.following = True
    cursor.set_frames([(0, 0), (2, 0), (3, 0), (1, 0)], target=3)
    assert cursor.current == (3, None) and not cursor.at_end
    assert cursor.jump_to(1) and cursor.current == (1, None)


def test_puzzle_list_steps_within_bounds():
    """Stepping stops at either end."""
    items = PuzzleList(["a", "b"])
    assert not items.step(-1)
    assert items.step(1) and items.current == "b" and items.label() == "2 / 2"
    assert not items.step(1)


def test_result_text_says_when_other_views_found_or_missed_the_answer():
    from gui.result_text import SUCCESS, WARNING, describe_result
    from solver.result import SolveResult, SolveStatus

    found = SolveResult(SolveStatus.VERIFIED, passes=34, views=4, retried=True)
    text, level = describe_result(found)
    assert level == SUCCESS and "found by solving 4 other symmetric views" in text and "34 passes" in text
    missed = SolveResult(SolveStatus.NO_ANSWER, passes=32, reason="3 empty cells", retried=True)
    text, level = describe_result(missed)
    assert level == WARNING and text.startswith("No answer within the cap of 32 passes")
    assert text.endswith("Other symmetric views of the puzzle found no verified answer either.")


def test_result_text_names_the_exploring_branch_that_found_the_answer():
    from gui.result_text import SUCCESS, WARNING, describe_result
    from solver.result import SolveResult, SolveStatus

    found = SolveResult(SolveStatus.VERIFIED, passes=41, retried=True, explored=True, branch=3)
    text, level = describe_result(found)
    assert level == SUCCESS and "found by exploring branch 3" in text and "41 passes" in text
    missed = SolveResult(SolveStatus.NO_ANSWER, passes=32, reason="3 empty cells", retried=True, explored=True)
    text, level = describe_result(missed)
    assert level == WARNING and text.startswith("No answer within the cap of 32 passes")
    assert "Noisy branches of the model's own state found no verified answer either." in text
    voted = SolveResult(SolveStatus.UNVERIFIED, passes=5, explored=True, branch=2)
    assert "branch 2's" in describe_result(voted)[0]


def test_result_text_says_how_the_commit_step_completed_the_grid_and_what_came_before():
    from gui.result_text import SUCCESS, WARNING, describe_result
    from solver.result import SolveResult, SolveStatus

    found = SolveResult(SolveStatus.VERIFIED, passes=46, retried=True, commit_tried=True, committed=4)
    text, level = describe_result(found)
    assert level == SUCCESS and "after 46 passes, completed over 4 rounds" in text
    assert "when no other view had verified one" in text and "branch" not in text
    explored = SolveResult(SolveStatus.VERIFIED, passes=46, retried=True, explored=True, commit_tried=True, committed=1)
    assert "over 1 round of" in describe_result(explored)[0] and "no view or branch had" in describe_result(explored)[0]
    missed = SolveResult(SolveStatus.NO_ANSWER, passes=32, reason="3 empty cells", retried=True, commit_tried=True)
    text, level = describe_result(missed)
    assert level == WARNING and text.endswith("Fixing the model's surest cells as givens, round by round, ended without one too.")
