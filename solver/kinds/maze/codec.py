"""The maze token codec (one per side length) and the wall padding that fits a smaller maze to it.
"""

from __future__ import annotations

import numpy as np

from solver.codec import PAD_ID
from solver.kinds.maze.puzzle import CHARSET, MAX_SIZE, WALL, Maze

# --------------------------------------------------------------------------------------------
# Token codec


def pad_maze(maze: Maze, size: int) -> Maze:
    """`maze` grown to size x size with walls on the bottom and right (same puzzle, same path)."""
    height, width = maze.shape
    if height > size or width > size:
        raise ValueError(f"a {height}x{width} maze does not fit in {size}x{size}")
    return Maze(np.pad(maze.grid, ((0, size - height), (0, size - width)), constant_values=WALL))


class MazeCodec:
    """Maze tokens: PAD 0, then CHARSET index + 1 ('#'=1 ' '=2 'S'=3 'G'=4 'o'=5)."""

    kind = "maze"
    vocab_size = len(CHARSET) + 1
    pad_id = PAD_ID

    def __init__(self, size: int = MAX_SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
            raise ValueError(f"maze codec size must be an int in 1..{MAX_SIZE}, not {size!r}")
        self.size = size
        self.seq_len = size * size
        self.name = f"maze-{size}x{size}-v1"

    def __repr__(self) -> str:
        return f"MazeCodec(size={self.size})"

    def _indices(self, grid: object) -> np.ndarray:
        """CHARSET indices as (L,) or (B, L) from a Maze, list of Mazes or index array."""
        if isinstance(grid, Maze):
            grid = grid.grid
        elif isinstance(grid, (list, tuple)) and grid and all(isinstance(m, Maze) for m in grid):
            grid = np.stack([m.grid for m in grid])
        arr = np.asarray(grid)
        n, length = self.size, self.seq_len
        if arr.shape in ((n, n), (length,)):
            arr = arr.reshape(length)
        elif arr.ndim == 3 and arr.shape[1:] == (n, n):
            arr = arr.reshape(len(arr), length)
        elif not (arr.ndim == 2 and arr.shape[1] == length):
            raise ValueError(
                f"{self.name} encodes {n}x{n} mazes, (B, {length}) or (B, {n}, {n}); "
                f"got shape {arr.shape}"
            )
        if arr.dtype.kind not in "iu":
            raise ValueError(f"maze cells must be integer CHARSET indices, got {arr.dtype}")
        if arr.size and (arr.min() < 0 or arr.max() >= len(CHARSET)):
            raise ValueError(
                f"maze cells must be CHARSET indices 0-4, found {arr.min()}..{arr.max()}"
            )
        return arr.astype(np.int64)

    def encode_puzzle(self, grid: object) -> np.ndarray:
        """Input tokens (L,) for a maze or (B, L) for a batch."""
        return self._indices(grid) + 1

    def encode_answer(self, grid: object) -> np.ndarray:
        """Label tokens: every cell is supervised, so no PAD."""
        return self._indices(grid) + 1

    def decode_answer(self, tokens: np.ndarray) -> Maze | list[Maze]:
        """A Maze for (L,) tokens, a list for (B, L); PAD or out-of-range tokens read as walls."""
        arr = np.asarray(tokens)
        if arr.shape[-1:] != (self.seq_len,) or arr.ndim not in (1, 2):
            raise ValueError(f"{self.name} decodes (L,) or (B, L) tokens, got shape {arr.shape}")
        # A model can emit PAD; a wall is the reading the rule checker will flag if it is wrong.
        valid = (arr >= 1) & (arr <= len(CHARSET))
        indices = np.where(valid, arr - 1, WALL).reshape(*arr.shape[:-1], self.size, self.size)
        if arr.ndim == 1:
            return Maze(indices)
        return [Maze(g) for g in indices]


MAZE_CODEC_30 = MazeCodec(size=30)
