"""`trm-solve`: solve a file of puzzles in the terminal, batch-wise.

    trm-solve FILE [--kind sudoku|maze|arc] [--model PATH] [--max-passes N] [--threshold P]
              [--tta K] [--retry-tta K] [--cpu] [--int8 [--no-fallback]] [--out FILE] [--show]

A puzzle whose answer the rule checker does not verify is solved again as --retry-tta other
symmetric variants (default 4; 0 turns it off), and a verified answer from them replaces it.
With --int8, a puzzle still unverified is then solved again with the fp32 model, as it would be
without --int8 (solver/fallback.py); --no-fallback keeps the int8 answer.

Output (stdout or --out): Sudoku and maze, one line per puzzle in input order (the 81-digit answer,
or the maze answer row-major in the ``# SGo`` alphabet), an empty line for an invalid puzzle; ARC,
one JSON object ``{task: [answer grid per test input]}``. Warnings, ``--show`` boards, the progress
bar and the summary go to stderr. Exit codes: 0 done, 1 model problem, 2 bad flags or input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from solver import arc, maze, sudoku
from solver.fallback import with_fallback
from solver.halting import HaltingLoop, Pass
from solver.result import SolveResult, SolveStatus
from solver.session import ModelSession, SessionSettings
from solver.tta import RETRY_TTA, RetryPlan, TtaPlan

BATCH = 256  # puzzles (or TTA variants) per pass batch: flat memory on files of any length
KINDS = ("sudoku", "maze", "arc")


class InputError(ValueError):
    """The puzzle file or the flags are unusable (exit code 2)."""


@dataclass(frozen=True)
class Record:
    """One puzzle of the input file, or why it could not be read."""

    where: str  # "line 12", "maze 3", "task abc test 0"
    puzzle: Any = None
    error: str = ""
    group: str = ""  # ARC: the task the test input belongs to


# ------------------------------------------------------------------------------------------------
# Reading


def detect_kind(path: Path, text: str) -> str:
    """Best guess of the puzzle kind from the file name and contents."""
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith(("{", "[")):
        return "arc"
    lines = [ln for ln in text.splitlines() if ln.strip()]
    first = lines[0] if lines else ""
    if "," in first:  # CSV: a maze question holds walls, a Sudoku question digits
        data = lines[1] if len(lines) > 1 and "question" in first.lower() else first
        return "maze" if "#" in data.split(",")[1 if data.count(",") else 0] else "sudoku"
    grid_rows = [ln for ln in lines if set(ln) <= set(maze.CHARSET) and "#" in ln]
    if grid_rows and any("S" in ln for ln in grid_rows) and not any(c.isdigit() for c in text):
        return "maze"
    return "sudoku"


def sudoku_records(text: str) -> Iterator[Record]:
    for line_no, item in sudoku.iter_sudoku_records(text):
        if isinstance(item, ValueError):
            yield Record(f"line {line_no}", error=str(item))
        else:
            yield Record(f"line {line_no}", item)


def maze_records(text: str) -> Iterator[Record]:
    """Text grids one by one (a bad maze is skipped with a warning), or the HRM CSV layout."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if any("," in ln for ln in lines if ln):
        try:
            pairs = maze.parse_maze_csv(text)
        except ValueError as err:
            raise InputError(f"maze CSV: {err}") from None
        for i, (question, _answer) in enumerate(pairs, start=1):
            yield Record(f"maze {i}", question)
        return
    block: list[str] = []
    start = 0
    number = 0
    for line_no, line in enumerate([*lines, ""], start=1):
        if line:
            start = start or line_no
            block.append(line)
            continue
        if not block:
            continue
        number += 1
        where = f"maze {number} (line {start})"
        try:
            found = maze.parse_maze("\n".join(block) + "\n")
            yield Record(where, found.without_path())
        except ValueError as err:
            yield Record(where, error=str(err))
        block, start = [], 0


def arc_records(text: str, name: str) -> Iterator[Record]:
    """Every test input of a task file, or of a challenges file holding many tasks."""
    try:
        tasks = [arc.parse_arc_task(text, name=name)]
    except ValueError as single:
        try:
            tasks = arc.parse_arc_challenges(text)
        except ValueError:
            raise InputError(f"ARC: {single}") from None
    for task in tasks:
        for i, pair in enumerate(task.test):
            yield Record(f"task {task.name} test {i}", pair.input, group=task.name)


