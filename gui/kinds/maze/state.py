"""The maze being edited: an (H, W) grid of CHARSET indices, as plain numpy (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.kinds.maze import GOAL, OPEN, PATH, START, WALL, Maze

MazeSnapshot = tuple[tuple[int, int], bytes]  # (shape, grid bytes)


@dataclass
class MazeBoardState:
    """An editable maze question (no path cells): walls, open cells, one S and one G."""

    grid: np.ndarray  # (H, W) uint8 CHARSET indices

    @classmethod
    def from_maze(cls, maze: Maze) -> MazeBoardState:
        """The question part of `maze` (any drawn path is dropped)."""
        return cls(np.array(maze.without_path().grid, np.uint8))

    @classmethod
    def open_field(cls, size: int) -> MazeBoardState:
        """A size x size maze with no walls, S top-left and G bottom-right."""
        grid = np.full((size, size), OPEN, np.uint8)
        grid[0, 0], grid[-1, -1] = START, GOAL
        return cls(grid)

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width)."""
        return int(self.grid.shape[0]), int(self.grid.shape[1])

    def maze(self) -> Maze:
        """The current question as a solver Maze."""
        return Maze(self.grid.copy())

    def with_wall(self, cells: list[tuple[int, int]], wall: bool) -> MazeSnapshot:
        """The snapshot after walling (or opening) `cells`; S and G are never overwritten."""
        grid = self.grid.copy()
        for r, c in cells:
            if grid[r, c] in (START, GOAL):
                continue
            grid[r, c] = WALL if wall else OPEN
        return grid.shape, grid.tobytes()

    def with_endpoint(self, symbol: int, cell: tuple[int, int]) -> MazeSnapshot:
        """The snapshot after moving S or G to `cell` (which becomes open if it was a wall)."""
        if symbol not in (START, GOAL):
            raise ValueError(f"only S or G can be moved, not {symbol}")
        grid = self.grid.copy()
        if grid[cell] in (START, GOAL) and grid[cell] != symbol:
            return self.snapshot()  # S and G cannot share a cell
        grid[grid == symbol] = OPEN
        grid[cell] = symbol
        return grid.shape, grid.tobytes()

    def snapshot(self) -> MazeSnapshot:
        """An immutable copy for undo."""
        return self.shape, self.grid.tobytes()

    def restore(self, snapshot: MazeSnapshot) -> None:
        """Go back to a snapshot taken earlier."""
        shape, data = snapshot
        self.grid = np.frombuffer(data, np.uint8).reshape(shape).copy()


def path_mask(answer: np.ndarray) -> np.ndarray:
    """(H, W) bool: the cells an answer grid marks as path."""
    return np.asarray(answer) == PATH
