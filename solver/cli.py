"""`trm-solve`: solve a file of puzzles in the terminal, batch-wise.

    trm-solve FILE [--kind sudoku|maze|arc] [--model PATH] [--max-passes N] [--threshold P]
              [--tta K] [--retry-tta K] [--explore K] [--commit R] [--cpu] [--int8 [--no-fallback]]
              [--out FILE] [--show] [--jsonl]
    trm-solve TASKS.json --kind arc --learn-seconds S [--attempts 2] --out answers.json

A Sudoku or maze stops when the rule checker verifies its answer, or at --max-passes; --threshold
(the halt probability that stops a puzzle) applies to ARC, which has no rule checker.

Puzzles go through the solve pipeline (solver/solve.py): a puzzle whose answer the rule checker
does not verify is solved again as --retry-tta other symmetric variants (default 4; 0 turns it
off), and a verified answer from them replaces it; one still unverified continues as --explore
noisy branches, and then (Sudoku) gets the cells its model is surest of fixed as givens, --commit
rounds of them (how a nearly empty grid gets one of its many solutions). With --int8, a puzzle still unverified is then
solved again with the fp32 model, as it would be without --int8; --no-fallback keeps the int8
answer.

Output (stdout or --out): Sudoku and maze, one line per puzzle in input order (the 81-digit answer,
or the maze answer row-major in the ``# SGo`` alphabet), an empty line for an invalid puzzle; ARC,
one JSON object ``{task: [answer grid per test input]}``; with --jsonl, one JSON object per puzzle
for scripts. A Sudoku --out file gets the layout its ending names: .sdm or .txt the answer lines,
.sdk (one puzzle) or .opensudoku a document of the answer grids, written when all are solved; an
ending the kind cannot write is refused before solving. Warnings, ``--show`` boards, the progress
bar and the summary go to stderr. Exit codes: 0 done, 1 model problem, 2 bad flags or input.

With --learn-seconds (ARC), each task is first learned from its demonstration pairs in a learner
process (solver/learn_solve.py); the answers are the ARC Prize submission layout, and the summary
gives the mean seconds a task and, where the file holds the test outputs, the official score.
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

from solver import kinds
from solver.commit import COMMIT_CELLS, COMMIT_ROUNDS
from solver.documents import read_document
from solver.explore import EXPLORE, EXPLORE_PASSES, Noise
from solver.halting import HaltingLoop
from solver.kinds import Kind, Record
from solver.models import default_model
from solver.result import SolveResult, SolveStatus
from solver.session import ModelSession, SessionSettings
from solver.solve import PassMade, Solved, SolveSettings, Stage, StageStarted, solve
from solver.tta import RETRY_TTA

BATCH = 256  # puzzles (or TTA variants) per pass batch: flat memory on files of any length


class InputError(ValueError):
    """The puzzle file or the flags are unusable (exit code 2)."""


# ------------------------------------------------------------------------------------------------
# Reading


def read_records(path: Path, kind: Kind, text: str | None = None) -> list[Record]:
    """Every record of the file as `kind` reads it; InputError if the file cannot be read."""
    try:
        text = read_document(path) if text is None else text
        return kind.read(text, path.name)
    except ValueError as err:
        raise InputError(f"{path}: {err}") from None


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


def show_pass(event: PassMade, kind: Kind, where: str, stream: TextIO) -> None:
    """The board after a pass, changed cells marked, with the halt probability."""
    p, puzzle = event.p, event.view_puzzle
    changed = kind.cells(p.changed, p.answer, puzzle)
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
    stream.write(kind.render(p.answer, puzzle, changed) + "\n\n")


def show_stage(event: StageStarted, records: Sequence[Record], stream: TextIO) -> None:
    """Why a puzzle is solved again, for --show."""
    if event.stage is Stage.VIEWS:
        for i, passes in zip(event.puzzles, event.after_passes, strict=True):
            stream.write(f"{records[i].where}: not verified after {passes} passes; "
                         f"trying {event.views} other symmetric variants\n")
    elif event.stage is Stage.EXPLORE:
        for i, passes in zip(event.puzzles, event.after_passes, strict=True):
            stream.write(f"{records[i].where}: still not verified after {passes} passes; "
                         f"exploring {event.views} noisy branches from there\n")
    elif event.stage is Stage.COMMIT:
        for i in event.puzzles:
            stream.write(f"{records[i].where}: still not verified; fixing the cells the model is surest of "
                         f"as givens, round by round\n")
    elif event.stage is Stage.FALLBACK:
        for i in event.puzzles:
            stream.write(f"{records[i].where}: not verified by the int8 model; solving it again in fp32\n")


def solve_records(
    loop: HaltingLoop, records: Sequence[Record], settings: SolveSettings, rng: np.random.Generator,
    show: TextIO | None, fallback: HaltingLoop | None = None, fallback_rng: np.random.Generator | None = None,
) -> list[SolveResult]:
    """Results for valid `records`, in order, through the solve pipeline."""
    results: dict[int, SolveResult] = {}
    puzzles = [r.puzzle for r in records]
    for event in solve(loop, puzzles, settings, rng, fallback, fallback_rng):
        if isinstance(event, Solved):
            results[event.puzzle] = event.result
        elif show is None:
            continue
        elif isinstance(event, StageStarted):
            show_stage(event, records, show)
        elif event.stage is Stage.FIRST and event.view == 0:
            show_pass(event, loop.kind, records[event.puzzle].where, show)
    return [results[i] for i in range(len(records))]


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
    explored: int = 0
    verified_by_exploration: int = 0
    committed: int = 0
    verified_by_commit: int = 0
    fell_back: int = 0
    verified_by_fallback: int = 0
    seconds: float = 0.0

    def add(self, result: SolveResult) -> None:
        self.puzzles += 1
        self.invalid += result.status is SolveStatus.INVALID_PUZZLE
        self.verified += result.status is SolveStatus.VERIFIED
        self.unverified += result.status is SolveStatus.UNVERIFIED
        self.passes += result.passes
        self.retried += result.retried
        # Each verified puzzle is credited to the step that found it: the later steps keep the
        # earlier ones' flags (a puzzle committed was retried and explored first).
        later = result.fell_back or result.branch > 0 or result.committed > 0
        self.verified_by_retry += result.retried and result.solved and not later
        self.explored += result.explored
        self.verified_by_exploration += result.branch > 0 and result.solved and not result.fell_back
        self.committed += result.commit_tried
        self.verified_by_commit += result.committed > 0 and result.solved and not result.fell_back
        self.fell_back += result.fell_back
        self.verified_by_fallback += result.fell_back and result.solved

    def line(self, provider: str) -> str:
        valid = self.puzzles - self.invalid
        pct = 100.0 * self.verified / valid if valid else 0.0
        mean = self.passes / valid if valid else 0.0
        rate = valid / self.seconds if self.seconds > 0 else 0.0
        extra = f", {self.unverified} unverifiable (ARC)" if self.unverified else ""
        if self.retried:
            extra += f", {self.retried} retried over other symmetric variants ({self.verified_by_retry} verified then)"
        if self.explored:
            extra += f", {self.explored} explored as noisy branches ({self.verified_by_exploration} verified by a branch)"
        if self.committed:
            extra += (f", {self.committed} given the model's surest cells round by round "
                      f"({self.verified_by_commit} verified then)")
        if self.fell_back:
            extra += f", {self.fell_back} solved again with the fp32 model ({self.verified_by_fallback} verified then)"
        return (
            f"{self.puzzles} puzzles ({self.invalid} invalid): verified solved {self.verified}/{valid} "
            f"({pct:.1f}%){extra}, mean passes {mean:.2f}, {rate:.1f} puzzles/s, provider {provider}"
        )


def explore_default(explore: int | None, kind: Kind) -> int:
    """--explore as given, else the default: on where the rule checker says who needs it."""
    if explore is not None:
        return explore
    return EXPLORE if kind.has_rules else 0


def choose_kind(args: argparse.Namespace, text: str) -> Kind:
    """--kind, else what the file looks like; InputError naming the formats tried."""
    if args.kind:
        return kinds.get(args.kind)
    try:
        return kinds.sniff(text, args.file.name)
    except ValueError as err:
        raise InputError(str(err)) from None


def answer_json(record: Record, result: SolveResult, kind: Kind) -> str:
    """One --jsonl line: where the puzzle is, what became of it, and its answer."""
    answer = None
    if result.answer is not None:
        answer = kind.format_answer(result.answer) if kind.has_rules else np.asarray(result.answer).tolist()
    return json.dumps({
        "where": record.where, **({"task": record.group} if record.group else {}),
        "status": result.status.value, "verified": result.solved,
        "passes": result.passes, "work": result.work, "answer": answer,
        **({"error": result.reason} if result.status is SolveStatus.INVALID_PUZZLE else {}),
    })


def answer_suffix(args: argparse.Namespace, kind: Kind, count: int) -> str:
    """The --out ending whose document holds the answers, "" for answer lines; InputError, before
    any solving, for an ending the kind cannot write `count` answers in."""
    if args.out is None or args.jsonl:
        return ""
    suffix = args.out.suffix.lower()
    try:
        return suffix if kind.answers_as_document(suffix, count) else ""
    except ValueError as e:
        raise InputError(f"--out {args.out}: {e}") from None


class LazyFile:
    """The --out file, created at the first write: a refused run leaves no empty file behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stream: TextIO | None = None

    def write(self, text: str) -> int:
        if self.stream is None:
            self.stream = self.path.open("w", encoding="utf-8")
        return self.stream.write(text)

    def flush(self) -> None:
        if self.stream is not None:
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


