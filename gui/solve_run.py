"""SolveRun: one panel's solving: starts the worker, feeds the timeline, reports the end state."""

from __future__ import annotations

import dataclasses
import logging
import time

from PySide6.QtCore import QObject, Signal, Slot

from gui.pass_frame import PassFrame
from gui.solve_job import ModelReady, Notice, PassEvent, Retrying, SolveRequest, TtaVote, run_solve
from gui.solve_worker import SolveWorker
from gui.views.pass_timeline import PassTimeline
from solver.halting import Carry
from solver.result import SolveResult

log = logging.getLogger(__name__)

KEEP_THINKING_PASSES = 8  # passes added by one "Keep thinking"


class SolveRun(QObject):
    """Runs solves for one board, one at a time; the panel paints what it reports."""

    frameShown = Signal(object, int)  # PassFrame to paint, inner step index or -1 (its end)
    modelReady = Signal(object)  # ModelReady
    notice = Signal(str)
    resultReady = Signal(object)  # SolveResult
    retrying = Signal(int, int, int)  # views being tried, passes the first answer took, the retry's passes
    failed = Signal(str)
    runningChanged = Signal(bool)
    cancelled = Signal()

    def __init__(self, timeline: PassTimeline, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.timeline.positionChanged.connect(self._show_position)
        self._worker: SolveWorker | None = None
        self._retired: list[SolveWorker] = []  # cancelled workers still finishing a pass
        self._request: SolveRequest | None = None
        self.last_result: SolveResult | None = None
        self.last_carry: Carry | None = None
        self.model: ModelReady | None = None
        self.started_at = 0.0
        self.finished_at = 0.0

    @property
    def running(self) -> bool:
        """True while a solve is under way."""
        return self._worker is not None

    @property
    def frames(self) -> list[PassFrame]:
        """The passes recorded so far."""
        return self.timeline.frames

    def start(self, request: SolveRequest) -> None:
        """A fresh solve: the timeline starts empty."""
        self.cancel()
        self.last_result, self.last_carry = None, None
        self.timeline.reset(0.5, request.max_passes or 16)
        self._launch(request)

    def forget(self) -> None:
        """The puzzle on screen changed: this run no longer belongs to it. Stop it, and drop its
        request, carry, result and passes, so nothing of it (not "Keep thinking", not
        "verified") can be shown over another puzzle."""
        self.cancel()
        self._request = None
        self.last_result, self.last_carry = None, None
        self.timeline.reset(0.5, self.timeline_capacity())
        self.runningChanged.emit(False)

    def timeline_capacity(self) -> int:
        return self.model.max_passes if self.model is not None else 16

    def keep_thinking(self, passes: int = KEEP_THINKING_PASSES) -> bool:
        """Continue past the halt from the last pass; False when there is nothing to continue."""
        if self.running or self._request is None or self.last_carry is None:
            return False
        request = dataclasses.replace(
            self._request, carry=self.last_carry, more_passes=passes, precheck=None, tta_k=1
        )
        self.timeline.extend_capacity(self.last_carry.passes + passes)
        self._launch(request)
        return True

    def cancel(self) -> None:
        """Stop now: the window stops listening at once; the thread ends after its current pass."""
        worker = self._worker
        if worker is None:
            return
        worker.cancel()
        worker.yielded.disconnect(self._on_item)
        self._worker = None
        self._retired.append(worker)
        self.finished_at = time.perf_counter()
        self.runningChanged.emit(False)
        self.cancelled.emit()

    def shutdown(self, ms: int = 3000) -> None:
        """Cancel and wait for every thread (the window is closing)."""
        self.cancel()
        for worker in self._retired:
            worker.wait(ms)
        self._retired.clear()

    def _launch(self, request: SolveRequest) -> None:
        self._request = request
        worker = SolveWorker(lambda: run_solve(request))
        worker.yielded.connect(self._on_item)
        worker.failed.connect(self._on_failed)
        worker.stopped.connect(self._on_stopped)
        self._worker = worker
        self.started_at = time.perf_counter()
        self.finished_at = 0.0
        self.runningChanged.emit(True)
        worker.start()

    @Slot(object)
    def _on_item(self, item: object) -> None:
        if self.sender() is not self._worker:
            return  # a cancelled run's last items, already queued when it was cancelled
        if isinstance(item, Notice):
            self.notice.emit(item.text)
        elif isinstance(item, ModelReady):
            self.model = item
            if self._request is not None and self._request.carry is None:
                self.timeline.reset(item.threshold, item.max_passes)
            self.modelReady.emit(item)
        elif isinstance(item, PassEvent):
            self.timeline.add_frame(item.frame)
            if item.carry is not None:
                self.last_carry = item.carry
            if item.result is not None:
                self.last_result = item.result
                self.resultReady.emit(item.result)
        elif isinstance(item, Retrying):
            self.retrying.emit(item.k, item.passes, item.view_pass)
        elif isinstance(item, TtaVote):
            self.last_result, self.last_carry = item.result, item.carry
            self.resultReady.emit(item.result)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        if self.sender() is self._worker:
            self.failed.emit(message)

    @Slot()
    def _on_stopped(self) -> None:
        worker = self.sender()
        if worker is self._worker:
            self._worker = None
            self.finished_at = time.perf_counter()
            self.runningChanged.emit(False)
        if isinstance(worker, SolveWorker):
            worker.wait(2000)
            if worker in self._retired:
                self._retired.remove(worker)

    @Slot(int, int)
    def _show_position(self, index: int, inner: int) -> None:
        if 0 <= index < len(self.timeline.frames):
            self.frameShown.emit(self.timeline.frames[index], inner)
