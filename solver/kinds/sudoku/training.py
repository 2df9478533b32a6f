"""What training needs of Sudoku: generated pools by grade, pools from files, and the draw
(optional extra givens revealed from the answer, then a random symmetry)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from solver.kinds.protocol import UNGRADED, Generation, RawPool, chunk_seed
from solver.kinds.sudoku.formats import iter_sudoku_records
from solver.kinds.sudoku.generator import generate
from solver.kinds.sudoku.grading import Grade
from solver.kinds.sudoku.puzzle import CELLS, Sudoku
from solver.kinds.sudoku.search import solve
from solver.kinds.sudoku.symmetry import apply_symmetry_batch, random_symmetry_batch

_LOGGER = logging.getLogger(__name__)
CHUNK = 100  # puzzles per generation job


def generate_chunk(job: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`count` puzzles of one grade from one seed: (puzzles, solutions, grades)."""
    seed, count, grade_value = job
    rng = np.random.default_rng(seed)
    grade = Grade(grade_value)
    out = [generate(rng, grade) for _ in range(count)]
    return (
        np.stack([g.puzzle for g in out]).astype(np.int8),
        np.stack([g.solution for g in out]).astype(np.int8),
        np.full(count, grade_value, dtype=np.int8),
    )


def grade_generation(counts: Mapping[str, int], seed: int) -> Generation:
    """`counts` puzzles per grade name (e.g. {"singles": 1000, "search": 5000})."""
    jobs = []
    for name, count in sorted(counts.items()):
        try:
            grade = Grade[name.upper()]
        except KeyError:
            known = ", ".join(g.name.lower() for g in Grade)
            raise ValueError(f"unknown Sudoku grade {name!r} (known: {known})") from None
        for i, start in enumerate(range(0, count, CHUNK)):
            jobs.append((chunk_seed(seed, name, i), min(CHUNK, count - start), int(grade.value)))
    key = hashlib.sha1(repr((sorted(counts.items()), seed)).encode()).hexdigest()[:12]
    return Generation(tuple(jobs), generate_chunk, key, f"generated {dict(sorted(counts.items()))} seed {seed}")


class SudokuTraining:
    """`TrainingData` for Sudoku."""

    def check_options(self, options: Mapping[str, Any]) -> None:
        lo, hi = options.get("extra_givens", (0, 0))
        if not 0 <= lo <= hi <= CELLS - 1:
            raise ValueError("extra_givens must be 0 <= lo <= hi <= 80")

    def generation(self, options: Mapping[str, Any], seed: int, heldout: bool = False) -> Generation:
        if heldout:
            per_grade = max(1, int(options["eval_count"]) // 3)
            return grade_generation({"singles": per_grade, "deduction": per_grade, "search": per_grade}, seed)
        return grade_generation(options["pool_counts"], seed)

    def from_file(self, text: str, name: str, solutions: str | None, limit: int | None) -> RawPool:
        """Puzzles from a CSV (with answers) or a one-per-line file (answers from `solutions`, a
        line-aligned text, or else computed by the exact solver)."""
        puzzles, answers = [], []
        skipped = 0
        for _line, item in iter_sudoku_records(text):
            if isinstance(item, ValueError):
                skipped += 1
                continue
            puzzles.append(item.givens)
            answers.append(item.answer)
            if limit and len(puzzles) >= limit:
                break
        if not puzzles:
            raise ValueError(f"{name}: no Sudoku puzzles found")
        if skipped:
            _LOGGER.warning("%s: skipped %d lines that are not puzzles", name, skipped)
        if solutions is not None:
            lines = [ln.strip() for ln in solutions.splitlines() if len(ln.strip()) == CELLS]
            lines = [ln for ln in lines if ln.isdigit()]
            if len(lines) < len(puzzles):
                raise ValueError(f"{name}: {len(lines)} solutions for {len(puzzles)} puzzles")
            answers = [np.frombuffer(ln.encode(), dtype=np.uint8) - ord("0") for ln in lines[: len(puzzles)]]
        answers = [a if a is not None else solve(p) for p, a in zip(puzzles, answers, strict=True)]
        solved = [a for a in answers if a is not None]
        if len(solved) != len(answers):
            raise ValueError(f"{name}: some puzzles have no solution")
        p = np.stack(puzzles).astype(np.int8)
        a = np.stack(solved).astype(np.int8)
        bad = ~((p == 0) | (p == a)).all(axis=1)
        if bad.any():
            raise ValueError(f"{name}: {int(bad.sum())} answers do not keep their puzzle's givens")
        return RawPool(p, a, np.full(len(p), UNGRADED, dtype=np.int8), f"file {name}")

    def draw(self, puzzles: np.ndarray, answers: np.ndarray, rng: np.random.Generator,
             options: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        n = len(puzzles)
        lo, hi = options.get("extra_givens", (0, 0))
        prob = options.get("extra_givens_prob", 0.0)
        if hi > 0 and prob > 0:
            gets = rng.random(n) < prob
            k = rng.integers(lo, hi + 1, size=n) * gets  # (n,) cells to reveal
            # Reveal the k blank cells with the smallest random keys: a uniform random subset
            # (a superset of a unique puzzle's givens is still unique).
            keys = rng.random(puzzles.shape)
            keys[puzzles != 0] = 2.0
            rank = keys.argsort(axis=1).argsort(axis=1)
            reveal = rank < k[:, None]
            puzzles = np.where(reveal, answers, puzzles)
        if options.get("augment", True):
            sources, digit_maps = random_symmetry_batch(rng, n)
            puzzles = apply_symmetry_batch(puzzles, sources, digit_maps)
            answers = apply_symmetry_batch(answers, sources, digit_maps)
        return puzzles, answers

    def puzzle(self, raw: np.ndarray) -> Sudoku:
        return Sudoku(np.asarray(raw).astype(np.int8))

    def answer(self, raw: np.ndarray) -> Any:
        return np.asarray(raw).astype(np.int8).reshape(-1)

    def raw(self, answer: Any) -> np.ndarray:
        return np.asarray(getattr(answer, "givens", answer)).reshape(-1)

    def samples(self, count: int, length: int, rng: np.random.Generator) -> np.ndarray:
        grades = [Grade.SINGLES, Grade.DEDUCTION, Grade.SEARCH]
        return np.stack([generate(rng, grades[i % 3]).puzzle for i in range(count)])

    def exact(self, puzzle: Sudoku) -> np.ndarray | None:
        return solve(puzzle.givens)

    def group_name(self, grade: int, length: int) -> str:
        return Grade(grade).name.lower() if grade != UNGRADED else "file"


TRAINING = SudokuTraining()
