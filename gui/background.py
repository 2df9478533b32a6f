"""BackgroundTask: a one-shot job (generate a puzzle) run on a worker thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from gui.solve_worker import SolveWorker


class BackgroundTask(QObject):
    """Runs `compute()` in a SolveWorker and reports its value on the UI thread."""

    done = Signal(object)
    failed = Signal(str)
    runningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: SolveWorker | None = None

    @property
    def running(self) -> bool:
        """True while a job runs."""
        return self._worker is not None

    def start(self, compute: Callable[[], Any]) -> bool:
        """Start `compute` unless a job already runs; False if one does."""
        if self._worker is not None:
            return False

        def job():  # type: ignore[no-untyped-def]
            yield compute()

        worker = SolveWorker(job)
        worker.yielded.connect(self._on_value)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        self._worker = worker
        self.runningChanged.emit(True)
        worker.start()
        return True

    def wait(self, ms: int = 5000) -> None:
        """Block until the job ends (shutdown)."""
        if self._worker is not None:
            self._worker.wait(ms)

    @Slot(object)
    def _on_value(self, value: object) -> None:
        self.done.emit(value)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.failed.emit(message)

    @Slot()
    def _on_stopped(self) -> None:
        worker = self._worker
        self._worker = None
        if worker is not None:
            worker.wait(2000)
        self.runningChanged.emit(False)
