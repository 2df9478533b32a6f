"""The seeded maze generator: long, unique, checkable shortest paths."""

from __future__ import annotations

import numpy as np
import pytest

from solver.kinds.maze import (
    WALL,
    check_path,
    count_shortest_paths,
    format_maze,
    parse_maze,
    shortest_path_length,
)
from solver.kinds.maze.generator import generate_maze, generate_mazes


@pytest.fixture(scope="module")
def hard() -> list:
    return generate_mazes(6, 30, 110, seed=7)


def test_same_seed_same_mazes_and_different_seed_different_mazes(hard: list) -> None:
    assert generate_mazes(6, 30, 110, seed=7) == hard
    assert generate_mazes(2, 30, 110, seed=8) != hard[:2]


def test_hard_mazes_are_valid_long_and_unique(hard: list) -> None:
    for question, answer in hard:
        assert question.shape == (30, 30)
        assert check_path(answer, question).ok
        assert shortest_path_length(question) >= 110
        assert count_shortest_paths(question) == 1
        assert parse_maze(format_maze(question)) == question


def test_hard_mazes_look_like_maze_hard(hard: list) -> None:
    walls = np.mean([(q.grid == WALL).mean() for q, _ in hard])
    assert 0.28 <= walls <= 0.45  # Maze-Hard: 28-45 % walls, mean 37 %


@pytest.mark.parametrize(("size", "min_path"), [(2, 0), (5, 4), (10, 12), (20, 50)])
def test_other_sizes(size: int, min_path: int) -> None:
    rng = np.random.default_rng(size)
    for _ in range(5):
        question, answer = generate_maze(size, min_path, rng)
        assert question.shape == (size, size)
        assert check_path(answer, question).ok
        assert shortest_path_length(question) >= min_path
        assert count_shortest_paths(question) == 1


@pytest.mark.parametrize(
    ("size", "min_path"), [(1, 0), (31, 100), (10, -1), (10, 99), (True, 3), (10, 2.5)]
)
def test_bad_arguments_are_value_errors(size: object, min_path: object) -> None:
    with pytest.raises(ValueError):
        generate_maze(size, min_path, np.random.default_rng(0))  # type: ignore[arg-type]


def test_an_impossible_length_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="ask for a shorter path"):
        generate_maze(3, 7, np.random.default_rng(0))
    with pytest.raises(ValueError):
        generate_mazes(-1, 10, 5, seed=0)


def test_mazes_with_ties_keep_them_and_still_have_a_valid_long_answer() -> None:
    rng = np.random.default_rng(3)
    pairs = [generate_maze(30, 110, rng, unique_path=False) for _ in range(4)]
    for question, answer in pairs:
        assert check_path(answer, question).ok
        assert shortest_path_length(question) >= 110
    # Like Maze-Hard's, these mazes have many shortest paths; that is the point of the option.
    assert max(count_shortest_paths(q, cap=1000) for q, _ in pairs) > 1
