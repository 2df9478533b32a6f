"""ARC augmentation: a dihedral map followed by a permutation of colours 1-9 (black stays).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from solver.kinds.arc.task import NUM_COLOURS, ArcPair, ArcTask
from solver.kinds.dihedral import (
    NUM_DIHEDRAL,
    _check_grid,
    check_dihedral_index,
    dihedral,
    inverse_dihedral,
)


def _check_colour_map(colour_map: object) -> tuple[int, ...]:
    try:
        values = tuple(int(c) for c in colour_map)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise ValueError(f"colour map must be 10 ints, not {colour_map!r}") from None
    if sorted(values) != list(range(NUM_COLOURS)):
        raise ValueError(f"colour map must be a permutation of 0..9, not {values}")
    if values[0] != 0:
        raise ValueError(f"colour map must keep black (0) fixed, it maps 0 to {values[0]}")
    return values


@dataclass(frozen=True)
class ArcAugmentation:
    """A dihedral map followed by a colour permutation of 1-9 (black 0 stays fixed)."""

    k: int = 0
    colour_map: tuple[int, ...] = tuple(range(NUM_COLOURS))  # colour c becomes colour_map[c]

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", check_dihedral_index(self.k))
        object.__setattr__(self, "colour_map", _check_colour_map(self.colour_map))

    @classmethod
    def random(cls, rng: np.random.Generator) -> ArcAugmentation:
        """A uniformly random dihedral map and permutation of colours 1-9."""
        k = int(rng.integers(NUM_DIHEDRAL))
        colours = (0, *(int(c) for c in rng.permutation(np.arange(1, NUM_COLOURS))))
        return cls(k, colours)

    @property
    def inverse_colour_map(self) -> tuple[int, ...]:
        """The permutation that undoes `colour_map`."""
        return tuple(int(c) for c in np.argsort(self.colour_map))

    def apply(self, grid: np.ndarray) -> np.ndarray:
        """Augment a colour grid (values 0-9), shape (H, W) or (..., H, W)."""
        table = np.asarray(self.colour_map, dtype=np.uint8)
        return dihedral(table[_colour_indices(grid)], self.k)

    def invert(self, grid: np.ndarray) -> np.ndarray:
        """Map an augmented grid back: inverse dihedral, then inverse colour map."""
        table = np.asarray(self.inverse_colour_map, dtype=np.uint8)
        return table[_colour_indices(inverse_dihedral(grid, self.k))]

    def invert_cells(self, values: np.ndarray) -> np.ndarray:
        """Per-cell values (H, W) of the view (confidence, changed) moved back onto the cells of
        the grid as entered: the dihedral map only, no colour is relabelled."""
        return inverse_dihedral(np.asarray(values), self.k)

    def apply_to_task(self, task: ArcTask) -> ArcTask:
        """Augment every grid of `task` (the name is kept)."""
        return ArcTask(
            task.name, _map_pairs(task.train, self.apply), _map_pairs(task.test, self.apply)
        )

    def invert_task(self, task: ArcTask) -> ArcTask:
        """Undo :meth:`apply_to_task`."""
        return ArcTask(
            task.name, _map_pairs(task.train, self.invert), _map_pairs(task.test, self.invert)
        )


def _colour_indices(grid: np.ndarray) -> np.ndarray:
    grid = _check_grid(grid)
    if grid.size and (grid.min() < 0 or grid.max() >= NUM_COLOURS):
        raise ValueError(f"colours must be in 0-9, found {grid.min()}..{grid.max()}")
    return grid.astype(np.intp, copy=False)


def _map_pairs(
    pairs: tuple[ArcPair, ...], fn: Callable[[np.ndarray], np.ndarray]
) -> tuple[ArcPair, ...]:
    return tuple(ArcPair(fn(p.input), None if p.output is None else fn(p.output)) for p in pairs)
