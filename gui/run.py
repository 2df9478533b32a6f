"""A run: one solve of one puzzle, owning what it was computed for, every pass, and how it ended.

The window keeps at most one run per tab, for the puzzle on show. A run holds a snapshot of the
puzzle as it was solved and the revision of the tab's puzzle at that moment, so a result can only
ever be shown over the puzzle it belongs to. Its frames are every pass of every stage and view
(the first try, the other views of a second chance, keep thinking), mapped onto the puzzle as
entered. Views display a run; they never hold frames of their own. No Qt here: the worker's
messages are filed into a run on the UI thread by `gui.runner.Runner`.
"""

from __future__ import annotations

import copy
import enum
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from gui.devices import device_label, why_not_cuda
from gui.pass_frame import EXPLORATION, FIRST_TRY, KEEP_THINKING, OTHER_VIEWS, PassFrame
from solver.halting import Carry
from solver.kinds import Kind
from solver.result import SolveResult

Track = tuple[str, int]  # (stage, view): one line of passes (see PassFrame.track)


class RunState(enum.Enum):
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(frozen=True)
class ModelUsed:
    """Which model a run ran, in the words the status bar and the result line use."""

    name: str  # the file's stem
    path: str
    origin: str  # "shipped", "settings" (a file the person chose in Preferences) or "learned" (ARC)
    provider: str  # onnxruntime's provider name
    provider_line: str  # one line: which provider runs and why
    max_passes: int  # the loop's cap for one view
    threshold: float  # the halting threshold the loop uses
    measured: bool  # the model's card holds measured accuracy
    note: str = ""  # the card's provenance note ("randomly initialised test model", ...)
    device: str = ""  # the GPU's name when the provider is CUDA

    @property
    def device_label(self) -> str:
        """"CPU" or "CUDA (device name)"."""
        return device_label(self.provider, self.device)

    @property
    def why_not_cuda(self) -> str:
        """Why the CPU runs the model ("forced", a loader's message ...); "" on CUDA."""
        return why_not_cuda(self.provider, self.provider_line)

    @property
    def described(self) -> str:
        """"the shipped model sudoku", or "the model you chose, tiny_arc (accuracy not measured; ...)"."""
        if self.origin == "shipped":
            return f"the shipped model {self.name}"
        if self.origin == "learned":
            return "the model learned for this task"
        parts = [] if self.measured else ["accuracy not measured"]
        if self.note:
            parts.append(f"its card says: {self.note}")
        return f"the model you chose, {self.name}" + (f" ({'; '.join(parts)})" if parts else "")


# -- what the worker sends (plain values; every array a fresh copy) ---------------------------


@dataclass(frozen=True)
class Noted:
    """Something to tell the person before the passes start (the exact solver's note)."""

    text: str


@dataclass(frozen=True)
class ModelLoaded:
    model: ModelUsed


@dataclass(frozen=True)
class StageBegan:
    """A step of the pipeline begins: `views` views, after `after` passes of the puzzle."""

    stage: str
    views: int
    after: int = 0


@dataclass(frozen=True, eq=False)
class FrameMade:
    frame: PassFrame


@dataclass(frozen=True, eq=False)
class Finished:
    """The pipeline's result; `carry` continues it (keep thinking), None when another view won."""

    result: SolveResult
    carry: Carry | None


Message = Noted | ModelLoaded | StageBegan | FrameMade | Finished


# ----------------------------------------------------------------------------------------------


