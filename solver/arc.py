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

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from solver.codec import PAD_ID, register_codec

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


# --------------------------------------------------------------------------------------------
# Parsing


def _load_json(text: str | bytes, what: str) -> object:
    """json.loads with every failure turned into a ValueError naming line and column."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ValueError(f"{what}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        return json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as err:
        raise ValueError(
            f"{what}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        ) from None
    except RecursionError:
        raise ValueError(f"{what}: JSON nested too deeply") from None
    except ValueError as err:  # e.g. an integer literal with too many digits
        raise ValueError(f"{what}: invalid JSON ({err})") from None


def _pair(value: object, where: str, need_output: bool) -> ArcPair:
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: pair must be an object, not {_json_type(value)}")
    if "input" not in value:
        raise ValueError(f"{where}: missing key 'input'")
    if need_output and "output" not in value:
        raise ValueError(f"{where}: missing key 'output'")
    grid_in = _as_colour_grid(value["input"], f"{where}.input")
    raw_out = value.get("output")
    grid_out = None if raw_out is None else _as_colour_grid(raw_out, f"{where}.output")
    return ArcPair(grid_in, grid_out)


def _pairs(task: Mapping[str, object], key: str, prefix: str) -> tuple[ArcPair, ...]:
    where = f"{prefix}{key}"
    if key not in task:
        raise ValueError(f"{prefix.rstrip('.') or 'task'}: missing key {key!r}")
    values = task[key]
    if not isinstance(values, list):
        raise ValueError(f"{where}: must be a list of pairs, not {_json_type(values)}")
    if not values:
        raise ValueError(f"{where}: no pairs")
    return tuple(
        _pair(v, f"{where}[{i}]", need_output=key == "train") for i, v in enumerate(values)
    )


def _task_from_obj(obj: object, name: str, prefix: str = "") -> ArcTask:
    if not isinstance(obj, Mapping):
        raise ValueError(
            f"{prefix.rstrip('.') or 'task'}: must be an object with 'train' and "
            f"'test', not {_json_type(obj)}"
        )
    return ArcTask(name, _pairs(obj, "train", prefix), _pairs(obj, "test", prefix))


def parse_arc_task(text_or_obj: str | bytes | Mapping[str, object], name: str = "") -> ArcTask:
    """An ARC task from its JSON text or the already-loaded object."""
    obj = _load_json(text_or_obj, "task") if isinstance(text_or_obj, (str, bytes)) else text_or_obj
    return _task_from_obj(obj, name)


def load_arc_task(path: str | Path) -> ArcTask:
    """Read a per-task ARC JSON file; the task is named after the file's stem."""
    path = Path(path)
    try:
        return parse_arc_task(path.read_bytes(), name=path.stem)
    except ValueError as err:
        raise ValueError(f"{path.name}: {err}") from None


def parse_arc_challenges(
    challenges_obj: str | bytes | Mapping[str, object],
    solutions_obj: str | bytes | Mapping[str, object] | None = None,
) -> list[ArcTask]:
    """Tasks from a Kaggle ``*_challenges.json`` (and test outputs from ``*_solutions.json``)."""
    challenges = (
        _load_json(challenges_obj, "challenges")
        if isinstance(challenges_obj, (str, bytes))
        else challenges_obj
    )
    solutions = (
        _load_json(solutions_obj, "solutions")
        if isinstance(solutions_obj, (str, bytes))
        else solutions_obj
    )
    if not isinstance(challenges, Mapping):
        raise ValueError(f"challenges: must map task ids to tasks, not {_json_type(challenges)}")
    if solutions is not None and not isinstance(solutions, Mapping):
        raise ValueError(
            f"solutions: must map task ids to output lists, not {_json_type(solutions)}"
        )
    tasks = []
    for task_id, body in challenges.items():
        task = _task_from_obj(body, str(task_id), prefix=f"{task_id}.")
        if solutions is not None and task_id in solutions:
            task = _with_solutions(task, solutions[task_id], f"solutions[{task_id}]")
        tasks.append(task)
    return tasks


def _with_solutions(task: ArcTask, outputs: object, where: str) -> ArcTask:
    if not isinstance(outputs, list):
        raise ValueError(f"{where}: must be a list of output grids, not {_json_type(outputs)}")
    if len(outputs) != len(task.test):
        raise ValueError(f"{where}: {len(outputs)} outputs for {len(task.test)} test inputs")
    test = tuple(
        ArcPair(pair.input, _as_colour_grid(out, f"{where}[{i}]"))
        for i, (pair, out) in enumerate(zip(task.test, outputs, strict=True))
    )
    return ArcTask(task.name, task.train, test)


def load_arc_challenges(
    challenges_path: str | Path, solutions_path: str | Path | None = None
) -> list[ArcTask]:
    """Read a Kaggle challenges file and, optionally, its solutions file."""
    challenges = Path(challenges_path).read_bytes()
    solutions = None if solutions_path is None else Path(solutions_path).read_bytes()
    return parse_arc_challenges(challenges, solutions)


# --------------------------------------------------------------------------------------------
# Formatting


def _pair_obj(pair: ArcPair) -> dict[str, list[list[int]]]:
    obj = {"input": pair.input.tolist()}
    if pair.output is not None:
        obj["output"] = pair.output.tolist()
    return obj


def format_arc_task(task: ArcTask) -> str:
    """The task as standard ARC JSON (the name is not part of it: it is the file name)."""
    return json.dumps(
        {"train": [_pair_obj(p) for p in task.train], "test": [_pair_obj(p) for p in task.test]}
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


ARC_CODEC = register_codec(ArcCodec())
