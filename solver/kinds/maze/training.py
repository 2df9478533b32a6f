"""What training needs of mazes: generated pools, pools from maze CSVs, and the draw (a random
dihedral map, then optionally the solver's canonical shortest path as the label)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from solver.kinds.dihedral import NUM_DIHEDRAL, dihedral
from solver.kinds.maze.formats import parse_maze_csv
from solver.kinds.maze.generator import generate_maze
from solver.kinds.maze.paths import solve_maze
from solver.kinds.maze.puzzle import Maze
from solver.kinds.protocol import UNGRADED, Generation, RawPool, chunk_seed

CHUNK = 50  # mazes per generation job


def generate_chunk(job: tuple[int, int, int, int, bool]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`count` mazes from one seed: (questions, answers, grades), flattened row-major."""
    seed, count, size, min_path, unique = job
    rng = np.random.default_rng(seed)
    pairs = [generate_maze(size, min_path, rng, unique_path=unique) for _ in range(count)]
    return (
        np.stack([q.grid.reshape(-1) for q, _ in pairs]).astype(np.int8),
        np.stack([a.grid.reshape(-1) for _, a in pairs]).astype(np.int8),
        np.full(count, UNGRADED, dtype=np.int8),
    )


def maze_generation(count: int, size: int, min_path: int, seed: int, unique_path: bool = True) -> Generation:
    """`count` generated mazes (shortest path of at least `min_path` cells, unique unless asked
    otherwise)."""
    # The old key for unique-path pools, so caches written before the option still match.
    parts_of_key: tuple = (count, size, min_path, seed) if unique_path else (count, size, min_path, seed, "ties")
    key = hashlib.sha1(repr(parts_of_key).encode()).hexdigest()[:12]
    jobs = tuple((chunk_seed(seed, "maze", i), min(CHUNK, count - start), size, min_path, unique_path)
                 for i, start in enumerate(range(0, count, CHUNK)))
    return Generation(jobs, generate_chunk, key,
                      f"generated {count} {size}x{size} mazes, path >= {min_path}, seed {seed}"
                      + ("" if unique_path else ", shortest paths not unique"))


def relabel_canonical(puzzles: np.ndarray) -> np.ndarray:
    """The solver's canonical shortest path of each puzzle (n, L) -> answers (n, L).

    A Maze-Hard maze has thousands of shortest paths and its label is one of them, picked by a rule
    that the dihedral augmentation does not respect. Trained on such labels a model is asked for
    different paths through the same corridors, splits its probability between them, and in open
    regions marks none (a broken path). Labelling each draw after augmentation with `solve_maze`'s
    fixed tie-break makes the target a function of the input. A maze with a unique shortest path
    gets that path, i.e. the answer it already had.
    """
    n, length = puzzles.shape
    side = round(length**0.5)
    return np.stack(
        [solve_maze(Maze(puzzles[i].reshape(side, side))).grid.reshape(-1) for i in range(n)]
    ).astype(puzzles.dtype)


class MazeTraining:
    """`TrainingData` for mazes."""

    def check_options(self, options: Mapping[str, Any]) -> None:
        if not options.get("maze_unique_paths", True) and not options.get("maze_relabel", False):
            raise ValueError("maze_unique_paths false needs maze_relabel true: a maze with tied paths "
                             "needs one canonical label")

    def generation(self, options: Mapping[str, Any], seed: int, heldout: bool = False) -> Generation:
        size, min_path = int(options["maze_size"]), int(options["maze_min_path"])
        if heldout:
            return maze_generation(int(options["eval_count"]), size, min_path, seed)
        return maze_generation(int(options["maze_pool"]), size, min_path, seed,
                               unique_path=bool(options.get("maze_unique_paths", True)))

    def from_file(self, text: str, name: str, solutions: str | None, limit: int | None) -> RawPool:
        """Mazes with answers from an HRM/TRM CSV (question and answer columns)."""
        pairs = [(q, a) for q, a in parse_maze_csv(text) if a is not None][:limit]
        if not pairs:
            raise ValueError(f"{name}: no mazes with answers found")
        shapes = {q.grid.shape for q, _ in pairs}
        if len(shapes) != 1:
            raise ValueError(f"{name}: mazes of several sizes {sorted(shapes)}; train one size at a time")
        return RawPool(
            np.stack([q.grid.reshape(-1) for q, _ in pairs]).astype(np.int8),
            np.stack([a.grid.reshape(-1) for _, a in pairs]).astype(np.int8),
            np.full(len(pairs), UNGRADED, dtype=np.int8),
            f"file {name}",
        )

    def draw(self, puzzles: np.ndarray, answers: np.ndarray, rng: np.random.Generator,
             options: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        if options.get("augment", True):
            n, length = puzzles.shape
            side = round(length**0.5)
            ks = rng.integers(0, NUM_DIHEDRAL, size=n)
            p = puzzles.reshape(n, side, side)
            a = answers.reshape(n, side, side)
            for k in range(NUM_DIHEDRAL):
                sel = ks == k
                if sel.any():
                    p[sel] = dihedral(p[sel], k)
                    a[sel] = dihedral(a[sel], k)
            puzzles, answers = p.reshape(n, length), a.reshape(n, length)
        if options.get("maze_relabel", False):
            answers = relabel_canonical(puzzles)
        return puzzles, answers

    def puzzle(self, raw: np.ndarray) -> Maze:
        raw = np.asarray(raw)
        side = round(raw.size**0.5)
        return Maze(raw.reshape(side, side))

    def answer(self, raw: np.ndarray) -> Any:
        return self.puzzle(raw)

    def raw(self, answer: Maze) -> np.ndarray:
        return answer.grid.reshape(-1)

    def samples(self, count: int, length: int, rng: np.random.Generator) -> np.ndarray:
        side = round(length**0.5)
        return np.stack([generate_maze(side, max(2, side), rng)[0].grid.reshape(-1) for _ in range(count)])

    def exact(self, puzzle: Maze) -> Maze | None:
        try:
            return solve_maze(puzzle)
        except ValueError:  # no path from S to G
            return None

    def group_name(self, grade: int, length: int) -> str:
        side = round(length**0.5)
        return f"{side}x{side}"


TRAINING = MazeTraining()
