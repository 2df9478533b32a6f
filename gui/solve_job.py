"""The solve job the worker runs: load the model, run the halting loop, turn passes into frames.

Plain Python (no Qt): it yields events, the worker emits them, the panel draws them. Every array
in an event is a fresh copy, so the UI thread never shares memory with the loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from gui.pass_frame import PassFrame
from solver.contract import ModelCard
from solver.halting import Carry, HaltingLoop, Pass, Step
from solver.kinds import Kind, kind_for
from solver.kinds.maze import Maze
from solver.result import SolveResult
from solver.tta import RetryPlan, TtaPlan


class ModelHandle(Protocol):
    """A loaded model as the job needs it (the adapter over solver.session provides one)."""

    name: str
    path: str
    card: ModelCard
    provider: str  # "CUDA" or "CPU"
    provider_reason: str  # one line: why this provider
    step: Step


@dataclass(frozen=True)
class SolveOptions:
    """The person's solving preferences; None means the model card's own value."""

    max_passes: int | None = None
    threshold: float | None = None
    tta_k: int = 1
    retry_tta: int = 0  # an unverified answer is tried again as this many other views (0: never)


@dataclass(frozen=True)
class SolveRequest:
    """Everything one solve needs; built on the UI thread, read on the worker thread."""

    puzzle: Any  # the kind's puzzle: Sudoku, Maze, or an ARC test input grid
    load_model: Callable[[], ModelHandle]
    max_passes: int | None = None  # None = the card's
    threshold: float | None = None  # None = the card's
    carry: Carry | None = None  # keep thinking from here ...
    more_passes: int = 0  # ... for this many passes, halting ignored
    precheck: Callable[[], str] | None = None  # e.g. the Sudoku uniqueness check; returns a note
    step_wrapper: Callable[[Step], Step] | None = None  # tests slow the step down with this
    tta_k: int = 1  # > 1: K symmetric variants run together and vote; variant 0 is drawn
    seed: int | None = None  # for the TTA variants
    retry_tta: int = 0  # > 0: an unverified answer is solved again as this many other variants


@dataclass(frozen=True)
class Notice:
    """Something to tell the person before the passes start."""

    text: str


@dataclass(frozen=True)
class ModelReady:
    """The model is loaded: what the status bar shows."""

    name: str
    provider: str
    provider_reason: str
    card: ModelCard
    max_passes: int
    threshold: float


@dataclass(frozen=True, eq=False)
class PassEvent:
    """One pass, drawn the moment it arrives; `result` and `carry` are set on the last one."""

    frame: PassFrame
    result: SolveResult | None = None
    carry: Carry | None = None


@dataclass(frozen=True)
class Retrying:
    """The answer did not verify: `k` other symmetric views of the puzzle are being tried.

    Sent once as the retry starts (`view_pass` 0), then after each of its passes, so the window
    can say how far it is and a cancel takes effect between passes.
    """

    k: int
    passes: int  # what the first answer took
    view_pass: int = 0  # the retry's passes so far


@dataclass(frozen=True, eq=False)
class TtaVote:
    """The vote over K variants, after the last of them halted."""

    result: SolveResult
    carry: Carry | None
    k: int


def display_grid(answer: Any) -> np.ndarray:
    """A kind's answer as the array a view paints (a copy)."""
    if isinstance(answer, Maze):
        return np.array(answer.grid, np.uint8)
    return np.array(answer)


def frame_from_pass(p: Pass, kind: Kind, puzzle: Any, elapsed_s: float) -> PassFrame:
    """The view's copy of one solver `Pass`."""
    answer = display_grid(p.answer)
    shape = answer.shape

    def cells(values: np.ndarray) -> np.ndarray:
        return np.array(kind.cells(values, p.answer, puzzle)).reshape(shape)

    violations = np.zeros(answer.size, bool)
    bad = [c for c in p.check.bad_cells if 0 <= c < answer.size]
    violations[bad] = True
    inner: tuple[np.ndarray, ...] = ()
    if p.inner_tokens is not None:
        inner = tuple(display_grid(kind.decode(t, puzzle)) for t in p.inner_tokens)
    return PassFrame(
        number=p.number,
        answer=answer,
        confidence=cells(p.confidence).astype(np.float32),
        changed=cells(p.changed).astype(bool),
        violations=violations.reshape(shape),
        halt_probability=float(p.halt_probability),
        rule_ok=p.check.ok,
        rule_reason=p.check.reason,
        inner_answers=inner,
        elapsed_s=elapsed_s,
    )


def run_solve(request: SolveRequest) -> Iterator[Notice | ModelReady | PassEvent | Retrying | TtaVote]:
    """The whole solve as a generator; closing it stops the loop before its next pass."""
    started = time.perf_counter()
    if request.precheck is not None:
        note = request.precheck()
        if note:
            yield Notice(note)
    model = request.load_model()
    card = model.card
    kind = kind_for(card.kind, card.codec)
    kind.validate(request.puzzle)  # ValueError with a message the window shows
    step = request.step_wrapper(model.step) if request.step_wrapper else model.step
    loop = HaltingLoop.from_card(step, card, kind, request.threshold, request.max_passes)
    yield ModelReady(model.name, model.provider, model.provider_reason, card, loop.max_passes, loop.threshold)
    plan = None
    if request.carry is not None and request.more_passes > 0:
        passes = loop.resume([request.puzzle], [request.carry], request.more_passes)
    elif request.tta_k > 1:
        plan = TtaPlan.build(kind, [request.puzzle], request.tta_k, np.random.default_rng(request.seed))
        passes = loop.run(plan.variants)
    else:
        passes = loop.run([request.puzzle])
    last: list[Pass] = []
    try:
        for p in passes:
            if p.halted:
                last.append(p)
            if p.index != 0:
                continue  # TTA: only the puzzle itself (variant 0) is drawn pass by pass
            frame = frame_from_pass(p, kind, request.puzzle, time.perf_counter() - started)
            done = p.halted and plan is None
            yield PassEvent(frame, p.result() if done else None, p.carry if p.halted else None)
    finally:
        passes.close()  # type: ignore[attr-defined]
    own = next((p for p in last if p.index == 0), None)
    if own is None:
        return  # closed before the puzzle halted
    result = own.result() if plan is None else plan.vote(last)[0]
    if plan is not None:
        yield TtaVote(result, own.carry, request.tta_k)
    if request.carry is not None and request.more_passes > 0:
        return  # "keep thinking" continues the first answer; it never retries
    retry = RetryPlan.build(kind, [request.puzzle], [result], request.retry_tta,
                            np.random.default_rng(request.seed))
    if retry.plan is None:
        return
    # The variants are not drawn: they live in other frames (rotated, relabelled); the vote's
    # answer is mapped back and shown at the end if it verifies.
    yield Retrying(retry.k, result.passes)
    variants = loop.run(retry.variants)
    ends: list[Pass] = []
    seen = 0
    try:
        for p in variants:
            if p.halted:
                ends.append(p)
            if p.number > seen:  # the first variant's pass of a new step: report, let a cancel in
                seen = p.number
                yield Retrying(retry.k, result.passes, seen)
    finally:
        variants.close()  # type: ignore[attr-defined]
    yield TtaVote(retry.merge(ends)[0], own.carry, retry.k)
