"""Dihedral maps and the ARC / maze augmentations built on them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver.kinds.arc import ArcPair, ArcTask
from solver.kinds.arc.symmetry import ArcAugmentation
from solver.kinds.dihedral import dihedral, inverse_dihedral, inverse_dihedral_index
from solver.kinds.maze import check_path, parse_maze, shortest_path_length, solve_maze
from solver.kinds.maze.symmetry import MazeAugmentation

KS = st.integers(0, 7)


@st.composite
def arrays(draw: st.DrawFn, batch: bool = False) -> np.ndarray:
    shape = [draw(st.integers(1, 30)), draw(st.integers(1, 30))]
    if batch:
        shape = [draw(st.integers(1, 3)), draw(st.integers(1, 3)), *shape]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.integers(0, 10, size=shape).astype(np.uint8)


colour_maps = st.permutations(list(range(1, 10))).map(lambda p: (0, *p))


@settings(max_examples=80, deadline=None)
@given(st.one_of(arrays(), arrays(batch=True)), KS)
def test_inverse_undoes_every_map(grid: np.ndarray, k: int) -> None:
    moved = dihedral(grid, k)
    assert moved.shape[:-2] == grid.shape[:-2]
    assert np.array_equal(inverse_dihedral(moved, k), grid)
    assert np.array_equal(dihedral(inverse_dihedral(grid, k), k), grid)


def test_documented_convention() -> None:
    g = np.arange(6).reshape(2, 3)
    expected = [
        g,
        np.rot90(g),
        np.rot90(g, 2),
        np.rot90(g, 3),
        g.T,
        g[::-1],
        g[::-1, ::-1].T,
        g[:, ::-1],
    ]
    for k, want in enumerate(expected):
        assert np.array_equal(dihedral(g, k), want), k
    assert [inverse_dihedral_index(k) for k in range(8)] == [0, 3, 2, 1, 4, 5, 6, 7]


def test_the_eight_maps_are_distinct_and_batches_map_each_grid() -> None:
    g = np.arange(9).reshape(3, 3)
    images = {dihedral(g, k).tobytes() for k in range(8)}
    assert len(images) == 8
    batch = np.stack([g, g + 9])
    for k in range(8):
        assert np.array_equal(dihedral(batch, k)[1], dihedral(g + 9, k))


def test_maps_return_independent_arrays() -> None:
    g = np.zeros((2, 2), dtype=np.uint8)
    dihedral(g, 0)[0, 0] = 5
    assert g[0, 0] == 0


@pytest.mark.parametrize("k", [-1, 8, 1.0, True, "1"])
def test_bad_index_is_a_value_error(k: object) -> None:
    with pytest.raises(ValueError, match=r"0\.\.7"):
        dihedral(np.zeros((2, 2)), k)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(st.one_of(arrays(), arrays(batch=True)), KS, colour_maps)
def test_arc_augmentation_round_trip_keeps_black(
    grid: np.ndarray, k: int, cmap: tuple[int, ...]
) -> None:
    aug = ArcAugmentation(k, cmap)
    moved = aug.apply(grid)
    assert np.array_equal(aug.invert(moved), grid)
    assert np.array_equal(moved == 0, dihedral(grid == 0, k))


def test_arc_augmentation_maps_colours_then_positions() -> None:
    aug = ArcAugmentation(4, (0, 2, 1, 3, 4, 5, 6, 7, 8, 9))
    assert aug.apply(np.array([[1, 2, 0]])).tolist() == [[2], [1], [0]]


def test_arc_augmentation_validates_its_colour_map() -> None:
    with pytest.raises(ValueError, match="black"):
        ArcAugmentation(0, (1, 0, 2, 3, 4, 5, 6, 7, 8, 9))
    with pytest.raises(ValueError, match="permutation"):
        ArcAugmentation(0, (0, 1, 1, 3, 4, 5, 6, 7, 8, 9))
    with pytest.raises(ValueError, match="10 ints"):
        ArcAugmentation(0, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="0-9"):
        ArcAugmentation().apply(np.array([[10]]))


def test_random_augmentations_are_seeded() -> None:
    first = [ArcAugmentation.random(np.random.default_rng(3)) for _ in range(2)]
    assert first[0] == first[1]
    many = {ArcAugmentation.random(np.random.default_rng(s)) for s in range(50)}
    assert len(many) > 40 and all(a.colour_map[0] == 0 for a in many)
    assert {MazeAugmentation.random(np.random.default_rng(s)).k for s in range(100)} == set(
        range(8)
    )


@settings(max_examples=20, deadline=None)
@given(KS, colour_maps)
def test_task_augmentation_round_trip(k: int, cmap: tuple[int, ...]) -> None:
    rng = np.random.default_rng(k)
    task = ArcTask(
        "t",
        (ArcPair(rng.integers(0, 10, (3, 5)), rng.integers(0, 10, (2, 7))),),
        (ArcPair(rng.integers(0, 10, (4, 1))),),
    )
    aug = ArcAugmentation(k, cmap)
    moved = aug.apply_to_task(task)
    assert moved.test[0].output is None
    assert moved.train[0].input.shape == dihedral(task.train[0].input, k).shape
    assert aug.invert_task(moved) == task


MAZE = parse_maze("S  #\n # #\n #  \n   G\n")


@pytest.mark.parametrize("k", range(8))
def test_maze_augmentation_keeps_the_puzzle(k: int) -> None:
    aug = MazeAugmentation(k)
    answer = solve_maze(MAZE)
    moved_q, moved_a = aug.apply(MAZE), aug.apply(answer)
    assert check_path(moved_a, moved_q).ok
    assert shortest_path_length(moved_q) == shortest_path_length(MAZE)
    assert aug.invert(moved_q) == MAZE and aug.invert(moved_a) == answer


@pytest.mark.parametrize("k", range(8))
def test_maze_invert_cells_moves_values_back_onto_the_maze(k: int) -> None:
    maze = parse_maze("S  #   \n## # ##\n   #  G\n# #    \n   ## #")  # 5x7: transposes change the shape
    aug = MazeAugmentation(k)
    view = aug.apply(maze)
    assert np.array_equal(aug.invert_cells(view.grid == view.grid[view.start]), maze.grid == maze.grid[maze.start])
    confidence = np.arange(view.grid.size, dtype=float).reshape(view.shape)
    assert aug.invert_cells(confidence).shape == maze.shape


@given(arrays(), KS, colour_maps)
def test_arc_invert_cells_moves_positions_and_never_relabels(grid: np.ndarray, k: int, cmap: tuple[int, ...]) -> None:
    aug = ArcAugmentation(k, cmap)
    view = aug.apply(grid)
    # Positions come back; the view's colours stay the view's (a mask or a confidence is no colour).
    assert np.array_equal(aug.invert_cells(view), np.asarray(cmap, np.uint8)[grid])
    assert np.array_equal(aug.invert_cells(view == cmap[3]), grid == 3)
