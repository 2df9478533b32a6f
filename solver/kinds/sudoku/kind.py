"""The Sudoku kind: `Sudoku` puzzles, (81,) int8 answers, checked by conflicts and givens kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solver.codec import TokenCodec
from solver.kinds.protocol import Augmentation, Record, TrainingData, views_besides_identity
from solver.kinds.sudoku.codec import SUDOKU_CODEC
from solver.kinds.sudoku.formats import (
    answer_document,
    answers_as_document,
    iter_sudoku_records,
    sniff_sudoku,
    sudoku_document,
)
from solver.kinds.sudoku.puzzle import (
    CELLS,
    SIZE,
    Sudoku,
    check_givens,
    conflicts,
    is_solution,
)
from solver.kinds.sudoku.search import singles_fixpoint
from solver.kinds.sudoku.symmetry import SudokuSymmetry
from solver.kinds.sudoku.training import TRAINING
from solver.result import RuleCheck


@dataclass(frozen=True, eq=False)
class SudokuAugmentation:
    """A `SudokuSymmetry` acting on `Sudoku` puzzles and (81,) answers."""

    symmetry: SudokuSymmetry

    def apply(self, puzzle: Sudoku) -> Sudoku:
        return Sudoku(self.symmetry.apply(puzzle.givens), source=puzzle.source)

    def invert(self, answer: np.ndarray) -> np.ndarray:
        return self.symmetry.invert(np.asarray(answer))

    def invert_cells(self, values: np.ndarray) -> np.ndarray:
        """Per-cell values of the view (confidence, changed), (81,) or (9, 9), moved back to the
        cells of the puzzle as entered; positions only, nothing is relabelled."""
        values = np.asarray(values)
        back = self.symmetry.inverse().cell_source
        return values.reshape(CELLS)[back].reshape(values.shape)


@dataclass(frozen=True, eq=False)
class SudokuKind:
    """9x9 Sudoku."""

    codec: TokenCodec = field(default=SUDOKU_CODEC)
    name: str = "sudoku"
    title: str = "Sudoku"
    formats: str = ("81-character lines, 9-row grids, .sdk, .sdm, CSV/TSV with a puzzle column, OpenSudoku XML, "
                    "KSudoku saves, Simple Sudoku .ss and pencil-mark grids")
    suffixes: tuple[str, ...] = (".sdm", ".sdk", ".txt", ".csv", ".opensudoku")
    max_views: int = 0  # 9! digit maps x 6^8 x 2 line shuffles: never the limit
    has_rules: bool = True
    training: TrainingData | None = field(default=TRAINING)

    def with_codec(self, codec_name: str) -> SudokuKind | None:
        return self if codec_name == self.codec.name else None

    def validate(self, puzzle: Any) -> None:
        if not isinstance(puzzle, Sudoku):
            raise ValueError(f"expected a Sudoku, got {type(puzzle).__name__}")
        check_givens(puzzle.givens)

    def encode(self, puzzle: Sudoku) -> np.ndarray:
        return self.codec.encode_puzzle(puzzle.givens)

    def decode(self, tokens: np.ndarray, puzzle: Sudoku) -> np.ndarray:
        return self.codec.decode_answer(tokens)

    def check(self, answer: np.ndarray, puzzle: Sudoku) -> RuleCheck:
        givens = puzzle.givens
        clash = conflicts(answer)
        lost = (givens > 0) & (answer != givens)
        blank = answer == 0
        if is_solution(answer, givens):
            return RuleCheck(True, True, "a complete grid that keeps the rules and the givens")
        bad = tuple(int(c) for c in np.flatnonzero(clash | lost))
        problems = []
        if clash.any():
            problems.append(f"{int(clash.sum())} cells in conflict")
        if lost.any():
            problems.append(f"{int(lost.sum())} givens changed")
        if blank.any():
            problems.append(f"{int(blank.sum())} cells empty")
        return RuleCheck(False, not blank.any(), ", ".join(problems) or "not a solution", bad)

    def commit(self, puzzle: Sudoku, answer: np.ndarray, confidence: np.ndarray, cells: int) -> Sudoku | None:
        grid = puzzle.givens.copy()
        digits = np.asarray(answer).reshape(CELLS)
        sure = np.asarray(confidence, dtype=np.float64).reshape(CELLS)
        blank = np.flatnonzero(grid == 0)
        placed = 0
        for cell in blank[np.argsort(-sure[blank], kind="stable")]:
            digit = int(digits[cell])
            if not 1 <= digit <= SIZE:
                continue
            grid[cell] = digit
            # No peer may hold the digit, and the rules' own consequences (naked and hidden
            # singles, no search) must reach no contradiction, such as a blank with no candidate
            # left: `singles_fixpoint` checks both. Measured 2026-12-04 on 100 grids of 0-12
            # givens: with only the peer and the no-candidate checks, 5 reached a dead end.
            if singles_fixpoint(grid) is None:
                grid[cell] = 0
                continue
            placed += 1
            if placed == cells:
                break
        if not placed:
            return None
        # The file's answer (if any) need not agree with the model's choices: it is dropped.
        return Sudoku(grid, source=puzzle.source, meta=dict(puzzle.meta))

    def cells(self, values: np.ndarray, answer: Any, puzzle: Any) -> np.ndarray:
        return np.asarray(values).reshape(SIZE, SIZE)

    def display_grid(self, answer: Any) -> np.ndarray:
        return np.array(answer)

    def format_answer(self, answer: np.ndarray) -> str:
        return "".join(str(int(v)) for v in np.asarray(answer).reshape(-1))

    def render(self, answer: np.ndarray, puzzle: Sudoku, changed: np.ndarray | None = None) -> str:
        grid = np.asarray(answer).reshape(-1)
        marks = np.zeros(CELLS, bool) if changed is None else np.asarray(changed).reshape(-1)
        rows = []
        for r in range(SIZE):
            if r in (3, 6):
                rows.append("-------+-------+-------")
            cells = []
            for c in range(SIZE):
                i = r * SIZE + c
                digit = str(int(grid[i])) if grid[i] else "."
                cells.append(("*" if marks[i] else " ") + digit)
                if c in (2, 5):
                    cells.append(" |")
            rows.append("".join(cells))
        return "\n".join(rows)

    def sniff(self, text: str, name: str) -> float:
        return sniff_sudoku(text, name)

    def read(self, text: str, name: str) -> list[Record]:
        records = []
        for line_no, item in iter_sudoku_records(text):
            if isinstance(item, ValueError):
                records.append(Record(f"line {line_no}", error=str(item)))
            else:
                records.append(Record(f"line {line_no}", item, solution=item.answer))
        return records

    def write(self, puzzles: Sequence[Sudoku], suffix: str) -> str:
        return sudoku_document(puzzles, suffix)

    def answers_as_document(self, suffix: str, count: int) -> bool:
        return answers_as_document(suffix, count)

    def write_answers(self, answers: Sequence[np.ndarray], suffix: str) -> str:
        return answer_document(answers, suffix)

    def augmentations(self, k: int, rng: np.random.Generator, identity: bool = True) -> Sequence[Augmentation]:
        fresh = views_besides_identity(k, identity, self.max_views)
        others = [SudokuAugmentation(SudokuSymmetry.random(rng)) for _ in range(fresh)]
        return [SudokuAugmentation(SudokuSymmetry.identity()), *others] if identity else others


KIND = SudokuKind()
