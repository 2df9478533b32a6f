"""Committing the surest cells (solver/commit.py): the Sudoku kind's step, and the pipeline's rounds."""

from __future__ import annotations

import numpy as np
import pytest

from solver.halting import HaltingLoop, StepOutput
from solver.kinds.arc.kind import ArcKind
from solver.kinds.maze.kind import MazeKind
from solver.kinds.sudoku import SUDOKU_CODEC, Sudoku
from solver.kinds.sudoku.generator import random_full_grid
from solver.kinds.sudoku.kind import SudokuKind
from solver.result import SolveStatus
from solver.solve import PassMade, Solved, SolveSettings, Stage, StageStarted, solve

FULL = np.asarray(random_full_grid(np.random.default_rng(11)), np.int8).reshape(81)
KIND = SudokuKind()


def test_commit_fixes_the_surest_cells_the_rules_allow():
    givens = np.zeros(81, np.int8)
    givens[0] = FULL[0]
    answer = FULL.copy()
    answer[1] = FULL[0]  # the surest cell clashes with the given in its row: refused
    confidence = np.linspace(0.5, 0.1, 81)
    confidence[1] = 0.99
    puzzle = Sudoku(givens, answer=FULL, source="line 3", meta={"rating": "x"})
    out = KIND.commit(puzzle, answer, confidence.reshape(9, 9), 3)
    assert out is not None
    assert list(np.flatnonzero(out.givens)) == [0, 2, 3, 4]  # the given, then the next surest three
    assert (out.givens[[2, 3, 4]] == FULL[[2, 3, 4]]).all()
    assert out.source == "line 3" and out.meta == {"rating": "x"}
    assert out.answer is None  # the file's solution need not be the one the model settles on


def test_commit_gives_none_when_nothing_fits_or_at_a_dead_end():
    givens = FULL.copy()
    givens[:2] = 0
    wrong = FULL.copy()
    wrong[:2] = FULL[2]  # both clash with cell 2 of row 1
    assert KIND.commit(Sudoku(givens), wrong, np.ones(81), 4) is None
    # Row 1 holds 1-7 in columns 2-8 and column 9 holds a 9 lower down: cell 9 of row 1 can only
    # be 8. Fixing an 8 in cell 1 (allowed there) leaves it nothing.
    grid = np.zeros(81, np.int8)
    grid[1:8] = np.arange(1, 8)
    grid[44] = 9
    answer = np.zeros(81, np.int8)
    answer[0] = 8
    confidence = np.zeros(81)
    confidence[0] = 1.0
    assert KIND.commit(Sudoku(grid), answer, confidence, 1) is None
    answer[0] = 9  # the other choice leaves cell 9 its 8
    assert KIND.commit(Sudoku(grid), answer, confidence, 1) is not None


def test_commit_skips_a_cell_whose_digit_the_rules_consequences_refute():
    """Row 1 holds 1-6 in columns 4-9, and columns 2 and 3 hold a 9 lower down: the 9 of row 1
    can only go in column 1. An 8 there is allowed by every peer and leaves every blank a
    candidate, but then columns 2 and 3 can only be 7 both (and the 9 has no place): singles
    refute it, so that cell is skipped and the next surest one fixed."""
    grid = np.zeros(81, np.int8)
    grid[3:9] = np.arange(1, 7)
    grid[37] = 9  # row 5, column 2
    grid[65] = 9  # row 8, column 3
    answer = np.zeros(81, np.int8)
    answer[0], answer[80] = 8, 1
    confidence = np.zeros(81)
    confidence[0], confidence[80] = 1.0, 0.5
    out = KIND.commit(Sudoku(grid), answer, confidence, 2)
    assert out is not None
    assert out.givens[0] == 0 and out.givens[80] == 1
    answer[0] = 9  # the digit the rules leave it
    out = KIND.commit(Sudoku(grid), answer, confidence, 2)
    assert out is not None and out.givens[0] == 9 and out.givens[80] == 1


def test_mazes_and_arc_have_no_commit_step():
    assert MazeKind().commit(None, None, np.zeros(1), 4) is None
    assert ArcKind().commit(None, None, np.zeros(1), 4) is None


def wavering(threshold: int = 40):
    """A fake model that answers FULL once its input has `threshold` filled cells; before that it
    wavers: FULL's digits, sure of them in reading order, except the blank cells of the last row,
    where it writes the digit above them in row 1 (a clash), unsure."""
    def step(tokens, y, z):
        rows, sure = [], []
        for row in tokens:
            filled = int((SUDOKU_CODEC.decode_answer(row) > 0).sum())
            answer = FULL.copy()
            confidence = 4.0 - np.arange(81) * 0.01
            if filled < threshold:
                blank = SUDOKU_CODEC.decode_answer(row) == 0
                last_row = np.arange(72, 81)
                answer[last_row] = np.where(blank[last_row], FULL[last_row - 72], FULL[last_row])
                confidence[last_row] = np.where(blank[last_row], -2.0, confidence[last_row])
            rows.append(SUDOKU_CODEC.encode_puzzle(answer))
            sure.append(confidence)
        answers = np.stack(rows)
        logits = np.full((*tokens.shape, 11), -4.0, np.float32)
        np.put_along_axis(logits, answers[..., None], np.stack(sure)[..., None].astype(np.float32), -1)
        return StepOutput(y, z, logits, np.full(len(tokens), 3.0, np.float32))

    return step


