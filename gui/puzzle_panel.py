"""PuzzlePanel: what the Sudoku, maze and ARC tabs share: messages, undo stack and the solve life cycle."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.pass_frame import PassFrame
from gui.result_text import ERROR, INFO, WARNING
from gui.solve_job import ModelHandle, SolveOptions, SolveRequest
from gui.solve_run import SolveRun
from gui.views.message_banner import MessageBanner
from gui.views.pass_timeline import PassTimeline
from solver.result import SolveResult

T = TypeVar("T")


class PuzzlePanel(QWidget):
    """One puzzle tab: a banner, a result line, Solve/Cancel/Keep thinking and a pass timeline.

    Subclasses lay the widgets out, then call `_refresh()` and `_running_changed(False)`, and fill in
    `_solve_request` (check the puzzle, build the request), `_draw_frame` and `_show_result`.
    """

    kind = ""
    titleChanged = Signal(str)
    statusChanged = Signal()
    shows_notices = True  # the run's notices (e.g. about TTA) become warnings in the banner
    max_tta: int | None = None  # caps the person's TTA views for this kind

    def __init__(
        self,
        load_model: Callable[[], Callable[[], ModelHandle]],
        solve_options: Callable[[], SolveOptions],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._load_model = load_model  # -> a loader the worker calls
        self._solve_options = solve_options  # -> the person's passes, threshold, TTA
        self.undo_stack = QUndoStack(self)
        self.file_path: Path | None = None
        self.step_wrapper = None  # tests slow the model down through this

        self.banner = MessageBanner()
        self.timeline = PassTimeline()
        self.run = SolveRun(self.timeline, self)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.solve_button = QPushButton("Solve")
        self.cancel_button = QPushButton("Cancel")
        self.keep_button = QPushButton("Keep thinking")

        self.solve_button.clicked.connect(self.solve)
        self.cancel_button.clicked.connect(self.cancel)
        self.keep_button.clicked.connect(self.keep_thinking)
        self.run.frameShown.connect(self._show_frame)
        self.run.resultReady.connect(self._show_result)
        self.run.retrying.connect(self._retrying)
        if self.shows_notices:
            self.run.notice.connect(lambda text: self.show_message(text, WARNING))
        self.run.failed.connect(self._solve_failed)
        self.run.runningChanged.connect(self._running_changed)
        self.run.cancelled.connect(self._cancelled)

    def _lay_out(self, top: QHBoxLayout, board: QWidget) -> None:
        """Top to bottom: banner, `top`, the board, the result line, the solve buttons, the timeline."""
        buttons = QHBoxLayout()
        for button in (self.solve_button, self.cancel_button, self.keep_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(board, 1)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        layout.addWidget(self.timeline)

    # -- messages ------------------------------------------------------------------------------

    def show_message(self, text: str, level: str = INFO) -> None:
        """A non-modal message above the puzzle (tests read it from `banner`)."""
        logging.getLogger(type(self).__module__).info("%s: %s", level, text)
        self.banner.show_message(text, level)

    def _read(self, read: Callable[[], T], failure: str, errors: tuple[type[Exception], ...] = (ValueError,)) -> T | None:
        """`read()`, or None after an error message '<failure>: <why>' (the puzzle on show stays)."""
        try:
            return read()
        except errors as err:
            self.show_message(f"{failure}: {err}", ERROR)
            return None

    # -- solving -------------------------------------------------------------------------------

    def _solve_request(self) -> SolveRequest | None:
        """The request for the puzzle on show, or None after a message saying why it cannot be solved."""
        raise NotImplementedError

    def _request_for(self, puzzle: object, precheck: Callable[[], str] | None = None) -> SolveRequest:
        """A request for `puzzle` with the person's passes, threshold and TTA."""
        options = self._solve_options()
        tta_k = options.tta_k if self.max_tta is None else min(options.tta_k, self.max_tta)
        return SolveRequest(
            puzzle=puzzle,
            load_model=self._load_model(),
            max_passes=options.max_passes,
            threshold=options.threshold,
            tta_k=tta_k,
            retry_tta=options.retry_tta,
            precheck=precheck,
            step_wrapper=self.step_wrapper,
        )

    def solve(self) -> bool:
        """Run the model on the puzzle on show on a worker thread."""
        if self.run.running:
            return False
        request = self._solve_request()
        if request is None:
            return False
        self.banner.clear()
        self.result_label.setStyleSheet("")
        self.result_label.setText("Solving…")
        self.run.start(request)
        return True

    def cancel(self) -> None:
        """Stop the model now."""
        self.run.cancel()

    def puzzle_changed(self) -> None:
        """A new, generated, pasted, opened, stepped-to or edited puzzle: the run and everything it
        says (timeline, chart, result line, Keep thinking) belong to the puzzle that was there."""
        self.run.forget()
        self.result_label.setStyleSheet("")
        self.result_label.clear()
        self.keep_button.setEnabled(False)
        self.statusChanged.emit()

    def keep_thinking(self) -> bool:
        """More passes from where the model stopped."""
        if self.run.keep_thinking():
            self._thinking_further()
            return True
        return False

    def _thinking_further(self) -> None:
        """Keep thinking has started."""

    def _draw_frame(self, frame: PassFrame, inner: int) -> bool:
        """Draw one pass; False when there was nothing to draw (the status stays)."""
        raise NotImplementedError

    @Slot(object, int)
    def _show_frame(self, frame: PassFrame, inner: int) -> None:
        if self._draw_frame(frame, inner):
            self.statusChanged.emit()

    def _show_result(self, result: SolveResult) -> None:
        raise NotImplementedError

    def _differs_from_drawn(self, voted: np.ndarray, result: SolveResult) -> np.ndarray | None:
        """`result`'s rule violations on `voted` when a TTA vote or a retry picked an answer other
        than the last one drawn (shaped like it); None when the drawn answer is the result."""
        if not self.run.frames:
            return None
        drawn = self.run.frames[-1].answer
        if voted.shape != drawn.shape or np.array_equal(voted, drawn):
            return None
        bad = np.zeros(voted.size, bool)
        bad[[c for c in result.bad_cells if 0 <= c < voted.size]] = True
        return bad.reshape(voted.shape)

    @Slot(int, int, int)
    def _retrying(self, k: int, passes: int, view_pass: int) -> None:
        """The answer did not verify; the solver is trying other views of the puzzle."""
        self.result_label.setStyleSheet("")
        progress = f" (pass {view_pass})" if view_pass else ""
        self.result_label.setText(f"Not verified after {passes} passes: trying {k} other symmetric views "
                                  f"of the puzzle (rotations, relabellings){progress}…")

    @Slot(str)
    def _solve_failed(self, message: str) -> None:
        self.show_message(f"The model could not run: {message}", ERROR)

    @Slot()
    def _cancelled(self) -> None:
        self.result_label.setText(f"Cancelled after {len(self.run.frames)} pass(es).")

    @Slot(bool)
    def _running_changed(self, running: bool) -> None:
        self.solve_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.keep_button.setEnabled(not running and self.run.last_carry is not None)
        self.statusChanged.emit()
