"""Test-time augmentation: K symmetric variants of each puzzle in one batch, then a vote.

Variant 0 is always the puzzle itself; the others are the kind's own symmetries
(`Kind.augmentations`: for Sudoku digit relabelling and line shuffles, for mazes the 8 dihedral
maps, for ARC a dihedral map plus a permutation of colours 1-9). Each variant's answer is mapped back with the inverse map, checked
against the *original* puzzle, and the vote picks by rule validity first, then by the summed
confidence of identical answers (the paper's ARC evaluation votes the same way).

`RetryPlan` is the solver's default second chance: a puzzle whose answer the rule checker does not
verify is run again as K *other* symmetric variants, and their verified answer, if any, replaces
the first one. Puzzles the model solves outright cost nothing extra. The solve pipeline
(solver/solve.py) is what runs these plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from solver.halting import Pass
from solver.kinds.protocol import Augmentation, Kind
from solver.result import Attempt, RuleCheck, SolveResult, SolveStatus

RETRY_TTA = 4  # the solver's default: unverified puzzles get this many other variants


@dataclass(frozen=True, eq=False)
class Candidate:
    """One variant's answer, mapped back to the original puzzle."""

    answer: Any
    check: RuleCheck
    confidence: float  # mean per-cell probability of the chosen tokens
    last: Pass  # the variant's final pass (in the variant's frame)


def answer_key(answer: Any) -> bytes:
    """Identical answers, identical keys: the grid's shape and cells as bytes."""
    grid = np.asarray(getattr(answer, "grid", answer))
    return repr(grid.shape).encode() + grid.astype(np.int16).tobytes()


def ranked(candidates: Sequence[Candidate]) -> list[tuple[Candidate, Attempt]]:
    """Every distinct answer, best first: valid answers before the others, then by the summed
    confidence of the views that gave it (first seen on ties). Each comes with its most
    confident candidate and its `Attempt` (votes, score)."""
    if not candidates:
        raise ValueError("nothing to vote on")
    scores: dict[bytes, float] = {}
    votes: dict[bytes, int] = {}
    best: dict[bytes, Candidate] = {}
    for c in candidates:
        key = answer_key(c.answer)
        scores[key] = scores.get(key, 0.0) + c.confidence
        votes[key] = votes.get(key, 0) + 1
        if key not in best or c.confidence > best[key].confidence:
            best[key] = c
    order = sorted(scores, key=lambda k: (not best[k].check.ok, -scores[k]))  # stable: first seen on ties
    return [(best[k], Attempt(best[k].answer, votes[k], scores[k])) for k in order]


def vote(candidates: Sequence[Candidate]) -> Candidate:
    """Valid answers first; among them the answer with the largest summed confidence."""
    return ranked(candidates)[0][0]


@dataclass(frozen=True, eq=False)
class TtaPlan:
    """Puzzles expanded into K variants each: variant v of puzzle i is `variants[i * k + v]`."""

    kind: Kind
    puzzles: tuple[Any, ...]
    k: int
    maps: tuple[tuple[Augmentation, ...], ...]  # per puzzle, its K maps
    variants: tuple[Any, ...]

    @staticmethod
    def build(
        kind: Kind, puzzles: Sequence[Any], k: int, rng: np.random.Generator, identity: bool = True
    ) -> TtaPlan:
        maps = tuple(tuple(kind.augmentations(k, rng, identity)) for _ in puzzles)
        variants = tuple(m.apply(p) for p, ms in zip(puzzles, maps, strict=True) for m in ms)
        return TtaPlan(kind, tuple(puzzles), k, maps, variants)

    def owner(self, variant_index: int) -> tuple[int, int]:
        """(puzzle index, variant number) of a variant."""
        return divmod(variant_index, self.k)

    def candidate(self, last: Pass) -> Candidate:
        """A variant's final pass, mapped back and checked against the original puzzle."""
        i, v = self.owner(last.index)
        answer = self.maps[i][v].invert(last.answer)
        puzzle = self.puzzles[i]
        return Candidate(answer, self.kind.check(answer, puzzle), float(last.confidence.mean()), last)

    def vote(self, last_passes: Sequence[Pass]) -> list[SolveResult]:
        """One result per puzzle from the final passes of all its variants."""
        by_puzzle: list[list[Candidate]] = [[] for _ in self.puzzles]
        for p in last_passes:
            by_puzzle[self.owner(p.index)[0]].append(self.candidate(p))
        results = []
        for i, cands in enumerate(by_puzzle):
            if len(cands) != self.k:
                raise ValueError(f"puzzle {i}: {len(cands)} of {self.k} variants finished")
            order = ranked(cands)
            best = order[0][0]
            result = SolveResult.from_check(
                best.check, best.answer, best.last.number, best.last.halt_probability,
                best.last.halted_by_model, best.confidence,
            )
            results.append(replace(result, work_passes=sum(c.last.number for c in cands), views=self.k,
                                   attempts=tuple(a for _, a in order)))
        return results


def needs_retry(result: SolveResult) -> bool:
    """An answer the rule checker could have verified but did not (ARC answers never verify)."""
    return result.status in (SolveStatus.BROKEN_RULES, SolveStatus.NO_ANSWER)


def retry_limit(kind: Kind, k: int) -> int:
    """`k` capped at the number of variants a puzzle of `kind` has besides itself."""
    return min(k, kind.max_views - 1) if kind.max_views else k


def merge_retry(first: SolveResult, retried: SolveResult) -> SolveResult:
    """The retry's answer if the rule checker verified it, else the first answer; work adds up."""
    work = first.work + retried.work
    if retried.solved:
        return replace(retried, passes=first.passes + retried.passes, work_passes=work, retried=True)
    return replace(first, work_passes=work, retried=True)


@dataclass(frozen=True, eq=False)
class RetryPlan:
    """The unverified puzzles of a batch, each expanded into K views other than itself.

    Run `variants` through the loop, then `merge` the final passes into the first results. The
    identity is left out, so the model sees K new views; the first answer stays when none of them
    verifies, because that is the answer the person watched being formed. ``passes`` of a
    replaced result counts both runs; ``work_passes`` counts every pass of every variant.
    """

    results: tuple[SolveResult, ...]
    todo: tuple[int, ...]  # indices of the results being retried
    plan: TtaPlan | None  # None: nothing to retry (all verified, ARC, or K = 0)

    @staticmethod
    def build(
        kind: Kind, puzzles: Sequence[Any], results: Sequence[SolveResult], k: int,
        rng: np.random.Generator,
    ) -> RetryPlan:
        if len(puzzles) != len(results):
            raise ValueError(f"{len(puzzles)} puzzles but {len(results)} results")
        k = retry_limit(kind, k)
        todo = tuple(i for i, r in enumerate(results) if needs_retry(r))
        plan = TtaPlan.build(kind, [puzzles[i] for i in todo], k, rng, identity=False) if k >= 1 and todo else None
        return RetryPlan(tuple(results), todo, plan)

    @property
    def k(self) -> int:
        return self.plan.k if self.plan is not None else 0

    @property
    def variants(self) -> tuple[Any, ...]:
        return self.plan.variants if self.plan is not None else ()

    def merge(self, last_passes: Sequence[Pass]) -> list[SolveResult]:
        """The first results, each retried one replaced by `merge_retry` with its views' vote."""
        merged = list(self.results)
        if self.plan is None:
            return merged
        for i, again in zip(self.todo, self.plan.vote(last_passes), strict=True):
            merged[i] = merge_retry(self.results[i], again)
        return merged
