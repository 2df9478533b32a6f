"""Test-time exploration: noisy continuations of an unverified puzzle; the first verified one wins.

A puzzle whose answer the rule checker still does not verify after the first try (and the other
views) is usually stuck: the recursion has settled on a fixed point that breaks a rule, and more
passes of the same deterministic step return the same answer. Exploration continues it as K
*branches* from where its runs ended (their carries y, z: the model's own state, not a restart).
Before every pass a branch adds Gaussian noise to the answer carry y and/or the latent z, scaled
by that row's RMS, so the K branches leave the stuck point in K directions. On the shipped Sudoku
model noise on y works and noise on z does not: each pass rewrites z n times from y and the input,
which washes a perturbation of z out (benchmarks/budget_curve.py; the defaults are in
solver/contract.py).
PTRM (arXiv 2605.19943) puts the noise at every inner recursion step inside the network; an
exported model unrolls one whole supervision step, so here it enters between passes, which needs
no re-export and works with every shipped model. The branches of every unverified puzzle of a
batch run as one batch; as soon as one branch of a puzzle verifies, its siblings stop (the loop's
`groups`), so a puzzle pays only for the passes it needed, and a puzzle that verified earlier pays
nothing.

Branches start round-robin from the end states the earlier steps left: the puzzle's own run
(view 0), then each symmetric view's, whose answers are mapped back onto the puzzle as entered.

Kinds without rules (ARC) cannot tell a wrong answer: there every puzzle explores, each branch
runs until its halt head stops it, and a vote over the answer the earlier steps chose and the
branches' answers (mapped back; well-formed first, then summed confidence) decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from solver.contract import EXPLORE_NOISE_Y, EXPLORE_NOISE_Z
from solver.halting import Carry, Pass, Step, StepOutput
from solver.kinds.protocol import Augmentation, Kind
from solver.result import RuleCheck, SolveResult
from solver.tta import answer_key, needs_retry

EXPLORE_PASSES = 16  # the default: passes a branch may take beyond where its seed ended
EXPLORE = 8  # the default: branches for a puzzle still unverified after the views


@dataclass(frozen=True)
class Noise:
    """Gaussian noise on the carries before each pass, relative to each row's RMS."""

    y: float = EXPLORE_NOISE_Y
    z: float = EXPLORE_NOISE_Z

    def __post_init__(self) -> None:
        for name in ("y", "z"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 100:
                raise ValueError(f"exploration noise on {name} must be a number in [0, 100), not {value!r}")


def _jitter(x: np.ndarray, scale: float, rng: np.random.Generator) -> np.ndarray:
    """x (B, S, D) plus N(0, (scale * rms_row)^2) per element."""
    rms = np.sqrt(np.mean(np.square(x, dtype=np.float64), axis=(1, 2), keepdims=True))  # (B, 1, 1)
    return (x + (scale * rms) * rng.standard_normal(x.shape)).astype(np.float32)


def noisy(step: Step, noise: Noise, rng: np.random.Generator) -> Step:
    """`step` with `noise` added to its incoming carries (numpy; a device carry is copied once)."""

    def run(tokens: np.ndarray, y: Any, z: Any) -> StepOutput:
        if noise.z:
            z = _jitter(np.asarray(z, dtype=np.float32), noise.z, rng)
        if noise.y:
            y = _jitter(np.asarray(y, dtype=np.float32), noise.y, rng)
        return step(tokens, y, z)

    return run


@dataclass(frozen=True, eq=False)
class Seed:
    """An end state a branch can start from: a view of the puzzle and its last carry."""

    view_puzzle: Any  # the puzzle in the view's frame
    carry: Carry
    augmentation: Augmentation | None = None  # maps the view's answers back; None: the puzzle itself


@dataclass(frozen=True, eq=False)
class ExplorePlan:
    """The puzzles to explore, K branches each: branch b of `todo[j]` is row ``j * k + b``."""

    kind: Kind
    puzzles: tuple[Any, ...]  # every puzzle of the batch, as entered
    results: tuple[SolveResult, ...]  # what the earlier steps made of each
    todo: tuple[int, ...]  # the puzzles that explore
    k: int
    seeds: tuple[Seed, ...]  # (len(todo) * k,): each branch's starting point

    @staticmethod
    def build(kind: Kind, puzzles: Sequence[Any], results: Sequence[SolveResult],
              seeds: Sequence[Sequence[Seed]], k: int) -> ExplorePlan:
        """Unverified puzzles (every puzzle of a kind without rules) that have a seed, K branches
        each, drawn round-robin from that puzzle's `seeds`."""
        if not len(puzzles) == len(results) == len(seeds):
            raise ValueError(f"{len(puzzles)} puzzles, {len(results)} results, {len(seeds)} seed lists")
        wanted = needs_retry if kind.has_rules else (lambda r: r.answer is not None)
        todo = tuple(i for i, r in enumerate(results) if k >= 1 and wanted(r) and seeds[i])
        rows = tuple(seeds[i][b % len(seeds[i])] for i in todo for b in range(k))
        return ExplorePlan(kind, tuple(puzzles), tuple(results), todo, k, rows)

    def owner(self, row: int) -> tuple[int, int]:
        """(position in `todo`, branch number) of a row."""
        return divmod(row, self.k)

    @property
    def view_puzzles(self) -> list[Any]:
        return [s.view_puzzle for s in self.seeds]

    @property
    def carries(self) -> list[Carry]:
        return [s.carry for s in self.seeds]

    @property
    def groups(self) -> list[int]:
        """Rows of one puzzle share a group: the first to verify stops its siblings."""
        return [row // self.k for row in range(len(self.seeds))]

    def answer(self, last: Pass) -> Any:
        """A branch's answer on the puzzle as entered."""
        aug = self.seeds[last.index].augmentation
        return last.answer if aug is None else aug.invert(last.answer)

    def merge(self, last_passes: Sequence[Pass]) -> list[SolveResult]:
        """The earlier results, each explored one replaced where a branch did better.

        With rules, a verified branch replaces the answer (``passes`` = the earlier passes + the
        branch's own); else the earlier answer stays. Without rules, the vote decides. Either way
        ``work_passes`` adds every branch's passes.
        """
        merged = list(self.results)
        by_todo: list[list[Pass]] = [[] for _ in self.todo]
        for p in last_passes:
            by_todo[self.owner(p.index)[0]].append(p)
        for j, i in enumerate(self.todo):
            ends = by_todo[j]
            if len(ends) != self.k:
                raise ValueError(f"puzzle {i}: {len(ends)} of {self.k} branches finished")
            first, puzzle = self.results[i], self.puzzles[i]
            branches = []
            for p in ends:
                answer = self.answer(p)
                extra = p.number - self.seeds[p.index].carry.passes  # passes this branch ran
                branches.append(_Branch(answer, p, extra, self.kind.check(answer, puzzle)))
            work = first.work + sum(b.extra for b in branches)
            if self.kind.has_rules:
                won = max((b for b in branches if b.check.ok), key=_Branch.confidence, default=None)
            else:
                won = _vote(first, branches)
            if won is None:  # no branch verified, or the earlier answer won the vote
                merged[i] = replace(first, work_passes=work, explored=True)
                continue
            p = won.last
            result = SolveResult.from_check(won.check, won.answer, first.passes + won.extra,
                                            p.halt_probability, p.halted_by_model, won.confidence())
            merged[i] = replace(result, work_passes=work, views=first.views, retried=first.retried,
                                explored=True, branch=self.owner(p.index)[1] + 1)
        return merged


@dataclass(frozen=True, eq=False)
class _Branch:
    """One branch's end, mapped back and checked against the puzzle as entered."""

    answer: Any
    last: Pass
    extra: int  # passes the branch ran beyond its seed
    check: RuleCheck

    def confidence(self) -> float:
        return float(self.last.confidence.mean())


def _vote(first: SolveResult, branches: list[_Branch]) -> _Branch | None:
    """Without rules: well-formed answers first, then the largest summed confidence; the earlier
    answer takes part with its own confidence and wins ties (None: it won)."""
    pool = [b for b in branches if b.check.ok] or branches
    scores: dict[bytes, float] = {}
    base = answer_key(first.answer)
    if first.answer is not None:
        scores[base] = first.confidence
    for b in pool:
        key = answer_key(b.answer)
        scores[key] = scores.get(key, 0.0) + b.confidence()
    best = max(scores, key=lambda key: (scores[key], key == base))
    if best == base:
        return None
    return max((b for b in pool if answer_key(b.answer) == best), key=_Branch.confidence)
