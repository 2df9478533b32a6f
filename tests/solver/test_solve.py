"""The solve pipeline: first try -> other views -> fallback model, as a stream of events."""

from __future__ import annotations

import numpy as np
import pytest

from solver.halting import HaltingLoop, StepOutput
from solver.kinds.sudoku import SUDOKU_CODEC, Sudoku
from solver.kinds.sudoku.generator import random_full_grid
from solver.kinds.sudoku.kind import SudokuKind
from solver.kinds.sudoku.search import solve as exact_solve
from solver.result import SolveResult, SolveStatus
from solver.solve import PassMade, Solved, SolveSettings, Stage, StageStarted, merge_fallback, solve
from solver.solve import results as collect

VERIFIED = SolveStatus.VERIFIED


def answering(answer_of, halt: float = 3.0):
    """A fake step answering each puzzle's tokens with `answer_of(tokens)`, confidently."""
    calls: list[int] = []

    def step(tokens, y, z):
        calls.append(len(tokens))
        answers = np.stack([answer_of(row) for row in tokens])
        logits = np.full((*tokens.shape, 11), -4.0, np.float32)
        np.put_along_axis(logits, answers[..., None], 4.0, -1)
        return StepOutput(y, z, logits, np.full(len(tokens), halt, np.float32))

    step.calls = calls  # type: ignore[attr-defined]
    return step


def echo(row):
    return row


def exact(row):
    solved = exact_solve(SUDOKU_CODEC.decode_answer(row))
    return row if solved is None else SUDOKU_CODEC.encode_puzzle(solved)


def loop_of(step, max_passes: int = 2) -> HaltingLoop:
    zeros = lambda b: (np.zeros((b, 85, 2), np.float32), np.zeros((b, 85, 2), np.float32))  # noqa: E731
    return HaltingLoop(step, SudokuKind(), zeros, max_passes=max_passes)


@pytest.fixture
def puzzles():
    rng = np.random.default_rng(4)
    full = np.asarray(random_full_grid(rng), np.int8).reshape(81)
    holes = full.copy()
    holes[:5] = 0  # five blanks: the echo step leaves them empty, the exact step fills them
    return [Sudoku(full), Sudoku(holes), Sudoku(full)]


def test_events_come_in_pipeline_order_and_one_result_per_puzzle(puzzles):
    events = list(solve(loop_of(answering(echo)), puzzles, SolveSettings(retry_tta=2), fallback=loop_of(answering(exact))))
    stages = [e.stage for e in events if isinstance(e, StageStarted)]
    assert stages == [Stage.FIRST, Stage.VIEWS, Stage.FALLBACK]
    started = [e for e in events if isinstance(e, StageStarted)]
    assert started[1].puzzles == (1,) and started[1].views == 2 and started[1].after_passes == (2,)
    assert started[2].puzzles == (1,)
    solved = [e for e in events if isinstance(e, Solved)]
    assert [e.puzzle for e in solved] == [0, 1, 2] and events[-3:] == solved
    assert all(isinstance(e, PassMade) for e in events if not isinstance(e, (StageStarted, Solved)))
    # Passes of the retry carry their view's map: mapped back, they sit on the puzzle as entered.
    retry_pass = next(e for e in events if isinstance(e, PassMade) and e.stage is Stage.VIEWS)
    assert retry_pass.augmentation is not None
    assert np.array_equal(retry_pass.answer(), puzzles[1].givens)  # the echo, mapped back


def test_only_unverified_puzzles_reach_the_fallback_and_its_verified_answer_wins(puzzles):
    fallback_step = answering(exact)
    results = collect(solve(loop_of(answering(echo)), puzzles, SolveSettings(retry_tta=0),
                            fallback=loop_of(fallback_step)), 3)
    assert fallback_step.calls == [1]  # one puzzle, verified at its first pass
    assert [r.status for r in results] == [VERIFIED] * 3
    assert [r.fell_back for r in results] == [False, True, False]
    assert results[1].passes == 2 + 1 and results[1].work == 3
    assert exact_solve(puzzles[1].givens) is not None
    assert np.array_equal(results[1].answer, exact_solve(puzzles[1].givens))


