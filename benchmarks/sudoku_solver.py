"""Time the exact Sudoku solver per puzzle on hard public sets and print a table.

.venv/bin/python benchmarks/sudoku_solver.py --n 1000
"""

from __future__ import annotations

import argparse
import csv
import gzip
import time
from collections.abc import Callable
from itertools import islice
from pathlib import Path

import numpy as np

from solver.kinds.sudoku.search import count_solutions, solve

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sudoku"


def _digits(line: str) -> list[int]:
    return [0 if ch == "." else int(ch) for ch in line.strip()]


def royle(n: int) -> list[list[int]]:
    """The first `n` Royle 17-clue puzzles (the file starts with a citation line)."""
    with gzip.open(DATA / "royle_sudoku17.txt.gz", "rt") as f:
        next(f)
        return [_digits(line) for line in islice(f, n)]


def menneske(level: int, n: int) -> list[list[int]]:
    """Up to `n` menneske.no puzzles of one level."""
    with (DATA / "menneske_no_graded.csv").open() as f:
        rows = (r for r in csv.DictReader(f) if r["level"] == str(level))
        return [_digits(r["puzzle"]) for r in islice(rows, n)]


def time_each(puzzles: list[list[int]], run: Callable[[list[int]], object]) -> np.ndarray:
    """Seconds per call of `run` on each puzzle."""
    out = np.empty(len(puzzles))
    for i, puzzle in enumerate(puzzles):
        start = time.perf_counter()
        run(puzzle)
        out[i] = time.perf_counter() - start
    return out


def main() -> None:
    """Print mean, median, p99 and max milliseconds per puzzle for each set and operation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="puzzles per set (first N of each)")
    parser.add_argument(
        "--menneske-level", type=int, default=8, help="menneske.no level for the second set (0-8)"
    )
    args = parser.parse_args()
    sets = {
        f"royle 17-clue (first {args.n})": royle(args.n),
        f"menneske level {args.menneske_level}": menneske(args.menneske_level, args.n),
    }
    ops: dict[str, Callable[[list[int]], object]] = {
        "solve": solve,
        "count_solutions(limit=2)": lambda p: count_solutions(p, limit=2),
    }
    print(
        f"{'set':32} {'operation':26} {'n':>5} {'mean ms':>8} {'median':>8} {'p99':>8} {'max':>8}"
    )
    for set_name, puzzles in sets.items():
        for op_name, op in ops.items():
            ms = time_each(puzzles, op) * 1e3
            print(
                f"{set_name:32} {op_name:26} {len(puzzles):5d} {ms.mean():8.3f} "
                f"{np.median(ms):8.3f} {np.percentile(ms, 99):8.3f} {ms.max():8.3f}"
            )


if __name__ == "__main__":
    main()
