"""Short, equal-budget sweeps: each configuration trains from scratch for the same wall time on one
thread, then is measured on the same generated puzzles; the table goes to stdout and JSON.

    .venv/bin/python tools/sweep.py sudoku --minutes 8 --out docs/training/sudoku-sweep.json
    .venv/bin/python tools/sweep.py maze --minutes 10 --out docs/training/maze-sweep.json
    .venv/bin/python tools/sweep.py sudoku --only baseline,hidden-64      # a subset

Sudoku: one knob moves at a time from the baseline (the shipped model's recipe), so a row's
difference from the baseline is that knob's effect at this budget. Maze: the three ways of mixing
information between cells (attention over all cells, as the paper; an MLP along the sequence; our
depthwise grid convolution), the same size otherwise, on 15x15 mazes. A run ends by SIGINT at the time limit,
which the trainer answers by saving a checkpoint (compilation time counts against the budget, as it
does for a user). The evaluation puzzles come from a seed no training pool uses.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch

from training.data import generated_sudoku_pool
from training.maze_data import generated_maze_pool

ROYLE = "../shared/data/sudoku/royle_sudoku17.txt.gz"
BASELINE = [
    "--mixer", "mlp", "--hidden-size", "128", "--L-layers", "2", "--H-cycles", "2", "--L-cycles", "4",
    "--halt-max-steps", "16", "--prefix-len", "1", "--multiple-of", "256", "--expansion", "4",
    "--data", json.dumps([ROYLE]), "--solutions", ROYLE.replace(".txt.gz", ".solutions.txt.gz"),
    "--extra-givens", "[0, 45]", "--extra-givens-prob", "0.85",
    "--batch-size", "128", "--lr", "1e-3", "--lr-warmup-steps", "200", "--weight-decay", "0.1",
]
# A generated, graded pool (shared by the two runs that use it, so its making is paid once and
# kept out of both budgets); the curriculum moves the grade mix from easy to the pool's mix.
POOL_COUNTS = {"singles": 1000, "deduction": 1000, "search": 1000}
GENERATED = ["--data", '["generated"]', "--pool-counts", json.dumps(POOL_COUNTS), "--extra-givens", "[0, 0]"]
SUDOKU: dict[str, list[str]] = {
    "baseline": [],
    "hidden-64": ["--hidden-size", "64"],
    "T3-n6": ["--H-cycles", "3", "--L-cycles", "6"],
    "nsup-8": ["--halt-max-steps", "8"],
    "batch-64": ["--batch-size", "64"],
    "lr-3e-3": ["--lr", "3e-3"],
    "generated": GENERATED,
    "generated-curriculum": [*GENERATED, "--curriculum-steps", "600"],
}
# Mazes: 15x15 (225 cells), paths of at least 30 cells, unique shortest paths; D=64, 2 layers,
# T=3, n=4 for every mixer.
MAZE_POOL = 20000
MAZE_BASE = [
    "--kind", "maze", "--codec", "maze-15x15-v1", "--vocab-size", "6", "--seq-len", "225",
    "--hidden-size", "64", "--L-layers", "2", "--H-cycles", "3", "--L-cycles", "4", "--halt-max-steps", "16",
    "--prefix-len", "1", "--expansion", "4", "--multiple-of", "64", "--maze-size", "15", "--maze-min-path", "30",
    "--maze-pool", str(MAZE_POOL), "--batch-size", "64", "--lr", "1e-3", "--lr-warmup-steps", "200", "--weight-decay", "0.1",
]
MAZE: dict[str, list[str]] = {
    "attention": ["--mixer", "attention", "--num-heads", "4", "--pos-encoding", "rope"],
    "mlp": ["--mixer", "mlp", "--pos-encoding", "none"],
    "grid": ["--mixer", "grid", "--grid-kernel", "3", "--pos-encoding", "none"],
}
SWEEPS = {"sudoku": (BASELINE, SUDOKU), "maze": (MAZE_BASE, MAZE)}


def train(kind: str, name: str, extra: list[str], root: Path, minutes: float, seed: int) -> float:
    base = SWEEPS[kind][0]
    run_dir = root / name
    cmd = [sys.executable, "-m", "training", *base, *extra, "--run-dir", str(run_dir),
           "--seed", str(seed), "--steps", "100000", "--compile", "true", "--threads", "1",
           "--eval-every", "0", "--checkpoint-every", "100", "--log-every", "50", "-q"]
    if name.startswith("generated") or kind == "maze":
        shared = root / "pool-cache"
        # Made once, outside every budget (a cache file of an earlier run with the same key is
        # used as it is: pass it in with --pool-cache).
        if kind == "maze":
            generated_maze_pool(MAZE_POOL, 15, 30, seed, shared)
        else:
            generated_sudoku_pool(POOL_COUNTS, seed, shared)
        (run_dir / "cache").mkdir(parents=True, exist_ok=True)
        for pool in shared.glob("*.npz"):
            shutil.copy(pool, run_dir / "cache" / pool.name)
    start = time.monotonic()
    with open(root / f"{name}.log", "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            proc.wait(timeout=minutes * 60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)  # the trainer saves a checkpoint and exits
            proc.wait()
    if proc.returncode not in (0, -signal.SIGINT, 130):
        raise SystemExit(f"{name}: training failed (exit {proc.returncode}); see {root / name}.log")
    return time.monotonic() - start


def evaluate(kind: str, name: str, root: Path, count: int, seed: int) -> dict:
    out = root / f"{name}.eval.json"
    cmd = [sys.executable, "-m", "training.evaluate", "--checkpoint", str(root / name / "checkpoint.pt"),
           "--count", str(count), "--seed", str(seed), "--max-passes", "16", "--json", str(out)]
    if kind == "sudoku":
        cmd += ["--generate", "singles,deduction,search"]
    else:
        cmd += ["--maze-size", "15", "--maze-min-path", "30"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(SWEEPS), help="which sweep")
    parser.add_argument("--minutes", type=float, default=8.0, help="wall-clock training budget per configuration")
    parser.add_argument("--root", type=Path, help="run folders go here (default: runs/KIND-sweep)")
    parser.add_argument("--only", default="", help="comma-separated configuration names (default: all)")
    parser.add_argument("--count", type=int, default=100, help="generated evaluation puzzles per grade")
    parser.add_argument("--eval-seed", type=int, default=777, help="seed of the evaluation puzzles")
    parser.add_argument("--seed", type=int, default=1, help="training seed (the same for every configuration)")
    parser.add_argument("--pool-cache", type=Path, help="a run's cache folder whose generated pools to reuse")
    parser.add_argument("--out", type=Path, default=None, help="write the table as JSON here too")
    args = parser.parse_args()
    configs = SWEEPS[args.kind][1]
    args.root = args.root or Path(f"runs/{args.kind}-sweep")
    names = [n for n in args.only.split(",") if n] or list(configs)
    unknown = [n for n in names if n not in configs]
    if unknown:
        parser.error(f"--only: unknown configuration(s) {', '.join(unknown)}; known: {', '.join(configs)}")
    args.root.mkdir(parents=True, exist_ok=True)
    if args.pool_cache:
        (args.root / "pool-cache").mkdir(exist_ok=True)
        for pool in args.pool_cache.glob("*.npz"):
            shutil.copy(pool, args.root / "pool-cache" / pool.name)
    rows = []
    for name in names:
        wall = train(args.kind, name, configs[name], args.root, args.minutes, args.seed)
        ckpt = torch.load(args.root / name / "checkpoint.pt", map_location="cpu", weights_only=False)
        report = evaluate(args.kind, name, args.root, args.count, args.eval_seed)
        groups = {g["group"]: g for g in report["groups"]}
        row = {"config": name, "flags": " ".join(configs[name]) or "(baseline)", "wall_s": round(wall),
               "steps": ckpt["step"], "samples": ckpt["step"] * ckpt["train_config"]["batch_size"],
               **{g: round(100 * groups[g]["verified"], 1) for g in groups},
               "cells": round(100 * groups["all"]["cell_accuracy"], 1)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    columns = ["singles", "deduction", "search"] if args.kind == "sudoku" else ["all"]
    print(f"\n| config | flags | wall | steps | {' | '.join(columns)} | cells |")
    print("|---" * (5 + len(columns)) + "|")
    for r in rows:
        print(f"| {r['config']} | {r['flags']} | {r['wall_s'] / 60:.1f} min | {r['steps']} | "
              + " | ".join(f"{r[c]}%" for c in columns) + f" | {r['cells']}% |")
    if args.out:
        args.out.write_text(json.dumps({"minutes": args.minutes, "eval_count": args.count,
                                        "eval_seed": args.eval_seed, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
