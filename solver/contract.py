"""The contract between an exported model and the app: ONNX I/O names and the sidecar card.

Every model ships as ``NAME.onnx`` (one supervision step, recursion unrolled inside) and
``NAME.onnx.json`` (this module's `ModelCard`). `export` imports the names from here, so the
graph the exporter writes and the graph the session expects can never drift apart.

Graph signature (B is dynamic, S = carry_len = prefix + L):
``tokens (B, L) int64, y (B, S, D) f32, z (B, S, D) f32
-> y_next (B, S, D), z_next (B, S, D), logits (B, L, V), halt_logit (B,) [, inner_logits (T, B, L, V)]``

A model learned on one ARC task (training.learn) knows each augmented view of the task under its
own embedding, as TRM does; it takes the view's number as one more token before the grid
(card field ``id_tokens`` = 1), so its tokens and logits are (B, 1 + L): same names, same graph.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sized
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from solver import kinds

SCHEMA_VERSION = 1
SIDECAR_SUFFIX = ".json"  # NAME.onnx -> NAME.onnx.json

INPUT_TOKENS = "tokens"
INPUT_Y = "y"
INPUT_Z = "z"
OUTPUT_Y = "y_next"  # ONNX needs output names distinct from input names
OUTPUT_Z = "z_next"
OUTPUT_LOGITS = "logits"
OUTPUT_HALT = "halt_logit"
OUTPUT_INNER = "inner_logits"  # optional: answer logits after each of the T answer updates

INPUT_NAMES = (INPUT_TOKENS, INPUT_Y, INPUT_Z)
OUTPUT_NAMES = (OUTPUT_Y, OUTPUT_Z, OUTPUT_LOGITS, OUTPUT_HALT)
OUTPUT_NAMES_WITH_INNER = (*OUTPUT_NAMES, OUTPUT_INNER)
BATCH_DIM = "batch"  # the name of the dynamic axis in the graph
# Exploration's noise (solver/explore.py) on the answer carry y and the latent z, relative to
# their RMS, for a card that sets none. Measured 2026-12-03 on the Sudoku model (benchmarks/
# budget_curve.py, docs/evaluation/exploration-2026-12-03.md): noise on y moves the answer, noise
# on z is washed out by the pass's own n latent updates.
EXPLORE_NOISE_Y = 1.0
EXPLORE_NOISE_Z = 0.0



def sidecar_path(model_path: str | Path) -> Path:
    """``NAME.onnx`` -> ``NAME.onnx.json``."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.name + SIDECAR_SUFFIX)


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"sidecar field {name!r} must be a positive integer, not {value!r}")
    return int(value)


def _vector(name: str, value: object, size: int) -> tuple[float, ...]:
    if isinstance(value, (str, bytes)) or not (isinstance(value, Sized) and isinstance(value, Iterable)):
        raise ValueError(f"sidecar field {name!r} must be a list of {size} numbers")
    try:
        out = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"sidecar field {name!r} must hold numbers only") from None
    if len(out) != size:
        raise ValueError(f"sidecar field {name!r} has {len(out)} values, hidden_size is {size}")
    if not all(math.isfinite(v) for v in out):
        raise ValueError(f"sidecar field {name!r} holds a non-finite value")
    return out


