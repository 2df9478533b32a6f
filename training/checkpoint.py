"""Checkpoints: written atomically, loaded with clear errors, complete enough to resume exactly.

A checkpoint is one `torch.save` dict with `format` and `version` keys, the model and training
configs, the raw and EMA weights, the optimiser states, the fp16 loss scaler, the per-process
carry and data-stream states, and the RNG states. Export and evaluation need nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

FORMAT = "trm-puzzles-checkpoint"
VERSION = 1


def write_state(state: dict, path: Path) -> None:
    """Write `state` to `path` so that a crash mid-write never leaves a broken file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save(state, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_state(path: Path | str, fmt: str, version: int, what: str) -> dict:
    """A saved state of format `fmt` and `version`; ValueError naming the file and the problem
    (missing, damaged, not `what`, another version)."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: no such checkpoint")
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as err:  # noqa: BLE001 - torch raises many kinds for a damaged file
        raise ValueError(f"{path}: not a readable checkpoint ({type(err).__name__}: {err})") from None
    if not isinstance(state, dict) or state.get("format") != fmt:
        raise ValueError(f"{path}: not {what}")
    if state.get("version") != version:
        raise ValueError(f"{path}: checkpoint version {state.get('version')}, this code reads {version}")
    return state


def save_checkpoint(state: dict, path: Path) -> None:
    """A training run's checkpoint, written atomically."""
    write_state({"format": FORMAT, "version": VERSION, **state}, path)


def load_checkpoint(path: Path | str) -> dict:
    """The checkpoint dict; ValueError naming the file and the problem if it is not one of ours."""
    state = read_state(path, FORMAT, VERSION, "a trm-puzzles checkpoint")
    for key in ("model_config", "train_config", "model", "ema", "step"):
        if key not in state:
            raise ValueError(f"{path}: checkpoint lacks {key!r}")
    return state


def ema_model_from_checkpoint(state: dict, grid_size: int | None = None):
    """A TinyRecursiveModel (eval mode, CPU, fp32) holding the checkpoint's EMA weights.

    `grid_size` runs a grid-mixer model (no weight tied to the grid size) on grid_size^2 cells
    instead of the size it was trained on.
    """
    from training.model import ModelConfig, TinyRecursiveModel

    config = ModelConfig.from_dict(state["model_config"])
    if grid_size is not None and grid_size * grid_size != config.seq_len:
        if config.mixer != "grid":
            raise ValueError(
                f"only grid-mixer models run on another grid size; this one has mixer {config.mixer!r} "
                f"and {config.seq_len} cells"
            )
        if config.pos_encoding == "learned":
            raise ValueError("this grid model learned a position embedding per cell; it runs only on its own grid size")
        if grid_size < 2:
            raise ValueError(f"grid size must be at least 2, not {grid_size}")
        config = ModelConfig.from_dict({**config.to_dict(), "seq_len": grid_size * grid_size})
    model = TinyRecursiveModel(config)
    try:
        model.load_state_dict(state["model"])
    except RuntimeError as err:
        raise ValueError(f"checkpoint weights do not fit its model config: {err}") from None
    shadow = state["ema"]["shadow"]
    params = model.dense_params()
    if len(shadow) != len(params):
        raise ValueError("checkpoint EMA weights do not fit its model config")
    with torch.no_grad():
        for p, s in zip(params, shadow, strict=True):
            p.copy_(s)
    return model.eval()
