"""ARC test-time learning, scored the official way on a seeded random subset of tasks.

    python benchmarks/arc_learning.py [--split evaluation|training] [--tasks 40] [--seed 0]
                                      [--seconds 60] [--init CKPT] [--threads 1] [--json OUT]

Picks `--tasks` tasks of ``../shared/data/arc/arc-agi_<split>_challenges.json`` with
``numpy.random.default_rng(seed).choice`` (no repeats, printed), learns each from its
demonstration pairs for `--seconds` in the learner process, answers its test inputs with the
learned model's voted views (exactly what ``trm-solve --learn-seconds`` does), and scores them
against ``..._solutions.json``: a test input counts if either attempt is exact, a task scores the
fraction of its test inputs, the score is the mean over tasks. The solutions are read only to
score; the learner never sees them. A row per task, then the summary; --json keeps everything.

    python benchmarks/arc_learning.py --compare A.json B.json ...

prints saved runs (their --json) side by side instead, a row per task: what each run's learning
reached and whether its attempts were right, then each run's score.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver.kinds.arc.formats import load_arc_challenges  # noqa: E402
from solver.learn_solve import TaskOutcome, learn_and_solve, summary_line  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "arc"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--split", choices=("evaluation", "training"), default="evaluation", help="ARC-AGI-1 split")
    p.add_argument("--tasks", type=int, default=40, help="tasks in the random subset")
    p.add_argument("--seed", type=int, default=0, help="seed of the subset")
    p.add_argument("--seconds", type=float, default=60.0, help="learning budget a task")
    p.add_argument("--init", default="", help="learn from this checkpoint (e.g. assets/models/arc.init.pt) "
                                              "instead of from scratch")
    p.add_argument("--threads", type=int, default=1, help="the learner's torch threads")
    p.add_argument("--extra", default="", help="more training.learn flags, space-separated")
    p.add_argument("--json", type=Path, help="write every task's outcome here")
    p.add_argument("--compare", type=Path, nargs="+", metavar="JSON",
                   help="print these saved runs (--json files of the same tasks) side by side; runs nothing")
    args = p.parse_args()
    if args.compare:
        return compare(args.compare)
    tasks = load_arc_challenges(DATA / f"arc-agi_{args.split}_challenges.json",
                                DATA / f"arc-agi_{args.split}_solutions.json")
    pick = np.random.default_rng(args.seed).choice(len(tasks), size=min(args.tasks, len(tasks)), replace=False)
    chosen = [tasks[i] for i in sorted(int(i) for i in pick)]
    print(f"# {args.split}: {len(chosen)} tasks, seed {args.seed}: {' '.join(t.name for t in chosen)}")
    # No --init: from scratch, said explicitly (the learner's own default is the shipped model).
    extra = ["--threads", str(args.threads), "--init", args.init or "none", *args.extra.split()]
    workdir = Path("/tmp") / f"arc-learning-{int(time.time())}"
    outcomes: list[TaskOutcome] = []
    started = time.perf_counter()
    print("| task | demos | side | steps | stopped | demos wrong | tests right | attempt votes | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for task in chosen:
        o = learn_and_solve(task, args.seconds, workdir, 2, extra)
        outcomes.append(o)
        learned = o.learn
        print(f"| {task.name} | {len(task.train)} | {learned.get('side', '-')} | {learned.get('step', '-')} | "
              f"{learned.get('stopped', o.error or '-')} | {learned.get('demos_wrong', '-')} | "
              f"{sum(o.right or [])}/{len(task.test)} | {o.votes} | {o.seconds:.0f} |", flush=True)
    print()
    print(summary_line(outcomes, time.perf_counter() - started))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "split": args.split, "seed": args.seed, "seconds": args.seconds, "init": args.init or None,
            "threads": args.threads, "extra": args.extra,
            "date": time.strftime("%Y-%m-%d"),
            "score": sum(o.score or 0.0 for o in outcomes) / max(1, len(outcomes)),
            "tasks": [{"task": o.task, "score": o.score, "right": o.right, "votes": o.votes,
                       "seconds": round(o.seconds, 1), "error": o.error,
                       "learn": {k: v for k, v in o.learn.items() if k != "model"}} for o in outcomes],
        }, indent=1))
    return 0


def compare(paths: list[Path]) -> int:
    """Saved runs side by side: a row per task, for each run its steps, demo rows exact and tests right."""
    runs = []
    for path in paths:
        try:
            runs.append(json.loads(path.read_text()))
        except (OSError, ValueError) as exc:
            print(f"error: {path}: not a saved run ({exc})", file=sys.stderr)
            return 2
    names = [runs[0]["tasks"][i]["task"] for i in range(len(runs[0]["tasks"]))]
    for path, run in zip(paths, runs, strict=True):
        if [t["task"] for t in run["tasks"]] != names:
            print(f"error: {path}: holds other tasks than {paths[0]}", file=sys.stderr)
            return 2
    heads = [f"{r['seconds']:.0f} s, init {Path(r['init']).name if r['init'] else 'scratch'}" for r in runs]
    for path, head in zip(paths, heads, strict=True):
        print(f"# {head}: {path}")
    print("| task | " + " | ".join(f"{h}: steps / demo rows exact / tests right" for h in heads) + " |")
    print("|---|" + "---|" * len(runs))
    for i, name in enumerate(names):
        cells = []
        for r in runs:
            t = r["tasks"][i]
            learned = t["learn"]
            right = t["right"] or []
            cells.append(f"{learned.get('step', '-')} / {learned.get('demo_exact', '-')} / {sum(right)}/{len(right)}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    for head, r in zip(heads, runs, strict=True):
        fit = sum(1 for t in r["tasks"] if t["learn"] and not t["learn"].get("demos_wrong"))
        solved = sum(t["score"] or 0.0 for t in r["tasks"])
        mean = sum(t["seconds"] for t in r["tasks"]) / len(names)
        print(f"{head}: score {r['score']:.3f} = {solved:g}/{len(names)}; fit every demo: {fit}/{len(names)}; mean {mean:.0f} s a task")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
