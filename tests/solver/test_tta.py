"""Test-time augmentation: inverse maps, voting, and a full run with an echoing fake step."""

from __future__ import annotations

import numpy as np
import pytest

from solver import kinds
from solver.halting import HaltingLoop, StepOutput
from solver.kinds.arc.kind import ArcKind
from solver.kinds.maze import MAZE_CODEC_30, parse_maze, solve_maze
from solver.kinds.maze.kind import MazeKind
from solver.kinds.sudoku import Sudoku, is_solution
from solver.kinds.sudoku.generator import random_full_grid
from solver.kinds.sudoku.kind import SudokuKind
from solver.result import RuleCheck, SolveStatus
from solver.solve import SolveSettings
from solver.solve import results as collect
from solver.solve import solve as pipeline
from solver.tta import (
    Candidate,
    RetryPlan,
    TtaPlan,
    needs_retry,
    retry_limit,
    vote,
)

MAZE = """\
#######
#S  # #
# # # #
# #   #
#   #G#
#######
"""


def echo_step(vocab: int, S: int = 8, D: int = 2):
    """A fake model whose answer is its input: confident, halting at once."""

    def step(tokens, y, z):
        logits = np.full((*tokens.shape, vocab), -4.0, np.float32)
        np.put_along_axis(logits, tokens[..., None], 4.0, -1)
        return StepOutput(y, z, logits, np.full(len(tokens), 3.0, np.float32))

    return step


def retry(loop, puzzles, first, k, rng):
    """The pipeline's second step alone: `first` results retried over K other views."""
    plan = RetryPlan.build(loop.kind, puzzles, first, k, rng)
    return plan.merge([p for p in loop.run(plan.variants) if p.halted])


def carry(S: int, D: int = 2):
    return lambda b: (np.zeros((b, S, D), np.float32), np.zeros((b, S, D), np.float32))


@pytest.mark.parametrize("seed", range(5))
def test_sudoku_maps_invert(seed):
    rng = np.random.default_rng(seed)
    grid = np.asarray(random_full_grid(rng), np.int8).reshape(81)
    puzzle = Sudoku(grid)
    for m in kinds.get("sudoku").augmentations(8, rng):
        assert np.array_equal(m.invert(m.apply(puzzle).givens), grid)


def test_maze_and_arc_maps_invert():
    rng = np.random.default_rng(0)
    maze = parse_maze(MAZE)
    for m in kinds.get("maze").augmentations(8, rng):
        assert m.invert(m.apply(maze)) == maze
    grid = rng.integers(0, 10, (3, 5))
    for m in kinds.get("arc").augmentations(6, rng):
        assert np.array_equal(m.invert(m.apply(grid)), grid)
    with pytest.raises(ValueError, match="only 8"):
        kinds.get("maze").augmentations(9, rng)


def test_sudoku_tta_with_echo_step_gives_back_the_original():
    rng = np.random.default_rng(1)
    solved = [Sudoku(np.asarray(random_full_grid(rng), np.int8).reshape(81)) for _ in range(3)]
    loop = HaltingLoop(echo_step(11), SudokuKind(), carry(85))
    results = collect(pipeline(loop, solved, SolveSettings(tta=6, retry_tta=0), rng), len(solved))
    for r, p in zip(results, solved, strict=True):
        assert r.status is SolveStatus.VERIFIED and is_solution(r.answer, p)
        assert np.array_equal(r.answer, p.givens)


def test_maze_tta_with_a_solving_fake_step():
    """A fake step that solves whatever (transformed) maze it gets: every variant maps back."""
    question = parse_maze(MAZE)
    kind = MazeKind(MAZE_CODEC_30)

    def solving_step(tokens, y, z):
        answers = []
        for row in tokens:
            full = MAZE_CODEC_30.decode_answer(row)
            answers.append(MAZE_CODEC_30.encode_answer(solve_maze(full)))
        return echo_step(6)(np.stack(answers), y, z)

    loop = HaltingLoop(solving_step, kind, carry(904))
    [result] = collect(pipeline(loop, [question], SolveSettings(tta=8, retry_tta=0), np.random.default_rng(0)), len([question]))
    assert result.status is SolveStatus.VERIFIED
    assert result.answer == solve_maze(question)


def test_arc_tta_with_echo_step():
    rng = np.random.default_rng(2)
    grid = rng.integers(0, 10, (4, 7)).astype(np.uint8)
    loop = HaltingLoop(echo_step(12), ArcKind(), carry(904))
    plan = TtaPlan.build(loop.kind, [grid], 5, rng)
    assert len(plan.variants) == 5
    last = [p for p in loop.run(plan.variants) if p.halted]
    [result] = plan.vote(last)
    assert result.status is SolveStatus.UNVERIFIED
    assert np.array_equal(result.answer, grid)


def _cand(value: int, ok: bool, conf: float) -> Candidate:
    return Candidate(np.full(3, value), RuleCheck(ok, True, ""), conf, last=None)  # type: ignore[arg-type]


