"""Where the timeline is: a position over every pass and, inside a pass, its inner steps (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field

Position = tuple[int, int | None]  # (pass index 0-based, inner step or None for the pass's end)


@dataclass
class TimelineCursor:
    """Flattened positions: each pass's inner steps in order, then the pass's final answer."""

    positions: list[Position] = field(default_factory=list)
    index: int = -1
    following: bool = True  # stay on the newest pass while passes arrive

    def add_pass(self, inner_steps: int) -> bool:
        """Record one more pass; True when the cursor moved to it (it was following)."""
        n = len({p for p, _ in self.positions})
        self.positions.extend((n, i) for i in range(inner_steps))
        self.positions.append((n, None))
        if self.following or self.index < 0:
            self.index = len(self.positions) - 1
            return True
        return False

    @property
    def current(self) -> Position | None:
        """The position shown, or None before the first pass."""
        return self.positions[self.index] if self.index >= 0 else None

    @property
    def at_end(self) -> bool:
        """True on the last recorded position."""
        return self.index == len(self.positions) - 1

    def move_to(self, index: int) -> bool:
        """Jump to a flattened position; True if it moved."""
        if not self.positions:
            return False
        index = max(0, min(index, len(self.positions) - 1))
        moved = index != self.index
        self.index = index
        self.following = self.at_end
        return moved

    def step_fine(self, delta: int) -> bool:
        """One inner step (or pass end) back or forward."""
        return self.move_to(self.index + delta)

    def step_pass(self, delta: int) -> bool:
        """To the end of the previous or next pass."""
        if not self.positions:
            return False
        here = self.positions[self.index][0]
        target = here + delta
        # From inside a pass, "back" means the previous pass's end, "forward" this pass's end.
        if delta > 0 and self.positions[self.index][1] is not None:
            target = here
        ends = [i for i, (p, inner) in enumerate(self.positions) if inner is None and p == target]
        return self.move_to(ends[0]) if ends else False

    def clear(self) -> None:
        """Forget every pass."""
        self.positions.clear()
        self.index = -1
        self.following = True
