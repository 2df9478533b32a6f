"""The pass loop with fake steps: halting, batch dropout, the cap, cancelling, resuming."""

from __future__ import annotations

import numpy as np
import pytest

from solver.halting import HaltingLoop, StepOutput
from solver.kinds.sudoku import Sudoku, is_solution
from solver.kinds.sudoku.generator import random_full_grid
from solver.kinds.sudoku.kind import SudokuKind
from solver.result import SolveStatus

S, D, V = 85, 4, 11


def _solution(seed: int) -> np.ndarray:
    return np.asarray(random_full_grid(np.random.default_rng(seed)), dtype=np.int8).reshape(81)


class FakeStep:
    """Answers with a fixed grid per puzzle; the halt logit rises by `rate[i]` per pass.

    The carry's y[:, 0, 0] counts passes and y[:, 0, 1] holds the puzzle id, so the step knows
    who is who after the batch shrinks.
    """

    def __init__(self, answers: np.ndarray, rate: np.ndarray, fill_after: int = 0) -> None:
        self.answers = answers  # (N, 81) digits
        self.rate = rate  # (N,)
        self.fill_after = fill_after
        self.batches: list[int] = []

    def __call__(self, tokens, y, z) -> StepOutput:
        self.batches.append(len(tokens))
        y = np.array(y)
        y[:, 0, 0] += 1
        ids = y[:, 0, 1].astype(int)
        passes = y[:, 0, 0]
        answers = self.answers[ids].astype(np.int64)
        # Before `fill_after` passes, the fake model leaves the givens' blanks blank.
        early = passes[:, None] <= self.fill_after
        digits = np.where(early, tokens - 1, answers)
        logits = np.full((len(tokens), 81, V), -5.0, np.float32)
        np.put_along_axis(logits, (digits + 1)[..., None], 5.0, -1)
        halt = (self.rate[ids] * passes - 3.0).astype(np.float32)
        return StepOutput(y, z, logits, halt)


def _loop(step, n: int, **kw) -> HaltingLoop:
    def initial(b: int):
        y = np.zeros((b, S, D), np.float32)
        y[:, 0, 1] = np.arange(b)
        return y, np.zeros((b, S, D), np.float32)

    return HaltingLoop(step, SudokuKind(), initial, **kw)


def _puzzles(n: int) -> tuple[list[Sudoku], np.ndarray]:
    answers = np.stack([_solution(i) for i in range(n)])
    givens = answers.copy()
    givens[:, ::2] = 0
    return [Sudoku(g) for g in givens], answers


def test_halted_puzzles_leave_the_batch_and_the_rest_continue():
    puzzles, answers = _puzzles(4)
    # Puzzles 0 and 2 halt at pass 2 (2*2-3 > 0); 1 never halts; 3 at pass 3 (logit 0: p = 0.5).
    step = FakeStep(answers, np.array([2.0, 0.0, 2.0, 1.0]))
    passes = list(_loop(step, 4, max_passes=6, trust_halt=True).run(puzzles))
    assert step.batches == [4, 4, 2, 1, 1, 1]
    last = {p.index: p for p in passes if p.halted}
    assert {i: p.number for i, p in last.items()} == {0: 2, 2: 2, 3: 3, 1: 6}
    assert last[0].halted_by_model and not last[1].halted_by_model
    assert all(p.check.ok for p in last.values())
    assert last[1].result().status is SolveStatus.VERIFIED  # valid even though the cap stopped it
    assert [p.index for p in passes[:4]] == [0, 1, 2, 3]
    assert sum(p.halted for p in passes) == 4


def test_max_passes_cap_and_no_answer():
    puzzles, answers = _puzzles(2)
    wrong = answers.copy()
    wrong[:, 1] = wrong[:, 0]  # a conflict in the first row
    step = FakeStep(wrong, np.zeros(2))
    results = _loop(step, 2, max_passes=3).solve(puzzles)
    assert step.batches == [2, 2, 2]
    assert [r.passes for r in results] == [3, 3]
    assert all(r.status is SolveStatus.NO_ANSWER for r in results)
    assert 0 in results[0].bad_cells and 1 in results[0].bad_cells


