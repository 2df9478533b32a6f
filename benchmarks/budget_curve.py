"""Budget curve: verified % against the compute spent, for the ways the solver can try harder.

    python benchmarks/budget_curve.py FILE [--kind K] [--model M] [--limit N] [--configs a,b,...]

Each configuration solves the same puzzles through the app's own pipeline (solver/solve.py,
onnxruntime on this machine) with one setting moved: no second chance at all, the symmetric
views (`retry_tta`), noisy exploration (`explore` branches of `explore_passes` passes), or both,
in either split of the budget, and the rounds of fixing the model's surest cells (`commit`, kinds
that have the step), up to trm-solve's defaults (all three). Only puzzles still unverified pay for a second chance, so the
extra work is measured, not assumed: "work" counts every pass of every view and branch, and the
wall time is this process's, the same run for every row. Rows are sorted by work.

Kinds without rules (ARC) never retry over views; their exploration rows vote instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver import kinds  # noqa: E402
from solver.documents import read_document  # noqa: E402
from solver.explore import Noise  # noqa: E402
from solver.models import default_model  # noqa: E402
from solver.session import ModelSession, SessionSettings  # noqa: E402
from solver.solve import SolveSettings, results, solve  # noqa: E402


@dataclass(frozen=True)
class Config:
    name: str
    retry_tta: int
    explore: int
    explore_passes: int = 16
    commit: int = 0  # rounds of fixing the surest cells (solver/commit.py; Sudoku)


CONFIGS = {c.name: c for c in (
    Config("first-try", 0, 0),
    Config("views-4", 4, 0),
    Config("explore-4", 0, 4),
    Config("explore-8", 0, 8),
    Config("views-4+explore-8", 4, 8),
    Config("views-4+explore-16", 4, 16),
    Config("views-7+explore-16x32", 7, 16, 32),
    Config("views-4+commit-16", 4, 0, commit=16),
    Config("trm-solve-defaults", 4, 8, commit=16),  # views, then branches, then commit rounds
)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="a puzzle file any kind reads (Sudoku, maze, ARC)")
    parser.add_argument("--kind", choices=kinds.names(), help="puzzle kind (default: from the file)")
    parser.add_argument("--model", type=Path, help="NAME.onnx (default: the shipped model of the kind)")
    parser.add_argument("--limit", type=int, default=0, help="solve only the first N puzzles (0: all)")
    parser.add_argument("--configs", default=",".join(CONFIGS),
                        help=f"comma-separated configurations to run (default all: {', '.join(CONFIGS)})")
    parser.add_argument("--noise", type=float, help="exploration noise on y (default: the model card's)")
    parser.add_argument("--batch", type=int, default=256, help="puzzles per pipeline batch (default 256)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        parser.error(f"--configs: unknown {unknown}; choose from {list(CONFIGS)}")
    if args.limit < 0 or args.batch < 1:
        parser.error("--limit must be 0 or more and --batch at least 1")
    try:
        text = read_document(args.file)
        kind = kinds.get(args.kind) if args.kind else kinds.sniff(text, args.file.name)
        model = ModelSession.open(args.model or default_model(kind.name), SessionSettings())
    except ValueError as err:
        parser.error(str(err))
    kind = model.kind
    records = [r for r in kind.read(text, args.file.name) if not r.error]
    if args.limit:
        records = records[: args.limit]
    puzzles = [r.puzzle for r in records]
    y_noise, z_noise = model.card.explore_noise
    noise = Noise(y=y_noise if args.noise is None else args.noise, z=z_noise)
    loop = model.loop()
    print(f"{len(puzzles)} puzzles from {args.file.name}, model {model.path.name}, "
          f"cap {model.card.max_passes} passes, noise y {noise.y} z {noise.z}, {model.provider_line}")
    rows = []
    for name in names:
        c = CONFIGS[name]
        settings = SolveSettings(retry_tta=c.retry_tta if kind.has_rules else 0, explore=c.explore,
                                 explore_passes=c.explore_passes, noise=noise, commit=c.commit)
        rng = np.random.default_rng(0)
        start = time.perf_counter()
        done = []
        for at in range(0, len(puzzles), args.batch):
            chunk = puzzles[at : at + args.batch]
            done += results(solve(loop, chunk, settings, rng), len(chunk))
        wall = time.perf_counter() - start
        n = max(1, len(done))
        rows.append((name, 100.0 * sum(r.solved for r in done) / n, sum(r.passes for r in done) / n,
                     sum(r.work for r in done) / n, wall / n, sum(r.branch > 0 and r.solved for r in done),
                     sum(r.committed > 0 and r.solved for r in done)))
        print(f"  {name}: done in {wall:.0f} s", flush=True)
    print(f"\n{'configuration':<24} {'verified %':>10} {'passes':>8} {'work':>8} {'s/puzzle':>9} {'by branch':>10} "
          f"{'by commit':>10}")
    for name, pct, passes, work, sec, branch, committed in sorted(rows, key=lambda r: r[3]):
        print(f"{name:<24} {pct:>10.1f} {passes:>8.2f} {work:>8.2f} {sec:>9.3f} {branch:>10} {committed:>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