def test_the_first_models_answers_do_not_depend_on_the_fallback(puzzles):
    def run(fallback):
        return collect(solve(loop_of(answering(echo)), puzzles, SolveSettings(retry_tta=2),
                             np.random.default_rng(7), fallback), 3)

    alone = run(None)
    paired = run(loop_of(answering(echo)))  # a fallback that verifies nothing either
    assert [r.status for r in alone] == [r.status for r in paired]
    assert all(np.array_equal(a.answer, b.answer) for a, b in zip(alone, paired, strict=True))
    assert [r.fell_back for r in paired] == [False, True, False] and not any(r.fell_back for r in alone)


def test_the_carry_belongs_to_the_answer_it_continues(puzzles):
    events = list(solve(loop_of(answering(echo)), puzzles, SolveSettings(retry_tta=0), fallback=loop_of(answering(exact))))
    carries = {e.puzzle: e.carry for e in events if isinstance(e, Solved)}
    assert carries[0] is not None and carries[2] is not None
    assert carries[1] is None  # the fallback's answer won: the first try's carry no longer fits


def test_closing_the_stream_stops_before_the_next_pass(puzzles):
    step = answering(echo, halt=-3.0)
    events = solve(loop_of(step, max_passes=10), puzzles[1:2], SolveSettings(retry_tta=0))
    seen = [next(events), next(events)]  # the stage, then pass 1
    assert isinstance(seen[1], PassMade) and seen[1].p.number == 1
    events.close()
    assert step.calls == [1]


def test_kinds_without_rules_never_retry():
    from solver.kinds.arc.kind import ArcKind

    zeros = lambda b: (np.zeros((b, 8, 2), np.float32), np.zeros((b, 8, 2), np.float32))  # noqa: E731

    def arc_echo(tokens, y, z):
        logits = np.full((*tokens.shape, 12), -4.0, np.float32)
        np.put_along_axis(logits, tokens[..., None], 4.0, -1)
        return StepOutput(y, z, logits, np.full(len(tokens), 3.0, np.float32))

    grid = np.arange(12, dtype=np.uint8).reshape(3, 4) % 10
    events = list(solve(HaltingLoop(arc_echo, ArcKind(), zeros), [grid], SolveSettings(retry_tta=4)))
    assert [e.stage for e in events if isinstance(e, StageStarted)] == [Stage.FIRST]
    [done] = [e for e in events if isinstance(e, Solved)]
    assert done.result.status is SolveStatus.UNVERIFIED and np.array_equal(done.result.answer, grid)


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError, match="tta must be at least 1"):
        SolveSettings(tta=0)
    with pytest.raises(ValueError, match="retry_tta"):
        SolveSettings(retry_tta=-1)


def result(status: SolveStatus, passes: int = 3, answer: str = "a", **kw) -> SolveResult:
    return SolveResult(status, answer=answer, passes=passes, **kw)


def test_a_verified_fallback_answer_replaces_the_first_and_the_passes_add_up():
    first = result(SolveStatus.BROKEN_RULES, passes=32, answer="int8", retried=True, work_passes=100)
    merged = merge_fallback(first, result(VERIFIED, passes=5, answer="fp32"))
    assert merged.solved and merged.answer == "fp32" and merged.fell_back
    assert merged.passes == 37 and merged.work == 105 and merged.retried


def test_an_unverified_fallback_answer_leaves_the_first_one():
    first = result(SolveStatus.NO_ANSWER, passes=32, answer="int8")
    merged = merge_fallback(first, result(SolveStatus.BROKEN_RULES, passes=32, answer="fp32", work_passes=160))
    assert merged.status is SolveStatus.NO_ANSWER and merged.answer == "int8" and merged.fell_back
    assert merged.passes == 32 and merged.work == 192
