"""The 8 symmetries of a square (the dihedral group D4) on 2-D grids, and the augmentations built
from them for mazes (a dihedral map) and ARC tasks (a dihedral map plus a colour permutation).

Convention for ``k`` (``rot`` is :func:`numpy.rot90`, a counter-clockwise quarter turn of the last
two axes; ``T`` swaps the last two axes):

====  =====================  ==========================================
k     map                    what it is
====  =====================  ==========================================
0     identity
1     ``rot(g, 1)``          rotate 90 degrees counter-clockwise
2     ``rot(g, 2)``          rotate 180 degrees
3     ``rot(g, 3)``          rotate 270 degrees counter-clockwise
4     ``T(g)``               transpose (mirror in the main diagonal)
5     ``rot(T(g), 1)``       mirror top-bottom (flip the row order)
6     ``rot(T(g), 2)``       anti-transpose (mirror in the anti-diagonal)
7     ``rot(T(g), 3)``       mirror left-right (flip the column order)
====  =====================  ==========================================

Rotations invert as ``k -> 4 - k``; every reflection (k >= 4) is its own inverse. All maps act on
the last two axes, so ``(H, W)`` grids and batches ``(..., H, W)`` both work. Note that this
numbering differs from TRM's ``dataset/common.py::dihedral_transform`` (which puts transpose at 6);
data built here is self-consistent, but augmentation names are not interchangeable with TRM's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from solver.arc import ArcPair, ArcTask
from solver.maze import Maze

NUM_DIHEDRAL = 8
NUM_COLOURS = 10


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < NUM_DIHEDRAL:
        raise ValueError(f"dihedral index must be an int in 0..7, not {k!r}")
    return int(k)


def _check_grid(grid: np.ndarray) -> np.ndarray:
    grid = np.asarray(grid)
    if grid.ndim < 2:
        raise ValueError(f"a grid needs at least 2 dimensions, this one has shape {grid.shape}")
    return grid


def dihedral(grid: np.ndarray, k: int) -> np.ndarray:
    """Apply dihedral map `k` (see module docstring) to the last two axes of `grid`."""
    k = _check_k(k)
    grid = _check_grid(grid)
    if k >= 4:
        grid = np.swapaxes(grid, -1, -2)
    # A view would alias the caller's array; return an independent, contiguous copy.
    return np.rot90(grid, k % 4, axes=(-2, -1)).copy()


def inverse_dihedral_index(k: int) -> int:
    """The index of the map that undoes dihedral map `k`."""
    k = _check_k(k)
    return (4 - k) % 4 if k < 4 else k


def inverse_dihedral(grid: np.ndarray, k: int) -> np.ndarray:
    """Undo dihedral map `k`: ``inverse_dihedral(dihedral(g, k), k)`` equals ``g``."""
    return dihedral(grid, inverse_dihedral_index(k))


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
        object.__setattr__(self, "k", _check_k(self.k))
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


@dataclass(frozen=True)
class MazeAugmentation:
    """One of the 8 dihedral maps, applied to a maze (walls, S, G and path all move together)."""

    k: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", _check_k(self.k))

    @classmethod
    def random(cls, rng: np.random.Generator) -> MazeAugmentation:
        """A uniformly random dihedral map."""
        return cls(int(rng.integers(NUM_DIHEDRAL)))

    def apply(self, maze: Maze) -> Maze:
        """The transformed maze."""
        return Maze(dihedral(maze.grid, self.k))

    def invert(self, maze: Maze) -> Maze:
        """Undo :meth:`apply`."""
        return Maze(inverse_dihedral(maze.grid, self.k))
