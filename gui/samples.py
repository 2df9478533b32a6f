"""The sample puzzles shipped in assets/puzzles/<kind>/ (no Qt).

A kind's samples are the files in its folder whose names end in one of the kind's suffixes;
`order` (file stem -> menu label, in menu order) puts the known ones first under their labels,
the others follow by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gui.resources import samples_dir


@dataclass(frozen=True)
class Sample:
    """One sample file and the label it has in the menu."""

    kind: str  # the kind's name
    label: str
    path: Path


def list_samples(kind: str, suffixes: Sequence[str], order: Mapping[str, str] | None = None,
                 root: Path | None = None) -> list[Sample]:
    """The sample files of `kind`, known stems first (in `order`), then the rest by name."""
    order = order or {}
    folder = (root or samples_dir()) / kind
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes]
    rank = list(order)
    files.sort(key=lambda p: (rank.index(p.stem) if p.stem in order else len(rank), p.stem))
    return [Sample(kind, order.get(p.stem, p.stem.replace("_", " ")), p) for p in files]
