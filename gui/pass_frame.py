"""One pass of one view as the window shows it: plain numpy, copied, mapped onto the puzzle as entered.

A frame of a symmetric view (a rotated or relabelled copy of the puzzle, solved in the same batch
or as a second chance) is stored already mapped back: its answer through the augmentation's
`invert`, its per-cell confidence and changed flags through `invert_cells`, and its rule
violations checked against the puzzle as entered. So every frame of a run paints on the same
board, and a mark on a cell means that cell of the puzzle the person sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CONFIDENT = 0.9  # a cell counts as confident when its chosen token has at least this probability

# The steps of solver.solve.Stage, by their values (a frame holds no solver types).
FIRST_TRY = "first try"
OTHER_VIEWS = "other views"
KEEP_THINKING = "keep thinking"
EXPLORATION = "exploration"


@dataclass(frozen=True, eq=False)
class PassFrame:
    """The answer after one pass of one view, and what the timeline and chart show about it."""

    number: int  # passes the answer has taken, counted for the puzzle: an other view's pass 3
    #              after a 32-pass first try is 35, as the result line counts it
    answer: np.ndarray  # the kind's display grid: Sudoku (81,) digits, maze (H, W) CHARSET, ARC (H, W)
    confidence: np.ndarray  # same shape, probability of each chosen token, 0-1
    changed: np.ndarray  # same shape, bool: differs from this view's previous pass
    violations: np.ndarray  # same shape, bool: cells the rule checker marks
    halt_probability: float
    rule_ok: bool = False
    rule_reason: str = ""
    inner_answers: tuple[np.ndarray, ...] = field(default_factory=tuple)  # after each inner step
    inner_violations: tuple[np.ndarray, ...] = field(default_factory=tuple)  # checked like `answer`
    inner_reasons: tuple[str, ...] = field(default_factory=tuple)
    elapsed_s: float = 0.0  # wall time since the solve started
    stage: str = FIRST_TRY  # solver.solve.Stage value
    view: int = 0  # which view of the stage (0: the puzzle itself in the first try)
    views: int = 1  # views the stage ran
    own_number: int = 0  # this view's own pass count (0: same as `number`)
    # The model's beliefs, for tabs that draw them (`PuzzlePanel.draws_beliefs`): each cell's
    # likeliest values, likeliest first, mapped back like `answer` (a Sudoku view's relabelled
    # digits are the puzzle's digits again), and their probabilities. Shape: answer's + (k,).
    beliefs: np.ndarray | None = None
    belief_probs: np.ndarray | None = None

    @property
    def confident_fraction(self) -> float:
        """Share of cells whose probability is at least CONFIDENT."""
        if self.confidence.size == 0:
            return 0.0
        return float(np.mean(self.confidence >= CONFIDENT))

    @property
    def track(self) -> tuple[str, int]:
        """Which line of passes this frame continues: keep thinking continues the first try's
        own view (its carry), every other stage's view is a line of its own."""
        if self.stage == KEEP_THINKING:
            return FIRST_TRY, 0
        return self.stage, self.view

    @property
    def where(self) -> str:
        """Which view this is, for a person: "first try", "other view 2 of 4", "keep thinking"."""
        if self.stage == FIRST_TRY:
            if self.views == 1:
                return FIRST_TRY
            return "first try, the puzzle itself" if self.view == 0 else f"first try, view {self.view + 1} of {self.views}"
        if self.stage == OTHER_VIEWS:
            return f"other view {self.view + 1} of {self.views}"
        if self.stage.endswith(EXPLORATION):  # the first model's or the fallback's branches
            return f"{self.stage}, branch {self.view + 1} of {self.views}"
        if self.views > 1:
            return f"{self.stage}, view {self.view + 1} of {self.views}"
        return self.stage

    def answer_at(self, inner: int | None) -> np.ndarray:
        """The answer after inner step `inner` (None or -1 = the pass's final answer)."""
        if inner is None or inner < 0 or not self.inner_answers:
            return self.answer
        return self.inner_answers[inner]

    def violations_at(self, inner: int | None) -> np.ndarray:
        """The rule checker's marks on `answer_at(inner)`."""
        if inner is None or inner < 0 or not self.inner_violations:
            return self.violations
        return self.inner_violations[inner]

    def reason_at(self, inner: int | None) -> str:
        """What the rule checker says about `answer_at(inner)`."""
        if inner is None or inner < 0 or not self.inner_reasons:
            return self.rule_reason
        return self.inner_reasons[inner]
