"""Write sparse Sudokus: random complete grids with only a few givens kept (many solutions each).

    python tools/sparse_sudokus.py --count 100 --max-givens 12 --seed 0 --out sparse.txt

Each line is 81 characters, ``.`` blank (the .sdm layout trm-solve reads). Grid i is
`solver.kinds.sudoku.generator.random_full_grid` with a number of givens drawn uniformly from
0..max-givens kept at random cells: the "nearly empty grid a person enters" of the hard-puzzles
issue. Any valid completion is a right answer; there is no single solution to score against.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.kinds.sudoku.generator import random_full_grid  # noqa: E402


def sparse_grids(count: int, max_givens: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    grids = []
    for _ in range(count):
        solution = random_full_grid(rng).reshape(81)
        keep = rng.choice(81, size=int(rng.integers(0, max_givens + 1)), replace=False)
        grid = np.zeros(81, dtype=np.int8)
        grid[keep] = solution[keep]
        grids.append(grid)
    return grids


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=100, help="grids to write (default %(default)s)")
    p.add_argument("--max-givens", type=int, default=12, help="givens kept: uniform 0..this (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default %(default)s)")
    p.add_argument("--out", type=Path, required=True, help="the .sdm/.txt file to write")
    args = p.parse_args()
    if args.count < 1 or not 0 <= args.max_givens <= 81:
        p.error("--count must be at least 1 and --max-givens 0..81")
    lines = ["".join(str(v) if v else "." for v in g) for g in sparse_grids(args.count, args.max_givens, args.seed)]
    args.out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