def read_records(path: Path, kind: str) -> list[Record]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read ({err})") from None
    if kind == "sudoku":
        try:
            return list(sudoku_records(text))
        except ValueError as err:
            raise InputError(f"{path}: {err}") from None
    if kind == "maze":
        return list(maze_records(text))
    return list(arc_records(text, path.stem))


# ------------------------------------------------------------------------------------------------
# The model


def model_dirs() -> list[Path]:
    """Where shipped models live: beside the installed package, and in a frozen app's bundle."""
    dirs = [Path(__file__).resolve().parent.parent / "assets" / "models"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.insert(0, Path(frozen) / "assets" / "models")
    return dirs


def default_model(kind: str, int8: bool = False) -> Path:
    """The shipped model for `kind` (its int8 variant with `int8`); ValueError saying where it
    looked if there is none."""
    # No fallback to the tiny test model: its random weights would print confident nonsense.
    name = f"{kind}.int8.onnx" if int8 else f"{kind}.onnx"
    for folder in model_dirs():
        candidate = folder / name
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(d / name) for d in model_dirs())
    export = f"python -m export --checkpoint C --out assets/models/{kind}.onnx" + (" --quantize int8" if int8 else "")
    raise ValueError(f"no shipped {kind} model (looked for {looked}); pass --model PATH, or export one with `{export}`")


# ------------------------------------------------------------------------------------------------
# Solving


