"""Where shipped files are: the source tree, or PyInstaller's bundle folder when frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    """The folder holding `assets/` (and `tests/assets/` in a source checkout)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def assets_dir() -> Path:
    """The shipped assets (models, sample puzzles)."""
    return app_root() / "assets"


def samples_dir() -> Path:
    """Sample puzzles by kind and difficulty."""
    return assets_dir() / "puzzles"
