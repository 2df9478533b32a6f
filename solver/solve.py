"""The solve pipeline: the one place that composes the steps of solving a batch of puzzles.

1. **First try**: every puzzle through the halting loop; with ``tta`` > 1, as that many symmetric
   views of it in one batch, and a vote over their answers mapped back.
2. **Other views**: a puzzle whose answer the rule checker does not verify is solved again as
   ``retry_tta`` views other than itself (`solver.tta.RetryPlan`); a verified answer from them
   replaces the first one. Kinds without rules (ARC) skip this: nothing can fail a check.
3. **Exploration** (``explore`` > 0): a puzzle still unverified continues as that many noisy
   branches from where its runs ended (`solver.explore`); the first verified branch wins.
4. **Committing the surest cells** (``commit`` rounds > 0, kinds with the step: Sudoku): a puzzle
   still unverified gets the cells its model is surest of, that the rules allow, fixed as givens,
   and is solved again, round after round (`solver.commit`): how a grid with many solutions
   gets one.
5. **Fallback model** (``trm-solve --int8``): what is still unverified is solved again, steps 1-4,
   by a second model (the fp32 one); a verified answer from it replaces the first.

It runs as a stream of events: `StageStarted` when a step begins, `PassMade` after every pass of
every view, and one `Solved` per puzzle at the end. `trm-solve` prints them, the window draws
them and `training.evaluate --solver` scores them; closing the generator cancels before the next
pass. A puzzle's index in events is its position in the `puzzles` given to `solve`.
"""

from __future__ import annotations

import enum
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from solver.commit import COMMIT_CELLS, COMMIT_PASSES, CommitPlan
from solver.explore import EXPLORE_PASSES, ExplorePlan, Noise, Seed, noisy
from solver.halting import Carry, HaltingLoop, Pass
from solver.kinds.protocol import Augmentation
from solver.result import SolveResult
from solver.tta import RETRY_TTA, RetryPlan, TtaPlan, needs_retry


class Stage(enum.Enum):
    """Which step of the pipeline a pass belongs to."""

    FIRST = "first try"
    VIEWS = "other views"
    EXPLORE = "exploration"
    COMMIT = "committing the surest cells"
    FALLBACK = "fallback model"
    FALLBACK_VIEWS = "fallback model, other views"
    FALLBACK_EXPLORE = "fallback model, exploration"
    FALLBACK_COMMIT = "fallback model, committing the surest cells"
    MORE = "keep thinking"


@dataclass(frozen=True)
class SolveSettings:
    """How hard to try; the loop's own cap and threshold come from the model card."""

    tta: int = 1  # views of each puzzle in the first try, voted over (1: the puzzle alone)
    retry_tta: int = RETRY_TTA  # other views for an unverified answer (0: no second chance)
    explore: int = 0  # noisy branches for an answer still unverified (0: off; solver/explore.py)
    explore_passes: int = EXPLORE_PASSES  # passes each branch may take
    noise: Noise = field(default_factory=Noise)  # the branches' noise (the model card's `explore_noise` in the app)
    commit: int = 0  # rounds of fixing the surest cells for what stays unverified (0: off; trm-solve and the window: COMMIT_ROUNDS)
    commit_cells: int = COMMIT_CELLS  # cells fixed a round
    commit_passes: int = COMMIT_PASSES  # passes a round

    def __post_init__(self) -> None:
        for name in ("explore", "explore_passes", "commit", "commit_cells", "commit_passes"):
            value = getattr(self, name)
            low = 0 if name in ("explore", "commit") else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer of at least {low}, not {value!r}")
        if isinstance(self.tta, bool) or not isinstance(self.tta, int) or self.tta < 1:
            raise ValueError(f"tta must be at least 1, not {self.tta!r}")
        if isinstance(self.retry_tta, bool) or not isinstance(self.retry_tta, int) or self.retry_tta < 0:
            raise ValueError(f"retry_tta must be 0 (off) or more, not {self.retry_tta!r}")


@dataclass(frozen=True)
class StageStarted:
    """A step begins for `puzzles` (indices), each run as `views` views."""

    stage: Stage
    puzzles: tuple[int, ...]
    views: int
    after_passes: tuple[int, ...] = ()  # per puzzle: the passes its answer has taken so far


@dataclass(frozen=True, eq=False)
class PassMade:
    """One pass of one view of one puzzle.

    `p` is in the view's frame (`view_puzzle`), numbered from 1 in its view or exploring branch
    (`view` is then the branch), on from the carry when keeping thinking; `augmentation` maps its answer back onto the
    puzzle as entered (`augmentation.invert(p.answer)`, cells with `invert_cells`). View 0 of the
    first try without TTA is the puzzle itself (augmentation None).
    """

    stage: Stage
    puzzle: int
    view: int
    p: Pass
    view_puzzle: Any
    augmentation: Augmentation | None = None

    def answer(self) -> Any:
        """This pass's answer on the puzzle as entered."""
        return self.p.answer if self.augmentation is None else self.augmentation.invert(self.p.answer)


