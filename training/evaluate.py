"""Measure a model on puzzles: verified accuracy, cells, passes, accuracy by pass, halting.

    python -m training.evaluate --checkpoint runs/sudoku/checkpoint.pt --generate singles,search --count 1000
    python -m training.evaluate --checkpoint C --puzzles ../shared/data/sudoku/menneske_no_graded.csv --group-by level
    python -m training.evaluate --onnx assets/models/sudoku.onnx --puzzles FILE       # the shipped file
    python -m training.evaluate --onnx assets/models/sudoku.onnx --solver --tta 8     # the app's loop, voting

With --solver the puzzles go through the app's own `HaltingLoop` (early stopping, the card's
threshold and pass cap unless given) and, with --tta K, through its test-time augmentation vote;
the table then has no per-pass columns, since each puzzle stops where the app stops.

Every puzzle runs --max-passes supervision steps from a fresh carry; the report says what stopping at
the first pass whose halt probability reaches --threshold gives (the paper's rule), and what each
fixed number of passes gives. "Verified" means the rule checker accepts the answer (a complete,
rule-abiding grid keeping the givens; a shortest valid maze path), not just that it equals a label.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from solver import kinds
from training.data import generated_pool, read_text, training_data

_LOGGER = logging.getLogger(__name__)

# rollout(tokens (B, L) int64) -> (predicted tokens (P, B, L), halt logits (P, B))
Rollout = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass
class PuzzleSet:
    """Puzzles of one kind with answers, split into named groups (grade, level, ...)."""

    kind: str
    puzzles: np.ndarray  # (N, L) raw grids
    answers: np.ndarray  # (N, L)
    groups: np.ndarray  # (N,) group name per puzzle
    source: str


@dataclass
class GroupReport:
    group: str
    count: int
    verified: float  # fraction verified where the puzzle stops (halt head or cap; --solver: the app's rule)
    cell_accuracy: float  # at that pass, against the answer
    mean_passes: float
    halted: float  # fraction whose halt probability reached the threshold before the cap
    halted_precision: float  # of those, fraction verified ("halted" means "right")
    verified_after: dict[int, float] = field(default_factory=dict)  # fixed pass counts
    verified_any: float = 0.0  # verified at some pass (an upper bound for smarter stopping)
    mean_work: float = 0.0  # passes of compute per puzzle, every TTA variant counted
    retried: float = 0.0  # fraction given the solver's second chance (unverified at first)
    fell_back: float = 0.0  # fraction solved again by the fallback model (still unverified then)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def verify(kind: str, puzzles: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """(N,) bool: the kind's rule checker verifies each predicted raw grid for its puzzle."""
    checker, data = kinds.get(kind), training_data(kind)
    return np.array([
        checker.check(data.answer(a), data.puzzle(p)).ok for a, p in zip(predictions, puzzles, strict=True)
    ])


def evaluate(data: PuzzleSet, rollout: Rollout, codec, threshold: float, batch: int = 256) -> list[GroupReport]:
    """Run every puzzle and report per group and overall ("all")."""
    tokens = codec.encode_puzzle(data.puzzles)
    labels = codec.encode_answer(data.answers)
    n = len(tokens)
    verified_by_pass, cells_by_pass, halt_prob = [], [], []
    for start in range(0, n, batch):
        preds, halts = rollout(tokens[start : start + batch])  # (P, b, L), (P, b)
        puzzles = data.puzzles[start : start + batch]
        to_raw = training_data(data.kind).raw
        raw = np.stack([[to_raw(a) for a in list(codec.decode_answer(p))] for p in preds])  # (P, b, L)
        verified_by_pass.append(np.stack([verify(data.kind, puzzles, r) for r in raw]))
        cells_by_pass.append((preds == labels[start : start + batch][None]).mean(-1))
        halt_prob.append(_sigmoid(halts))
        _LOGGER.info("evaluated %d / %d", min(start + batch, n), n)
    ok = np.concatenate(verified_by_pass, axis=1)  # (P, N)
    cells = np.concatenate(cells_by_pass, axis=1)  # (P, N)
    probs = np.concatenate(halt_prob, axis=1)  # (P, N)
    passes = ok.shape[0]
    fired = probs >= threshold
    halted = np.asarray(fired.any(0))  # (N,)
    stop = np.where(halted, fired.argmax(0), passes - 1)  # (N,) index of the pass the app stops at
    cols = np.arange(n)
    final_ok, final_cells = ok[stop, cols], cells[stop, cols]
    return group_reports(
        data.groups, final_ok, final_cells, stop + 1, halted,
        lambda sel: {k: float(ok[k - 1, sel].mean()) for k in (1, 2, 4, 8, 16, 32, 64) if k <= passes},
        lambda sel: float(ok[:, sel].any(0).mean()),
    )