class Run:
    """One solve of `puzzle` (a private copy), made while the tab's puzzle had `revision`."""

    def __init__(self, kind: Kind, puzzle: Any, revision: int, capacity: int = 16) -> None:
        self.kind = kind
        self.puzzle = copy.deepcopy(puzzle)
        self.revision = revision
        self.frames: list[PassFrame] = []  # in the order they arrived
        self.result: SolveResult | None = None
        self.carry: Carry | None = None
        self.model: ModelUsed | None = None
        self.notes: list[str] = []
        self.error = ""
        self.state = RunState.RUNNING
        self.stage = ""  # the stage under way (StageBegan.stage)
        self.stage_views = 1
        self.stage_after = 0
        self.capacity = capacity  # passes the chart's axis spans for one view
        self.started_at = time.perf_counter()
        self.finished_at = 0.0
        self._tracks: list[Track] = []  # in the order they first appeared
        self._after: dict[Track, int] = {}

    # -- feeding (the UI thread, from the worker's messages) ----------------------------------

    @property
    def running(self) -> bool:
        return self.state is RunState.RUNNING

    def belongs_to(self, revision: int) -> bool:
        """True when this run was made for the puzzle at `revision`."""
        return self.revision == revision

    def take(self, message: Message) -> None:
        """File one message of the worker."""
        if isinstance(message, Noted):
            self.notes.append(message.text)
        elif isinstance(message, ModelLoaded):
            self.model = message.model
            if self.stage != KEEP_THINKING:
                self.capacity = message.model.max_passes
        elif isinstance(message, StageBegan):
            self.stage, self.stage_views, self.stage_after = message.stage, message.views, message.after
        elif isinstance(message, FrameMade):
            frame = message.frame
            if frame.track not in self._after:
                self._tracks.append(frame.track)
                self._after[frame.track] = frame.number - (frame.own_number or frame.number)
            self.frames.append(frame)
        elif isinstance(message, Finished):
            self.result, self.carry = message.result, message.carry

    def resume(self, more_passes: int) -> None:
        """Keep thinking: the same run goes on from its carry for `more_passes` passes."""
        if self.carry is None:
            raise ValueError("this run has no carry to keep thinking from")
        self.capacity = max(self.capacity, self.carry.passes + more_passes)
        self.result, self.carry = None, None
        self.stage = KEEP_THINKING
        self.state = RunState.RUNNING
        self.finished_at = 0.0

    def end(self) -> None:
        """The worker stopped: done if a result came, else failed (an error) or cancelled."""
        if self.state is not RunState.RUNNING:
            return
        self.finished_at = time.perf_counter()
        if self.error:
            self.state = RunState.FAILED
        elif self.result is not None:
            self.state = RunState.DONE
        else:
            self.state = RunState.CANCELLED

    def cancel(self) -> None:
        """Stopped by the person (or by a change of puzzle): no result, nothing to continue."""
        if self.state is RunState.RUNNING:
            self.result, self.carry = None, None
            self.state = RunState.CANCELLED
            self.finished_at = time.perf_counter()

    # -- reading (views) ----------------------------------------------------------------------

    def order(self) -> list[int]:
        """Frame indices in timeline order: each line of passes in the order the lines began
        (the first try, its other views, the second chance's views), each by pass number."""
        rank = {track: i for i, track in enumerate(self._tracks)}
        return sorted(range(len(self.frames)), key=lambda i: (rank[self.frames[i].track], self.frames[i].number))

    def track_after(self, track: Track) -> int:
        """Passes the puzzle had before this line of passes began (0 for the first try)."""
        return self._after.get(track, 0)

    def path(self, index: int) -> list[int]:
        """The frames leading to frame `index`, by pass number: its own line and, for a line
        that began after other passes (an other view), the first try's own passes before it."""
        track = self.frames[index].track
        after = self.track_after(track)
        own = [i for i, f in enumerate(self.frames) if f.track == track]
        before = [i for i, f in enumerate(self.frames) if f.track == (FIRST_TRY, 0) and f.number <= after] if after else []
        return sorted(before + own, key=lambda i: self.frames[i].number)

    def last_number(self, track: Track) -> int:
        """The highest pass number of a line so far."""
        return max((f.number for f in self.frames if f.track == track), default=0)

    def follow_frame(self) -> int | None:
        """The frame a person watching the run sees now: the newest pass of the stage under way's
        first view (the puzzle itself, or the first of the other views)."""
        lead = (FIRST_TRY, 0) if self.stage in ("", KEEP_THINKING) else (self.stage, 0)
        for i in range(len(self.frames) - 1, -1, -1):
            if self.frames[i].track == lead:
                return i
        return len(self.frames) - 1 if self.frames else None

    def result_frame(self) -> int | None:
        """The frame whose answer is the result: the pass the result's count names, with the
        result's very grid. None when there is no result (or, defensively, no such frame)."""
        if self.result is None or self.result.answer is None:
            return None
        grid = self.kind.display_grid(self.result.answer)
        found = [i for i in range(len(self.frames) - 1, -1, -1)
                 if self.frames[i].number == self.result.passes and _same(self.frames[i].answer, grid)]
        if self.result.branch:  # several branches may reach the same grid at once: the named one
            named = [i for i in found if self.frames[i].stage.endswith(EXPLORATION)
                     and self.frames[i].view == self.result.branch - 1]
            found = named or found
        return found[0] if found else None

    def shows_result(self, index: int | None, inner: int | None = None) -> bool:
        """True when frame `index` (at its pass's end) is the run's result."""
        return index is not None and (inner is None or inner < 0) and index == self.result_frame()

    def passes(self) -> int:
        """Passes the puzzle has taken: the result's count when done, else the newest frame's."""
        if self.result is not None:
            return self.result.passes
        follow = self.follow_frame()
        return self.frames[follow].number if follow is not None else 0

    def work(self) -> int:
        """Passes run for this puzzle, every view counted."""
        return len(self.frames)

    def elapsed(self) -> float:
        end = self.finished_at or time.perf_counter()
        return end - self.started_at


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.array_equal(a, b))


__all__ = [
    "FIRST_TRY",
    "KEEP_THINKING",
    "OTHER_VIEWS",
    "Finished",
    "FrameMade",
    "Message",
    "ModelLoaded",
    "ModelUsed",
    "Noted",
    "Run",
    "RunState",
    "StageBegan",
]