def test_vote_prefers_valid_then_summed_confidence():
    # Two invalid but confident answers lose to a single valid one.
    best = vote([_cand(1, False, 0.99), _cand(1, False, 0.99), _cand(2, True, 0.4)])
    assert best.answer[0] == 2
    # Among valid answers, two agreeing at 0.5 beat one at 0.9.
    best = vote([_cand(1, True, 0.9), _cand(2, True, 0.5), _cand(2, True, 0.5)])
    assert best.answer[0] == 2
    # No valid answer: still the best-supported one.
    best = vote([_cand(1, False, 0.3), _cand(2, False, 0.6)])
    assert best.answer[0] == 2


@pytest.mark.parametrize("name", ["sudoku", "maze", "arc"])
def test_identity_is_variant_zero(name):
    """View 0 is the puzzle unchanged and the others are not (the maze has no symmetry)."""
    rng = np.random.default_rng(0)
    puzzle = {"sudoku": Sudoku(np.asarray(random_full_grid(rng), np.int8).reshape(81)),
              "maze": parse_maze(MAZE), "arc": rng.integers(0, 10, (3, 5)).astype(np.uint8)}[name]
    maps = kinds.get(name).augmentations(4, rng)

    def same(a, b):
        return np.array_equal(getattr(a, "givens", getattr(a, "grid", a)), getattr(b, "givens", getattr(b, "grid", b)))

    assert same(maps[0].apply(puzzle), puzzle)
    assert not any(same(m.apply(puzzle), puzzle) for m in maps[1:])


def test_retry_replaces_an_unverified_answer_with_a_verified_view():
    """A model blind to the maze as given, but solving every rotated view: the retry finds the path."""
    question = parse_maze(MAZE)
    kind = MazeKind(MAZE_CODEC_30)
    original = kind.encode(question)
    rows_seen = []

    def step(tokens, y, z):
        answers = []
        for row in tokens:
            rows_seen.append(np.array_equal(row, original))
            full = MAZE_CODEC_30.decode_answer(row)
            answers.append(row if np.array_equal(row, original) else MAZE_CODEC_30.encode_answer(solve_maze(full)))
        out = echo_step(6)(np.stack(answers), y, z)
        return StepOutput(out.y, out.z, out.logits, np.full(len(tokens), -3.0, np.float32))  # never halts

    loop = HaltingLoop(step, kind, carry(904), max_passes=3)
    rng = np.random.default_rng(0)
    [first] = [p.result() for p in loop.run([question]) if p.halted]
    assert first.status is SolveStatus.NO_ANSWER and first.passes == 3
    rows_seen.clear()
    [result] = retry(loop, [question], [first], 4, rng)
    assert not any(rows_seen)  # the retry never runs the view that already failed
    assert result.status is SolveStatus.VERIFIED and result.retried and result.views == 4
    assert result.answer == solve_maze(question)
    assert result.passes == 3 + 1  # the first run, then the chosen view (verified at its first pass)
    assert result.work == 3 + 4 * 1  # every pass of every variant


def test_retry_leaves_verified_answers_alone_and_keeps_the_first_when_nothing_verifies():
    rng = np.random.default_rng(3)
    solved = Sudoku(np.asarray(random_full_grid(rng), np.int8).reshape(81))
    empty = Sudoku(np.zeros(81, np.int8))  # the echo step answers it with an empty grid
    calls = []

    def step(tokens, y, z):
        calls.append(len(tokens))
        return echo_step(11)(tokens, y, z)

    loop = HaltingLoop(step, SudokuKind(), carry(85))
    first = collect(pipeline(loop, [solved, empty], SolveSettings(tta=1, retry_tta=0), rng), len([solved, empty]))
    assert [r.status for r in first] == [SolveStatus.VERIFIED, SolveStatus.BROKEN_RULES]
    calls.clear()
    results = retry(loop, [solved, empty], first, 3, rng)
    assert set(calls) == {3}  # the three other views of the unverified puzzle only
    assert results[0] is first[0]
    assert results[1].status is SolveStatus.BROKEN_RULES and results[1].retried
    assert np.array_equal(results[1].answer, first[1].answer)  # the answer the person watched
    assert results[1].work == first[1].passes + 3 * loop.max_passes  # the checker overrules each halt


def test_retry_caps_maze_views_and_skips_arc():
    assert retry_limit(kinds.get("maze"), 8) == 7 and retry_limit(kinds.get("sudoku"), 8) == 8
    assert len(kinds.get("maze").augmentations(7, np.random.default_rng(0), identity=False)) == 7
    with pytest.raises(ValueError, match="besides itself"):
        kinds.get("maze").augmentations(8, np.random.default_rng(0), identity=False)
    arc = RuleCheck(True, True, "", verifiable=False)
    from solver.result import SolveResult

    assert not needs_retry(SolveResult.from_check(arc, np.zeros((2, 2)), 1, 0.9, True))
