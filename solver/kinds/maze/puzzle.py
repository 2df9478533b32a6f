"""The maze type: an (H, W) grid of indices into ``CHARSET = "# SGo"`` (wall, open, start, goal,
path), 1x1 up to 30x30, and the verdict of the rule checker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

CHARSET = "# SGo"
WALL, OPEN, START, GOAL, PATH = range(len(CHARSET))
MAX_SIZE = 30
CSV_HEADER = ("index", "question", "answer", "path_len")

# Byte value -> CHARSET index, 255 for anything outside the alphabet.
_BYTE_TO_INDEX = np.full(256, 255, dtype=np.uint8)
for _i, _ch in enumerate(CHARSET):
    _BYTE_TO_INDEX[ord(_ch)] = _i
_ALPHABET = frozenset(CHARSET)
_CHARSET_BYTES = np.frombuffer(CHARSET.encode("ascii"), dtype=np.uint8)  # index -> byte
# Where a cell is, for error messages: (0-based row, 0-based column) -> "line 3, column 7".
Locate = Callable[[int, int], str]


def _as_maze_grid(values: object) -> np.ndarray:
    grid = np.asarray(values)
    if grid.ndim != 2:
        raise ValueError(f"a maze grid must be 2-D, got shape {grid.shape}")
    height, width = grid.shape
    if not (1 <= height <= MAX_SIZE and 1 <= width <= MAX_SIZE):
        raise ValueError(f"a maze must be 1x1 to {MAX_SIZE}x{MAX_SIZE}, got {height}x{width}")
    if grid.dtype.kind not in "iu":
        raise ValueError(f"a maze grid must hold integers (CHARSET indices), got {grid.dtype}")
    if grid.min() < 0 or grid.max() >= len(CHARSET):
        raise ValueError(
            f"maze cells must be CHARSET indices 0-4, found {grid.min()}..{grid.max()}"
        )
    grid = grid.astype(np.uint8)  # always a fresh copy, so the caller cannot mutate the maze
    grid.setflags(write=False)
    return grid


@dataclass(frozen=True, eq=False)
class Maze:
    """A maze grid of CHARSET indices (uint8, read-only); equal when the grids are equal."""

    grid: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "grid", _as_maze_grid(self.grid))

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width)."""
        return int(self.grid.shape[0]), int(self.grid.shape[1])

    def cells(self, symbol: str) -> list[tuple[int, int]]:
        """(row, column) of every cell holding `symbol`, in row-major order (0-based)."""
        return [(int(r), int(c)) for r, c in np.argwhere(self.grid == CHARSET.index(symbol))]

    @property
    def start(self) -> tuple[int, int] | None:
        """The S cell, or None when there is not exactly one."""
        found = self.cells("S")
        return found[0] if len(found) == 1 else None

    @property
    def goal(self) -> tuple[int, int] | None:
        """The G cell, or None when there is not exactly one."""
        found = self.cells("G")
        return found[0] if len(found) == 1 else None

    def without_path(self) -> Maze:
        """The same maze with every ``o`` turned back into an open cell (the question)."""
        return Maze(np.where(self.grid == PATH, OPEN, self.grid))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Maze):
            return NotImplemented
        return bool(np.array_equal(self.grid, other.grid))

    def __hash__(self) -> int:
        return hash((self.grid.shape, self.grid.tobytes()))

    def __str__(self) -> str:
        return format_maze(self)


@dataclass(frozen=True)
class PathCheck:
    """The verdict of :func:`check_path`; `bad_cells` are 0-based (row, column)."""

    ok: bool
    reason: str
    bad_cells: list[tuple[int, int]] = field(default_factory=list)


def check_endpoints(grid: np.ndarray, where: str, locate: Locate) -> None:
    """Exactly one S and one G, or a ValueError naming the extra one or the missing one."""
    for symbol, name in (("S", "start"), ("G", "goal")):
        found = np.argwhere(grid == CHARSET.index(symbol))
        if len(found) == 0:
            raise ValueError(f"{where}: no {name} cell {symbol!r}")
        if len(found) > 1:
            (r0, c0), (r1, c1) = found[0], found[1]
            raise ValueError(
                f"{locate(int(r1), int(c1))}: a second {name} cell {symbol!r} "
                f"(the first is at {locate(int(r0), int(c0))})"
            )


def format_maze(maze: Maze) -> str:
    """The text grid, one line per row, ending in a newline."""
    return "".join(_CHARSET_BYTES[row].tobytes().decode("ascii") + "\n" for row in maze.grid)
