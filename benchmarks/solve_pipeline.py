"""trm-solve end to end, wall time and peak memory, for one or more checkouts side by side.

    python benchmarks/solve_pipeline.py [--tree OTHER_CHECKOUT ...] [--sudoku N] [--maze N] [--rounds 3]

Each round runs `python -m solver.cli` on the same puzzle files once per checkout, in
alternating order, so a slower moment of a shared machine lands on every checkout alike.
The puzzles are the first N hardest menneske.no Sudokus (level 8) and the first N Maze-Hard
test mazes from ../shared/data, written to a temporary folder; each checkout solves them
with its own shipped models and defaults. The table gives the median wall seconds over the
rounds, the peak resident memory of the solving process, and whether the answers of every
checkout are byte-identical to the first one's (a refactor of the pipeline must not change
an answer). Used to show that the one-pipeline house (2026-12) is not slower than the
three copies it replaced: `--tree` a worktree of the older commit.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"

# Runs the CLI as __main__ and reports the child's own peak RSS (kB on Linux) on stderr.
_RUNNER = (
    "import atexit, resource, runpy, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "'PEAK_RSS_KB %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    "sys.argv = ['trm-solve'] + sys.argv[1:]\n"
    "runpy.run_module('solver.cli', run_name='__main__')\n"
)


def write_inputs(folder: Path, n_sudoku: int, n_maze: int) -> dict[str, Path]:
    """The puzzle files every checkout solves: {label: path}."""
    inputs: dict[str, Path] = {}
    if n_sudoku:
        rows = []
        with open(DATA / "sudoku/menneske_no_graded.csv", newline="") as f:
            for row in csv.DictReader(f):
                if row["level"] == "8":
                    rows.append(row["puzzle"])
                if len(rows) == n_sudoku:
                    break
        path = folder / "sudoku_level8.txt"
        path.write_text("\n".join(rows) + "\n")
        inputs[f"sudoku L8 x{len(rows)}"] = path
    if n_maze:
        with open(DATA / "maze/maze_30x30_hard_test.csv") as f:
            lines = [next(f) for _ in range(n_maze + 1)]
        path = folder / "maze_hard.csv"
        path.write_text("".join(lines))
        inputs[f"maze-hard x{n_maze}"] = path
    return inputs


def run_once(tree: Path, puzzle_file: Path, out: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS MB) of one trm-solve run from `tree`; raises on failure."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(puzzle_file), "--cpu", "--out", str(out)],
        cwd=tree, env=env, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"trm-solve from {tree} failed on {puzzle_file}:\n{proc.stderr[-2000:]}")
    peak = next((int(line.split()[1]) for line in proc.stderr.splitlines()
                 if line.startswith("PEAK_RSS_KB")), 0)
    return wall, peak // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", default=[], type=Path,
                        help="another checkout to compare with this one (repeatable)")
    parser.add_argument("--sudoku", type=int, default=100,
                        help="menneske.no level-8 Sudokus to solve (0: none; default 100)")
    parser.add_argument("--maze", type=int, default=10,
                        help="Maze-Hard test mazes to solve (0: none; default 10)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds; each runs every checkout once per file (default 3)")
    args = parser.parse_args(argv)
    trees = [ROOT, *(t.resolve() for t in args.tree)]
    for tree in trees:
        if not (tree / "solver" / "cli.py").is_file():
            parser.error(f"--tree {tree}: no solver/cli.py there; give a checkout of trm-puzzles")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = write_inputs(folder, args.sudoku, args.maze)
        walls: dict[tuple[str, int], list[float]] = {}
        peaks: dict[tuple[str, int], int] = {}
        digests: dict[tuple[str, int], str] = {}
        for r in range(args.rounds):
            order = list(range(len(trees)))
            if r % 2:
                order.reverse()
            for label, path in inputs.items():
                for i in order:
                    out = folder / f"out-{i}.txt"
                    wall, peak = run_once(trees[i], path, out)
                    walls.setdefault((label, i), []).append(wall)
                    peaks[(label, i)] = max(peaks.get((label, i), 0), peak)
                    digests[(label, i)] = hashlib.sha256(out.read_bytes()).hexdigest()[:12]

    print(f"{'puzzles':<18} {'checkout':<34} {'median s':>9} {'vs first':>9} "
          f"{'peak MB':>8} {'answers':>14}")
    for label in inputs:
        base = statistics.median(walls[(label, 0)])
        for i, tree in enumerate(trees):
            med = statistics.median(walls[(label, i)])
            same = "same" if digests[(label, i)] == digests[(label, 0)] else "DIFFER"
            name = f"{tree.name} @ {_commit(tree)}"
            print(f"{label:<18} {name:<34} {med:>9.2f} {med / base:>8.2f}x "
                  f"{peaks[(label, i)]:>8} {digests[(label, i)]:>7} {same}")
    return 0


def _commit(tree: Path) -> str:
    proc = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return proc.stdout.strip() or "?"


if __name__ == "__main__":
    raise SystemExit(main())
