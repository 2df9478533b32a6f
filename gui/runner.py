"""Runner: starts and stops the worker of a tab's runs, and files what the worker reports into the run.

The worker only emits messages (copies); the runner, on the UI thread, puts each into the run it
belongs to and tells the tab. A run that is no longer the tab's current one (cancelled, or its
puzzle changed) gets nothing more: its worker's late messages are dropped.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from gui.run import ModelLoaded, Run
from gui.solve_job import SolveRequest, run_job
from gui.solve_worker import SolveWorker

log = logging.getLogger(__name__)

KEEP_THINKING_PASSES = 8  # passes added by one "Keep thinking"


class Runner(QObject):
    """Runs one tab's solves, one at a time; `run` is the tab's current run (or None)."""

    changed = Signal(object)  # Run: a frame, a stage or the model arrived
    ended = Signal(object)  # Run: done, cancelled or failed
    modelUsed = Signal(object)  # ModelUsed, for the status bar
    runningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run: Run | None = None
        self._worker: SolveWorker | None = None
        self._retired: list[SolveWorker] = []  # cancelled workers still finishing a pass

    @property
    def running(self) -> bool:
        """True while a solve is under way."""
        return self._worker is not None

    def start(self, run: Run, request: SolveRequest) -> None:
        """A fresh run (any other is cancelled first)."""
        self.cancel()
        self.run = run
        self._launch(request)

    def keep_thinking(self, request: SolveRequest) -> bool:
        """Continue the current run from its carry; False when there is nothing to continue."""
        run = self.run
        if self.running or run is None or run.carry is None or request.carry is not run.carry:
            return False
        run.resume(request.more_passes)
        self._launch(request)
        return True

    def cancel(self) -> None:
        """Stop now: the window stops listening at once; the thread ends after its current pass."""
        worker = self._worker
        if worker is None:
            return
        worker.cancel()
        worker.yielded.disconnect(self._on_message)
        self._worker = None
        self._retired.append(worker)
        run = self.run
        if run is not None:
            run.cancel()
            self.ended.emit(run)
        self.runningChanged.emit(False)

    def forget(self) -> None:
        """The puzzle changed: stop, and drop the run (nothing of it may show over another puzzle)."""
        self.cancel()
        if self.run is not None:
            self.run = None
            self.runningChanged.emit(False)

    def shutdown(self, ms: int = 3000) -> None:
        """Cancel and wait for every thread (the window is closing)."""
        self.cancel()
        for worker in self._retired:
            worker.wait(ms)
        self._retired.clear()

    def _launch(self, request: SolveRequest) -> None:
        worker = SolveWorker(lambda: run_job(request))
        worker.yielded.connect(self._on_message)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        self._worker = worker
        self.runningChanged.emit(True)
        worker.start()

    @Slot(object)
    def _on_message(self, message: object) -> None:
        if self.sender() is not self._worker or self.run is None:
            return  # a cancelled run's last messages, already queued when it was cancelled
        self.run.take(message)  # type: ignore[arg-type]
        if isinstance(message, ModelLoaded):
            self.modelUsed.emit(message.model)
        self.changed.emit(self.run)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self.sender() is self._worker and self.run is not None:
            self.run.error = message

    @Slot()
    def _on_stopped(self) -> None:
        worker = self.sender()
        if worker is self._worker:
            self._worker = None
            run = self.run
            if run is not None:
                run.end()
                self.ended.emit(run)
            self.runningChanged.emit(False)
        if isinstance(worker, SolveWorker):
            worker.wait(2000)
            if worker in self._retired:
                self._retired.remove(worker)
