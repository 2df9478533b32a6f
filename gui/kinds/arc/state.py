"""The ARC answer grid a person paints: resize, paint, flood fill, copy, as plain numpy (no Qt)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from solver.kinds.arc import MAX_SIZE, NUM_COLOURS

ArcSnapshot = tuple[tuple[int, int], bytes]


def parse_size(text: str) -> tuple[int, int]:
    """'10x20' (rows x columns, as the official interface writes it) -> (10, 20)."""
    parts = text.lower().replace("×", "x").replace(" ", "").split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"grid size must look like 3x4, not {text!r}")
    height, width = int(parts[0]), int(parts[1])
    if not (1 <= height <= MAX_SIZE and 1 <= width <= MAX_SIZE):
        raise ValueError(f"grid size must be 1x1 to {MAX_SIZE}x{MAX_SIZE}, not {height}x{width}")
    return height, width


def flood_fill(grid: np.ndarray, cell: tuple[int, int], colour: int) -> np.ndarray:
    """A copy of `grid` with the 4-connected same-colour region around `cell` set to `colour`."""
    out = np.array(grid, np.uint8)
    old = int(out[cell])
    if old == colour:
        return out
    height, width = out.shape
    todo = deque([cell])
    out[cell] = colour
    while todo:
        r, c = todo.popleft()
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < height and 0 <= nc < width and out[nr, nc] == old:
                out[nr, nc] = colour
                todo.append((nr, nc))
    return out


@dataclass
class ArcAnswerState:
    """The output grid being painted: (H, W) uint8 colours 0-9."""

    grid: np.ndarray

    @classmethod
    def blank(cls, height: int = 3, width: int = 3) -> ArcAnswerState:
        """An all-black grid."""
        return cls(np.zeros((height, width), np.uint8))

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width)."""
        return int(self.grid.shape[0]), int(self.grid.shape[1])

    def with_paint(self, cells: list[tuple[int, int]], colour: int) -> ArcSnapshot:
        """The snapshot after painting `cells` with `colour`."""
        _check_colour(colour)
        grid = self.grid.copy()
        for cell in cells:
            grid[cell] = colour
        return grid.shape, grid.tobytes()

    def with_fill(self, cell: tuple[int, int], colour: int) -> ArcSnapshot:
        """The snapshot after a flood fill from `cell`."""
        _check_colour(colour)
        grid = flood_fill(self.grid, cell, colour)
        return grid.shape, grid.tobytes()

    def with_size(self, height: int, width: int) -> ArcSnapshot:
        """The snapshot after resizing, keeping the top-left content (as the official tool does)."""
        grid = np.zeros((height, width), np.uint8)
        h, w = min(height, self.shape[0]), min(width, self.shape[1])
        grid[:h, :w] = self.grid[:h, :w]
        return grid.shape, grid.tobytes()

    @staticmethod
    def of_grid(grid: np.ndarray) -> ArcSnapshot:
        """The snapshot of a copy of `grid` (copy from input, reset)."""
        grid = np.array(grid, np.uint8)
        return grid.shape, grid.tobytes()

    def snapshot(self) -> ArcSnapshot:
        """An immutable copy for undo."""
        return self.shape, self.grid.tobytes()

    def restore(self, snapshot: ArcSnapshot) -> None:
        """Go back to a snapshot taken earlier."""
        shape, data = snapshot
        self.grid = np.frombuffer(data, np.uint8).reshape(shape).copy()


def _check_colour(colour: int) -> None:
    if not 0 <= colour < NUM_COLOURS:
        raise ValueError(f"colour must be 0-9, not {colour}")
