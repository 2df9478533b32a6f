"""How fast the maze generator runs on one core, and how long its shortest paths come out.

python benchmarks/maze_generation.py --size 30 --min-path 110 --count 100 --seed 0
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from solver.kinds.maze import WALL, shortest_path_length
from solver.kinds.maze.generator import generate_maze


def _measure(size: int, min_path: int, count: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    lengths, walls = [], []
    started = time.process_time()  # CPU time of this process: one core, unaffected by load
    for _ in range(count):
        question, _answer = generate_maze(size, min_path, rng)
        lengths.append(shortest_path_length(question))
        walls.append(float((question.grid == WALL).mean()))
    elapsed = time.process_time() - started
    return {
        "size": size,
        "min_path": min_path,
        "count": count,
        "rate": count / elapsed if elapsed > 0 else float("inf"),
        "mean": float(np.mean(lengths)),
        "min": float(np.min(lengths)),
        "max": float(np.max(lengths)),
        "walls": float(np.mean(walls)),
    }


def main(argv: list[str] | None = None) -> None:
    """Parse flags, time the generator at --size and the extra sizes, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=30, help="maze side length (default 30)")
    parser.add_argument(
        "--min-path",
        type=int,
        default=110,
        help="minimum shortest-path length in cells between S and G (default 110)",
    )
    parser.add_argument(
        "--count", type=int, default=100, help="mazes to generate per size (default 100)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--extra-sizes",
        type=str,
        default="10,20",
        help="comma-separated further sizes, each with a min path scaled by area (default 10,20)",
    )
    args = parser.parse_args(argv)
    extra = [int(s) for s in args.extra_sizes.split(",") if s.strip()]
    density = args.min_path / (args.size * args.size)
    runs = [(args.size, args.min_path)] + [(s, round(density * s * s)) for s in extra]
    print(
        f"{'size':>5} {'min':>5} {'count':>6} {'mazes/s':>9} {'mean':>7} {'min':>5} "
        f"{'max':>5} {'walls':>6}"
    )
    for size, min_path in runs:
        row = _measure(size, min_path, args.count, args.seed)
        print(
            f"{size:>5} {min_path:>5} {row['count']:>6} {row['rate']:>9.1f} {row['mean']:>7.1f} "
            f"{row['min']:>5.0f} {row['max']:>5.0f} {row['walls']:>6.1%}"
        )


if __name__ == "__main__":
    main()
