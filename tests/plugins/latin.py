"""A fourth puzzle kind defined only here, to prove the extension point: 4x4 Latin squares.

Fill a 4x4 grid with 1-4 so that no digit repeats in a row or a column, keeping the givens.
Nothing outside tests/ knows about it: `solver.kinds.register(KIND)` makes trm-solve, the solve
pipeline and the window take it like the shipped kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from solver.codec import PAD_ID
from solver.kinds.protocol import Record, views_besides_identity
from solver.result import RuleCheck

SIZE = 4
CELLS = SIZE * SIZE


@dataclass(frozen=True)
class LatinCodec:
    """PAD 0, blank 1, digit d -> d + 1."""

    name: str = "latin4-digits-v1"
    kind: str = "latin"
    vocab_size: int = SIZE + 2
    seq_len: int = CELLS
    pad_id: int = PAD_ID

    def encode_puzzle(self, grid: Any) -> np.ndarray:
        return np.asarray(grid, dtype=np.int64) + 1

    def encode_answer(self, grid: Any) -> np.ndarray:
        return np.asarray(grid, dtype=np.int64) + 1

    def decode_answer(self, tokens: np.ndarray) -> np.ndarray:
        tokens = np.asarray(tokens)
        return np.where(tokens >= 2, tokens - 1, 0).astype(np.int8)


@dataclass(frozen=True, eq=False)
class DigitMap:
    """A relabelling of the digits 1-4 (a Latin square stays one)."""

    mapping: tuple[int, ...]  # (5,) old digit -> new digit, 0 -> 0

    def apply(self, puzzle: np.ndarray) -> np.ndarray:
        return np.asarray(self.mapping, np.int8)[np.asarray(puzzle)]

    def invert(self, answer: np.ndarray) -> np.ndarray:
        return np.argsort(self.mapping).astype(np.int8)[np.asarray(answer)]

    def invert_cells(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values)


def conflicts(grid: np.ndarray) -> np.ndarray:
    """(16,) bool: cells whose digit repeats in its row or column."""
    g = np.asarray(grid).reshape(SIZE, SIZE)
    bad = np.zeros((SIZE, SIZE), bool)
    for axis in (0, 1):
        for i in range(SIZE):
            line = g[i] if axis == 0 else g[:, i]
            for d in range(1, SIZE + 1):
                if (line == d).sum() > 1:
                    (bad[i] if axis == 0 else bad[:, i])[line == d] = True
    return bad.reshape(-1)


def solve_exactly(givens: np.ndarray) -> np.ndarray | None:
    """The first completion in cell order (backtracking), None if there is none."""
    grid = np.asarray(givens, np.int8).reshape(-1).copy()

    def fill(cell: int) -> bool:
        if cell == CELLS:
            return True
        if grid[cell]:
            return fill(cell + 1)
        for d in range(1, SIZE + 1):
            grid[cell] = d
            if not conflicts(grid)[cell] and fill(cell + 1):
                return True
        grid[cell] = 0
        return False

    return grid if not conflicts(grid).any() and fill(0) else None


@dataclass(frozen=True, eq=False)
class LatinKind:
    codec: LatinCodec = LatinCodec()
    name: str = "latin"
    title: str = "Latin square"
    formats: str = "16-character lines of 0-4 (0 or . blank)"
    suffixes: tuple[str, ...] = (".latin",)
    max_views: int = 24  # the 4! digit relabellings
    has_rules: bool = True
    training: Any = None

    def with_codec(self, codec_name: str) -> LatinKind | None:
        return self if codec_name == self.codec.name else None

    def validate(self, puzzle: Any) -> None:
        grid = np.asarray(puzzle)
        if grid.shape != (CELLS,) or grid.min() < 0 or grid.max() > SIZE:
            raise ValueError(f"a Latin square puzzle is 16 cells of 0-4, not {grid.shape}")
        if conflicts(grid).any():
            raise ValueError("the givens repeat a digit in a row or column")

    def encode(self, puzzle: np.ndarray) -> np.ndarray:
        return self.codec.encode_puzzle(puzzle)

    def decode(self, tokens: np.ndarray, puzzle: Any) -> np.ndarray:
        return self.codec.decode_answer(tokens)

    def check(self, answer: np.ndarray, puzzle: np.ndarray) -> RuleCheck:
        clash = conflicts(answer)
        lost = (np.asarray(puzzle) > 0) & (answer != puzzle)
        blank = answer == 0
        ok = not (clash.any() or lost.any() or blank.any())
        bad = tuple(int(c) for c in np.flatnonzero(clash | lost))
        return RuleCheck(ok, not blank.any(), "a complete Latin square" if ok else "not a Latin square yet", bad)

    def cells(self, values: np.ndarray, answer: Any, puzzle: Any) -> np.ndarray:
        return np.asarray(values).reshape(SIZE, SIZE)

    def display_grid(self, answer: Any) -> np.ndarray:
        return np.array(answer).reshape(SIZE, SIZE)

    def format_answer(self, answer: np.ndarray) -> str:
        return "".join(str(int(v)) for v in np.asarray(answer).reshape(-1))

    def render(self, answer: np.ndarray, puzzle: Any, changed: np.ndarray | None = None) -> str:
        g = np.asarray(answer).reshape(SIZE, SIZE)
        return "\n".join(" ".join(str(int(v)) if v else "." for v in row) for row in g)

    def sniff(self, text: str, name: str) -> float:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        good = lines and all(len(ln) == CELLS and set(ln) <= set("01234.") for ln in lines)
        return 0.95 if good else 0.0

    def read(self, text: str, name: str) -> list[Record]:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            if len(line) != CELLS or not set(line) <= set("01234."):
                records.append(Record(f"line {number}", error="not 16 characters of 0-4 or ."))
                continue
            records.append(Record(f"line {number}", np.array([0 if c == "." else int(c) for c in line], np.int8)))
        return records

    def write(self, puzzles: Sequence[np.ndarray], suffix: str) -> str:
        return "".join(self.format_answer(p) + "\n" for p in puzzles)

    def answers_as_document(self, suffix: str, count: int) -> bool:
        return False  # answer lines under any file name, as trm-solve has always written them

    def write_answers(self, answers: Sequence[Any], suffix: str) -> str:
        raise ValueError("these answers are written as lines, one per puzzle (format_answer)")

    def commit(self, puzzle: Any, answer: Any, confidence: np.ndarray, cells: int) -> None:
        return None  # no step that fixes the surest cells: a 4x4 square has few solutions

    def augmentations(self, k: int, rng: np.random.Generator, identity: bool = True) -> Sequence[DigitMap]:
        fresh = views_besides_identity(k, identity, self.max_views)
        own = DigitMap((0, 1, 2, 3, 4))
        others = []
        while len(others) < fresh:
            m = DigitMap((0, *(int(d) for d in rng.permutation(SIZE) + 1)))
            if m.mapping != own.mapping and m.mapping not in [o.mapping for o in others]:
                others.append(m)
        return [own, *others] if identity else others


KIND = LatinKind()
