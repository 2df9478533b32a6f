"""The 8 symmetries of a square (the dihedral group D4) on 2-D grids, shared by the kinds whose
puzzles are grids (mazes, ARC).

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

import numpy as np

NUM_DIHEDRAL = 8
NUM_COLOURS = 10


def check_dihedral_index(k: int) -> int:
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
    k = check_dihedral_index(k)
    grid = _check_grid(grid)
    if k >= 4:
        grid = np.swapaxes(grid, -1, -2)
    # A view would alias the caller's array; return an independent, contiguous copy.
    return np.rot90(grid, k % 4, axes=(-2, -1)).copy()


def inverse_dihedral_index(k: int) -> int:
    """The index of the map that undoes dihedral map `k`."""
    k = check_dihedral_index(k)
    return (4 - k) % 4 if k < 4 else k


def inverse_dihedral(grid: np.ndarray, k: int) -> np.ndarray:
    """Undo dihedral map `k`: ``inverse_dihedral(dihedral(g, k), k)`` equals ``g``."""
    return dihedral(grid, inverse_dihedral_index(k))

