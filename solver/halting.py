"""The halting-driven pass loop: a generator over numpy that calls a "step" callable once per pass.

One pass is one supervision step of the model: ``step(tokens, y, z) -> StepOutput``. After each pass
every still-running puzzle yields a `Pass` (answer, per-cell confidence, changed cells, halt
probability, rule check). A puzzle stops at the pass cap, or earlier: where the kind has rules
(Sudoku, mazes) as soon as its answer verifies, and a halt on a rule-breaking answer is overruled;
without rules (ARC), or with ``trust_halt=True``, when its halt probability reaches the threshold.
Stopped puzzles leave the batch (the arrays are sliced) and the rest go on.

Cancel by closing the generator: no step is called after the `yield` it is suspended at.

Keep thinking: the last `Pass` of a puzzle carries its `Carry` (y, z, answer tokens, passes).
``HaltingLoop.resume(puzzles, carries, passes=k)`` runs exactly k more passes from there with the
halt head and the rule checker ignored (both still reported: the user asked to watch k more
passes), numbering passes on from the carry.
``HaltingLoop.run(..., continue_from=carries)`` does the same but keeps halting on.

The carry arrays y, z may be numpy arrays or a step's device arrays: the loop only ever selects
rows of them (``y[rows]``) and turns them into numpy (``np.asarray``) for a `Carry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from solver.contract import ModelCard
from solver.kinds.protocol import Kind
from solver.result import RuleCheck, SolveResult


@dataclass(frozen=True, eq=False)
class StepOutput:
    """What one pass of the model returns."""

    y: Any  # (B, S, D) float32 answer carry (numpy or a step's device array)
    z: Any  # (B, S, D) float32 latent carry
    logits: np.ndarray  # (B, L, V)
    halt_logit: np.ndarray  # (B,)
    inner_logits: np.ndarray | None = None  # (T, B, L, V): after each inner answer update


Step = Callable[[np.ndarray, Any, Any], StepOutput]


@dataclass(frozen=True, eq=False)
class Carry:
    """Where one puzzle stands after a pass: enough to keep thinking from there."""

    y: np.ndarray  # (S, D) float32
    z: np.ndarray  # (S, D) float32
    tokens: np.ndarray  # (L,) int64 argmax answer of the last pass
    passes: int  # passes done so far


@dataclass(frozen=True, eq=False)
class Pass:
    """One puzzle after one pass."""

    index: int  # the puzzle's position in the `puzzles` given to the loop
    number: int  # 1-based pass number (continues from a carry when resuming)
    answer: Any  # the kind's decoded grid
    tokens: np.ndarray  # (L,) int64 argmax tokens
    confidence: np.ndarray  # (L,) float32 softmax probability of the chosen token
    changed: np.ndarray  # (L,) bool: differs from the previous pass (pass 1: from the input)
    halt_probability: float  # sigmoid(halt_logit)
    check: RuleCheck  # rule check of `answer`
    halted: bool  # this is the puzzle's last pass in this run
    halted_by_model: bool  # the halt head voted to stop (probability >= threshold), heeded or not
    inner_tokens: np.ndarray | None = None  # (T, L) argmax after each inner answer update
    carry: Carry | None = None  # set on the last pass only (to keep thinking)
    # The model's beliefs beyond its argmax: each cell's TOP_K likeliest tokens, likeliest first,
    # and their softmax probabilities (what the window draws as the model's pencil marks).
    top_tokens: np.ndarray | None = None  # (L, TOP_K) int64
    top_probs: np.ndarray | None = None  # (L, TOP_K) float32

    def result(self) -> SolveResult:
        """The `SolveResult` this pass stands for if it is the last."""
        return SolveResult.from_check(
            self.check, self.answer, self.number, self.halt_probability,
            self.halted_by_model, float(self.confidence.mean()),
        )


TOP_K = 3  # candidates per cell a `Pass` carries beyond the argmax


def _softmax_max(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(..., V) logits -> argmax (...,) int64 and its softmax probability (...,) float32."""
    top = logits.argmax(-1)
    shifted = logits - np.take_along_axis(logits, top[..., None], -1)  # max is 0
    prob = 1.0 / np.exp(shifted, dtype=np.float64).sum(-1)
    return top.astype(np.int64), prob.astype(np.float32)