def test_broken_rules_when_the_model_halts_on_a_bad_answer():
    puzzles, answers = _puzzles(1)
    wrong = answers.copy()
    wrong[0, 1] = wrong[0, 0]
    results = _loop(FakeStep(wrong, np.array([5.0])), 1, trust_halt=True).solve(puzzles)
    assert results[0].status is SolveStatus.BROKEN_RULES and results[0].passes == 1


def test_by_default_the_rule_checker_overrules_the_halt_head():
    puzzles, answers = _puzzles(3)
    wrong = answers.copy()
    wrong[0, 1] = wrong[0, 0]  # puzzle 0: a confident halt on a broken answer
    # Puzzle 0 wants to halt from pass 1 (halt logit 5*1-3 > 0); puzzles 1 and 2 never do.
    step = FakeStep(wrong, np.array([5.0, 0.0, 0.0]), fill_after=1)
    passes = list(_loop(step, 3, max_passes=5).run(puzzles))
    last = {p.index: p for p in passes if p.halted}
    # The broken answer is not accepted: it thinks on to the cap and says the rules are broken.
    assert last[0].number == 5 and last[0].result().status is SolveStatus.BROKEN_RULES
    # A verified answer stops at once, though the halt head still says "continue".
    assert last[1].number == last[2].number == 2
    assert last[1].halt_probability < 0.5 and last[1].result().status is SolveStatus.VERIFIED
    assert step.batches == [3, 3, 1, 1, 1]

def test_closing_the_generator_stops_step_calls():
    puzzles, answers = _puzzles(3)
    step = FakeStep(answers, np.zeros(3))
    gen = _loop(step, 3, max_passes=16, trust_halt=True).run(puzzles)
    for _ in range(4):  # pass 1 of 3 puzzles, then the first of pass 2
        next(gen)
    gen.close()
    assert step.batches == [3, 3]


def test_changed_cells_and_confidence():
    puzzles, answers = _puzzles(1)
    step = FakeStep(answers, np.zeros(1), fill_after=1)
    passes = list(_loop(step, 1, max_passes=3, trust_halt=True).run(puzzles))
    assert not passes[0].changed.any()  # pass 1 echoes the input
    blanks = puzzles[0].givens == 0
    assert np.array_equal(passes[1].changed, blanks)
    assert not passes[2].changed.any()
    assert np.allclose(passes[2].confidence, 1 / (1 + 10 * np.exp(-10)), atol=1e-6)
    assert passes[0].halt_probability == pytest.approx(1 / (1 + np.exp(3)))
    assert not passes[0].check.complete and passes[2].check.ok
    assert is_solution(passes[2].answer, puzzles[0])


def test_resume_keeps_thinking_past_a_halt():
    puzzles, answers = _puzzles(2)
    step = FakeStep(answers, np.array([5.0, 5.0]))
    loop = _loop(step, 2)
    last = [p for p in loop.run(puzzles) if p.halted]
    assert [p.number for p in last] == [1, 1]
    more = list(loop.resume(puzzles, [p.carry for p in last], passes=3))
    assert [p.number for p in more if p.index == 0] == [2, 3, 4]
    assert more[-1].halted and more[-1].carry is not None and more[-1].carry.passes == 4
    assert more[0].halt_probability > 0.5 and not more[0].halted
    assert step.batches == [2, 2, 2, 2]


def test_bad_puzzle_and_bad_step_output_raise_value_error():
    puzzles, answers = _puzzles(1)
    loop = _loop(FakeStep(answers, np.zeros(1)), 1)
    bad = np.array(answers[0])
    bad[1] = bad[0]
    with pytest.raises(ValueError, match=r"puzzle 0: .*conflict"):
        list(loop.run([Sudoku(bad)]))

    def broken(tokens, y, z):
        return StepOutput(y, z, np.zeros((1, 80, V), np.float32), np.zeros(1, np.float32))

    with pytest.raises(ValueError, match="logits of shape"):
        list(_loop(broken, 1).run(puzzles))
