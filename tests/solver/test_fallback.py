"""The fp32 second chance for answers the int8 model could not get verified."""

from __future__ import annotations

import pytest

from solver.fallback import merge_fallback, with_fallback
from solver.result import SolveResult, SolveStatus

VERIFIED = SolveStatus.VERIFIED


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


def test_only_unverified_verifiable_answers_go_to_the_fallback():
    results = [
        result(VERIFIED, answer="0"),
        result(SolveStatus.BROKEN_RULES, answer="1"),
        result(SolveStatus.UNVERIFIED, answer="2"),  # ARC: no rules to fail
        SolveResult.invalid("bad"),
        result(SolveStatus.NO_ANSWER, answer="4"),
    ]
    asked = []

    def again(todo: list[int]) -> list[SolveResult]:
        asked.append(todo)
        return [result(VERIFIED, answer=f"fp32 {i}") for i in todo]

    merged = with_fallback(results, again)
    assert asked == [[1, 4]]
    assert [r.answer for r in merged] == ["0", "fp32 1", "2", None, "fp32 4"]
    assert [r.fell_back for r in merged] == [False, True, False, False, True]


def test_the_fallback_is_not_run_when_everything_verified():
    def again(todo: list[int]) -> list[SolveResult]:
        raise AssertionError("called")

    assert [r.answer for r in with_fallback([result(VERIFIED)], again)] == ["a"]


def test_a_fallback_that_loses_puzzles_is_an_error():
    with pytest.raises(ValueError, match="1 results for 2 puzzles"):
        with_fallback([result(SolveStatus.NO_ANSWER)] * 2, lambda todo: [result(VERIFIED)])