def group_reports(
    groups: np.ndarray, ok: np.ndarray, cells: np.ndarray, passes: np.ndarray, halted: np.ndarray,
    verified_after: Callable[[np.ndarray], dict[int, float]] = lambda sel: {},
    verified_any: Callable[[np.ndarray], float] | None = None,
    work: np.ndarray | None = None, retried: np.ndarray | None = None, fell_back: np.ndarray | None = None,
) -> list[GroupReport]:
    """One report for "all" and one per group from per-puzzle (N,) outcomes at the stopping pass."""
    reports = []
    for name in ["all", *sorted(set(groups.tolist()), key=_group_order)]:
        sel = np.ones(len(ok), bool) if name == "all" else groups == name
        if not sel.any():
            continue
        h = halted & sel
        reports.append(GroupReport(
            group=str(name),
            count=int(sel.sum()),
            verified=float(ok[sel].mean()),
            cell_accuracy=float(cells[sel].mean()),
            mean_passes=float(passes[sel].mean()),
            halted=float(h.sum() / sel.sum()),
            halted_precision=float(ok[h].mean()) if h.any() else float("nan"),
            verified_after=verified_after(sel),
            verified_any=verified_any(sel) if verified_any else float(ok[sel].mean()),
            mean_work=float((passes if work is None else work)[sel].mean()),
            retried=float(retried[sel].mean()) if retried is not None else 0.0,
            fell_back=float(fell_back[sel].mean()) if fell_back is not None else 0.0,
        ))
    return reports


def _group_order(name: str) -> tuple[int, str]:
    order = {"singles": 0, "deduction": 1, "search": 2}
    if name in order:
        return (order[name], name)
    return (int(name), "") if name.isdigit() else (99, name)


def format_table(reports: list[GroupReport]) -> str:
    ks = sorted({k for r in reports for k in r.verified_after})
    # "work" counts every pass of every TTA variant: shown when it differs from "passes".
    costs = any(r.retried or abs(r.mean_work - r.mean_passes) > 1e-9 for r in reports)
    fell_back = any(r.fell_back for r in reports)  # a fallback model ran ("fallback" column)
    head = (f"{'group':>10} {'n':>6} {'verified':>9} {'cells':>7} {'passes':>7} {'halted':>7} "
            f"{'halt-prec':>9} " + " ".join(f"{'@' + str(k):>6}" for k in ks) + f" {'any':>6}"
            + (f" {'work':>7} {'retried':>8}" if costs else "") + (f" {'fallback':>9}" if fell_back else ""))
    lines = [head]
    for r in reports:
        lines.append(
            f"{r.group:>10} {r.count:>6} {100 * r.verified:>8.1f}% {100 * r.cell_accuracy:>6.1f}% "
            f"{r.mean_passes:>7.2f} {100 * r.halted:>6.1f}% {100 * r.halted_precision:>8.1f}% "
            + " ".join(f"{100 * r.verified_after.get(k, float('nan')):>5.1f}%" for k in ks)
            + f" {100 * r.verified_any:>5.1f}%"
            + (f" {r.mean_work:>7.2f} {100 * r.retried:>7.1f}%" if costs else "")
            + (f" {100 * r.fell_back:>8.1f}%" if fell_back else "")
        )
    return "\n".join(lines)


