"""ARC-AGI tasks: the task type, the per-task JSON and Kaggle combined layouts, validation that
names the JSON path of every problem, and TRM's 30x30 canvas token codec.

A grid is an (H, W) uint8 array of colours 0-9, 1x1 up to 30x30.

TRM canvas encoding (``dataset/build_arc_dataset.py``): a 30x30 canvas flattened to 900 tokens,
PAD=0, EOS=1, colour c -> c+2 (vocab 12). The grid sits at the top-left; EOS fills the row just
below it (across its width) and the column just right of it (down its height), an L whose corner
cell stays PAD. Where the grid is 30 tall or wide that side of the L is absent. Decoding keeps the
top-left maximal rectangle of colour tokens, as the official evaluator's ``_crop`` does.

A model learned for one task (training.learn) uses a canvas the task's own size (``side`` < 30: a
grid-mixer model has no weight tied to the canvas) and, when it learned each augmented view of the
task under its own embedding (TRM's protocol), one more token in front of the canvas: the view's
number. Codec names say both: ``arc-canvas12-views16-v1`` is a 12x12 canvas after one view-number
token, of 16 views (`solver.kinds.arc.views`); ``arc-canvas30-v1`` is the pretrained layout.

"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from solver.codec import PAD_ID
from solver.kinds.arc.task import (
    COLOUR_OFFSET,
    EOS_ID,
    MAX_SIZE,
    NUM_COLOURS,
    _as_colour_grid,
)
from solver.kinds.arc.views import ViewedGrid

# --------------------------------------------------------------------------------------------
# Token codec


def encode_arc_grid(grid: object, side: int = MAX_SIZE) -> np.ndarray:
    """(side*side,) int64 canvas tokens: colours + 2 at the top-left, an EOS L below and right."""
    grid = _as_colour_grid(grid, "grid")
    height, width = grid.shape
    if height > side or width > side:
        raise ValueError(f"a {height}x{width} grid does not fit this model's {side}x{side} canvas")
    canvas = np.full((side, side), PAD_ID, dtype=np.int64)
    canvas[:height, :width] = grid.astype(np.int64) + COLOUR_OFFSET
    if height < side:
        canvas[height, :width] = EOS_ID
    if width < side:
        canvas[:height, width] = EOS_ID
    return canvas.reshape(side * side)


def decode_arc_grid(tokens: np.ndarray, side: int = MAX_SIZE) -> np.ndarray:
    """The grid predicted canvas tokens (side*side,) stand for: the top-left maximal rectangle of
    colours."""
    canvas = np.asarray(tokens)
    if canvas.shape != (side * side,):
        raise ValueError(f"ARC tokens must have shape ({side * side},), got {canvas.shape}")
    canvas = canvas.reshape(side, side)
    is_colour = (canvas >= COLOUR_OFFSET) & (canvas < COLOUR_OFFSET + NUM_COLOURS)
    # Per row, the run of colour cells from column 0; a rectangle of r rows is as wide as the
    # narrowest of its rows. Pick the largest area, the first one on ties (as `_crop` does).
    runs = np.where(is_colour.all(axis=1), side, np.argmin(is_colour, axis=1))
    widths = np.minimum.accumulate(runs)
    areas = widths * np.arange(1, side + 1)
    rows = int(np.argmax(areas)) + 1
    if areas[rows - 1] == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    return (canvas[:rows, : widths[rows - 1]] - COLOUR_OFFSET).astype(np.uint8)


CODEC_NAME = re.compile(r"arc-canvas(\d+)(?:-views(\d+))?-v1")


class ArcCodec:
    """TRM's ARC encoding on a side x side canvas, after a view-number token when `views` > 0.

    A batch is a sequence of grids (or a (B, H, W) array) -> (B, seq_len). Inputs may be
    `ViewedGrid`s (a grid and the number of the view it is); a plain grid is view 0, itself.
    """

    kind = "arc"
    vocab_size = COLOUR_OFFSET + NUM_COLOURS
    pad_id = PAD_ID

    def __init__(self, side: int = MAX_SIZE, views: int = 0) -> None:
        if isinstance(side, bool) or not isinstance(side, int) or not 1 <= side <= MAX_SIZE:
            raise ValueError(f"ARC canvas side must be an int in 1..{MAX_SIZE}, not {side!r}")
        if isinstance(views, bool) or not isinstance(views, int) or views < 0:
            raise ValueError(f"ARC view count must be an int >= 0, not {views!r}")
        self.side = side
        self.views = views
        self.id_tokens = 1 if views else 0  # tokens before the canvas
        self.seq_len = self.id_tokens + side * side
        if views:
            self.name = f"arc-canvas{side}-views{views}-v1"
        else:
            self.name = f"arc-canvas{side}-v1"

    @staticmethod
    def named(name: str) -> ArcCodec | None:
        """The codec a name stands for, or None if it is no ARC codec name."""
        match = CODEC_NAME.fullmatch(name)
        if match is None:
            return None
        side, views = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= side <= MAX_SIZE or (match.group(2) is not None and views < 1):
            return None
        return ArcCodec(side, views)

    def __repr__(self) -> str:
        return "ARC_CODEC" if self.name == ARC_CODEC_NAME else f"ArcCodec({self.side}, {self.views})"

    def _encode_one(self, grid: object) -> np.ndarray:
        view = grid.view if isinstance(grid, ViewedGrid) else 0
        canvas = encode_arc_grid(grid.grid if isinstance(grid, ViewedGrid) else grid, self.side)
        if not self.id_tokens:
            if view:
                raise ValueError(f"view {view} given to a codec without view numbers ({self.name})")
            return canvas
        if not 0 <= view < self.views:
            raise ValueError(f"view {view} is not one of this model's {self.views} views")
        return np.concatenate(([view], canvas)).astype(np.int64)

    def _encode(self, grid: object) -> np.ndarray:
        if _is_batch(grid):
            return np.stack([self._encode_one(g) for g in grid])  # type: ignore[attr-defined]
        return self._encode_one(grid)

    def encode_puzzle(self, grid: object) -> np.ndarray:
        """Input tokens (seq_len,) or (B, seq_len)."""
        return self._encode(grid)

    def encode_answer(self, grid: object) -> np.ndarray:
        """Label tokens: colours and the EOS L are supervised, PAD (0) is ignored (and so is the
        view-number position: its label is PAD)."""
        tokens = self._encode(grid)
        if self.id_tokens:
            tokens[..., : self.id_tokens] = PAD_ID
        return tokens

    def canvas(self, tokens: np.ndarray) -> np.ndarray:
        """The canvas part of (..., seq_len) tokens or per-token values: (..., side*side)."""
        return np.asarray(tokens)[..., self.id_tokens :]

    def decode_answer(self, tokens: np.ndarray) -> np.ndarray | list[np.ndarray]:
        """A cropped grid for (seq_len,) tokens, a list of them for (B, seq_len)."""
        arr = self.canvas(tokens)
        if arr.ndim == 2:
            return [decode_arc_grid(row, self.side) for row in arr]
        return decode_arc_grid(arr, self.side)


def _is_batch(grid: object) -> bool:
    """Whether `grid` is several grids rather than one (a grid's rows hold ints, not lists)."""
    if isinstance(grid, ViewedGrid):
        return False
    if isinstance(grid, np.ndarray):
        return grid.ndim == 3
    if isinstance(grid, Sequence) and not isinstance(grid, str) and grid:
        first = grid[0]
        if isinstance(first, ViewedGrid):
            return True
        if isinstance(first, np.ndarray):
            return first.ndim == 2
        if isinstance(first, Sequence) and first:
            return isinstance(first[0], (Sequence, np.ndarray)) and not isinstance(first[0], str)
    return False


ARC_CODEC_NAME = "arc-canvas30-v1"
ARC_CODEC = ArcCodec()