def run_learning(args: argparse.Namespace, text: str, out: TextIO | LazyFile, err: TextIO) -> int:
    """--learn-seconds: learn each ARC task in its own process, then write the submission layout."""
    from solver.kinds.arc import KIND as ARC_KIND
    from solver.kinds.arc.formats import parse_arc_challenges, parse_arc_task
    from solver.learn_solve import run_tasks, summary_line
    from solver.learning import LearningUnavailable, learning_available

    kind = kinds.get(args.kind) if args.kind else choose_kind(args, text)
    if kind is not ARC_KIND:
        raise InputError(f"--learn-seconds learns ARC tasks; this file is {kind.title}, not ARC "
                         "(use --kind arc for a .json task)")
    try:
        tasks = [parse_arc_task(text, name=args.file.stem)]
    except ValueError as single:
        try:
            tasks = parse_arc_challenges(text)
        except ValueError:
            raise InputError(f"{args.file}: {single}") from None
    ok, why = learning_available()
    if not ok:
        err.write(f"trm-solve: {why}\n")
        return 1
    extra = ["--threads", str(args.learn_threads)]
    if args.learn_init is not None:
        extra += ["--init", str(args.learn_init)]
    started = time.perf_counter()
    try:
        outcomes = run_tasks(tasks, args.learn_seconds, args.attempts, err, args.learn_dir, extra, args.cpu)
    except LearningUnavailable as e:
        err.write(f"trm-solve: {e}\n")
        return 1
    out.write(json.dumps({o.task: o.submission() for o in outcomes}) + "\n")
    err.write(f"trm-solve: {summary_line(outcomes, time.perf_counter() - started, args.attempts)}\n")
    return 0


