"""The job a solve's worker runs: load the model, run `solver.solve` (or `think_more`), and turn
its events into the run's messages.

Plain Python (no Qt). Nothing here composes solving steps: the pipeline in solver/solve.py does
(first try, other views); this only loads, translates and copies. Every array in a message is a
fresh copy made on the worker thread, so the UI thread never shares memory with the loop, and the
job holds no reference to a window or a panel: what it needs arrives in the `SolveRequest`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gui.devices import CUDA_PROVIDER, cuda_device_name
from gui.models import ModelCache
from gui.pass_frame import PassFrame
from gui.run import Finished, FrameMade, Message, ModelLoaded, ModelUsed, Noted, StageBegan
from solver.commit import COMMIT_ROUNDS
from solver.explore import EXPLORE, Noise
from solver.halting import Carry, HaltingLoop, Step
from solver.kinds import Kind
from solver.solve import PassMade, Solved, SolveSettings, Stage, StageStarted, solve, think_more
from solver.tta import RETRY_TTA


@dataclass(frozen=True)
class SolveOptions:
    """The person's solving preferences; None means the model card's own value."""

    max_passes: int | None = None
    threshold: float | None = None
    tta: int = 1  # views of the puzzle voted over in the first try
    retry_tta: int = RETRY_TTA  # an unverified answer is tried again as this many other views (0: never)
    explore: int = EXPLORE  # then continued as this many noisy branches (0: never)
    commit: int = COMMIT_ROUNDS  # then (Sudoku) this many rounds of fixing the surest cells (0: never)


@dataclass(frozen=True)
class SolveRequest:
    """Everything one solve needs, as values; built on the UI thread, read on the worker thread."""

    puzzle: Any  # a private copy of the kind's puzzle (the run's snapshot)
    kind_name: str  # the tab's kind: the model must be one of its models
    model_path: Path
    model_origin: str  # "shipped" or "settings"
    models: ModelCache  # thread-safe; shared by the window's tabs
    force_cpu: bool = False
    options: SolveOptions = SolveOptions()
    precheck: Callable[[Any], str] | None = None  # a pure function of the puzzle: a note, or ""
    step_wrapper: Callable[[Step], Step] | None = None  # tests slow the step down with this
    seed: int | None = None  # for the symmetric views
    carry: Carry | None = None  # keep thinking from here ...
    more_passes: int = 0  # ... for this many passes, halting ignored
    beliefs: bool = False  # frames carry each cell's top candidates (the tab draws them)


def frame_of(event: PassMade, kind: Kind, puzzle: Any, after: int, views: int, elapsed_s: float,
             beliefs: bool = False) -> PassFrame:
    """The window's copy of one pass, mapped onto the puzzle as entered (`PassMade.answer()`,
    `invert_cells` for the per-cell arrays, the rule check against the puzzle itself); with
    `beliefs`, each cell's top candidates too."""
    p, aug = event.p, event.augmentation
    answer = event.answer()
    grid = kind.display_grid(answer)

    def cells(values: np.ndarray) -> np.ndarray:
        moved = kind.cells(values, p.answer, event.view_puzzle)
        if aug is not None:
            moved = aug.invert_cells(moved)
        return np.array(moved).reshape(grid.shape)

    def marks(bad: tuple[int, ...], shape: tuple[int, ...]) -> np.ndarray:
        mask = np.zeros(int(np.prod(shape)), bool)
        mask[[c for c in bad if 0 <= c < mask.size]] = True
        return mask.reshape(shape)

    # The pass's own check is against the view; a view's answer mapped back is checked again
    # against the puzzle as entered, so its marks sit on the cells the person sees.
    check = p.check if aug is None else kind.check(answer, puzzle)
    inner_answers, inner_marks, inner_reasons = [], [], []
    for tokens in p.inner_tokens if p.inner_tokens is not None else ():
        step_answer = kind.decode(tokens, event.view_puzzle)
        if aug is not None:
            step_answer = aug.invert(step_answer)
        step_grid = kind.display_grid(step_answer)
        step_check = kind.check(step_answer, puzzle)
        inner_answers.append(step_grid)
        inner_marks.append(marks(step_check.bad_cells, step_grid.shape))
        inner_reasons.append(step_check.reason)
    top, top_p = _beliefs(event, kind, grid.shape, cells) if beliefs else (None, None)
    return PassFrame(
        number=after + p.number,
        answer=grid,
        confidence=cells(p.confidence).astype(np.float32),
        changed=cells(p.changed).astype(bool),
        violations=marks(check.bad_cells, grid.shape),
        halt_probability=float(p.halt_probability),
        rule_ok=check.ok,
        rule_reason=check.reason,
        inner_answers=tuple(inner_answers),
        inner_violations=tuple(inner_marks),
        inner_reasons=tuple(inner_reasons),
        elapsed_s=elapsed_s,
        stage=event.stage.value,
        view=event.view,
        views=views,
        own_number=p.number,
        beliefs=top,
        belief_probs=top_p,
    )


