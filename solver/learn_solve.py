"""`trm-solve TASKS.json --kind arc --learn-seconds S`: learn each ARC task, then answer its tests.

For every task of the file (one task file, or a combined ``*_challenges.json``): the learner
process (`solver.learning`, ``python -m training.learn``) fits a TRM to the task's demonstration
pairs for S seconds; the app's solve pipeline then runs the learned model on every test input in
each view the model learned, maps the answers back and votes (solver/tta.py). The two best
distinct answers are attempt 1 and attempt 2, written in the ARC Prize submission layout::

    {"<task id>": [{"attempt_1": grid, "attempt_2": grid}, ...one per test input...], ...}

When the file holds the test outputs (a solutions-merged task, as the training and evaluation
task files are), the summary scores it the official way: a test input counts if either attempt
is exact, a task scores the fraction of its test inputs, and the score is the mean over tasks.
A task whose learning fails gets its test inputs as both attempts (a copy is a real, if weak,
ARC answer), and a warning naming the task and why.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from solver.learning import LearnEvent, LearningProcess
from solver.result import SolveResult
from solver.session import ModelSession, SessionSettings
from solver.solve import Solved, SolveSettings, solve


@dataclass
class TaskOutcome:
    """What became of one task: its attempts per test input, and how it was learned."""

    task: str
    attempts: list[list[np.ndarray]]  # per test input, 1 or 2 distinct grids, best first
    votes: list[list[int]] = field(default_factory=list)  # the views behind each attempt
    right: list[bool] | None = None  # per test input: an attempt is exact (when outputs are known)
    learn: dict[str, Any] = field(default_factory=dict)  # the learner's "done" event
    error: str = ""  # why learning failed (then the attempts are copies of the inputs)
    seconds: float = 0.0  # the whole task: learning, export and solving

    @property
    def score(self) -> float | None:
        """The official per-task score: the fraction of its test inputs answered."""
        if self.right is None or not self.right:
            return None
        return sum(self.right) / len(self.right)

    def submission(self) -> list[dict[str, list[list[int]]]]:
        entries = []
        for grids in self.attempts:
            entry = {f"attempt_{k + 1}": np.asarray(g).tolist() for k, g in enumerate(grids)}
            entries.append(entry)
        return entries


def attempts_from(result: SolveResult, count: int) -> tuple[list[np.ndarray], list[int]]:
    """The `count` best distinct answers of a voted result (fewer if the views agreed)."""
    if result.attempts:
        chosen = [a for a in result.attempts if a.answer is not None and np.asarray(a.answer).size][:count]
        if chosen:
            return [np.asarray(a.answer) for a in chosen], [a.votes for a in chosen]
    if result.answer is not None:
        return [np.asarray(result.answer)], [result.views]
    return [], []


def solve_task_tests(model_path: Path, tests: Sequence[np.ndarray], attempts: int,
                     force_cpu: bool = False) -> list[tuple[list[np.ndarray], list[int]]]:
    """Run the learned model on each test input in all its learned views; the voted attempts."""
    session = ModelSession.open(model_path, SessionSettings(force_cpu=force_cpu))
    views = max(1, int(getattr(session.kind.codec, "views", 1)))
    settings = SolveSettings(tta=views, retry_tta=0, explore=0)
    results: dict[int, SolveResult] = {}
    for event in solve(session.loop(), list(tests), settings, np.random.default_rng(0)):
        if isinstance(event, Solved):
            results[event.puzzle] = event.result
    return [attempts_from(results[i], attempts) for i in range(len(tests))]


def learn_and_solve(task: Any, seconds: float, workdir: Path, attempts: int = 2,
                    extra: Sequence[str] = (), on_event: Callable[[LearnEvent], None] | None = None,
                    force_cpu: bool = False) -> TaskOutcome:
    """Learn one ArcTask in its own process, then answer its test inputs."""
    from solver.kinds.arc.formats import format_arc_task  # ARC's own layout; imported when used

    started = time.perf_counter()
    tests = [pair.input for pair in task.test]
    copies = [[np.asarray(t)] for t in tests]
    outcome = TaskOutcome(task.name, copies, [[0] for _ in tests])
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in task.name) or "task"
    folder = workdir / safe
    folder.mkdir(parents=True, exist_ok=True)
    task_file = folder / "task.json"
    task_file.write_text(format_arc_task(task), encoding="utf-8")
    process = LearningProcess.start(task_file, folder, seconds, extra=extra)
    try:
        for event in process.events():
            if on_event is not None:
                on_event(event)
            if event.kind == "done":
                outcome.learn = event.data
            elif event.kind in ("error", "cancelled"):
                outcome.error = str(event.get("message", event.kind))
    finally:
        process.close()
    if not outcome.error:
        try:
            solved = solve_task_tests(Path(outcome.learn["model"]), tests, attempts, force_cpu)
            outcome.attempts = [grids or [np.asarray(t)] for (grids, _), t in zip(solved, tests, strict=True)]
            outcome.votes = [v or [0] for _, v in solved]
        except (ValueError, KeyError) as err:
            outcome.error = f"the learned model did not run: {err}"
    outcome.right = score_attempts(task, outcome.attempts)
    outcome.seconds = time.perf_counter() - started
    return outcome


def score_attempts(task: Any, attempts: Sequence[Sequence[np.ndarray]]) -> list[bool] | None:
    """Per test input, whether an attempt equals the known output; None if outputs are unknown."""
    outputs = [pair.output for pair in task.test]
    if any(o is None for o in outputs):
        return None
    return [any(np.array_equal(np.asarray(g), o) for g in grids) for grids, o in zip(attempts, outputs, strict=True)]


class TaskProgress:
    """A progress bar over tasks on stderr (a terminal only), advancing within a task as its
    learner reports."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream, self.done = total, stream, 0
        self.enabled = stream.isatty() and total > 0
        self.started = time.perf_counter()

    def within(self, event: LearnEvent) -> None:
        if event.kind == "progress":
            budget = float(event.get("budget", 1.0) or 1.0)
            self.draw(min(1.0, float(event.get("seconds", 0.0)) / budget),
                      f"loss {float(event.get('loss', 0.0)):.3f}, demos {100 * float(event.get('demo_exact', 0.0)):.0f}%")

    def finish_task(self) -> None:
        self.done += 1
        self.draw(0.0, "")

    def draw(self, fraction: float, note: str) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * (self.done + fraction) / self.total)
        per_task = (time.perf_counter() - self.started) / max(1, self.done) if self.done else 0.0
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] task {min(self.done + 1, self.total)}/"
                          f"{self.total} {note:<32} {per_task:.0f} s/task")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def run_tasks(tasks: Sequence[Any], seconds: float, attempts: int, err: TextIO,
              keep: Path | None = None, extra: Sequence[str] = (), force_cpu: bool = False) -> list[TaskOutcome]:
    """Learn and answer every task in turn; warnings and the progress bar go to `err`."""
    workdir = keep or Path(tempfile.mkdtemp(prefix="trm-learn-"))
    progress = TaskProgress(len(tasks), err)
    outcomes = []
    try:
        for task in tasks:
            outcome = learn_and_solve(task, seconds, workdir, attempts, extra, progress.within, force_cpu)
            if outcome.error:
                err.write(f"\ntrm-solve: warning: task {task.name}: {outcome.error}; its test inputs "
                          "are written as their own attempts\n")
            outcomes.append(outcome)
            progress.finish_task()
    finally:
        progress.close()
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return outcomes


def summary_line(outcomes: Sequence[TaskOutcome], seconds: float, attempts: int = 2) -> str:
    n = len(outcomes)
    tests = sum(len(o.attempts) for o in outcomes)
    failed = sum(bool(o.error) for o in outcomes)
    mean = sum(o.seconds for o in outcomes) / n if n else 0.0
    steps = [int(o.learn.get("step", 0)) for o in outcomes if o.learn]
    fit = sum(1 for o in outcomes if o.learn and not o.learn.get("demos_wrong"))
    line = (f"{n} tasks, {tests} test inputs: learned {n - failed} ({fit} fit every demo), "
            f"mean {mean:.1f} s a task ({seconds:.0f} s in all)")
    if steps:
        line += f", {min(steps)}-{max(steps)} optimiser steps a task"
    starts = {Path(o.learn["init"]).name if o.learn.get("init") else "scratch" for o in outcomes if o.learn}
    if starts:
        line += ", from " + " and ".join(sorted(starts))
    scores = [o.score for o in outcomes if o.score is not None]
    if scores:
        line += (f"; score {100 * sum(scores) / len(scores):.1f}% pass@{attempts} over {len(scores)} tasks with "
                 f"known outputs ({sum(s == 1.0 for s in scores)} fully right)")
    return line
