"""Maze training data: canonical labels for mazes whose shortest path is not unique."""

from __future__ import annotations

import numpy as np

from solver.kinds.maze import Maze, check_path, solve_maze
from solver.kinds.maze.generator import generate_maze
from solver.kinds.maze.training import maze_generation, relabel_canonical
from training.data import PuzzleStream, StreamConfig, generated_pool


def _tied_pairs(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pairs = [generate_maze(12, 16, rng, unique_path=False) for _ in range(count)]
    return (
        np.stack([q.grid.reshape(-1) for q, _ in pairs]).astype(np.int8),
        np.stack([a.grid.reshape(-1) for _, a in pairs]).astype(np.int8),
    )


def test_relabel_gives_the_solvers_path_whatever_the_old_label() -> None:
    puzzles, answers = _tied_pairs(6, seed=1)
    relabelled = relabel_canonical(puzzles)
    # The generator's label is one of the tied paths; the new one is the solver's, whatever it was.
    assert not np.array_equal(relabelled, answers)
    for p, a in zip(puzzles, relabelled, strict=True):
        question = Maze(p.reshape(12, 12))
        assert check_path(Maze(a.reshape(12, 12)), question).ok
        assert np.array_equal(a, solve_maze(question).grid.reshape(-1))


def test_relabel_keeps_a_unique_path_answer() -> None:
    rng = np.random.default_rng(2)
    pairs = [generate_maze(12, 16, rng) for _ in range(4)]
    puzzles = np.stack([q.grid.reshape(-1) for q, _ in pairs]).astype(np.int8)
    answers = np.stack([a.grid.reshape(-1) for _, a in pairs]).astype(np.int8)
    assert np.array_equal(relabel_canonical(puzzles), answers)


def test_a_relabelling_stream_labels_each_augmented_draw_canonically(tmp_path) -> None:
    pool = generated_pool("maze", maze_generation(8, 12, 16, seed=5, unique_path=False), cache_dir=tmp_path)
    assert "not unique" in pool.description
    stream = PuzzleStream(pool, "maze-12x12-v1", StreamConfig(augment=True, options={"maze_relabel": True}), seed=0)
    puzzles, answers = stream.next_raw(16)
    for p, a in zip(puzzles, answers, strict=True):
        assert np.array_equal(a, solve_maze(Maze(p.reshape(12, 12))).grid.reshape(-1))
