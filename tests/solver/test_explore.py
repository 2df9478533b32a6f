"""Test-time exploration: noisy branches of an unverified puzzle, the first verified one wins."""

from __future__ import annotations

import numpy as np
import pytest

from solver.explore import Noise, noisy
from solver.halting import HaltingLoop, StepOutput
from solver.kinds.arc.kind import ArcKind
from solver.kinds.sudoku import SUDOKU_CODEC, Sudoku
from solver.kinds.sudoku.generator import random_full_grid
from solver.kinds.sudoku.kind import SudokuKind
from solver.kinds.sudoku.search import solve as exact_solve
from solver.result import SolveStatus
from solver.solve import PassMade, Solved, SolveSettings, Stage, StageStarted, solve
from solver.solve import results as collect


def stuck_unless_pushed(push: float = 1.3):
    """A fake step that echoes its input (a Sudoku with holes stays unsolved) and answers the
    exact solution only in a row whose incoming z[0, 0] exceeds `push`: the deterministic carry
    (z = 1 everywhere) never does, noise on z sometimes does. Records each call's batch and z."""
    calls: list[np.ndarray] = []

    def step(tokens, y, z):
        z = np.asarray(z)
        calls.append(z[:, 0, 0].copy())
        rows = []
        for row, zr in zip(tokens, z, strict=True):
            solved = exact_solve(SUDOKU_CODEC.decode_answer(row)) if zr[0, 0] > push else None
            rows.append(row if solved is None else SUDOKU_CODEC.encode_puzzle(solved))
        answers = np.stack(rows)
        logits = np.full((*tokens.shape, 11), -4.0, np.float32)
        np.put_along_axis(logits, answers[..., None], 4.0, -1)
        return StepOutput(y, np.ones_like(z), logits, np.full(len(tokens), 3.0, np.float32))

    step.calls = calls  # type: ignore[attr-defined]
    return step


def ones(b):
    return np.ones((b, 85, 4), np.float32), np.ones((b, 85, 4), np.float32)


@pytest.fixture
def puzzles():
    full = np.asarray(random_full_grid(np.random.default_rng(4)), np.int8).reshape(81)
    holes = full.copy()
    holes[:5] = 0
    return [Sudoku(full), Sudoku(holes)]


Z_NOISE = Noise(y=0.0, z=0.3)  # the fake step listens to z only


def run(step, puzzles, noise=Z_NOISE, **settings):
    loop = HaltingLoop(step, SudokuKind(), ones, max_passes=2)
    return list(solve(loop, puzzles, SolveSettings(retry_tta=0, noise=noise, **settings)))


def test_without_exploration_the_stuck_puzzle_stays_unverified(puzzles):
    events = run(stuck_unless_pushed(), puzzles, explore=0)
    assert [r.solved for r in collect(iter(events), 2)] == [True, False]
    assert not any(isinstance(e, StageStarted) and e.stage is Stage.EXPLORE for e in events)


def test_a_noisy_branch_finds_what_the_deterministic_run_cannot(puzzles):
    events = run(stuck_unless_pushed(), puzzles, explore=4, explore_passes=16)
    done = collect(iter(events), 2)
    assert done[1].solved and done[1].explored and 1 <= done[1].branch <= 4
    assert SudokuKind().check(done[1].answer, puzzles[1]).ok
    started = [e for e in events if isinstance(e, StageStarted) and e.stage is Stage.EXPLORE]
    assert [(s.puzzles, s.views, s.after_passes) for s in started] == [((1,), 4, (2,))]
    explored = [e for e in events if isinstance(e, PassMade) and e.stage is Stage.EXPLORE]
    assert {e.puzzle for e in explored} == {1}  # the verified puzzle pays nothing
    # Pass numbers go on from where the first try stopped; the passes add up; work counts all.
    winner = [e for e in explored if e.view == done[1].branch - 1]
    assert [e.p.number for e in winner] == list(range(1, len(winner) + 1))  # a branch counts from 1
    assert done[1].passes == 2 + len(winner)
    assert done[1].work == 2 + sum(1 for e in explored)
    assert not done[0].explored


def test_the_first_verified_branch_stops_its_siblings(puzzles):
    events = run(stuck_unless_pushed(), puzzles, explore=6, explore_passes=40)
    explored = [e for e in events if isinstance(e, PassMade) and e.stage is Stage.EXPLORE]
    last = {}
    for e in explored:
        last[e.view] = e.p
    assert len(last) == 6 and all(p.halted for p in last.values())
    assert len({p.number for p in last.values()}) == 1  # every branch ends at the winning pass
    assert max(p.number for p in last.values()) < 40


