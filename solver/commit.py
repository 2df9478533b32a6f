"""Committing the model's surest cells: the last step for a puzzle the others left unverified.

A Sudoku with few givens (0-12, say) has a great many solutions, and a network trained on
puzzles with one wavers between them: its answer mixes several and breaks the rules however long
it thinks, and neither other views nor noise help (measured 2026-12-04: 0 of 30 such grids
before this step). So the answer is built as a person builds one: fix the `cells` cells the
model is surest of, each one the rules allow beside the givens and the cells fixed before it
(for Sudoku: no peer holds its digit, and naked and hidden singles from there run into no
contradiction; `Kind.commit`), as extra givens, and solve that puzzle afresh; the model, now facing fewer
choices, answers again, and the next surest cells are fixed, round after round, until the rule
checker verifies an answer to the puzzle *as entered* (the fixed cells are the model's own, so
any valid completion is one the model chose), no cell can be fixed, a blank cell is left with no
allowed digit (a dead end: the puzzle stays unverified), or `rounds` have run.

Every digit is the model's; the rules only refuse those that clash. No search, no backtracking.
Kinds without such a step (mazes, ARC) return None from `commit` and skip it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from solver.halting import Carry, Pass
from solver.kinds.protocol import Kind
from solver.result import SolveResult
from solver.tta import needs_retry

# Measured 2026-12-04 on 30 grids of 0-12 givens (tools/sparse_sudokus.py, seed 0), the shipped
# Sudoku model, the commit step alone: valid completions / mean passes a grid, for cells a round x
# passes a round: 4x4 29/30 71; 4x2 30/30 51; 8x4 30/30 48; 8x2 28/30 41; 12x2 25/30 38. Before the
# step (views and exploration only): 0/30. With trm-solve's defaults on 100 such grids (seed 0):
# 94/100 with the peer check alone, 100/100 once singles must not refute a cell; then 100/100
# and 99/100 on seeds 1 and 2 (docs/evaluation/sparse-sudoku-trm-solve.txt).
COMMIT_CELLS = 8  # cells fixed a round
COMMIT_PASSES = 4  # passes a round, on from where the last one's thinking stood
COMMIT_ROUNDS = 16  # the default cap: 11 rounds of 8 fill all 81 cells of an empty grid


class CommitPlan:
    """The rounds of the still unverified puzzles (the pipeline runs their passes).

    Each round: `fix_cells()` fixes the next surest cells of every puzzle still going and names
    those that got some; their puzzles (`current`) are solved afresh, `ended()` takes each one's
    last pass; `check()` keeps the verified ones. `results()` is every puzzle's result after it.
    """

    def __init__(self, kind: Kind, puzzles: Sequence[Any], results: Sequence[SolveResult],
                 lasts: Sequence[Pass | None], cells: int) -> None:
        self.kind, self.puzzles, self.first, self.cells = kind, puzzles, list(results), cells
        # Only a puzzle whose thinking can be carried on takes part.
        self.last: dict[int, Pass] = {i: p for i, (r, p) in enumerate(zip(results, lasts, strict=True))
                                      if needs_retry(r) and p is not None and p.carry is not None}
        self.todo = list(self.last)
        self.current: dict[int, Any] = {i: puzzles[i] for i in self.todo}  # with the cells fixed so far
        self.spent = dict.fromkeys(self.todo, 0)  # passes of the rounds
        self.fixed = dict.fromkeys(self.todo, 0)  # rounds that fixed cells
        self.active = list(self.todo)
        self.merged = list(results)

    def fix_cells(self) -> list[int]:
        """The puzzles (indices) that got more cells fixed from their last answer this round."""
        going = []
        for i in self.active:
            p = self.last[i]
            confidence = self.kind.cells(p.confidence, p.answer, self.current[i])
            nxt = self.kind.commit(self.current[i], p.answer, confidence, self.cells)
            if nxt is not None:
                self.current[i] = nxt
                self.fixed[i] += 1
                going.append(i)
        self.active = going
        return going

    def carries(self, going: Sequence[int]) -> list[Carry]:
        """Where each puzzle's thinking stands: a round continues it on the puzzle with more
        cells fixed (its answer and thought carry over; only the givens change)."""
        return [self.last[i].carry for i in going]  # type: ignore[misc]

    def ended(self, i: int, last: Pass, started: int) -> None:
        """`last` ended puzzle i's round, which began after `started` passes."""
        self.last[i] = last
        self.spent[i] += last.number - started

    def check(self) -> None:
        """Keep the answers the rule checker verifies against the puzzle *as entered*."""
        still = []
        for i in self.active:
            p = self.last[i]
            check = self.kind.check(p.answer, self.puzzles[i])
            if not check.ok:
                still.append(i)
                continue
            first = self.first[i]
            result = SolveResult.from_check(check, p.answer, first.passes + self.spent[i], p.halt_probability,
                                            p.halted_by_model, float(p.confidence.mean()))
            self.merged[i] = replace(result, work_passes=first.work + self.spent[i], views=first.views,
                                     retried=first.retried, explored=first.explored, commit_tried=True,
                                     committed=self.fixed[i])
        self.active = still

    def results(self) -> list[SolveResult]:
        out = list(self.merged)
        for i in self.todo:
            if out[i] is self.first[i] and self.fixed[i]:  # never verified: the answer stays, the cost grows
                out[i] = replace(self.first[i], work_passes=self.first[i].work + self.spent[i], commit_tried=True)
        return out
