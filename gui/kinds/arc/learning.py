"""LearnBar: "Learn this task" in the ARC tab: a learner process, its progress, its loss curve.

The learner is `python -m training.learn` (it needs torch, which the window never imports), run
with QProcess so nothing blocks: its JSON lines (solver.learning's protocol) move the progress
bar and the loss curve; Cancel stops it (SIGTERM, then a kill). What it learned is kept per task
under the app's data folder, keyed by the task's content, so re-opening a task reuses it. Without
torch the bar says how to install learning, and the rest of the tab works as before.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QPointF, QProcess, QSize, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from solver.kinds.arc import ArcTask, format_arc_task
from solver.learning import LearnEvent, learner_command, learning_available
from solver.models import LEARN_INIT

DEFAULT_SECONDS = 60
MODEL_FILE = "model.onnx"
DONE_FILE = "done.json"  # the learner's "done" event, kept beside the model


def task_key(task: ArcTask) -> str:
    """A task's identity for the cache: its demonstration pairs and test inputs, not its name."""
    return hashlib.sha256(format_arc_task(task).encode("utf-8")).hexdigest()[:16]


class LossCurve(QWidget):
    """The learner's loss against seconds, drawn as it arrives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[float, float]] = []
        self.budget = float(DEFAULT_SECONDS)
        self.setMinimumSize(140, 36)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Training loss of the learner, left to right over its budget")
        self.setAccessibleName("Learning loss curve")

    def sizeHint(self) -> QSize:
        return QSize(220, 40)

    def reset(self, budget: float) -> None:
        self.points, self.budget = [], max(1e-6, budget)
        self.update()

    def add(self, seconds: float, loss: float) -> None:
        self.points.append((seconds, loss))
        self.update()

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(2, 2, -2, -2)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(rect)
        if len(self.points) >= 2:
            top = max(loss for _, loss in self.points) or 1.0
            poly = QPolygonF([
                QPointF(rect.left() + rect.width() * min(1.0, s / self.budget),
                        rect.bottom() - rect.height() * max(0.0, loss) / top)
                for s, loss in self.points
            ])
            painter.setPen(QPen(QColor("#e07b00"), 1.5))
            painter.drawPolyline(poly)
        painter.end()


class LearnBar(QWidget):
    """The controls of learning one task. `learned(path)` says a model for the shown task is
    ready (from the cache or just learned); `forgotten()` that the shown task has none."""

    learned = Signal(object, object)  # (Path to model.onnx, the "done" event dict)
    forgotten = Signal()
    runningChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None, cache_root: Path | None = None) -> None:
        super().__init__(parent)
        self.cache_root = cache_root or default_cache_root()
        self.extra_args: list[str] = []  # more learner flags (tests make it tiny)
        self.task: ArcTask | None = None
        self.process: QProcess | None = None
        self._buffer = b""
        self._final: LearnEvent | None = None
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.timeout.connect(self._kill)

        self.button = QPushButton("Learn this task")
        self.button.setToolTip("Fit a TRM to this task's demonstration pairs on this computer, then Solve "
                               "answers the test input with it")
        self.seconds = QSpinBox()
        self.seconds.setRange(5, 3600)
        self.seconds.setValue(DEFAULT_SECONDS)
        self.seconds.setSuffix(" s")
        self.seconds.setToolTip("How long to learn (the whole of it runs on this computer's CPU)")
        self.seconds.setAccessibleName("Learning budget in seconds")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(180)
        self.curve = LossCurve()
        self.cancel_button = QPushButton("Cancel learning")
        self.cancel_button.setEnabled(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.button, self.seconds, self.progress, self.curve, self.cancel_button):
            row.addWidget(w)
        row.addWidget(self.status, 1)
        self.button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.available, self.why_not = learning_available()
        self._update()

    # -- the task ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.process is not None

    def folder(self, task: ArcTask) -> Path:
        return self.cache_root / task_key(task)

    def set_task(self, task: ArcTask | None) -> None:
        """A new task on show: stop learning the old one; offer the kept model of this one."""
        if self.running:
            self.cancel()
        self.task = task
        self.curve.reset(float(self.seconds.value()))
        self.progress.setValue(0)
        kept = self.kept(task) if task is not None else None
        if kept is not None:
            path, done = kept
            self.status.setText(self.done_text(done, kept=True))
            self.learned.emit(path, done)
        else:
            self.status.setText("" if self.available else self.why_not)
            self.forgotten.emit()
        self._update()

    def kept(self, task: ArcTask) -> tuple[Path, dict] | None:
        """The model learned earlier for this very task, if it is still there and whole."""
        import json

        folder = self.folder(task)
        model, done = folder / MODEL_FILE, folder / DONE_FILE
        if not (model.is_file() and done.is_file() and (folder / (MODEL_FILE + ".json")).is_file()):
            return None
        try:
            data = json.loads(done.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return (model, data) if isinstance(data, dict) else None

    # -- the process ------------------------------------------------------------------------------

    def start(self) -> bool:
        if self.task is None or self.running or not self.available:
            return False
        folder = self.folder(self.task)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in (DONE_FILE, MODEL_FILE, MODEL_FILE + ".json"):
            (folder / stale).unlink(missing_ok=True)
        task_file = folder / "task.json"
        task_file.write_text(format_arc_task(self.task), encoding="utf-8")
        seconds = float(self.seconds.value())
        command = learner_command(task_file, folder, seconds, extra=self.extra_args)
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.SeparateChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        process.errorOccurred.connect(self._error)
        self.process, self._buffer, self._final = process, b"", None
        self.curve.reset(seconds)
        self.progress.setValue(0)
        self.status.setText("Starting the learner…")
        self.forgotten.emit()  # the model being replaced is gone; Solve waits for the new one
        process.start(command[0], command[1:])
        self.runningChanged.emit(True)
        self._update()
        return True

    def cancel(self) -> None:
        if self.process is None:
            return
        self.status.setText("Cancelling…")
        self.process.terminate()
        self._kill_timer.start(5000)

    def wait(self, ms: int = 10000) -> None:
        """Block until the learner ends (window shutdown, tests)."""
        if self.process is not None:
            self.process.waitForFinished(ms)

    def shutdown(self) -> None:
        if self.process is not None:
            self.process.terminate()
            if not self.process.waitForFinished(5000):
                self.process.kill()
                self.process.waitForFinished(2000)

    def _kill(self) -> None:
        if self.process is not None:
            self.process.kill()

    def _read(self) -> None:
        if self.process is None:
            return
        self._buffer += bytes(self.process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            try:
                event = LearnEvent.parse(raw.decode("utf-8", errors="replace"))
            except ValueError as err:
                event = LearnEvent("error", {"event": "error", "message": str(err)})
            if event is not None:
                self._event(event)

    def _event(self, event: LearnEvent) -> None:
        if event.kind == "start":
            self.status.setText(f"Learning {event.get('views')} views of {event.get('demos')} demos on a "
                                f"{event.get('side')}×{event.get('side')} canvas, {starting_point(event.get('init'))}…")
        elif event.kind == "progress":
            seconds, budget = float(event.get("seconds", 0.0)), float(event.get("budget", 1.0) or 1.0)
            self.progress.setValue(int(1000 * min(1.0, seconds / budget)))
            self.curve.add(seconds, float(event.get("loss", 0.0)))
            right = event.get("demos_right", [])
            self.status.setText(f"{seconds:.0f} of {budget:.0f} s, step {event.get('step')}: loss "
                                f"{float(event.get('loss', 0.0)):.3f}, {sum(bool(r) for r in right)} of "
                                f"{len(right)} demos right")
        elif event.final:
            self._final = event

    def _finished(self, code: int, status) -> None:  # type: ignore[no-untyped-def]
        import json

        self._read()
        self._kill_timer.stop()
        final, task, process = self._final, self.task, self.process
        self.process = None
        if process is not None:
            process.deleteLater()
        if final is not None and final.kind == "done" and task is not None:
            folder = self.folder(task)
            (folder / DONE_FILE).write_text(json.dumps(final.data), encoding="utf-8")
            self.progress.setValue(1000)
            self.status.setText(self.done_text(final.data, kept=False))
            self.learned.emit(folder / MODEL_FILE, final.data)
        elif (final is not None and final.kind == "cancelled") or (final is None and code != 0 and self._cancelling()):
            self.status.setText("Learning cancelled; nothing was kept.")
        else:
            why = final.get("message", "") if final is not None else f"the learner stopped (exit code {code})"
            if final is None and process is not None:
                tail = bytes(process.readAllStandardError().data()).decode("utf-8", "replace").strip()
                why += f": {tail.splitlines()[-1]}" if tail else ""
            self.status.setText(f"Learning failed: {why}")
        self.runningChanged.emit(False)
        self._update()

    def _cancelling(self) -> bool:
        return self.status.text().startswith("Cancelling")

    def _error(self, error) -> None:  # type: ignore[no-untyped-def]
        if error == QProcess.ProcessError.FailedToStart:
            program = self.process.program() if self.process is not None else "the learner"
            self.status.setText(f"Learning failed: could not start {program}")
            self.process = None
            self.runningChanged.emit(False)
            self._update()

    # -- text ---------------------------------------------------------------------------------

    @staticmethod
    def done_text(done: dict, kept: bool) -> str:
        wrong = [int(d) + 1 for d in done.get("demos_wrong", [])]
        demos = ("every demo right" if not wrong else
                 f"demo{'s' if len(wrong) > 1 else ''} {', '.join(map(str, wrong))} still wrong (marked)")
        how = "Using the model learned earlier for this task" if kept else "Learned"
        return (f"{how} ({starting_point(done.get('init'))}): {done.get('seconds', 0):.0f} s, "
                f"{done.get('step', 0)} steps, {demos}. "
                "Solve now answers with it in each learned view and votes.")

    def _update(self) -> None:
        running = self.running
        self.button.setEnabled(self.available and self.task is not None and not running)
        self.button.setToolTip(self.why_not if not self.available else self.button.toolTip())
        self.seconds.setEnabled(not running)
        self.cancel_button.setEnabled(running)


def starting_point(init: object) -> str:
    """Where learning started, in words: the learner's "init" (a checkpoint path, or None)."""
    if not init:
        return "from scratch"
    name = Path(str(init)).name
    return "from the pretrained ARC model" if name == LEARN_INIT else f"from {name}"


def default_cache_root() -> Path:
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "learned-arc"


__all__ = ["LearnBar", "LossCurve", "task_key"]