@dataclass(frozen=True)
class ModelCard:
    """What the app must know about a model besides its graph (the ``.onnx.json`` sidecar)."""

    kind: str  # "sudoku" | "maze" | "arc"
    codec: str  # solver token codec name, e.g. "sudoku-digits-v1"
    height: int  # grid geometry the model sees (9x9, 30x30)
    width: int
    vocab_size: int  # V
    seq_len: int  # L = height * width
    carry_len: int  # S = prefix + L
    hidden_size: int  # D
    n: int  # L_cycles: latent updates per cycle
    T: int  # H_cycles: cycles (answer updates) per pass
    y_init: tuple[float, ...]  # (D,) initial answer vector, broadcast over S
    z_init: tuple[float, ...]  # (D,) initial latent vector, broadcast over S
    max_passes: int = 16  # cap on supervision steps at inference
    halt_threshold: float = 0.5  # stop when sigmoid(halt_logit) >= this
    inner_steps: bool = False  # the graph also emits inner_logits (T, B, L, V)
    id_tokens: int = 0  # tokens before the grid (1: a learned ARC view's number); logits cover them
    explore_noise_y: float = EXPLORE_NOISE_Y  # noise on y of exploring branches, relative to its RMS
    explore_noise_z: float = EXPLORE_NOISE_Z  # noise on z, likewise
    provenance: Mapping[str, Any] = field(default_factory=dict)  # train config, steps, data, ...
    accuracy: Mapping[str, Any] = field(default_factory=dict)  # measured accuracy when known
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        if self.schema_version != SCHEMA_VERSION:
            raise ValueError(
                f"sidecar field 'schema_version' is {self.schema_version!r}; this app reads "
                f"schema {SCHEMA_VERSION}"
            )
        if self.kind not in kinds.names():
            raise ValueError(f"sidecar field 'kind' must be one of {kinds.names()}, not {self.kind!r}")
        if not isinstance(self.codec, str) or not self.codec:
            raise ValueError("sidecar field 'codec' must be a non-empty string")
        for name in ("height", "width", "vocab_size", "seq_len", "carry_len", "hidden_size",
                     "n", "T", "max_passes"):
            object.__setattr__(self, name, _positive_int(name, getattr(self, name)))
        if self.height * self.width != self.seq_len:
            raise ValueError(
                f"sidecar field 'seq_len' is {self.seq_len}, but height x width is "
                f"{self.height}x{self.width}"
            )
        if self.carry_len <= self.seq_len:
            raise ValueError(
                f"sidecar field 'carry_len' ({self.carry_len}) must exceed seq_len "
                f"({self.seq_len}): the halt head reads a prefix position"
            )
        threshold = self.halt_threshold
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
            raise ValueError(f"sidecar field 'halt_threshold' must be in (0, 1], not {threshold!r}")
        object.__setattr__(self, "halt_threshold", float(threshold))
        for name in ("explore_noise_y", "explore_noise_z"):
            noise = getattr(self, name)
            if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < 100:
                raise ValueError(f"sidecar field {name!r} must be a number in [0, 100), not {noise!r}")
            object.__setattr__(self, name, float(noise))
        if isinstance(self.id_tokens, bool) or self.id_tokens not in (0, 1):
            raise ValueError(f"sidecar field 'id_tokens' must be 0 or 1, not {self.id_tokens!r}")
        if not isinstance(self.inner_steps, bool):
            raise ValueError(f"sidecar field 'inner_steps' must be true or false, not {self.inner_steps!r}")
        object.__setattr__(self, "y_init", _vector("y_init", self.y_init, self.hidden_size))
        object.__setattr__(self, "z_init", _vector("z_init", self.z_init, self.hidden_size))
        for name in ("provenance", "accuracy"):
            if not isinstance(getattr(self, name), Mapping):
                raise ValueError(f"sidecar field {name!r} must be an object")

    # ----------------------------------------------------------------------------------------

    @property
    def explore_noise(self) -> tuple[float, float]:
        """(y, z) noise of exploring branches."""
        return self.explore_noise_y, self.explore_noise_z

    @property
    def input_len(self) -> int:
        """Tokens in (and logits out) per puzzle: the id tokens, then the L grid tokens."""
        return self.id_tokens + self.seq_len

    @property
    def prefix_len(self) -> int:
        """P: positions before the grid in the carry."""
        return self.carry_len - self.seq_len

    def initial_carry(self, batch: int) -> tuple[np.ndarray, np.ndarray]:
        """y, z (B, S, D) float32, every position set to the initial vectors."""
        shape = (batch, self.carry_len, self.hidden_size)
        y = np.broadcast_to(np.asarray(self.y_init, dtype=np.float32), shape).copy()
        z = np.broadcast_to(np.asarray(self.z_init, dtype=np.float32), shape).copy()
        return y, z

    def output_names(self) -> tuple[str, ...]:
        return OUTPUT_NAMES_WITH_INNER if self.inner_steps else OUTPUT_NAMES

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["y_init"] = list(self.y_init)
        data["z_init"] = list(self.z_init)
        data["provenance"] = dict(self.provenance)
        data["accuracy"] = dict(self.accuracy)
        return data

    @classmethod
    def from_dict(cls, data: object) -> ModelCard:
        """The card in `data`; ValueError naming the missing, unknown or bad field."""
        if not isinstance(data, Mapping):
            raise ValueError(f"sidecar must be a JSON object, not {type(data).__name__}")
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(
                f"sidecar field 'schema_version' is {data.get('schema_version')!r}; this app "
                f"reads schema {SCHEMA_VERSION}"
            )
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"sidecar has unknown field(s) {unknown}")
        missing = sorted(
            f.name for f in fields(cls)
            if f.name not in data and f.default is MISSING and f.default_factory is MISSING
        )
        if missing:
            raise ValueError(f"sidecar lacks field(s) {missing}")
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n"


Sidecar = ModelCard  # the file is the sidecar; the object is the model's card


def read_sidecar(path: str | Path) -> ModelCard:
    """The card in a ``.onnx.json`` file; ValueError naming the file and the problem."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: sidecar file missing (every model needs NAME.onnx.json beside it)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: not a readable JSON sidecar ({err})") from None
    try:
        return ModelCard.from_dict(data)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{path}: {err}") from None


def write_sidecar(card: ModelCard, path: str | Path) -> None:
    """Write `card` as JSON to `path`."""
    Path(path).write_text(card.to_json(), encoding="utf-8")
