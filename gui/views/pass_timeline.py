"""PassTimeline: slider, play/pause, speed and steps over a run's passes, plus the chart.

It displays a `gui.run.Run` (every pass of every view of the solve) and owns nothing but where
it is: which frame, which inner step. The run says the order of its frames and which one to follow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.pass_frame import PassFrame
from gui.run import Run
from gui.timeline_cursor import TimelineCursor
from gui.views.halt_chart import HaltChart


class PassTimeline(QWidget):
    """Shows a run's passes one at a time and says which one (and which inner step) to draw."""

    # frame index in the run, inner step or -1 for the pass's end (None through a signal trips a
    # PySide refcount bug, so the sentinel is an int)
    positionChanged = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run: Run | None = None
        self.position_cursor = TimelineCursor()
        self._empty = (0.5, 16)  # threshold and passes the empty chart spans (the model's, once known)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

        style = self.style()
        self.back_pass = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Previous pass (Ctrl+Left)")
        self.back_step = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekBackward), "Previous inner step (Ctrl+Shift+Left)")
        self.play = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play / pause (Ctrl+Space)")
        self.forward_step = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward), "Next inner step (Ctrl+Shift+Right)")
        self.forward_pass = self._button(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Next pass (Ctrl+Right)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Pass timeline")
        self.slider.setEnabled(False)
        self.speed = QSpinBox()
        self.speed.setRange(10, 5000)
        self.speed.setSingleStep(50)
        self.speed.setSuffix(" ms")
        self.speed.setToolTip("Time per step when playing")
        self.speed.setAccessibleName("Playback speed")
        self.label = QLabel("No passes yet")
        self.label.setMinimumWidth(170)
        self.chart = HaltChart()

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        for w in (self.back_pass, self.back_step, self.play, self.forward_step, self.forward_pass):
            controls.addWidget(w)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.label)
        controls.addWidget(self.speed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.chart)

        self.back_pass.clicked.connect(lambda: self.step_pass(-1))
        self.forward_pass.clicked.connect(lambda: self.step_pass(1))
        self.back_step.clicked.connect(lambda: self.step_fine(-1))
        self.forward_step.clicked.connect(lambda: self.step_fine(1))
        self.play.clicked.connect(self.toggle_play)
        self.slider.valueChanged.connect(self._slider_moved)
        self.speed.valueChanged.connect(self._timer.setInterval)
        self.set_speed(250)
        self._sync()

    def _button(self, icon, tip: str) -> QToolButton:  # type: ignore[no-untyped-def]
        button = QToolButton()
        button.setIcon(icon)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        return button

    # -- the run shown ---------------------------------------------------------------------------

    @property
    def run(self) -> Run | None:
        """The run on show (None: no passes for the puzzle on show)."""
        return self._run

    def set_empty_axes(self, threshold: float, capacity: int) -> None:
        """What the chart spans before a run: the threshold and pass cap the next solve will use."""
        self._empty = (threshold, capacity)
        self._sync()

    def show_run(self, run: Run | None) -> None:
        """Display `run` from its start (None: nothing, as for a puzzle not yet solved)."""
        self._run = run
        self.position_cursor.clear()
        self.pause()
        self.refresh()

    def refresh(self, target: int | None = None, follow: bool = False) -> None:
        """The run has news: take its frames; while following, show `target` (default: the
        frame the run points at). `follow` makes the timeline follow again."""
        run = self._run
        if follow:
            self.position_cursor.following = True
        if run is None:
            moved = self.position_cursor.set_frames([])
        else:
            frames = [(i, len(run.frames[i].inner_answers)) for i in run.order()]
            moved = self.position_cursor.set_frames(frames, run.follow_frame() if target is None else target)
        self._sync()
        if moved and not self._timer.isActive():
            self._emit()

    def set_speed(self, ms: int) -> None:
        """Time per step when playing."""
        self.speed.setValue(ms)
        self._timer.setInterval(ms)

    # -- moving --------------------------------------------------------------------------------

    def step_pass(self, delta: int) -> None:
        """To the previous or next pass."""
        if self.position_cursor.step_pass(delta):
            self._moved()

    def step_fine(self, delta: int) -> None:
        """One inner step back or forward (whole passes when the model has no inner steps)."""
        if self.position_cursor.step_fine(delta):
            self._moved()

    def toggle_play(self) -> None:
        """Play from here (from the start when at the end) or pause."""
        if self._timer.isActive():
            self.pause()
            return
        if not self.position_cursor.positions:
            return
        if self.position_cursor.at_end:
            self.position_cursor.move_to(0)
            self._moved()
        self._timer.start()
        self._sync()

    def pause(self) -> None:
        """Stop playing."""
        self._timer.stop()
        self._sync()

    @property
    def playing(self) -> bool:
        """True while the timeline plays."""
        return self._timer.isActive()

    def _tick(self) -> None:
        if not self.position_cursor.step_fine(1):
            self.pause()
            return
        self._moved()
        if self.position_cursor.at_end:
            self.pause()

    def _slider_moved(self, value: int) -> None:
        if value != self.position_cursor.index and self.position_cursor.move_to(value):
            self._moved(update_slider=False)

    def _moved(self, update_slider: bool = True) -> None:
        self._sync(update_slider)
        self._emit()

    def _emit(self) -> None:
        position = self.position_cursor.current
        if position is not None:
            self.positionChanged.emit(position[0], -1 if position[1] is None else position[1])

    @staticmethod
    def _span(run: Run, frame: PassFrame, shown: int) -> int:
        """The passes the chart's x axis spans: up to the cap while passes may still come, then
        just the passes the run made (a 2-pass solve fills the chart, not its left 3%)."""
        if run.running:
            return max(run.capacity + run.track_after(frame.track), shown)
        return max(shown, max(f.number for f in run.frames))

    def _sync(self, update_slider: bool = True) -> None:
        """Bring slider, label, buttons and chart in line with the cursor."""
        n = len(self.position_cursor.positions)
        if update_slider:
            self.slider.blockSignals(True)
            self.slider.setRange(0, max(0, n - 1))
            self.slider.setValue(max(0, self.position_cursor.index))
            self.slider.blockSignals(False)
        self.slider.setEnabled(n > 1)
        has_inner = self._run is not None and any(f.inner_answers for f in self._run.frames)
        for b in (self.back_step, self.forward_step):
            b.setVisible(has_inner)
        for b in (self.back_pass, self.forward_pass, self.back_step, self.forward_step, self.play):
            b.setEnabled(n > 1)
        icon = QStyle.StandardPixmap.SP_MediaPause if self.playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play.setIcon(self.style().standardIcon(icon))
        position = self.position_cursor.current
        run = self._run
        if position is None or run is None:
            self.label.setText("No passes yet")
            threshold, capacity = self._empty
            self.chart.set_series([], [], [], threshold, run.capacity if run is not None else capacity)
            self.chart.set_current(-1)
            return
        index, inner = position
        frame = run.frames[index]
        text = f"Pass {frame.number} / {run.last_number(frame.track)} · {frame.where}"
        if inner is not None:
            text += f" · step {inner + 1}/{len(frame.inner_answers)}"
        text += f" · halt {frame.halt_probability:.0%}"
        self.label.setText(text)
        path = [run.frames[i] for i in run.path(index)]
        threshold = run.model.threshold if run.model is not None else 0.5
        self.chart.set_series(
            [f.number for f in path],
            [f.halt_probability for f in path],
            [f.confident_fraction for f in path],
            threshold,
            self._span(run, frame, path[-1].number),
        )
        self.chart.set_current(frame.number)