def _beliefs(event: PassMade, kind: Kind, shape: tuple[int, ...],
             cells: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(shape + (k,)) values and probabilities of each cell's k likeliest tokens, on the puzzle as
    entered. Each rank is decoded as a whole answer and mapped back as the answer is (a Sudoku
    view's `invert` undoes its digit relabelling and its cell moves together); the probabilities
    move with the cells only. None when the pass has no top-k or a rank does not decode to the
    answer's shape (ARC, whose grid size is itself predicted)."""
    p, aug = event.p, event.augmentation
    if p.top_tokens is None or p.top_probs is None:
        return None, None
    values, probs = [], []
    for rank in range(p.top_tokens.shape[-1]):
        decoded = kind.decode(p.top_tokens[:, rank], event.view_puzzle)
        if aug is not None:
            decoded = aug.invert(decoded)
        grid = np.asarray(kind.display_grid(decoded))
        if grid.shape != shape:
            return None, None
        values.append(grid)
        probs.append(cells(p.top_probs[:, rank]).astype(np.float32))
    return np.stack(values, -1), np.stack(probs, -1)


def model_used(session: Any, loop: HaltingLoop, origin: str) -> ModelUsed:
    card = session.card
    note = card.provenance.get("note", "")
    return ModelUsed(
        name=Path(session.path).stem, path=str(session.path), origin=origin,
        provider=session.provider, provider_line=session.provider_line,
        max_passes=loop.max_passes, threshold=loop.threshold,
        measured=bool(card.accuracy), note=str(note),
        device=cuda_device_name() if session.provider == CUDA_PROVIDER else "",
    )


def run_job(request: SolveRequest) -> Iterator[Message]:
    """The whole solve as a generator; closing it stops the pipeline before its next pass."""
    started = time.perf_counter()
    puzzle = request.puzzle
    if request.precheck is not None and request.carry is None:
        note = request.precheck(puzzle)
        if note:
            yield Noted(note)
    session = request.models.load(request.model_path, request.force_cpu)
    kind = session.kind
    if kind.name != request.kind_name:
        raise ValueError(f"{Path(request.model_path).name} is a {kind.name} model, not a {request.kind_name} one; "
                         "choose another file in Preferences")
    kind.validate(puzzle)  # ValueError with a message the window shows
    step = request.step_wrapper(session.step) if request.step_wrapper else session.step
    options = request.options
    loop = HaltingLoop.from_card(step, session.card, kind, options.threshold, options.max_passes)
    yield ModelLoaded(model_used(session, loop, request.model_origin))
    if request.carry is not None:
        events = think_more(loop, puzzle, request.carry, request.more_passes)
    else:
        # Exploration where the rule checker says which answers need it (not ARC: it would cost
        # every puzzle K branches, for a vote nobody has measured yet).
        explore = options.explore if kind.has_rules else 0
        settings = SolveSettings(tta=options.tta, retry_tta=options.retry_tta, explore=explore,
                                 noise=Noise(*session.card.explore_noise), commit=options.commit)
        events = solve(loop, [puzzle], settings, np.random.default_rng(request.seed))
    after, views = 0, 1
    try:
        for event in events:
            if isinstance(event, StageStarted):
                passes_so_far = event.after_passes[0] if event.after_passes else 0
                # Keep thinking numbers its passes on from the carry; the other views start at 1.
                after = passes_so_far if event.stage is not Stage.MORE else 0
                views = event.views
                yield StageBegan(event.stage.value, event.views, passes_so_far)
            elif isinstance(event, PassMade):
                yield FrameMade(frame_of(event, kind, puzzle, after, views, time.perf_counter() - started,
                                         request.beliefs))
            elif isinstance(event, Solved):
                yield Finished(copy.deepcopy(event.result), copy.deepcopy(event.carry))
    finally:
        events.close()  # type: ignore[attr-defined]