def ones(b):
    return np.ones((b, 85, 4), np.float32), np.ones((b, 85, 4), np.float32)


def run(puzzle, **settings):
    loop = HaltingLoop(wavering(), SudokuKind(), ones, max_passes=2)
    return list(solve(loop, [puzzle], SolveSettings(retry_tta=0, explore=0, **settings)))


def test_a_wavering_model_completes_a_sparse_grid_round_by_round():
    givens = np.zeros(81, np.int8)
    givens[40] = FULL[40]
    events = run(Sudoku(givens), commit=16, commit_cells=8, commit_passes=2)
    result = next(e for e in events if isinstance(e, Solved)).result
    assert result.status is SolveStatus.VERIFIED and np.array_equal(result.answer, FULL)
    assert result.committed == 5  # 1 given + 5 x 8 fixed = 41 filled: the model then answers whole
    started = [e for e in events if isinstance(e, StageStarted) and e.stage is Stage.COMMIT]
    assert len(started) == 1 and started[0].after_passes == (2,)
    rounds = [e for e in events if isinstance(e, PassMade) and e.stage is Stage.COMMIT]
    # One line of thought: numbered on across the rounds, and the last is the result's count.
    assert [e.p.number for e in rounds] == list(range(1, len(rounds) + 1))
    assert started[0].after_passes[0] + rounds[-1].p.number == result.passes
    assert result.work == result.passes
    filled = [int((e.view_puzzle.givens > 0).sum()) for e in rounds]
    assert filled[0] == 9 and filled[-1] == 41  # each round's puzzle has its cells fixed so far
    # No round fixed one of the unsure clashing cells of the last row.
    assert all((e.view_puzzle.givens[72:] == 0).all() for e in rounds)


def test_without_the_step_the_sparse_grid_stays_unverified():
    givens = np.zeros(81, np.int8)
    result = next(e for e in run(Sudoku(givens), commit=0) if isinstance(e, Solved)).result
    assert result.status is not SolveStatus.VERIFIED and not result.commit_tried


def test_the_step_gives_up_at_its_round_cap_and_keeps_the_earlier_answer():
    events = run(Sudoku(np.zeros(81, np.int8)), commit=2, commit_cells=8, commit_passes=2)
    result = next(e for e in events if isinstance(e, Solved)).result
    assert result.status is not SolveStatus.VERIFIED and result.commit_tried and result.committed == 0
    assert result.work == 2 + 2 * 2 and result.passes == 2  # the rounds cost, the answer is the first one


class NoCommit(SudokuKind):
    def commit(self, puzzle, answer, confidence, cells):
        return None


def test_a_kind_without_the_step_starts_no_commit_stage():
    settings = SolveSettings(retry_tta=0, explore=0, commit=16)
    for kind, starts in ((NoCommit(), False), (SudokuKind(), True)):
        loop = HaltingLoop(wavering(), kind, ones, max_passes=2)
        events = list(solve(loop, [Sudoku(np.zeros(81, np.int8))], settings))
        assert bool([e for e in events if getattr(e, "stage", None) is Stage.COMMIT]) is starts


def blank_answers(tokens, y, z):
    """A fake model that leaves every cell blank: nothing for the commit step to fix."""
    blank = SUDOKU_CODEC.encode_puzzle(np.zeros(81, np.int8))
    logits = np.full((*tokens.shape, 11), -4.0, np.float32)
    np.put_along_axis(logits, np.broadcast_to(blank, tokens.shape)[..., None].astype(np.int64), 4.0, -1)
    return StepOutput(y, z, logits, np.full(len(tokens), 3.0, np.float32))


def test_the_fallback_model_has_its_own_commit_stage():
    """trm-solve --int8: what the first model leaves unverified, commit included, goes to the
    fp32 model, whose own commit rounds complete it."""
    first = HaltingLoop(blank_answers, SudokuKind(), ones, max_passes=2)
    fallback = HaltingLoop(wavering(), SudokuKind(), ones, max_passes=2)
    givens = np.zeros(81, np.int8)
    givens[40] = FULL[40]
    events = list(solve(first, [Sudoku(givens)], SolveSettings(retry_tta=0, explore=0, commit=16), fallback=fallback))
    stages = [e.stage for e in events if isinstance(e, StageStarted)]
    assert Stage.COMMIT not in stages and stages[-1] is Stage.FALLBACK_COMMIT
    result = next(e for e in events if isinstance(e, Solved)).result
    assert result.solved and result.fell_back and result.committed == 5


@pytest.mark.parametrize("name", ["commit", "commit_cells", "commit_passes"])
def test_settings_refuse_bad_commit_values(name):
    with pytest.raises(ValueError, match=name):
        SolveSettings(**{name: -1})
