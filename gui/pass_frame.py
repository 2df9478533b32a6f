"""One pass of the model as the window shows it: plain numpy, copied, no Qt, no solver types."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CONFIDENT = 0.9  # a cell counts as confident when its chosen token has at least this probability


@dataclass(frozen=True, eq=False)
class PassFrame:
    """The answer after one pass, and what the timeline and chart need to show about it."""

    number: int  # 1-based pass number
    answer: np.ndarray  # the kind's grid: Sudoku (81,) digits, maze (H, W) CHARSET, ARC (H, W)
    confidence: np.ndarray  # same shape, probability of each chosen token, 0-1
    changed: np.ndarray  # same shape, bool: differs from the previous pass
    violations: np.ndarray  # same shape, bool: cells the rule checker marks
    halt_probability: float
    rule_ok: bool = False
    rule_reason: str = ""
    inner_answers: tuple[np.ndarray, ...] = field(default_factory=tuple)  # finer steps
    elapsed_s: float = 0.0  # wall time since the solve started

    @property
    def confident_fraction(self) -> float:
        """Share of cells whose probability is at least CONFIDENT."""
        if self.confidence.size == 0:
            return 0.0
        return float(np.mean(self.confidence >= CONFIDENT))

    def answer_at(self, inner: int | None) -> np.ndarray:
        """The answer after inner step `inner` (None or -1 = the pass's final answer)."""
        if inner is None or inner < 0 or not self.inner_answers:
            return self.answer
        return self.inner_answers[inner]
