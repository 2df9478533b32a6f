"""Maze augmentation: one of the 8 dihedral maps (walls, S, G and path all move together).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.kinds.dihedral import NUM_DIHEDRAL, check_dihedral_index, dihedral, inverse_dihedral
from solver.kinds.maze.puzzle import Maze


@dataclass(frozen=True)
class MazeAugmentation:
    """One of the 8 dihedral maps, applied to a maze (walls, S, G and path all move together)."""

    k: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", check_dihedral_index(self.k))

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

    def invert_cells(self, values: np.ndarray) -> np.ndarray:
        """Per-cell values (H, W) of the view (confidence, changed) moved back onto the maze."""
        return inverse_dihedral(np.asarray(values), self.k)