def evaluate_solver(data: PuzzleSet, session, threshold: float | None, max_passes: int | None,
                    tta: int, batch: int = 256, seed: int = 0, trust_halt: bool = False,
                    retry_tta: int = 0, fallback=None) -> list[GroupReport]:
    """Every puzzle through the app's `HaltingLoop` (and its TTA vote when `tta` > 1), then the
    solver's retry of unverified answers over `retry_tta` other variants (0: none), then, with a
    `fallback` session, the same again with that model for what is still unverified (as
    `trm-solve --int8` does with the fp32 model): the solve pipeline, solver/solve.py."""
    from solver.solve import SolveSettings
    from solver.solve import results as pipeline_results
    from solver.solve import solve as pipeline

    loop = session.loop(threshold, max_passes, trust_halt)
    fallback_loop = fallback.loop(threshold, max_passes, trust_halt) if fallback is not None else None
    rng, fallback_rng = np.random.default_rng(seed), np.random.default_rng(seed + 1)
    settings = SolveSettings(tta=tta, retry_tta=retry_tta)
    raw_data = training_data(data.kind)
    puzzles = [raw_data.puzzle(p) for p in data.puzzles]
    results = []
    per_batch = max(1, batch // tta)
    for start in range(0, len(puzzles), per_batch):
        chunk = puzzles[start : start + per_batch]
        events = pipeline(loop, chunk, settings, rng, fallback_loop, fallback_rng)
        results += pipeline_results(events, len(chunk))
        _LOGGER.info("solved %d / %d", min(start + per_batch, len(puzzles)), len(puzzles))
    ok = np.array([r.solved for r in results])
    halted = np.array([r.halt_probability >= loop.threshold for r in results])
    passes = np.array([r.passes for r in results])
    cells = np.array([(raw_data.raw(r.answer) == a).mean() for r, a in zip(results, data.answers, strict=True)])
    work = np.array([r.work for r in results])
    retried = np.array([r.retried for r in results])
    fell_back = np.array([r.fell_back for r in results])
    return group_reports(data.groups, ok, cells, passes, halted, work=work, retried=retried, fell_back=fell_back)


# --------------------------------------------------------------------------------------------
# Puzzle sets


def generated_set(kind: str, grades: list[str], count: int, seed: int, maze_size: int = 30,
                  maze_min_path: int = 110, workers: int = 1) -> PuzzleSet:
    """Fresh generated puzzles: `count` per grade where the kind has grades, else `count`."""
    options = {"pool_counts": {g: count for g in grades}, "maze_pool": count, "maze_size": maze_size,
               "maze_min_path": maze_min_path}
    pool = generated_pool(kind, training_data(kind).generation(options, seed), None, workers)
    data = training_data(kind)
    names = np.array([data.group_name(int(g), pool.puzzles.shape[1]) for g in pool.grades])
    return PuzzleSet(kind, pool.puzzles, pool.answers, names, pool.description)


def file_set(kind: str, path: Path, solutions: Path | None, group_by: str, limit_per_group: int) -> PuzzleSet:
    """Puzzles from a file; answers from a line-aligned solutions file, the file, or the kind's
    exact solver. `group_by` names a field of the records (e.g. menneske.no's "level")."""
    data = training_data(kind)
    records = [r for r in kinds.get(kind).read(read_text(path), path.name) if not r.error]
    sol_lines = None
    if solutions is not None:
        sol_lines = [ln.strip() for ln in read_text(solutions).splitlines() if ln.strip()]
        if len(sol_lines) != len(records):
            raise ValueError(f"{solutions}: {len(sol_lines)} solutions for {len(records)} puzzles")
    puzzles, answers, groups = [], [], []
    counts: dict[str, int] = {}
    for i, r in enumerate(records):
        group = str(getattr(r.puzzle, "meta", {}).get(group_by, "")) if group_by else "file"
        if group == "" or (limit_per_group and counts.get(group, 0) >= limit_per_group):
            continue
        if sol_lines is not None:
            answer = np.frombuffer(sol_lines[i].encode(), np.uint8) - ord("0")
        elif r.solution is not None:
            answer = data.raw(r.solution)
        else:
            found = data.exact(r.puzzle)
            if found is None:
                continue
            answer = data.raw(found)
        counts[group] = counts.get(group, 0) + 1
        puzzles.append(data.raw(r.puzzle))
        answers.append(answer)
        groups.append(group)
    if not puzzles:
        raise ValueError(f"{path}: no usable puzzles (check --group-by)")
    return PuzzleSet(kind, np.stack(puzzles).astype(np.int8), np.stack(answers).astype(np.int8),
                     np.array(groups), path.name)


# --------------------------------------------------------------------------------------------
# Backends


def torch_rollout(checkpoint: Path, max_passes: int, precision: str = "fp32",
                  grid_size: int | None = None) -> tuple[Rollout, object, str, dict]:
    """The checkpoint's EMA model in PyTorch."""
    import torch

    from solver.kinds import codec_for
    from training.act import rollout
    from training.checkpoint import ema_model_from_checkpoint, load_checkpoint
    from training.device import choose_device

    state = load_checkpoint(checkpoint)
    model = ema_model_from_checkpoint(state, grid_size)
    plan = choose_device("auto", precision)
    model = model.to(plan.device)
    codec_name = state["train_config"]["codec"]
    if grid_size is not None and state["train_config"]["kind"] == "maze":
        codec_name = f"maze-{grid_size}x{grid_size}-v1"
    codec = codec_for(codec_name)

    def run(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        preds, halts = rollout(model, torch.as_tensor(tokens, device=plan.device), max_passes, plan.autocast)
        return preds.cpu().numpy(), halts.cpu().numpy()

    info = {"checkpoint": str(checkpoint), "step": state["step"], "backend": f"torch {plan.reason}"}
    return run, codec, state["train_config"]["kind"], info


def onnx_rollout(model_path: Path, max_passes: int, force_cpu: bool) -> tuple[Rollout, object, str, dict]:
    """The exported ONNX file through the app's own session code (no torch)."""
    from solver.kinds import codec_for
    from solver.session import ModelSession, SessionSettings

    session = ModelSession.open(model_path, SessionSettings(force_cpu=force_cpu))
    codec = codec_for(session.card.codec)

    def run(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        y, z = session.initial_carry(len(tokens))
        preds, halts = [], []
        for _ in range(max_passes):
            out = session.step(tokens, y, z)
            y, z = out.y, out.z
            preds.append(np.asarray(out.logits).argmax(-1))
            halts.append(np.asarray(out.halt_logit))
        return np.stack(preds), np.stack(halts)

    info = {"model": str(model_path), "backend": f"onnxruntime {session.provider_line}"}
    return run, codec, session.card.kind, info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", type=Path, help="a training checkpoint (its EMA weights are measured)")
    src.add_argument("--onnx", type=Path, help="an exported NAME.onnx (with NAME.onnx.json), run by the app's solver")
    parser.add_argument("--puzzles", type=Path, help="a puzzle file (any supported format); default: generated puzzles")
    parser.add_argument("--solutions", type=Path, help="line-aligned solutions for --puzzles")
    parser.add_argument("--group-by", default="", help="CSV column to group results by, e.g. level")
    parser.add_argument("--limit-per-group", type=int, default=0, help="at most N puzzles per group (0: all)")
    parser.add_argument("--generate", default="singles,deduction,search",
                        help="Sudoku grades to generate when no --puzzles is given (comma-separated)")
    parser.add_argument("--count", type=int, default=200, help="generated puzzles per grade (or mazes)")
    parser.add_argument("--seed", type=int, default=20261123, help="seed of the generated evaluation puzzles")
    parser.add_argument("--maze-size", type=int, default=30, help="side of generated mazes")
    parser.add_argument("--grid-size", type=int,
                        help="with --checkpoint: run a grid-mixer maze model on N x N mazes (trained on any size)")
    parser.add_argument("--maze-min-path", type=int, default=110, help="minimum path length of generated mazes")
    parser.add_argument("--max-passes", type=int,
                        help="passes (supervision steps) to run (default 16; with --solver the model card's cap)")
    parser.add_argument("--threshold", type=float,
                        help="halt probability at which the app stops (default 0.5; with --solver the card's)")
    parser.add_argument("--batch", type=int, default=256, help="puzzles per batch")
    parser.add_argument("--precision", default="fp32", choices=["fp32", "bf16"], help="torch backend precision")
    parser.add_argument("--cpu", action="store_true", help="onnx backend: force the CPU provider")
    parser.add_argument("--solver", action="store_true",
                        help="with --onnx: run the app's HaltingLoop (stops at the threshold) instead of fixed passes")
    parser.add_argument("--trust-halt", action="store_true",
                        help="with --solver: stop where the halt head says even on a rule-breaking answer "
                             "(the paper's protocol; the app lets the rule checker overrule it)")
    parser.add_argument("--tta", type=int, default=1, metavar="K",
                        help="with --solver: K symmetric variants per puzzle and the app's vote")
    parser.add_argument("--retry-tta", type=int, metavar="K",
                        help="with --solver: solve unverified puzzles again as K other symmetric variants, as the "
                             "app does (default: the app's 4; 0 with --trust-halt, the paper's protocol)")
    parser.add_argument("--fallback-onnx", type=Path, metavar="PATH",
                        help="with --solver: solve what stays unverified again with this model (as trm-solve "
                             "--int8 does with the fp32 model)")
    parser.add_argument("--workers", type=int, default=1, help="processes generating puzzles")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.solver:
        args.max_passes = 16 if args.max_passes is None else args.max_passes
        args.threshold = 0.5 if args.threshold is None else args.threshold
    if (args.max_passes is not None and args.max_passes < 1) or (
            args.threshold is not None and not 0.0 < args.threshold <= 1.0):
        parser.error("--max-passes must be >= 1 and --threshold within (0, 1]")
    if (args.solver or args.tta != 1) and not args.onnx:
        parser.error("--solver and --tta need --onnx: they run the app's own solver")
    if args.tta != 1 and not args.solver:
        parser.error("--tta needs --solver")
    if args.tta < 1:
        parser.error("--tta must be at least 1")
    if args.fallback_onnx is not None and not args.solver:
        parser.error("--fallback-onnx needs --solver")
    if args.retry_tta is not None and not args.solver:
        parser.error("--retry-tta needs --solver")
    if args.retry_tta is not None and args.retry_tta < 0:
        parser.error("--retry-tta must be 0 (off) or more")
    if args.retry_tta is None:
        from solver.tta import RETRY_TTA

        args.retry_tta = 0 if args.trust_halt or not args.solver else RETRY_TTA
    try:
        if args.solver:
            from solver.session import ModelSession, SessionSettings

            session = ModelSession.open(args.onnx, SessionSettings(force_cpu=args.cpu))
            kind = session.card.kind
            fallback = (ModelSession.open(args.fallback_onnx, SessionSettings(force_cpu=args.cpu))
                        if args.fallback_onnx else None)
            if fallback is not None and fallback.card.kind != kind:
                parser.error(f"--fallback-onnx {args.fallback_onnx} solves {fallback.card.kind}, --onnx {kind}")
            data = (file_set(kind, args.puzzles, args.solutions, args.group_by, args.limit_per_group)
                    if args.puzzles else
                    generated_set(kind, [g.strip() for g in args.generate.split(",") if g.strip()], args.count,
                                  args.seed, args.maze_size, args.maze_min_path, args.workers))
            started = time.time()
            reports = evaluate_solver(data, session, args.threshold, args.max_passes, args.tta, args.batch,
                                      trust_halt=args.trust_halt, retry_tta=args.retry_tta, fallback=fallback)
            seconds = time.time() - started
            args.max_passes = args.max_passes or session.card.max_passes
            args.threshold = args.threshold or session.card.halt_threshold
            print(f"# solver {args.onnx} ({session.provider_line}) on {data.source}: {len(data.puzzles)} "
                  f"puzzles, cap {args.max_passes} passes, threshold {args.threshold}, TTA {args.tta}, "
                  f"retry of unverified over {args.retry_tta} other variants, "
                  + (f"then {args.fallback_onnx} for what stays unverified, " if fallback else "")
                  + f"{'halt head decides' if args.trust_halt else 'rule checker overrules the halt head'}, {seconds:.0f} s")
            print(format_table(reports))
            if args.json:
                args.json.write_text(json.dumps({"model": str(args.onnx), "data": data.source, "solver": True,
                                                 "tta": args.tta, "retry_tta": args.retry_tta,
                                                 "fallback": str(args.fallback_onnx) if fallback else None,
                                                 "max_passes": args.max_passes,
                                                 "trust_halt": args.trust_halt,
                                                 "threshold": args.threshold,
                                                 "seed": None if args.puzzles else args.seed,
                                                 "groups": [asdict(r) for r in reports]}, indent=2))
            return 0
        if args.checkpoint:
            rollout, codec, kind, info = torch_rollout(args.checkpoint, args.max_passes, args.precision,
                                                       args.grid_size)
        else:
            rollout, codec, kind, info = onnx_rollout(args.onnx, args.max_passes, args.cpu)
        if args.puzzles:
            data = file_set(kind, args.puzzles, args.solutions, args.group_by, args.limit_per_group)
        else:
            grades = [g.strip() for g in args.generate.split(",") if g.strip()]
            data = generated_set(kind, grades, args.count, args.seed, args.maze_size, args.maze_min_path, args.workers)
        started = time.time()
        reports = evaluate(data, rollout, codec, args.threshold, args.batch)
        seconds = time.time() - started
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"# {info} on {data.source}: {len(data.puzzles)} puzzles, {args.max_passes} passes, "
          f"threshold {args.threshold}, {seconds:.0f} s")
    print(format_table(reports))
    if args.json:
        args.json.write_text(json.dumps({"info": info, "data": data.source, "max_passes": args.max_passes,
                                         "threshold": args.threshold, "seed": None if args.puzzles else args.seed,
                                         "groups": [asdict(r) for r in reports]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