def test_no_noise_no_escape(puzzles):
    """The noise is what explores: with it off, the branches repeat the stuck run to their cap."""
    events = run(stuck_unless_pushed(), puzzles, explore=3, explore_passes=5, noise=Noise(y=0.0, z=0.0))
    done = collect(iter(events), 2)
    assert not done[1].solved and done[1].explored and done[1].branch == 0
    assert done[1].work == 2 + 3 * 5
    assert done[1].answer is not None


def test_the_noise_is_relative_to_each_rows_rms_and_leaves_the_input_alone():
    seen = []

    def step(tokens, y, z):
        seen.append(np.asarray(z))
        return StepOutput(y, z, np.zeros((*tokens.shape, 3), np.float32), np.zeros(len(tokens), np.float32))

    z = np.stack([np.full((50, 40), 1.0, np.float32), np.full((50, 40), 100.0, np.float32)])
    before = z.copy()
    noisy(step, Noise(y=0.0, z=0.5), np.random.default_rng(0))(np.zeros((2, 4), np.int64), z.copy(), z)
    assert np.array_equal(z, before)  # the caller's carry is not changed in place
    spread = (seen[0] - before).std(axis=(1, 2))
    assert spread == pytest.approx([0.5, 50.0], rel=0.05)


def test_noise_on_y_moves_y_and_leaves_z():
    seen = []

    def step(tokens, y, z):
        seen.append((np.asarray(y), np.asarray(z)))
        return StepOutput(y, z, np.zeros((*tokens.shape, 3), np.float32), np.zeros(len(tokens), np.float32))

    y = np.ones((1, 30, 20), np.float32)
    z = np.full((1, 30, 20), 2.0, np.float32)
    noisy(step, Noise(y=1.0, z=0.0), np.random.default_rng(0))(np.zeros((1, 4), np.int64), y, z)
    assert np.array_equal(seen[0][1], z)
    assert (seen[0][0] - y).std() == pytest.approx(1.0, rel=0.05)


def arc_step(tokens, y, z):
    """A fake ARC step: unsure of an echo of its input from the plain carry (z = 1), sure of the
    input shifted by one colour from a perturbed one; it halts after every pass."""
    z = np.asarray(z)
    pushed = ~np.all(z == 1.0, axis=(1, 2))  # (B,)
    answers = np.where(pushed[:, None], np.where(tokens >= 2, (tokens - 2 + 1) % 10 + 2, tokens), tokens)
    logits = np.full((*tokens.shape, 12), -4.0, np.float32)
    margin = np.where(pushed, 8.0, 1.0)[:, None, None]
    np.put_along_axis(logits, answers[..., None], -4.0 + margin, -1)
    return StepOutput(y, np.ones_like(z), logits, np.full(len(tokens), 3.0, np.float32))


@pytest.mark.parametrize("noise, moved", [(0.3, True), (0.0, False)])
def test_a_kind_without_rules_explores_every_puzzle_and_the_vote_decides(noise, moved):
    grids = [np.arange(12, dtype=np.uint8).reshape(3, 4) % 10, np.full((2, 2), 7, np.uint8)]
    ones8 = lambda b: (np.ones((b, 8, 2), np.float32), np.ones((b, 8, 2), np.float32))  # noqa: E731
    loop = HaltingLoop(arc_step, ArcKind(), ones8, max_passes=4)
    events = list(solve(loop, grids, SolveSettings(explore=3, noise=Noise(y=0.0, z=noise))))
    started = [e for e in events if isinstance(e, StageStarted)]
    assert [(e.stage, e.puzzles, e.views) for e in started] == [(Stage.FIRST, (0, 1), 1), (Stage.EXPLORE, (0, 1), 3)]
    solved = {e.puzzle: e for e in events if isinstance(e, Solved)}
    for i, grid in enumerate(grids):
        r = solved[i].result
        assert r.status is SolveStatus.UNVERIFIED and r.explored
        shifted = (grid + 1) % 10
        # Three sure branches outvote the unsure first answer; without noise they repeat it.
        assert np.array_equal(r.answer, shifted if moved else grid)
        assert (r.branch > 0) is moved
        assert (solved[i].carry is None) is moved  # the carry belongs to the first answer only
        assert r.work == 1 + 3


@pytest.mark.parametrize("bad", [dict(explore=-1), dict(explore_passes=0), dict(explore=True)])
def test_settings_refuse_nonsense_exploration(bad):
    with pytest.raises(ValueError):
        SolveSettings(**bad)


def test_noise_refuses_nonsense():
    for bad in (-0.1, float("nan"), "0.3", True):
        with pytest.raises(ValueError):
            Noise(z=bad)
        with pytest.raises(ValueError):
            Noise(y=bad)
