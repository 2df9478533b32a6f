"""Where a kind's shipped model is, the one policy the terminal and the window share.

A shipped model is ``assets/models/<kind>.onnx`` (``<kind>.int8.onnx`` for the int8 variant)
beside the installed package, or inside a frozen app's bundle. The tiny untrained models under
``tests/assets`` are never a default: their random weights answer with confident nonsense, so
they run only when a person names one (``--model``, or a file chosen in Preferences).
"""

from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    """The folder holding `assets/`: PyInstaller's bundle folder when frozen, else the source tree."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def models_dir() -> Path:
    return app_root() / "assets" / "models"


def model_name(kind: str, int8: bool = False) -> str:
    return f"{kind}.int8.onnx" if int8 else f"{kind}.onnx"


def shipped_model(kind: str, int8: bool = False) -> Path | None:
    """The shipped model file for `kind`, or None if this installation has none."""
    path = models_dir() / model_name(kind, int8)
    return path if path.is_file() else None


LEARN_INIT = "arc.init.pt"  # the pretrained ARC weights test-time learning starts from (torch, data only)


def shipped_learn_init() -> Path | None:
    """The pretrained ARC model learning starts from, if this installation has it. The app never
    opens it (it is torch's format); it only names it to the learner."""
    path = models_dir() / LEARN_INIT
    return path if path.is_file() else None


def default_model(kind: str, int8: bool = False) -> Path:
    """The shipped model for `kind`; ValueError saying where it looked and what to do."""
    path = shipped_model(kind, int8)
    if path is not None:
        return path
    looked = models_dir() / model_name(kind, int8)
    export = f"python -m export --checkpoint C --out assets/models/{kind}.onnx" + (" --quantize int8" if int8 else "")
    raise ValueError(f"no shipped {kind} model (looked for {looked}); pass --model PATH, or export one with `{export}`")
