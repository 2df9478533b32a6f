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

from solver import kinds
from training.data import generated_pool
from training.presets import SWEEPS


def train(kind: str, name: str, extra: list[str], root: Path, minutes: float, seed: int) -> float:
    base = SWEEPS[kind].base
    run_dir = root / name
    cmd = [sys.executable, "-m", "training", *base, *extra, "--run-dir", str(run_dir),
           "--seed", str(seed), "--steps", "100000", "--compile", "true", "--threads", "1",
           "--eval-every", "0", "--checkpoint-every", "100", "--log-every", "50", "-q"]
    if SWEEPS[kind].shares_pool(name):
        shared = root / "pool-cache"
        # Made once, outside every budget (a cache file of an earlier run with the same key is
        # used as it is: pass it in with --pool-cache).
        generated_pool(kind, kinds.get(kind).training.generation(SWEEPS[kind].pool, seed), shared)
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
    cmd += SWEEPS[kind].evaluate
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
    configs = SWEEPS[args.kind].configs
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
    columns = SWEEPS[args.kind].columns
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
