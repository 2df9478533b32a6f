"""The person's solving time on the Sudoku tab: a stopwatch that pauses (plain Python, no Qt)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SolvingClock:
    """Time spent on the puzzle on show, not counting pauses. `now` is injectable for tests."""

    now: Callable[[], float] = time.monotonic
    _banked: float = 0.0  # seconds run before the current stretch
    _since: float | None = None  # when the current stretch began; None while paused
    paused_by_person: bool = field(default=False)  # Pause, as opposed to the window losing focus

    def reset(self, running: bool = True) -> None:
        """A new puzzle: zero, running unless told not to."""
        self._banked, self._since, self.paused_by_person = 0.0, self.now() if running else None, False

    @property
    def running(self) -> bool:
        return self._since is not None

    def pause(self) -> None:
        if self._since is not None:
            self._banked += self.now() - self._since
            self._since = None

    def resume(self) -> None:
        if self._since is None:
            self._since = self.now()

    def seconds(self) -> float:
        return self._banked + (self.now() - self._since if self._since is not None else 0.0)

    def text(self) -> str:
        """"12:07" (or "1:02:03"), with "paused" while it is."""
        total = int(self.seconds())
        hours, rest = divmod(total, 3600)
        shown = f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
        return shown if self.running else f"{shown} paused"
