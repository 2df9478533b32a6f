"""Where shipped files are: the source tree, or PyInstaller's bundle folder when frozen."""

from __future__ import annotations

from pathlib import Path

from solver.models import app_root

__all__ = ["app_root", "assets_dir", "samples_dir"]


def assets_dir() -> Path:
    """The shipped assets (models, sample puzzles)."""
    return app_root() / "assets"


def samples_dir() -> Path:
    """Sample puzzles by kind and difficulty."""
    return assets_dir() / "puzzles"