def _softmax_top(logits: np.ndarray, k: int = TOP_K) -> tuple[np.ndarray, np.ndarray]:
    """(..., V) logits -> the k likeliest tokens (..., k) int64, likeliest first, and their
    softmax probabilities (..., k) float32. argpartition, then a sort of k: cheap next to a pass."""
    k = min(k, logits.shape[-1])
    part = np.argpartition(-logits, k - 1, axis=-1)[..., :k]
    picked = np.take_along_axis(logits, part, -1)
    order = np.argsort(-picked, axis=-1, kind="stable")
    tokens = np.take_along_axis(part, order, -1)
    shifted = np.asarray(logits, np.float64) - np.take_along_axis(logits, tokens[..., :1], -1)
    total = np.exp(shifted).sum(-1, keepdims=True)
    probs = np.exp(np.take_along_axis(shifted, tokens, -1)) / total
    return tokens.astype(np.int64), probs.astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -x))


class HaltingLoop:
    """Runs puzzles pass by pass through `step` until each halts or reaches its cap."""

    def __init__(
        self,
        step: Step,
        kind: Kind,
        initial_carry: Callable[[int], tuple[np.ndarray, np.ndarray]],
        threshold: float = 0.5,
        max_passes: int = 16,
        trust_halt: bool = False,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"halting threshold must be in (0, 1], not {threshold}")
        if isinstance(max_passes, bool) or not isinstance(max_passes, int) or max_passes < 1:
            raise ValueError(f"max_passes must be a positive integer, not {max_passes!r}")
        self.step = step
        self.kind = kind
        self.initial_carry = initial_carry
        self.threshold = float(threshold)
        self.max_passes = max_passes
        # The stopping rule. By default the rule checker has the last word where one exists
        # (Sudoku, mazes): a puzzle stops as soon as its answer verifies (a complete Sudoku that
        # keeps the givens and breaks no rule is the solution; a valid shortest path is one), and
        # a halt on an answer that breaks the rules is overruled, so the model keeps thinking up to
        # the cap. Kinds without rules (ARC) stop where the halt head says. trust_halt=True stops
        # where the halt head says for every kind, as the paper's evaluation does.
        self.trust_halt = trust_halt

    @classmethod
    def from_card(
        cls, step: Step, card: ModelCard, kind: Kind,
        threshold: float | None = None, max_passes: int | None = None, trust_halt: bool = False,
    ) -> HaltingLoop:
        """A loop with the card's initial carry and defaults (overridable)."""
        return cls(
            step, kind, card.initial_carry,
            card.halt_threshold if threshold is None else threshold,
            card.max_passes if max_passes is None else max_passes,
            trust_halt,
        )

    # ----------------------------------------------------------------------------------------

    def run(
        self, puzzles: Sequence[Any], continue_from: Sequence[Carry] | None = None,
        more: int | None = None, groups: Sequence[int] | None = None,
    ) -> Iterator[Pass]:
        """Passes of every puzzle until it stops (see `trust_halt`) or reaches `max_passes`.

        With `continue_from`, `more` caps each puzzle at its carry's passes + `more` instead.
        `groups` ties rows together: when one row of a group verifies, the others of its group
        stop at the same pass (the branches exploring one puzzle, solver/explore.py: the first
        verified answer wins and the rest need not be paid for).
        """
        if more is not None:
            if continue_from is None:
                raise ValueError("more= counts passes beyond a carry: give continue_from")
            if more < 1:
                raise ValueError(f"more must be at least 1, not {more}")
            caps = np.array([c.passes + more for c in continue_from])
        else:
            caps = np.full(len(puzzles), self.max_passes)
        if groups is not None and len(groups) != len(puzzles):
            raise ValueError(f"{len(puzzles)} puzzles but {len(groups)} groups")
        return self._loop(puzzles, continue_from, caps, use_halt=True, groups=groups)

    def with_step(self, step: Step) -> HaltingLoop:
        """The same loop (kind, carry, threshold, cap, stopping rule) around another step."""
        return HaltingLoop(step, self.kind, self.initial_carry, self.threshold, self.max_passes,
                           self.trust_halt)

    def resume(self, puzzles: Sequence[Any], carries: Sequence[Carry], passes: int) -> Iterator[Pass]:
        """Keep thinking: exactly `passes` more passes per puzzle, the halt head ignored."""
        if passes < 1:
            raise ValueError(f"passes must be at least 1, not {passes}")
        if len(carries) != len(puzzles):
            raise ValueError(f"{len(puzzles)} puzzles but {len(carries)} carries")
        caps = np.array([c.passes + passes for c in carries])
        return self._loop(puzzles, carries, caps, use_halt=False)

    def solve(self, puzzles: Sequence[Any]) -> list[SolveResult]:
        """Run to the end; the result of each puzzle's last pass, in input order."""
        last: dict[int, Pass] = {}
        for p in self.run(puzzles):
            if p.halted:
                last[p.index] = p
        return [last[i].result() for i in range(len(puzzles))]

    # ----------------------------------------------------------------------------------------

    def _loop(
        self,
        puzzles: Sequence[Any],
        carries: Sequence[Carry] | None,
        caps: np.ndarray,
        use_halt: bool,
        groups: Sequence[int] | None = None,
    ) -> Iterator[Pass]:
        n = len(puzzles)
        group = None if groups is None else np.asarray(groups, dtype=np.int64)  # (n,)
        for i, puzzle in enumerate(puzzles):
            try:
                self.kind.validate(puzzle)
            except ValueError as err:
                raise ValueError(f"puzzle {i}: {err}") from None
        if n == 0:
            return
        tokens = np.stack([self.kind.encode(p) for p in puzzles]).astype(np.int64)  # (B, L)
        if carries is None:
            y, z = self.initial_carry(n)  # (B, S, D) each
            previous = tokens.copy()
            done = np.zeros(n, dtype=np.int64)
        else:
            if len(carries) != n:
                raise ValueError(f"{n} puzzles but {len(carries)} carries to continue from")
            y = np.stack([c.y for c in carries]).astype(np.float32)
            z = np.stack([c.z for c in carries]).astype(np.float32)
            previous = np.stack([c.tokens for c in carries]).astype(np.int64)
            done = np.array([c.passes for c in carries], dtype=np.int64)
        active = np.arange(n)  # puzzle index of each batch row
        while active.size:
            out = self.step(tokens, y, z)
            b, length = tokens.shape
            self._check_output(out, b, length)
            done += 1
            answer_tokens, confidence = _softmax_max(out.logits)  # (B, L) each
            top_tokens, top_probs = _softmax_top(np.asarray(out.logits))  # (B, L, TOP_K) each
            halt_p = _sigmoid(out.halt_logit)  # (B,)
            inner = out.inner_logits.argmax(-1) if out.inner_logits is not None else None  # (T, B, L)
            wants = (halt_p >= self.threshold) if use_halt else np.zeros(b, bool)
            answers = [self.kind.decode(answer_tokens[row], puzzles[int(active[row])]) for row in range(b)]
            checks = [self.kind.check(a, puzzles[int(active[row])]) for row, a in enumerate(answers)]
            if use_halt and not self.trust_halt:
                verifiable = np.array([c.verifiable for c in checks])
                verified = np.array([c.ok and c.verifiable for c in checks])
                stop = verified | (wants & ~verifiable) | (done >= caps[active])
                if group is not None and verified.any():  # a sibling found it: the group stops
                    stop |= np.isin(group[active], group[active[verified]])
            else:
                stop = wants | (done >= caps[active])
            for row in range(b):
                index = int(active[row])
                answer = answers[row]
                carry = None
                if stop[row]:
                    carry = Carry(
                        np.asarray(out.y[[row]], dtype=np.float32)[0],
                        np.asarray(out.z[[row]], dtype=np.float32)[0],
                        answer_tokens[row].copy(), int(done[row]),
                    )
                yield Pass(
                    index=index,
                    number=int(done[row]),
                    answer=answer,
                    tokens=answer_tokens[row],
                    confidence=confidence[row],
                    changed=answer_tokens[row] != previous[row],
                    halt_probability=float(halt_p[row]),
                    check=checks[row],
                    halted=bool(stop[row]),
                    halted_by_model=bool(wants[row]),
                    inner_tokens=None if inner is None else inner[:, row],
                    carry=carry,
                    top_tokens=top_tokens[row],
                    top_probs=top_probs[row],
                )
            keep = np.flatnonzero(~stop)
            if keep.size == b:
                y, z, previous = out.y, out.z, answer_tokens
            else:  # the batch shrinks: halted puzzles leave it
                active, tokens, done = active[keep], tokens[keep], done[keep]
                previous = answer_tokens[keep]
                if keep.size:
                    y, z = out.y[keep], out.z[keep]

    @staticmethod
    def _check_output(out: StepOutput, batch: int, length: int) -> None:
        logits = np.asarray(out.logits)
        if logits.ndim != 3 or logits.shape[:2] != (batch, length):
            raise ValueError(f"step returned logits of shape {logits.shape}, expected ({batch}, {length}, V)")
        if np.shape(out.halt_logit) != (batch,):
            raise ValueError(f"step returned halt_logit of shape {np.shape(out.halt_logit)}, expected ({batch},)")
        if out.inner_logits is not None and np.shape(out.inner_logits)[1:3] != (batch, length):
            raise ValueError(f"step returned inner_logits of shape {np.shape(out.inner_logits)}")
