"""Measure unique Sudoku puzzles generated per second on one core, by grade, and print a table.

.venv/bin/python benchmarks/sudoku_generator.py --n 40
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from solver.kinds.sudoku.generator import derive_easier, derive_harder, generate
from solver.kinds.sudoku.grading import Grade


def main() -> None:
    """Print puzzles per second and mean/min/max givens per grade (and for the derivations)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="puzzles to generate per grade")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generator")
    parser.add_argument("--extreme", action="store_true",
                        help="also time generate(EXTREME), a climb of seconds a puzzle")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(
        f"{'method':34} {'n':>4} {'puzzles/s':>10} {'ms each':>8} {'givens mean':>12} {'min':>4} {'max':>4}"
    )

    def row(name: str, givens: list[int], seconds: float, tries: int) -> None:
        rate = len(givens) / seconds
        print(
            f"{name:34} {len(givens):4d} {rate:10.1f} {1e3 * seconds / max(tries, 1):8.2f} "
            f"{np.mean(givens):12.1f} {min(givens):4d} {max(givens):4d}"
        )

    hard = []
    for grade in Grade:
        if grade == Grade.EXTREME and not args.extreme:
            continue
        start = time.perf_counter()
        made = [generate(rng, grade) for _ in range(args.n)]
        row(
            f"generate({grade.name})",
            [m.n_givens for m in made],
            time.perf_counter() - start,
            args.n,
        )
        if grade == Grade.SEARCH:
            hard = made
    for target in (Grade.SEARCH, Grade.DEDUCTION, Grade.SINGLES):
        start = time.perf_counter()
        got = [derive_easier(h.puzzle, h.solution, rng, target) for h in hard]
        ok = [g.n_givens for g in got if g is not None]
        row(f"derive_easier(SEARCH->{target.name})", ok, time.perf_counter() - start, len(got))
    start = time.perf_counter()
    got = [derive_harder(h.puzzle, h.solution, rng) for h in hard]
    ok = [g.n_givens for g in got if g is not None]
    row("derive_harder(SEARCH->SEARCH)", ok, time.perf_counter() - start, len(got))
    print("ms each = wall time per call (derivations may return None: rate counts successes)")


if __name__ == "__main__":
    main()