@dataclass(frozen=True, eq=False)
class Solved:
    """The final result of one puzzle. `carry` continues it (keep thinking) when the result is
    the first try's own answer on the puzzle as entered; None when another view or model won."""

    puzzle: int
    result: SolveResult
    carry: Carry | None = None


Event = StageStarted | PassMade | Solved


# ------------------------------------------------------------------------------------------------


Outcome = tuple[list[SolveResult], list["Carry | None"]]  # results, and the carries of views 0
Seeds = list[list[Seed]]  # per puzzle: the end states its runs left (view 0 first)


def _first_try(loop: HaltingLoop, puzzles: Sequence[Any], index: Sequence[int], tta: int,
               rng: np.random.Generator, stage: Stage, seeds: Seeds,
               lasts: list[Pass | None]) -> Generator[Event, None, Outcome]:
    """Step 1; returns the results and the carry of each puzzle's own view (view 0), adds
    every view's end state to `seeds` and sets `lasts` to each puzzle's own view's last pass
    (whose carry is the one returned)."""
    if tta > 1:
        plan = TtaPlan.build(loop.kind, puzzles, tta, rng)
        yield StageStarted(stage, tuple(index), tta)
        last: list[Pass] = []
        for p in loop.run(plan.variants):
            i, v = plan.owner(p.index)
            yield PassMade(stage, index[i], v, p, plan.variants[p.index], plan.maps[i][v])
            if p.halted:
                last.append(p)
                if v == 0:
                    lasts[i] = p
                if p.carry is not None:
                    seeds[i].append(Seed(plan.variants[p.index], p.carry, None if v == 0 else plan.maps[i][v]))
        for s in seeds:  # view 0 (the puzzle as entered) first
            s.sort(key=lambda seed: seed.augmentation is not None)
        return plan.vote(last), _carries(lasts)
    yield StageStarted(stage, tuple(index), 1)
    final: dict[int, Pass] = {}
    for p in loop.run(puzzles):
        yield PassMade(stage, index[p.index], 0, p, puzzles[p.index])
        if p.halted:
            final[p.index] = p
            lasts[p.index] = p
            if p.carry is not None:
                seeds[p.index].append(Seed(puzzles[p.index], p.carry))
    return [final[i].result() for i in range(len(puzzles))], _carries(lasts)


def _carries(lasts: Sequence[Pass | None]) -> list[Carry | None]:
    return [p.carry if p is not None else None for p in lasts]


def _with_views(loop: HaltingLoop, puzzles: Sequence[Any], index: Sequence[int], settings: SolveSettings,
                rng: np.random.Generator, stages: tuple[Stage, Stage, Stage, Stage]) -> Generator[Event, None, Outcome]:
    """Steps 1-4 for one model."""
    first_stage, views_stage, explore_stage, commit = stages
    seeds: Seeds = [[] for _ in puzzles]
    lasts: list[Pass | None] = [None] * len(puzzles)
    first, carries = yield from _first_try(loop, puzzles, index, settings.tta, rng, first_stage, seeds, lasts)
    results = first
    retry = RetryPlan.build(loop.kind, puzzles, results, settings.retry_tta, rng)
    if retry.plan is not None:
        plan = retry.plan
        yield StageStarted(views_stage, tuple(index[i] for i in retry.todo), retry.k,
                           tuple(results[i].passes for i in retry.todo))
        ends: list[Pass] = []
        for p in loop.run(retry.variants):
            j, v = plan.owner(p.index)
            yield PassMade(views_stage, index[retry.todo[j]], v, p, plan.variants[p.index], plan.maps[j][v])
            if p.halted:
                ends.append(p)
                if p.carry is not None:
                    seeds[retry.todo[j]].append(Seed(plan.variants[p.index], p.carry, plan.maps[j][v]))
        results = retry.merge(ends)
    if settings.explore:
        results = yield from _explore(loop, puzzles, index, results, seeds, settings, rng, explore_stage)
    if settings.commit and loop.kind.has_rules:
        results = yield from _commit(loop, puzzles, index, results, lasts, settings, commit)
    # The carry continues the first answer; it no longer belongs to a result another view won.
    kept = [c if results[i].answer is first[i].answer else None for i, c in enumerate(carries)]
    return results, kept


def _explore(loop: HaltingLoop, puzzles: Sequence[Any], index: Sequence[int], results: list[SolveResult],
             seeds: Seeds, settings: SolveSettings, rng: np.random.Generator,
             stage: Stage) -> Generator[Event, None, list[SolveResult]]:
    """Step 3: the still unverified puzzles as `settings.explore` noisy branches each."""
    plan = ExplorePlan.build(loop.kind, puzzles, results, seeds, settings.explore)
    if not plan.todo:
        return results
    # Its own generator: the views drawn for later batches do not depend on the noise drawn here.
    noise_rng = np.random.default_rng(rng.integers(2**63))
    branches = loop.with_step(noisy(loop.step, settings.noise, noise_rng))
    yield StageStarted(stage, tuple(index[i] for i in plan.todo), plan.k,
                       tuple(results[i].passes for i in plan.todo))
    ends: list[Pass] = []
    groups = plan.groups if loop.kind.has_rules else None  # without rules, every branch votes
    for p in branches.run(plan.view_puzzles, plan.carries, more=settings.explore_passes, groups=groups):
        j, b = plan.owner(p.index)
        # Numbered from 1 in the branch, like the passes of a view (the loop counts on from the seed).
        own = replace(p, number=p.number - plan.seeds[p.index].carry.passes)
        yield PassMade(stage, index[plan.todo[j]], b, own, plan.view_puzzles[p.index],
                       plan.seeds[p.index].augmentation)
        if p.halted:
            ends.append(p)
    return plan.merge(ends)