def run(args: argparse.Namespace, out: TextIO | LazyFile, err: TextIO) -> int:
    try:
        text = read_document(args.file)
    except ValueError as e:
        raise InputError(str(e)) from None
    if args.learn_seconds is not None:
        return run_learning(args, text, out, err)
    try:
        text_kind = None if args.model is not None and not args.kind else choose_kind(args, text)
        model_path = args.model or default_model(text_kind.name if text_kind else "", args.int8)
        model = ModelSession.open(model_path, SessionSettings(force_cpu=args.cpu))
    except ValueError as e:
        if isinstance(e, InputError):
            raise
        err.write(f"trm-solve: model problem: {e}\n")
        return 1
    kind = kinds.get(args.kind) if args.kind else (text_kind or kinds.get(model.card.kind))  # the model says
    if model.card.kind != kind.name:
        err.write(f"trm-solve: model problem: {model_path} solves {model.card.kind}, the puzzles are {kind.name}\n")
        return 1
    kind = model.kind  # bound to the model's codec
    fallback: HaltingLoop | None = None  # the fp32 model behind --int8
    if args.int8 and not args.no_fallback and kind.has_rules:  # an ARC answer never fails a rule check
        try:
            fallback = ModelSession.open(default_model(kind.name), SessionSettings(force_cpu=args.cpu)).loop(
                args.threshold, args.max_passes)
        except ValueError as e:
            err.write(f"trm-solve: model problem: {e} (the fp32 model solves what int8 leaves unverified; "
                      "--no-fallback goes without it)\n")
            return 1
    if kind.max_views and args.tta > kind.max_views:
        raise InputError(f"--tta {args.tta}: a {kind.name} puzzle has only {kind.max_views} symmetric variants")
    y_noise, z_noise = model.card.explore_noise
    noise = Noise(y=y_noise if args.explore_noise is None else args.explore_noise, z=z_noise)
    settings = SolveSettings(tta=args.tta, retry_tta=args.retry_tta if kind.has_rules else 0,
                             explore=explore_default(args.explore, kind), explore_passes=args.explore_passes,
                             noise=noise, commit=args.commit, commit_cells=args.commit_cells)
    records = read_records(args.file, kind, text)
    document = answer_suffix(args, kind, len(records))
    document_answers: list[Any] = []  # answers in input order, for a document --out
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
                err.write(f"trm-solve: warning: {r.problem}\n")
                continue
            try:
                kind.validate(r.puzzle)
            except ValueError as e:
                err.write(f"trm-solve: warning: {r.where}: {e}\n")
                continue
            valid.append(r)
        show = err if args.show else None
        results = iter(solve_records(loop, valid, settings, rng, show, fallback, fallback_rng))
        valid_ids = {id(r) for r in valid}
        for r in chunk:
            result = next(results) if id(r) in valid_ids else SolveResult.invalid(r.error or "invalid puzzle")
            summary.add(result)
            if args.jsonl:
                out.write(answer_json(r, result, kind) + "\n")
            elif document:
                if result.answer is None:
                    err.write(f"trm-solve: warning: {r.where}: no answer, so none in {args.out}\n")
                else:
                    document_answers.append(result.answer)
            elif not kind.has_rules:
                grid = None if result.answer is None else np.asarray(result.answer).tolist()
                arc_answers.setdefault(r.group, []).append(grid)
            else:
                out.write(("" if result.answer is None else kind.format_answer(result.answer)) + "\n")
        out.flush()
        progress.advance(len(chunk))
    progress.close()
    if arc_answers:
        out.write(json.dumps(arc_answers) + "\n")
    if document and document_answers:
        out.write(kind.write_answers(document_answers, document))
    elif document:
        err.write(f"trm-solve: warning: no answer to write; {args.out} not written\n")
    summary.seconds = time.perf_counter() - started
    err.write(f"trm-solve: {summary.line(model.provider_line)}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trm-solve", description="Solve puzzles with a Tiny Recursive Model (onnxruntime)."
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="puzzles: Sudoku formats, maze text/CSV, ARC JSON")
    parser.add_argument("--kind", choices=kinds.names(), help="puzzle kind (default: from the model or the file)")
    parser.add_argument("--model", type=Path, help="NAME.onnx with NAME.onnx.json beside it")
    parser.add_argument("--max-passes", type=int, help="cap on passes per puzzle (default: the model's)")
    parser.add_argument("--threshold", type=float, metavar="P",
                        help="halt probability at which an ARC puzzle stops (default: the model's). "
                             "Sudoku and maze puzzles ignore it: one stops when its answer verifies, "
                             "else at --max-passes, whatever the halt head says")
    parser.add_argument("--tta", type=int, default=1, metavar="K", help="solve K symmetric variants and vote")
    parser.add_argument("--retry-tta", type=int, default=RETRY_TTA, metavar="K",
                        help=f"solve an unverified puzzle again as K other symmetric variants (default {RETRY_TTA}; "
                             "0: off; mazes use at most 7)")
    parser.add_argument("--explore", type=int, metavar="K",
                        help=f"continue a puzzle still unverified after the views as K noisy branches; the "
                             f"first verified one wins (default {EXPLORE} for Sudoku and mazes; 0: off). ARC "
                             "has no rule checker to say which answers need it: given K, every ARC puzzle "
                             "explores and a vote decides (default off)")
    parser.add_argument("--explore-passes", type=int, default=EXPLORE_PASSES, metavar="N",
                        help=f"passes each exploring branch may take (default {EXPLORE_PASSES})")
    parser.add_argument("--explore-noise", type=float, metavar="S",
                        help="noise on the answer carry y of exploring branches, relative to its RMS "
                             "(default: the model card's explore_noise_y)")
    parser.add_argument("--commit", type=int, default=COMMIT_ROUNDS, metavar="R",
                        help=f"Sudoku: for a puzzle still unverified after the branches, up to R rounds of fixing "
                             f"the --commit-cells cells the model is surest of (those the rules allow) as givens "
                             f"and solving again; how a grid with few givens gets a valid completion "
                             f"(default {COMMIT_ROUNDS}; 0: off; mazes and ARC have no such step)")
    parser.add_argument("--commit-cells", type=int, default=COMMIT_CELLS, metavar="N",
                        help=f"cells fixed a --commit round (default {COMMIT_CELLS})")
    parser.add_argument("--cpu", action="store_true", help="never use CUDA")
    parser.add_argument("--int8", action="store_true",
                        help="use the shipped model's int8 variant (KIND.int8.onnx): faster on a CPU; "
                             "a puzzle it leaves unverified is solved again with the fp32 model "
                             "(rates in assets/models/README.md)")
    parser.add_argument("--no-fallback", action="store_true",
                        help="with --int8: keep int8's unverified answers, no second solve with the fp32 model")
    parser.add_argument("--out", type=Path,
                        help="write answers here instead of stdout, in the layout the ending names "
                             "(Sudoku: .sdm/.txt answer lines, .sdk for one puzzle, .opensudoku)")
    parser.add_argument("--learn-seconds", type=float, metavar="S",
                        help="ARC: learn each task from its demonstration pairs for S seconds (needs the "
                             "train extra), then answer its tests; writes the ARC Prize submission layout "
                             '{task: [{"attempt_1": grid, "attempt_2": grid}, ...]}')
    parser.add_argument("--attempts", type=int, default=2, choices=(1, 2),
                        help="with --learn-seconds: attempts per test input (default 2)")
    parser.add_argument("--learn-threads", type=int, default=0, metavar="N",
                        help="with --learn-seconds: the learner's torch threads (default 0: all cores)")
    parser.add_argument("--learn-init", metavar="CKPT|none",
                        help="with --learn-seconds: start learning from this checkpoint; 'none': from "
                             "scratch (default: the pretrained ARC model this installation ships, "
                             "assets/models/arc.init.pt)")
    parser.add_argument("--learn-dir", type=Path, metavar="DIR",
                        help="with --learn-seconds: keep each task's learned model here (default: a "
                             "temporary folder, removed at the end)")
    parser.add_argument("--show", action="store_true", help="print the board after every pass (stderr)")
    parser.add_argument("--jsonl", action="store_true",
                        help="one JSON object per puzzle (where, status, verified, passes, work, answer) "
                             "instead of the plain answer lines")
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
    if args.explore is not None and args.explore < 0:
        parser.error("--explore must be 0 (off) or more")
    if args.explore_passes < 1:
        parser.error("--explore-passes must be at least 1")
    if args.commit < 0:
        parser.error("--commit must be 0 (off) or more")
    if args.commit_cells < 1:
        parser.error("--commit-cells must be at least 1")
    if args.explore_noise is not None and not 0.0 <= args.explore_noise < 100.0:
        parser.error("--explore-noise must be in [0, 100)")
    if args.no_fallback and not args.int8:
        parser.error("--no-fallback goes with --int8")
    if args.int8 and args.model is not None:
        parser.error("--int8 picks the shipped int8 model; with --model, name the int8 file itself")
    if args.learn_seconds is not None and not 0 < args.learn_seconds <= 86400:
        parser.error("--learn-seconds must be more than 0 and at most 86400")
    if args.learn_seconds is None and any(v is not None for v in (args.learn_init, args.learn_dir)):
        parser.error("--learn-init and --learn-dir go with --learn-seconds")
    if args.learn_threads < 0:
        parser.error("--learn-threads must be 0 (all cores) or more")
    if not args.file.is_file():
        parser.error(f"{args.file}: no such file")
    try:
        if args.out is not None:
            out = LazyFile(args.out)
            try:
                return run(args, out, sys.stderr)
            finally:
                out.close()
        return run(args, sys.stdout, sys.stderr)
    except InputError as e:
        sys.stderr.write(f"trm-solve: error: {e}\n")
        return 2
    except OSError as e:
        sys.stderr.write(f"trm-solve: error: {e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
