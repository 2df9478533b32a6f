"""ARC-AGI tasks: the task type, the per-task JSON and Kaggle combined layouts, validation that
names the JSON path of every problem, and TRM's 30x30 canvas token codec.

A grid is an (H, W) uint8 array of colours 0-9, 1x1 up to 30x30.

TRM canvas encoding (``dataset/build_arc_dataset.py``): a 30x30 canvas flattened to 900 tokens,
PAD=0, EOS=1, colour c -> c+2 (vocab 12). The grid sits at the top-left; EOS fills the row just
below it (across its width) and the column just right of it (down its height), an L whose corner
cell stays PAD. Where the grid is 30 tall or wide that side of the L is absent. Decoding keeps the
top-left maximal rectangle of colour tokens, as the official evaluator's ``_crop`` does.

"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from solver.codec import PAD_ID
from solver.kinds.arc.task import (
    COLOUR_OFFSET,
    EOS_ID,
    MAX_SIZE,
    NUM_COLOURS,
    SEQ_LEN,
    _as_colour_grid,
)

# --------------------------------------------------------------------------------------------
# Token codec


def encode_arc_grid(grid: object) -> np.ndarray:
    """(900,) int64 canvas tokens: colours + 2 at the top-left, an EOS L below and right."""
    grid = _as_colour_grid(grid, "grid")
    height, width = grid.shape
    canvas = np.full((MAX_SIZE, MAX_SIZE), PAD_ID, dtype=np.int64)
    canvas[:height, :width] = grid.astype(np.int64) + COLOUR_OFFSET
    if height < MAX_SIZE:
        canvas[height, :width] = EOS_ID
    if width < MAX_SIZE:
        canvas[:height, width] = EOS_ID
    return canvas.reshape(SEQ_LEN)


def decode_arc_grid(tokens: np.ndarray) -> np.ndarray:
    """The grid predicted tokens (900,) stand for: the top-left maximal rectangle of colours."""
    canvas = np.asarray(tokens)
    if canvas.shape != (SEQ_LEN,):
        raise ValueError(f"ARC tokens must have shape ({SEQ_LEN},), got {canvas.shape}")
    canvas = canvas.reshape(MAX_SIZE, MAX_SIZE)
    is_colour = (canvas >= COLOUR_OFFSET) & (canvas < COLOUR_OFFSET + NUM_COLOURS)
    # Per row, the run of colour cells from column 0; a rectangle of r rows is as wide as the
    # narrowest of its rows. Pick the largest area, the first one on ties (as `_crop` does).
    runs = np.where(is_colour.all(axis=1), MAX_SIZE, np.argmin(is_colour, axis=1))
    widths = np.minimum.accumulate(runs)
    areas = widths * np.arange(1, MAX_SIZE + 1)
    rows = int(np.argmax(areas)) + 1
    if areas[rows - 1] == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    return (canvas[:rows, : widths[rows - 1]] - COLOUR_OFFSET).astype(np.uint8)


class ArcCodec:
    """TRM's ARC encoding; a batch is a sequence of grids (or a (B, H, W) array) -> (B, 900)."""

    name = "arc-canvas30-v1"
    kind = "arc"
    vocab_size = COLOUR_OFFSET + NUM_COLOURS
    seq_len = SEQ_LEN
    pad_id = PAD_ID

    def __repr__(self) -> str:
        return "ARC_CODEC"

    def _encode(self, grid: object) -> np.ndarray:
        if _is_batch(grid):
            return np.stack([encode_arc_grid(g) for g in grid])  # type: ignore[attr-defined]
        return encode_arc_grid(grid)

    def encode_puzzle(self, grid: object) -> np.ndarray:
        """Input tokens (900,) or (B, 900)."""
        return self._encode(grid)

    def encode_answer(self, grid: object) -> np.ndarray:
        """Label tokens: colours and the EOS L are supervised, PAD (0) is ignored."""
        return self._encode(grid)

    def decode_answer(self, tokens: np.ndarray) -> np.ndarray | list[np.ndarray]:
        """A cropped grid for (900,) tokens, a list of them for (B, 900)."""
        arr = np.asarray(tokens)
        if arr.ndim == 2:
            return [decode_arc_grid(row) for row in arr]
        return decode_arc_grid(arr)


def _is_batch(grid: object) -> bool:
    """Whether `grid` is several grids rather than one (a grid's rows hold ints, not lists)."""
    if isinstance(grid, np.ndarray):
        return grid.ndim == 3
    if isinstance(grid, Sequence) and not isinstance(grid, str) and grid:
        first = grid[0]
        if isinstance(first, np.ndarray):
            return first.ndim == 2
        if isinstance(first, Sequence) and first:
            return isinstance(first[0], (Sequence, np.ndarray)) and not isinstance(first[0], str)
    return False


ARC_CODEC = ArcCodec()
