"""The rule-preserving symmetries of Sudoku, each with its inverse.

A symmetry relabels digits (a permutation of 1-9, blank fixed) and moves cells: optional transpose,
then a shuffle of the three bands and of the rows inside each band, and of the three stacks and the
columns inside each stack (the augmentation the TRM Sudoku data set uses). Any such map sends a
valid grid to a valid grid and a unique puzzle to a unique puzzle, so training augments with it
and the solver uses it for test-time augmentation, mapping answers back with `invert`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.kinds.sudoku.puzzle import CELLS, SIZE


def _line_permutation(rng: np.random.Generator) -> np.ndarray:
    """(9,) a band order with a row order inside each band (or stacks/columns)."""
    bands = rng.permutation(3)
    return np.concatenate([band * 3 + rng.permutation(3) for band in bands])


@dataclass(frozen=True, eq=False)
class SudokuSymmetry:
    """new_grid[..., i] = digit_map[grid[..., cell_source[i]]]."""

    cell_source: np.ndarray  # (81,) which old cell each new cell is read from
    digit_map: np.ndarray  # (10,) old digit -> new digit, digit_map[0] == 0

    @staticmethod
    def identity() -> SudokuSymmetry:
        return SudokuSymmetry(np.arange(CELLS), np.arange(10))

    @staticmethod
    def random(rng: np.random.Generator) -> SudokuSymmetry:
        """One symmetry drawn uniformly from the group used in training."""
        rows = _line_permutation(rng)  # new row r reads old row rows[r]
        cols = _line_permutation(rng)
        source = (rows[:, None] * SIZE + cols[None, :]).reshape(CELLS)
        if rng.random() < 0.5:
            source = source.reshape(SIZE, SIZE).T.reshape(CELLS)
        digit_map = np.concatenate([[0], rng.permutation(9) + 1])
        return SudokuSymmetry(source, digit_map)

    def apply(self, grid: np.ndarray) -> np.ndarray:
        """(..., 81) grid(s) -> the same shape, transformed."""
        grid = np.asarray(grid)
        return self.digit_map[grid[..., self.cell_source]].astype(grid.dtype)

    def inverse(self) -> SudokuSymmetry:
        cell_source = np.empty(CELLS, dtype=np.int64)
        cell_source[self.cell_source] = np.arange(CELLS)
        digit_map = np.empty(10, dtype=np.int64)
        digit_map[self.digit_map] = np.arange(10)
        return SudokuSymmetry(cell_source, digit_map)

    def invert(self, grid: np.ndarray) -> np.ndarray:
        """Undo `apply`."""
        return self.inverse().apply(grid)

    def apply_to_probabilities(self, cell_values: np.ndarray) -> np.ndarray:
        """Move per-cell values (..., 81, K) with the cells only (no digit relabelling)."""
        return np.asarray(cell_values)[..., self.cell_source, :]


def random_symmetry_batch(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 81) cell sources and (n, 10) digit maps, for augmenting a batch in one gather."""
    sources = np.empty((n, CELLS), dtype=np.int64)
    digit_maps = np.empty((n, 10), dtype=np.int64)
    for i in range(n):
        s = SudokuSymmetry.random(rng)
        sources[i], digit_maps[i] = s.cell_source, s.digit_map
    return sources, digit_maps


def apply_symmetry_batch(grids: np.ndarray, sources: np.ndarray, digit_maps: np.ndarray) -> np.ndarray:
    """(n, 81) grids, each moved by its own symmetry from `random_symmetry_batch`."""
    moved = np.take_along_axis(grids, sources, axis=1)
    return np.take_along_axis(digit_maps, moved.astype(np.int64), axis=1).astype(grids.dtype)
