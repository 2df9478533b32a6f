"""Outcomes of solving one puzzle: the rule check of an answer and the final result with a status."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RuleCheck:
    """The rule checker's verdict on an answer; `bad_cells` are row-major cell indices."""

    ok: bool  # the answer is verified correct (for ARC: well-formed, as no rules exist)
    complete: bool  # every cell is filled (Sudoku), or the answer could be decoded at all
    reason: str
    bad_cells: tuple[int, ...] = ()
    verifiable: bool = True  # False for ARC: `ok` only means well-formed


class SolveStatus(enum.Enum):
    """What became of a puzzle."""

    VERIFIED = "verified"  # an answer the rule checker verified
    BROKEN_RULES = "broken_rules"  # the model halted with an answer that breaks the rules
    NO_ANSWER = "no_answer"  # no halt within the pass cap, and the answer is not valid
    INVALID_PUZZLE = "invalid_puzzle"  # the puzzle could not be read or breaks the rules itself
    UNVERIFIED = "unverified"  # a well-formed answer for a kind without rules (ARC)


@dataclass(frozen=True, eq=False)
class Attempt:
    """One distinct answer the symmetric views voted for."""

    answer: Any
    votes: int  # views whose answer, mapped back, is this one
    score: float  # their summed confidence: what the vote ranks by


@dataclass(frozen=True, eq=False)
class SolveResult:
    """The final answer for one puzzle, its status, and how it got there."""

    status: SolveStatus
    answer: Any = None  # the kind's grid (Sudoku (81,), Maze, ARC (H, W)); None if invalid
    passes: int = 0  # supervision steps used
    halt_probability: float = 0.0  # sigmoid of the halt logit at the last pass
    bad_cells: tuple[int, ...] = ()  # where the rules are broken (row-major cell indices)
    reason: str = ""  # why the puzzle is invalid, or what the checker found
    confidence: float = 0.0  # mean per-cell probability of the chosen tokens
    work_passes: int = 0  # passes run for this puzzle over all its variants (0: just `passes`)
    views: int = 1  # symmetric variants the chosen answer was voted over
    retried: bool = False  # unverified at first, then run again as other variants
    fell_back: bool = False  # unverified by the int8 model, then solved again by fp32 (solver/solve.py)
    explored: bool = False  # unverified, then continued as noisy branches (solver/explore.py)
    branch: int = 0  # the branch (1-based) whose answer this is; 0: no branch's
    commit_tried: bool = False  # unverified, then the model's surest cells fixed round by round (solver/commit.py)
    committed: int = 0  # rounds of fixed cells the verified answer took; 0: not found that way
    attempts: tuple[Attempt, ...] = ()  # with views: every distinct answer, best first (ARC's attempts)

    @property
    def solved(self) -> bool:
        return self.status is SolveStatus.VERIFIED

    @property
    def work(self) -> int:
        """Passes of compute this puzzle cost, every variant counted."""
        return self.work_passes or self.passes

    @staticmethod
    def invalid(reason: str) -> SolveResult:
        return SolveResult(SolveStatus.INVALID_PUZZLE, reason=reason)

    @staticmethod
    def from_check(
        check: RuleCheck,
        answer: Any,
        passes: int,
        halt_probability: float,
        halted_by_model: bool,
        confidence: float = 0.0,
    ) -> SolveResult:
        """Status from the rule check and whether the model itself chose to stop."""
        if check.ok:
            status = SolveStatus.VERIFIED if check.verifiable else SolveStatus.UNVERIFIED
        elif halted_by_model:
            status = SolveStatus.BROKEN_RULES
        else:
            status = SolveStatus.NO_ANSWER
        return SolveResult(
            status, answer, passes, halt_probability, check.bad_cells, check.reason, confidence
        )
