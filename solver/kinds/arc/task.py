"""ARC-AGI tasks: the task and pair types, and grid validation that names the JSON path of every
problem. A grid is an (H, W) uint8 array of colours 0-9, 1x1 up to 30x30.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SIZE = 30
NUM_COLOURS = 10
EOS_ID = 1
COLOUR_OFFSET = 2  # token of colour c is c + COLOUR_OFFSET
SEQ_LEN = MAX_SIZE * MAX_SIZE


def _as_colour_grid(values: object, where: str) -> np.ndarray:
    """A validated read-only uint8 copy of an array-like colour grid."""
    if isinstance(values, np.ndarray):
        if values.ndim != 2 or values.dtype.kind not in "iu":
            raise ValueError(
                f"{where}: grid must be a 2-D integer array, got {values.dtype} {values.shape}"
            )
        grid = values
    else:
        grid = _grid_from_json(values, where)
    height, width = grid.shape
    if height == 0 or width == 0:
        raise ValueError(f"{where}: empty grid")
    if height > MAX_SIZE or width > MAX_SIZE:
        raise ValueError(f"{where}: {height}x{width} grid is over {MAX_SIZE}x{MAX_SIZE}")
    out_of_range = (grid < 0) | (grid >= NUM_COLOURS)
    if out_of_range.any():
        r, c = (int(i) for i in np.argwhere(out_of_range)[0])
        raise ValueError(f"{where}[{r}][{c}]: colour {grid[r, c]} out of range 0-9")
    grid = grid.astype(np.uint8)
    grid.setflags(write=False)
    return grid


def _grid_from_json(values: object, where: str) -> np.ndarray:
    """An int64 array from a list of lists of ints, checking types and raggedness."""
    if not isinstance(values, (list, tuple)):
        raise ValueError(f"{where}: grid must be a list of rows, not {_json_type(values)}")
    if not values:
        raise ValueError(f"{where}: empty grid")
    if len(values) > MAX_SIZE:
        width = len(values[0]) if isinstance(values[0], (list, tuple)) else "?"
        raise ValueError(f"{where}: {len(values)}x{width} grid is over {MAX_SIZE}x{MAX_SIZE}")
    for r, row in enumerate(values):
        if not isinstance(row, (list, tuple)):
            raise ValueError(f"{where}[{r}]: row must be a list of colours, not {_json_type(row)}")
        if not row:
            raise ValueError(f"{where}[{r}]: empty row")
        if len(row) != len(values[0]):
            raise ValueError(
                f"{where}: ragged grid (row {r} has {len(row)} cells, row 0 has {len(values[0])})"
            )
        for c, cell in enumerate(row):
            # bool is an int subclass in Python, but true/false is not a colour in JSON.
            if isinstance(cell, bool) or not isinstance(cell, int):
                raise ValueError(
                    f"{where}[{r}][{c}]: colour must be an int, not {_json_type(cell)}"
                )
            if not 0 <= cell < NUM_COLOURS:
                raise ValueError(f"{where}[{r}][{c}]: colour {cell} out of range 0-9")
    return np.asarray(values, dtype=np.int64)


def _json_type(value: object) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an int",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


@dataclass(frozen=True, eq=False)
class ArcPair:
    """One input grid and, when known, its output grid."""

    input: np.ndarray
    output: np.ndarray | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "input", _as_colour_grid(self.input, "input"))
        if self.output is not None:
            object.__setattr__(self, "output", _as_colour_grid(self.output, "output"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArcPair):
            return NotImplemented
        if self.output is None or other.output is None:
            same_output = self.output is None and other.output is None
        else:
            same_output = np.array_equal(self.output, other.output)
        return bool(same_output and np.array_equal(self.input, other.input))

    def __hash__(self) -> int:
        out = None if self.output is None else (self.output.shape, self.output.tobytes())
        return hash((self.input.shape, self.input.tobytes(), out))


@dataclass(frozen=True)
class ArcTask:
    """An ARC task: demonstration pairs and test pairs (test outputs may be unknown)."""

    name: str
    train: tuple[ArcPair, ...]
    test: tuple[ArcPair, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "train", tuple(self.train))
        object.__setattr__(self, "test", tuple(self.test))


