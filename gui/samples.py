"""The sample puzzles shipped in assets/puzzles, by kind and difficulty (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gui.resources import samples_dir

# File stem -> menu label, in menu order; unknown stems are listed after these.
SUDOKU_LEVELS = {"easy": "Easy (singles)", "medium": "Medium (deductions)", "hard": "Hard (needs search)"}


@dataclass(frozen=True)
class Sample:
    """One sample file and the label it has in the menu."""

    kind: str  # "sudoku", "maze" or "arc"
    label: str
    path: Path


def list_samples(root: Path | None = None) -> list[Sample]:
    """Every sample file, Sudoku by difficulty first, then mazes, then ARC tasks."""
    root = root or samples_dir()
    out: list[Sample] = []
    sudoku = root / "sudoku"
    if sudoku.is_dir():
        files = sorted(sudoku.glob("*.sdm"), key=lambda p: (list(SUDOKU_LEVELS).index(p.stem) if p.stem in SUDOKU_LEVELS else 99, p.stem))
        out += [Sample("sudoku", SUDOKU_LEVELS.get(p.stem, p.stem), p) for p in files]
    for kind, pattern in (("maze", "*.txt"), ("arc", "*.json")):
        folder = root / kind
        if folder.is_dir():
            out += [Sample(kind, p.stem.replace("_", " "), p) for p in sorted(folder.glob(pattern))]
    return out
