"""Maze pools for training: generated at a chosen size and path length, or read from HRM CSVs."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

from training.data import UNGRADED, PuzzlePool, _read_text, chunk_seed, run_chunks

_LOGGER = logging.getLogger(__name__)


def _generate_maze_chunk(args: tuple[int, int, int, int, bool]) -> tuple[np.ndarray, np.ndarray]:
    from solver.kinds.maze.generator import generate_maze

    seed, count, size, min_path, unique = args
    rng = np.random.default_rng(seed)
    pairs = [generate_maze(size, min_path, rng, unique_path=unique) for _ in range(count)]
    return (
        np.stack([q.grid.reshape(-1) for q, _ in pairs]).astype(np.int8),
        np.stack([a.grid.reshape(-1) for _, a in pairs]).astype(np.int8),
    )


def generated_maze_pool(
    count: int,
    size: int,
    min_path: int,
    seed: int,
    cache_dir: Path | None = None,
    workers: int = 1,
    unique_path: bool = True,
) -> PuzzlePool:
    """`count` generated mazes (shortest path of at least `min_path` cells, unique unless asked
    otherwise), cached."""
    # The old key for unique-path pools, so caches written before the option still match.
    parts_of_key: tuple = (count, size, min_path, seed) if unique_path else (count, size, min_path, seed, "ties")
    key = hashlib.sha1(repr(parts_of_key).encode()).hexdigest()[:12]
    cache = cache_dir / f"maze-pool-{key}.npz" if cache_dir else None
    if cache is not None and cache.exists():
        return PuzzlePool.load(cache)
    chunk = 50
    jobs = []
    for i, start in enumerate(range(0, count, chunk)):
        jobs.append((chunk_seed(seed, "maze", i), min(chunk, count - start), size, min_path, unique_path))
    _LOGGER.info("generating %d %dx%d mazes in %d worker(s)", count, size, size, workers)
    parts = run_chunks(_generate_maze_chunk, jobs, workers)
    result = PuzzlePool(
        "maze",
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.full(count, UNGRADED, dtype=np.int8),
        f"generated {count} {size}x{size} mazes, path >= {min_path}, seed {seed}"
        + ("" if unique_path else ", shortest paths not unique"),
    )
    if cache is not None:
        result.save(cache)
    return result


def maze_pool_from_file(path: Path, limit: int | None = None) -> PuzzlePool:
    """Mazes with answers from an HRM/TRM CSV (question and answer columns)."""
    from solver.kinds.maze import parse_maze_csv

    pairs = [(q, a) for q, a in parse_maze_csv(_read_text(path)) if a is not None][:limit]
    if not pairs:
        raise ValueError(f"{path}: no mazes with answers found")
    shapes = {q.grid.shape for q, _ in pairs}
    if len(shapes) != 1:
        raise ValueError(f"{path}: mazes of several sizes {sorted(shapes)}; train one size at a time")
    return PuzzlePool(
        "maze",
        np.stack([q.grid.reshape(-1) for q, _ in pairs]).astype(np.int8),
        np.stack([a.grid.reshape(-1) for _, a in pairs]).astype(np.int8),
        np.full(len(pairs), UNGRADED, dtype=np.int8),
        f"file {path.name}",
    )


def relabel_canonical(puzzles: np.ndarray) -> np.ndarray:
    """The solver's canonical shortest path of each puzzle (n, L) -> answers (n, L).

    A Maze-Hard maze has thousands of shortest paths and its label is one of them, picked by a rule
    that the dihedral augmentation does not respect. Trained on such labels a model is asked for
    different paths through the same corridors, splits its probability between them, and in open
    regions marks none (a broken path). Labelling each draw after augmentation with `solve_maze`'s
    fixed tie-break makes the target a function of the input. A maze with a unique shortest path
    gets that path, i.e. the answer it already had.
    """
    from solver.kinds.maze import Maze, solve_maze

    n, length = puzzles.shape
    side = round(length**0.5)
    return np.stack(
        [solve_maze(Maze(puzzles[i].reshape(side, side))).grid.reshape(-1) for i in range(n)]
    ).astype(puzzles.dtype)
