"""SolveWorker: runs a generator job (a solve, a puzzle generation) off the UI thread.

The job is a plain generator from the core; every item it yields is emitted as `yielded` (the
job must yield copies: the UI keeps them). Cancel sets a flag checked between items and closes
the generator, so the model is never called again after a cancel; a pass already running in
onnxruntime finishes first, but the window has stopped listening by then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

log = logging.getLogger(__name__)

Job = Callable[[], Iterator[Any]]


class SolveWorker(QObject):
    """Iterates a job's generator in its own QThread and reports each item."""

    yielded = Signal(object)
    finished = Signal()  # the job ran to its end (not emitted after a cancel or an error)
    failed = Signal(str)
    stopped = Signal()  # always last: the thread is done with the job

    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job
        self._cancel = threading.Event()
        self.thread = QThread()
        self.thread.setObjectName("SolveWorker")
        self.moveToThread(self.thread)
        self.thread.started.connect(self.run)
        # Direct: the QThread object lives on the UI thread, so a queued quit would wait for the
        # UI's event loop, and shutdown() blocks that loop in wait() (the wait then timed out and
        # the thread was destroyed while running: an abort on closing the window mid-solve).
        self.stopped.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        """Start the job in the worker thread."""
        self.thread.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next item; safe from any thread."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._cancel.is_set()

    def wait(self, ms: int = 5000) -> bool:
        """Block until the thread ends (for shutdown and tests)."""
        return self.thread.wait(ms)

    @Slot()
    def run(self) -> None:
        """The thread's body: iterate until done, cancelled or failed."""
        generator: Iterator[Any] | None = None
        try:
            generator = self._job()
            for item in generator:
                if self._cancel.is_set():
                    break
                self.yielded.emit(item)
                if self._cancel.is_set():
                    break
            else:
                self.finished.emit()
        except Exception as err:
            log.exception("background job failed")
            self.failed.emit(str(err) or type(err).__name__)
        finally:
            close = getattr(generator, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:
                    log.exception("closing the job failed")
            self.stopped.emit()
