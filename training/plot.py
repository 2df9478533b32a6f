"""Turn a run's metrics.csv into a PNG of its training curves.

    python -m training.plot runs/sudoku-small            # writes runs/sudoku-small/curves.png
    python -m training.plot runs/a runs/b --out cmp.png  # several runs on one figure
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

PANELS = [
    ("loss", "answer_loss", "answer loss"),
    ("accuracy", "exact_acc", "exact (training, halted slots)"),
    ("accuracy", "eval_exact", "exact (held-out, all passes)"),
    ("accuracy", "eval_halt_exact", "exact (held-out, stop at halt)"),
    ("accuracy", "token_acc", "cells (training)"),
    ("steps", "mean_steps", "supervision steps to halt"),
    ("speed", "samples_per_s", "sample-steps / s"),
]


def read_metrics(run_dir: Path) -> dict[str, list[tuple[float, float]]]:
    """column -> [(step, value)] from run_dir/metrics.csv, skipping empty cells."""
    path = run_dir / "metrics.csv" if run_dir.is_dir() else run_dir
    try:
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
    except OSError as err:
        raise ValueError(f"{path}: cannot read metrics ({err.strerror})") from None
    if not rows or "step" not in rows[0]:
        raise ValueError(f"{path}: no metric rows")
    series: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        step = float(row["step"])
        for key, value in row.items():
            if key != "step" and value not in ("", None):
                try:
                    series.setdefault(key, []).append((step, float(value)))
                except ValueError:
                    continue
    return series


def plot(runs: list[Path], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = ["loss", "accuracy", "steps", "speed"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), constrained_layout=True)
    axes_by_group = dict(zip(groups, axes.flat, strict=True))
    for run in runs:
        series = read_metrics(run)
        for group, key, label in PANELS:
            if key in series:
                steps, values = zip(*series[key], strict=True)
                name = f"{run.name}: {label}" if len(runs) > 1 else label
                axes_by_group[group].plot(steps, values, label=name, marker="." if len(steps) < 30 else None)
    for group, ax in axes_by_group.items():
        ax.set_title(group)
        ax.set_xlabel("optimiser step")
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend(fontsize=7)
    axes_by_group["loss"].set_yscale("log")
    axes_by_group["accuracy"].set_ylim(0, 1)
    fig.suptitle(", ".join(r.name for r in runs))
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.plot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, help="run folders (or metrics.csv files)")
    parser.add_argument("--out", type=Path, help="PNG to write (default: curves.png in the first run)")
    args = parser.parse_args(argv)
    out = args.out or (args.runs[0] / "curves.png" if args.runs[0].is_dir() else args.runs[0].with_suffix(".png"))
    try:
        plot(args.runs, out)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
