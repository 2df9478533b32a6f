"""Test-time learning as a separate process: start ``python -m training.learn``, read its events.

Learning needs torch, which the app never imports: the learner runs as its own process (the
`train` extra installs it) and reports progress as JSON lines on its stdout (the protocol is
documented in training/learn.py). This module starts it, turns each line into a `LearnEvent`,
and cancels it (SIGTERM, then a kill) without ever importing torch. Without torch,
`learning_available()` says why and `LearningProcess.start` raises `LearningUnavailable` (an
ImportError) with the install line.

A frozen app (PyInstaller) has no interpreter to start a module with: its learner is the learning
add-on, a second PyInstaller folder with CPU torch (packaging/README.md,
``packaging/build_learn.py``) unpacked into the app's folder as ``learn/``; `learner_command` starts its ``trm-learn``,
which speaks the same protocol.

    process = LearningProcess.start(task_file, out_dir, seconds=60)
    for event in process.events():          # blocks per line; "done", "error" or "cancelled" ends it
        ...
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROTOCOL = 1  # the version training.learn writes in its "start" event
INSTALL_HINT = "pip install 'trm-puzzles[train]'  (from a source checkout: pip install -e '.[train]')"
FINAL_EVENTS = ("done", "error", "cancelled")
LEARN_FOLDER = "learn"  # a frozen app's learning add-on, unpacked beside its executables


class LearningUnavailable(ImportError):
    """Learning needs torch and the training package, and this Python has not got them."""


def learning_available() -> tuple[bool, str]:
    """(True, "") when ``python -m training.learn`` can run here, else (False, why and how to fix).

    Looks for the modules without importing them (importing torch takes seconds and memory).
    A frozen build (PyInstaller) has no interpreter to start a module with.
    """
    if getattr(sys, "frozen", False):
        if frozen_learner().is_file():
            return True, ""
        return False, ("this build of trm-puzzles has no learning. To learn ARC tasks, unpack the "
                       "learning add-on (trm-puzzles-<version>-<system>-learn.tar.xz, from where this "
                       f"build came) into {Path(sys.executable).parent}, so that it holds "
                       f"{LEARN_FOLDER}/{frozen_learner().name}; or install trm-puzzles with Python "
                       f"and the train extra: {INSTALL_HINT}")
    for module in ("torch", "training", "onnx"):
        if importlib.util.find_spec(module) is None:
            return False, f"learning an ARC task needs {module}, which is not installed: {INSTALL_HINT}"
    return True, ""


@dataclass(frozen=True)
class LearnEvent:
    """One line of the learner's output: `kind` is its "event" ("start", "progress", "done",
    "error", "cancelled"); `data` the whole object."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.kind in FINAL_EVENTS

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @staticmethod
    def parse(line: str) -> LearnEvent | None:
        """The event on a line, None for a blank one; ValueError for a line that is not one."""
        line = line.strip()
        if not line:
            return None
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"the learner wrote a line that is not JSON ({err.msg}): {line[:120]!r}") from None
        if not isinstance(data, dict) or not isinstance(data.get("event"), str):
            raise ValueError(f"the learner wrote a JSON line without an \"event\": {line[:120]!r}")
        if data["event"] == "start" and data.get("protocol") != PROTOCOL:
            raise ValueError(f"the learner speaks protocol {data.get('protocol')}, this app reads {PROTOCOL}")
        return LearnEvent(data["event"], data)


def frozen_learner() -> Path:
    """Where a frozen app's learning add-on keeps its executable: ``learn/trm-learn`` beside the
    app's own executables (the add-on is a PyInstaller folder of its own, with CPU torch)."""
    name = "trm-learn.exe" if sys.platform == "win32" else "trm-learn"
    return Path(sys.executable).resolve().parent / LEARN_FOLDER / name


def learner_command(task_file: Path, out_dir: Path, seconds: float, task_id: str | None = None,
                    extra: Sequence[str] = ()) -> list[str]:
    program = [str(frozen_learner())] if getattr(sys, "frozen", False) else [sys.executable, "-m", "training.learn"]
    command = [*program, str(task_file), "--out", str(out_dir), "--seconds", f"{seconds:g}"]
    if task_id:
        command += ["--task", task_id]
    return command + list(extra)


class LearningProcess:
    """A running learner. Iterate `events()`; `cancel()` from any thread stops it."""

    def __init__(self, popen: subprocess.Popen[str], stderr: Any = None) -> None:
        self.popen = popen
        self.stderr = stderr  # a temporary file: a pipe nobody reads could fill and stall the learner

    @staticmethod
    def start(task_file: Path, out_dir: Path, seconds: float, task_id: str | None = None,
              extra: Sequence[str] = (), env: dict[str, str] | None = None) -> LearningProcess:
        ok, why = learning_available()
        if not ok:
            raise LearningUnavailable(why)
        if not seconds > 0:
            raise ValueError(f"a learning budget must be positive, not {seconds} s")
        stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by close()
        popen = subprocess.Popen(
            learner_command(task_file, out_dir, seconds, task_id, extra),
            stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8",
            env={**os.environ, **(env or {})}, bufsize=1,
        )
        return LearningProcess(popen, stderr)

    def events(self) -> Iterator[LearnEvent]:
        """Events as the learner writes them, ending with its final one. A learner that dies
        without one gives an "error" event quoting the end of its stderr."""
        assert self.popen.stdout is not None
        final = False
        for line in self.popen.stdout:
            try:
                event = LearnEvent.parse(line)
            except ValueError as err:
                event = LearnEvent("error", {"event": "error", "message": str(err)})
            if event is None:
                continue
            yield event
            if event.final:
                final = True
                break
        code = self.popen.wait()
        if not final:
            tail = self._stderr_tail()
            yield LearnEvent("error", {"event": "error", "message":
                                       f"the learner stopped (exit code {code}) without a result"
                                       + (f": {tail}" if tail else "")})

    def _stderr_tail(self) -> str:
        if self.stderr is None:
            return ""
        try:
            self.stderr.seek(0)
            lines = [ln.rstrip() for ln in self.stderr.read().splitlines() if ln.strip()]
        except (OSError, ValueError):
            return ""
        return " | ".join(lines[-3:])

    def cancel(self, wait: float = 5.0) -> None:
        """Ask the learner to stop (it answers "cancelled"); kill it if it has not after `wait` s."""
        if self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(wait)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def close(self) -> None:
        self.cancel()
        for stream in (self.popen.stdout, self.stderr):
            if stream is not None:
                stream.close()
