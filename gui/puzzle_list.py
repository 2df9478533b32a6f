"""A file with many puzzles, stepped through one at a time (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class PuzzleList(Generic[T]):
    """The puzzles of one file and which of them is on the board."""

    items: Sequence[T] = field(default_factory=list)
    index: int = 0
    name: str = ""  # file name, for the title

    def __len__(self) -> int:
        return len(self.items)

    @property
    def current(self) -> T:
        """The puzzle on the board."""
        return self.items[self.index]

    def step(self, delta: int) -> bool:
        """Move by `delta` puzzles; False (and no move) past either end."""
        target = self.index + delta
        if not 0 <= target < len(self.items):
            return False
        self.index = target
        return True

    def label(self) -> str:
        """'3 / 120' for the list bar."""
        return f"{self.index + 1} / {len(self.items)}"