def _commit(loop: HaltingLoop, puzzles: Sequence[Any], index: Sequence[int], results: list[SolveResult],
            lasts: Sequence[Pass | None], settings: SolveSettings,
            stage: Stage) -> Generator[Event, None, list[SolveResult]]:
    """Step 4: up to `settings.commit` rounds of fixing the surest cells (`solver.commit`). The
    rounds are one line of thought (each continues the last one's carry): their passes are view
    0, numbered on across the rounds, each with the puzzle with the cells fixed so far."""
    plan = CommitPlan(loop.kind, puzzles, results, lasts, settings.commit_cells)
    for number in range(1, settings.commit + 1):
        going = plan.fix_cells()
        if not going:
            break
        if number == 1:  # only once a puzzle can fix cells (never for kinds without the step)
            yield StageStarted(stage, tuple(index[i] for i in going), 1,
                               tuple(results[i].passes for i in going))
        carries = plan.carries(going)
        for p in loop.run([plan.current[i] for i in going], carries, more=settings.commit_passes):
            i = going[p.index]
            own = replace(p, number=plan.spent[i] + p.number - carries[p.index].passes)
            yield PassMade(stage, index[i], 0, own, plan.current[i])
            if p.halted:
                plan.ended(i, p, carries[p.index].passes)
        plan.check()
    return plan.results()


def solve(
    loop: HaltingLoop, puzzles: Sequence[Any], settings: SolveSettings | None = None,
    rng: np.random.Generator | None = None, fallback: HaltingLoop | None = None,
    fallback_rng: np.random.Generator | None = None,
) -> Iterator[Event]:
    """Every puzzle through the pipeline (module docstring); a `Solved` for each at the end.

    `rng` draws the views; pass the same generator for consecutive batches of one file so a
    file's answers do not depend on how it was cut into batches. The fallback has its own
    generator, so the first model's answers are the same with and without it.
    """
    settings = settings or SolveSettings()
    rng = rng if rng is not None else np.random.default_rng(0)
    if not loop.kind.has_rules:
        settings = replace(settings, retry_tta=0)  # nothing can fail a check: no second chance
    results, carries = yield from _with_views(loop, puzzles, range(len(puzzles)), settings, rng,
                                              (Stage.FIRST, Stage.VIEWS, Stage.EXPLORE, Stage.COMMIT))
    todo = [i for i, r in enumerate(results) if needs_retry(r)]
    if fallback is not None and todo:
        again_rng = fallback_rng if fallback_rng is not None else np.random.default_rng(1)
        again, _ = yield from _with_views(fallback, [puzzles[i] for i in todo], todo, settings, again_rng,
                                          (Stage.FALLBACK, Stage.FALLBACK_VIEWS, Stage.FALLBACK_EXPLORE,
                                           Stage.FALLBACK_COMMIT))
        for i, result in zip(todo, again, strict=True):
            merged = merge_fallback(results[i], result)
            if merged.answer is not results[i].answer:
                carries[i] = None
            results[i] = merged
    for i, result in enumerate(results):
        yield Solved(i, result, carries[i])


def merge_fallback(first: SolveResult, again: SolveResult) -> SolveResult:
    """The fallback's result if the rule checker verified it, else the first; passes add up."""
    work = first.work + again.work
    if again.solved:
        return replace(again, passes=first.passes + again.passes, work_passes=work,
                       retried=first.retried or again.retried,
                       explored=first.explored or again.explored,
                       commit_tried=first.commit_tried or again.commit_tried, fell_back=True)
    return replace(first, work_passes=work, fell_back=True)


def think_more(loop: HaltingLoop, puzzle: Any, carry: Carry, passes: int) -> Iterator[Event]:
    """Keep thinking: exactly `passes` more passes of `puzzle` from `carry`, the halt head
    ignored (the person asked to watch them), then its `Solved`."""
    yield StageStarted(Stage.MORE, (0,), 1, (carry.passes,))
    last: Pass | None = None
    for p in loop.resume([puzzle], [carry], passes):
        yield PassMade(Stage.MORE, 0, 0, p, puzzle)
        last = p
    if last is not None:
        yield Solved(0, last.result(), last.carry)


def results(events: Iterator[Event], count: int) -> list[SolveResult]:
    """Run a pipeline to its end and keep only the `count` results, in puzzle order."""
    found: dict[int, SolveResult] = {e.puzzle: e.result for e in events if isinstance(e, Solved)}
    if len(found) != count:
        raise ValueError(f"the pipeline ended with {len(found)} of {count} results")
    return [found[i] for i in range(count)]