class Progress:
    """A plain-text progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream, self.done = total, stream, 0
        self.started = time.perf_counter()
        self.enabled = stream.isatty() and total > 0

    def advance(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / self.total)
        rate = self.done / max(1e-9, time.perf_counter() - self.started)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {rate:.1f}/s")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def show_pass(p: Pass, model: ModelSession, puzzle: Any, where: str, stream: TextIO) -> None:
    """The board after a pass, changed cells marked, with the halt probability."""
    changed = model.kind.cells(p.changed, p.answer, puzzle)
    if p.halted and p.check.ok and p.check.verifiable:
        state = "verified, stopped"
    elif p.halted:
        state = "halted" if p.halted_by_model and not p.check.verifiable else "stopped at the cap"
    else:
        state = "halt overruled: the answer breaks the rules" if p.halted_by_model else "thinking"
    stream.write(
        f"{where} pass {p.number}: halt p={p.halt_probability:.3f} ({state}), "
        f"{int(p.changed.sum())} changed, {p.check.reason}\n"
    )
    stream.write(model.kind.render(p.answer, puzzle, changed) + "\n\n")


def solve_batch(
    model: ModelSession, loop: HaltingLoop, records: Sequence[Record], tta: int,
    rng: np.random.Generator, show: TextIO | None, retry_tta: int = 0,
) -> list[SolveResult]:
    """Results for valid records, in order; unverified ones retried over `retry_tta` variants."""
    results = first_try(model, loop, records, tta, rng, show)
    retry = RetryPlan.build(model.kind, [r.puzzle for r in records], results, retry_tta, rng)
    if retry.plan is None:
        return results
    if show is not None:
        for i in retry.todo:
            show.write(f"{records[i].where}: not verified after {results[i].passes} passes; "
                       f"trying {retry.k} other symmetric variants\n")
    return retry.merge([p for p in loop.run(retry.variants) if p.halted])


def fall_back(
    fallback: ModelSession, loop: HaltingLoop, records: Sequence[Record], results: Sequence[SolveResult],
    tta: int, rng: np.random.Generator, show: TextIO | None, retry_tta: int,
) -> list[SolveResult]:
    """`results` (the int8 model's) with the unverified ones solved again by the fp32 `fallback`."""

    def again(todo: list[int]) -> list[SolveResult]:
        if show is not None:
            for i in todo:
                show.write(f"{records[i].where}: not verified by the int8 model; solving it again in fp32\n")
        return solve_batch(fallback, loop, [records[i] for i in todo], tta, rng, show, retry_tta)

    return with_fallback(results, again)


def first_try(
    model: ModelSession, loop: HaltingLoop, records: Sequence[Record], tta: int,
    rng: np.random.Generator, show: TextIO | None,
) -> list[SolveResult]:
    puzzles = [r.puzzle for r in records]
    if tta > 1:
        plan = TtaPlan.build(model.kind, puzzles, tta, rng)
        last = []
        for p in loop.run(plan.variants):
            i, v = plan.owner(p.index)
            if show is not None and v == 0:
                show_pass(p, model, puzzles[i], records[i].where, show)
            if p.halted:
                last.append(p)
        return plan.vote(last)
    final: dict[int, Pass] = {}
    for p in loop.run(puzzles):
        if show is not None:
            show_pass(p, model, puzzles[p.index], records[p.index].where, show)
        if p.halted:
            final[p.index] = p
    return [final[i].result() for i in range(len(puzzles))]


def _chunks(records: Sequence[Record], size: int) -> Iterator[list[Record]]:
    for start in range(0, len(records), size):
        yield list(records[start : start + size])


@dataclass
class Summary:
    puzzles: int = 0
    invalid: int = 0
    verified: int = 0
    unverified: int = 0
    passes: int = 0
    retried: int = 0
    verified_by_retry: int = 0
    fell_back: int = 0
    verified_by_fallback: int = 0
    seconds: float = 0.0

    def line(self, provider: str) -> str:
        valid = self.puzzles - self.invalid
        pct = 100.0 * self.verified / valid if valid else 0.0
        mean = self.passes / valid if valid else 0.0
        rate = valid / self.seconds if self.seconds > 0 else 0.0
        extra = f", {self.unverified} unverifiable (ARC)" if self.unverified else ""
        if self.retried:
            extra += f", {self.retried} retried over other symmetric variants ({self.verified_by_retry} verified then)"
        if self.fell_back:
            extra += f", {self.fell_back} solved again with the fp32 model ({self.verified_by_fallback} verified then)"
        return (
            f"{self.puzzles} puzzles ({self.invalid} invalid): verified solved {self.verified}/{valid} "
            f"({pct:.1f}%){extra}, mean passes {mean:.2f}, {rate:.1f} puzzles/s, provider {provider}"
        )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    kind = args.kind
    try:
        text_kind = kind or detect_kind(args.file, args.file.read_text(encoding="utf-8", errors="replace"))
    except OSError as e:
        raise InputError(f"{args.file}: cannot read ({e.strerror or e})") from None
    try:
        model_path = args.model or default_model(text_kind, args.int8)
        model = ModelSession.open(model_path, SessionSettings(force_cpu=args.cpu))
    except ValueError as e:
        err.write(f"trm-solve: model problem: {e}\n")
        return 1
    if kind is None and args.model is not None:
        kind = model.card.kind  # the model says what it solves
    kind = kind or text_kind
    if model.card.kind != kind:
        err.write(f"trm-solve: model problem: {model_path} solves {model.card.kind}, the puzzles are {kind}\n")
        return 1
    fallback: tuple[ModelSession, HaltingLoop] | None = None  # the fp32 model behind --int8, and its loop
    if args.int8 and not args.no_fallback and kind != "arc":  # an ARC answer never fails a rule check
        try:
            fp32 = ModelSession.open(default_model(kind), SessionSettings(force_cpu=args.cpu))
            fallback = fp32, fp32.loop(args.threshold, args.max_passes)
        except ValueError as e:
            err.write(f"trm-solve: model problem: {e} (the fp32 model solves what int8 leaves unverified; "
                      "--no-fallback goes without it)\n")
            return 1
    if kind == "maze" and args.tta > 8:
        raise InputError(f"--tta {args.tta}: a maze has only 8 symmetric variants")
    retry = 0 if kind == "arc" else args.retry_tta  # an ARC answer has no rules to fail
    records = read_records(args.file, kind)
    loop = model.loop(args.threshold, args.max_passes)
    rng = np.random.default_rng(0)
    fallback_rng = np.random.default_rng(1)  # its own stream: the int8 answers stay those of --no-fallback
    per_batch = max(1, BATCH // args.tta)
    summary = Summary()
    progress = Progress(len(records), err)
    arc_answers: dict[str, list[Any]] = {}
    started = time.perf_counter()
    for chunk in _chunks(records, per_batch):
        valid = []
        for r in chunk:
            if r.error:
                err.write(f"trm-solve: warning: {r.where}: {r.error}\n")
                continue
            try:
                model.kind.validate(r.puzzle)
            except ValueError as e:
                err.write(f"trm-solve: warning: {r.where}: {e}\n")
                continue
            valid.append(r)
        show = err if args.show else None
        solved = solve_batch(model, loop, valid, args.tta, rng, show, retry)
        if fallback is not None:
            solved = fall_back(*fallback, valid, solved, args.tta, fallback_rng, show, retry)
        results = iter(solved)
        valid_ids = {id(r) for r in valid}
        for r in chunk:
            summary.puzzles += 1
            result = next(results) if id(r) in valid_ids else SolveResult.invalid(r.error)
            if result.status is SolveStatus.INVALID_PUZZLE:
                summary.invalid += 1
            summary.verified += result.status is SolveStatus.VERIFIED
            summary.unverified += result.status is SolveStatus.UNVERIFIED
            summary.passes += result.passes
            summary.retried += result.retried
            summary.verified_by_retry += result.retried and result.solved and not result.fell_back
            summary.fell_back += result.fell_back
            summary.verified_by_fallback += result.fell_back and result.solved
            if kind == "arc":
                grid = None if result.answer is None else np.asarray(result.answer).tolist()
                arc_answers.setdefault(r.group, []).append(grid)
            else:
                line = "" if result.answer is None else model.kind.format_answer(result.answer)
                out.write(line + "\n")
        out.flush()
        progress.advance(len(chunk))
    progress.close()
    if kind == "arc":
        out.write(json.dumps(arc_answers) + "\n")
    summary.seconds = time.perf_counter() - started
    err.write(f"trm-solve: {summary.line(model.provider_line)}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trm-solve", description="Solve puzzles with a Tiny Recursive Model (onnxruntime)."
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="puzzles: Sudoku formats, maze text/CSV, ARC JSON")
    parser.add_argument("--kind", choices=KINDS, help="puzzle kind (default: from the model or the file)")
    parser.add_argument("--model", type=Path, help="NAME.onnx with NAME.onnx.json beside it")
    parser.add_argument("--max-passes", type=int, help="cap on passes per puzzle (default: the model's)")
    parser.add_argument("--threshold", type=float, help="halt probability that stops a puzzle (default: the model's)")
    parser.add_argument("--tta", type=int, default=1, metavar="K", help="solve K symmetric variants and vote")
    parser.add_argument("--retry-tta", type=int, default=RETRY_TTA, metavar="K",
                        help=f"solve an unverified puzzle again as K other symmetric variants (default {RETRY_TTA}; "
                             "0: off; mazes use at most 7)")
    parser.add_argument("--cpu", action="store_true", help="never use CUDA")
    parser.add_argument("--int8", action="store_true",
                        help="use the shipped model's int8 variant (KIND.int8.onnx): faster on a CPU; "
                             "a puzzle it leaves unverified is solved again with the fp32 model "
                             "(rates in assets/models/README.md)")
    parser.add_argument("--no-fallback", action="store_true",
                        help="with --int8: keep int8's unverified answers, no second solve with the fp32 model")
    parser.add_argument("--out", type=Path, help="write answers here instead of stdout")
    parser.add_argument("--show", action="store_true", help="print the board after every pass (stderr)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.max_passes is not None and args.max_passes < 1:
        parser.error("--max-passes must be at least 1")
    if args.threshold is not None and not 0.0 < args.threshold <= 1.0:
        parser.error("--threshold must be in (0, 1]")
    if args.tta < 1:
        parser.error("--tta must be at least 1")
    if args.retry_tta < 0:
        parser.error("--retry-tta must be 0 (off) or more")
    if args.no_fallback and not args.int8:
        parser.error("--no-fallback goes with --int8")
    if args.int8 and args.model is not None:
        parser.error("--int8 picks the shipped int8 model; with --model, name the int8 file itself")
    if not args.file.is_file():
        parser.error(f"{args.file}: no such file")
    try:
        if args.out is not None:
            with args.out.open("w", encoding="utf-8") as out:
                return run(args, out, sys.stderr)
        return run(args, sys.stdout, sys.stderr)
    except InputError as e:
        sys.stderr.write(f"trm-solve: error: {e}\n")
        return 2
    except OSError as e:
        sys.stderr.write(f"trm-solve: error: {e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
