"""A second, reference model for the answers the first one could not get verified.

`trm-solve --int8` runs the int8 model first, with its retry over other views, and then solves
every puzzle whose answer the rule checker still does not verify again with the fp32 model,
exactly as `trm-solve` without `--int8` would. A verified fp32 answer replaces the int8 one; when
neither verifies, the int8 answer stays (as a retry keeps the first answer). A verified answer is
a correct one whatever model found it, so the pair verifies what int8 verifies plus what fp32
finds among the rest, at int8 speed wherever int8 succeeds (measured in assets/models/README.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from solver.result import SolveResult
from solver.tta import needs_retry


def merge_fallback(first: SolveResult, again: SolveResult) -> SolveResult:
    """The fallback's result if the rule checker verified it, else the first; passes add up."""
    work = first.work + again.work
    if again.solved:
        return replace(again, passes=first.passes + again.passes, work_passes=work,
                       retried=first.retried or again.retried, fell_back=True)
    return replace(first, work_passes=work, fell_back=True)


def with_fallback(
    results: Sequence[SolveResult], solve_again: Callable[[list[int]], list[SolveResult]]
) -> list[SolveResult]:
    """`results` with every unverified (but verifiable) one solved again by `solve_again`.

    `solve_again(indices)` returns one result per index, in order, from the fallback model.
    It is not called when every answer verified (or none could be checked: ARC).
    """
    todo = [i for i, r in enumerate(results) if needs_retry(r)]
    merged = list(results)
    if not todo:
        return merged
    again = solve_again(todo)
    if len(again) != len(todo):
        raise ValueError(f"the fallback returned {len(again)} results for {len(todo)} puzzles")
    for i, result in zip(todo, again, strict=True):
        merged[i] = merge_fallback(results[i], result)
    return merged
