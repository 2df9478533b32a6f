"""The numbered views of a task a learned ARC model knows, each under its own embedding.

TRM learns every augmented version of a task as a task of its own (its own puzzle embedding), and
answers a test input in each of those views, maps the answers back and votes. A model learned on
one task (training.learn) records only how many views it learned, in its codec name; what view v
*is* is fixed here, so the learner and the solver can never disagree: view v is dihedral map
``v % 8`` followed by colour permutation number ``v // 8`` (number 0 keeps every colour; number c
is a permutation of colours 1-9 drawn from seed c; black stays black, as in `ArcAugmentation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from solver.kinds.arc.symmetry import ArcAugmentation
from solver.kinds.arc.task import NUM_COLOURS
from solver.kinds.dihedral import NUM_DIHEDRAL


@lru_cache(maxsize=64)
def colour_permutation(number: int) -> tuple[int, ...]:
    """Colour permutation `number` (0: the identity), black fixed."""
    if number == 0:
        return tuple(range(NUM_COLOURS))
    rng = np.random.default_rng(number)
    return (0, *(int(c) for c in rng.permutation(np.arange(1, NUM_COLOURS))))


def view_augmentation(view: int) -> ArcAugmentation:
    """What view number `view` is: a dihedral map, then a colour permutation."""
    if isinstance(view, bool) or not isinstance(view, int) or view < 0:
        raise ValueError(f"a view number is an int >= 0, not {view!r}")
    return ArcAugmentation(view % NUM_DIHEDRAL, colour_permutation(view // NUM_DIHEDRAL))


@dataclass(frozen=True, eq=False)
class ViewedGrid:
    """A grid as view number `view` shows it; the codec puts the number before the canvas."""

    grid: np.ndarray  # (H, W) colours, already in the view
    view: int

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return np.asarray(self.grid, dtype=dtype)  # type: ignore[call-overload]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.grid))


@dataclass(frozen=True)
class LearnedView:
    """An `Augmentation` onto view number `view`: apply gives a `ViewedGrid`, invert undoes the
    view's maps on an answer grid."""

    view: int

    @property
    def maps(self) -> ArcAugmentation:
        return view_augmentation(self.view)

    def apply(self, puzzle: object) -> ViewedGrid:
        return ViewedGrid(self.maps.apply(np.asarray(puzzle)), self.view)

    def invert(self, answer: np.ndarray) -> np.ndarray:
        return self.maps.invert(np.asarray(answer))

    def invert_cells(self, values: np.ndarray) -> np.ndarray:
        return self.maps.invert_cells(values)
