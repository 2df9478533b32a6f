"""Where the timeline is: a position over a run's frames and, inside a pass, its inner steps (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Position = tuple[int, int | None]  # (frame index in the run, inner step or None for the pass's end)


@dataclass
class TimelineCursor:
    """Flattened positions: each frame's inner steps in order, then the frame's final answer.

    Frames are named by their index in the run, so a frame that arrives in the middle of the
    order (another view's pass, run in the same batch) does not move what is shown.
    """

    positions: list[Position] = field(default_factory=list)
    index: int = -1
    following: bool = True  # stay on the frame the run points at while passes arrive
    _target: int | None = None

    def set_frames(self, frames: Sequence[tuple[int, int]], target: int | None = None) -> bool:
        """The run's frames in timeline order as (frame index, inner steps). While following,
        show `target`'s end (default: the last frame); else keep the position shown. True when
        the position shown changed."""
        before = self.current
        self.positions = [(f, i) for f, steps in frames for i in (*range(steps), None)]
        self._target = target
        if not self.positions:
            self.index = -1
            return before is not None
        if self.following or before not in self.positions:
            goal: Position = (target, None) if target is not None else self.positions[-1]
            self.index = self.positions.index(goal) if goal in self.positions else len(self.positions) - 1
        else:
            self.index = self.positions.index(before)
        return self.current != before

    @property
    def current(self) -> Position | None:
        """The position shown, or None before the first pass."""
        return self.positions[self.index] if self.index >= 0 else None

    @property
    def at_end(self) -> bool:
        """True on the last recorded position."""
        return self.index == len(self.positions) - 1

    def move_to(self, index: int) -> bool:
        """Jump to a flattened position (the person moved); True if it moved."""
        if not self.positions:
            return False
        index = max(0, min(index, len(self.positions) - 1))
        moved = index != self.index
        self.index = index
        # Back on the frame the run points at (or the very end): follow the run again.
        self.following = self.at_end or self.positions[index] == (self._target, None)
        return moved

    def jump_to(self, frame: int, inner: int | None = None) -> bool:
        """Show frame `frame` (at its end, or inner step `inner`); False if it is not recorded."""
        if (frame, inner) not in self.positions:
            return False
        return self.move_to(self.positions.index((frame, inner)))

    def step_fine(self, delta: int) -> bool:
        """One inner step (or pass end) back or forward."""
        return self.move_to(self.index + delta)

    def step_pass(self, delta: int) -> bool:
        """To the end of the previous or next frame (from inside a pass, forward is its own end)."""
        if not self.positions:
            return False
        ends = [i for i, (_, inner) in enumerate(self.positions) if inner is None]
        if delta > 0:
            later = [i for i in ends if i > self.index]
            return self.move_to(later[min(delta, len(later)) - 1]) if later else False
        earlier = [i for i in ends if i < self.index]
        return self.move_to(earlier[max(delta, -len(earlier))]) if earlier else False

    def clear(self) -> None:
        """Forget every position."""
        self.positions.clear()
        self.index = -1
        self.following = True
        self._target = None
