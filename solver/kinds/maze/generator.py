"""Random mazes in the character of Maze-Hard, with a long and unique shortest path.

What Maze-Hard looks like (measured on ``maze_30x30_hard_*.csv``): 28-45 % walls (mean 37 %),
placed with no border and no lattice; the local statistics (open 2x2 blocks, wall neighbours of
walls) match independent random walls. What makes the mazes "hard" is selection: S and G are far
apart along a winding path (108-152 cells) though often close on the board. Plain rejection
sampling is far too slow for that: on random 37 % layouts even the longest shortest path between
any two cells averages about 60 cells.

Method (random walls, then walls grown on the shortest path, then tie-breaking walls):

1. Place walls independently with a probability drawn from ``WALL_DENSITY``, a little under
   Maze-Hard's, because the next steps add walls (the result averages about 36 %).
2. Put S on a random open cell and G on a random cell in the farther half of what S reaches.
3. While the path (cells strictly between S and G, the data set's ``path_len``) is shorter than
   ``min_path_length``: wall a random cell of the shortest-path DAG (the cells with
   dist_S + dist_G = D), preferring one that every shortest path uses, since that makes the path
   longer. A wall that would cut G off is undone and that cell stays open for good.
4. Make the shortest path unique (skipped with ``unique_path=False``). Maze-Hard itself does not
   (its mazes have thousands to millions of shortest paths), but a unique path makes the
   ground-truth answer the only correct one, so exact-match labels are fair. Take one shortest path P = (S = p0, ..., pD = G) and wall
   every open cell x, off P, next to some p(i-1) with dist_S(x) = i and dist_S(x) + dist_G(x) = D.
   Any other shortest path leaves P somewhere for the first time, and the cell it steps onto is
   exactly such an x, so none survives; P itself is untouched, so the length stays D. The count of
   shortest paths (BFS path counting, capped) is checked to be 1 anyway.

Everything random comes from the ``numpy.random.Generator`` passed in, so a seed fixes the mazes.
"""

from __future__ import annotations

import logging

import numpy as np

from solver.kinds.maze.paths import bfs_distances, count_paths, neighbour_table
from solver.kinds.maze.puzzle import GOAL, MAX_SIZE, OPEN, PATH, START, WALL, Maze

logger = logging.getLogger(__name__)

WALL_DENSITY = (0.255, 0.355)  # uniform range of the initial wall probability per layout
MAX_LAYOUTS = 200  # give up (ValueError) after this many wall layouts
MAX_GROWTH_STEPS = 2000  # walls tried per layout before drawing a new one
PATH_COUNT_CAP = 1 << 20


def _check_args(size: int, min_path_length: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= MAX_SIZE:
        raise ValueError(f"maze size must be an int in 2..{MAX_SIZE}, not {size!r}")
    if isinstance(min_path_length, bool) or not isinstance(min_path_length, int):
        raise ValueError(f"min_path_length must be an int, not {min_path_length!r}")
    if not 0 <= min_path_length <= size * size - 2:
        raise ValueError(
            f"min_path_length must be in 0..{size * size - 2} for a {size}x{size} maze, "
            f"not {min_path_length}"
        )


Neighbours = tuple[tuple[int, ...], ...]


def _pick_endpoints(
    passable: list[bool], neighbours: Neighbours, rng: np.random.Generator
) -> tuple[int, int] | None:
    """A random open S, and a random G among the farther half of the cells S reaches."""
    open_cells = np.flatnonzero(passable)
    if len(open_cells) < 2:
        return None
    start = int(rng.choice(open_cells))
    dist = np.asarray(bfs_distances(passable, neighbours, start))
    if dist.max() < 1:
        return None
    far = np.flatnonzero(dist >= max(1, dist.max() // 2))
    return start, int(rng.choice(far))


def _lengthen(
    passable: list[bool],
    neighbours: Neighbours,
    start: int,
    goal: int,
    min_steps: int,
    rng: np.random.Generator,
) -> list[int] | None:
    """Wall cells of the shortest S→G paths (in place) until the path is at least `min_steps`.

    Returns the BFS distances from S, or None if no further wall keeps G reachable. Walling a
    cell that every shortest path uses (a one-cell layer of the shortest-path DAG) makes the path
    longer; walling any other DAG cell thins the DAG so such bottlenecks appear. A wall that
    would cut G off is undone, and that cell is kept open for good (it stays a cut cell).
    """
    keep_open = {start, goal}
    dist_s = bfs_distances(passable, neighbours, start)
    for _ in range(MAX_GROWTH_STEPS):
        steps = dist_s[goal]
        if steps >= min_steps:
            return dist_s
        dist_g = bfs_distances(passable, neighbours, goal)
        on_dag = [
            c
            for c, d in enumerate(dist_s)
            if d > 0 and dist_g[c] > 0 and d + dist_g[c] == steps and c not in keep_open
        ]
        if not on_dag:
            return None
        layer_sizes = np.bincount([dist_s[c] for c in on_dag])
        bottlenecks = [c for c in on_dag if layer_sizes[dist_s[c]] == 1]
        choices = bottlenecks or on_dag
        cell = choices[int(rng.integers(len(choices)))]
        passable[cell] = False
        new_dist = bfs_distances(passable, neighbours, start)
        if new_dist[goal] < 0:
            passable[cell] = True
            keep_open.add(cell)
        else:
            dist_s = new_dist
    return None


def _one_shortest_path(
    dist: list[int], neighbours: Neighbours, goal: int, rng: np.random.Generator
) -> list[int]:
    """A random shortest path from S (distance 0) to `goal`, as flat cells S..G."""
    path = [goal]
    cell = goal
    while dist[cell] > 0:
        steps_back = [v for v in neighbours[cell] if dist[v] == dist[cell] - 1]
        cell = steps_back[int(rng.integers(len(steps_back)))]
        path.append(cell)
    return path[::-1]


def _wall_off_branches(
    passable: list[bool], neighbours: Neighbours, path: list[int], dist_start: list[int]
) -> None:
    """Wall (in place) every shortest-path branch leaving `path`, so `path` is the only one."""
    dist_goal = bfs_distances(passable, neighbours, path[-1])
    length = len(path) - 1
    on_path = set(path)
    for i, cell in enumerate(path[:-1]):
        for x in neighbours[cell]:
            branches = (
                x not in on_path
                and dist_start[x] == i + 1
                and dist_goal[x] >= 0
                and dist_start[x] + dist_goal[x] == length
            )
            if branches:
                passable[x] = False


def generate_maze(
    size: int, min_path_length: int, rng: np.random.Generator, unique_path: bool = True
) -> tuple[Maze, Maze]:
    """(question, answer): a random size x size maze whose shortest path is this long.

    With ``unique_path`` (the default) step 4 runs and the path is the only shortest one. Without
    it the maze keeps its ties, as Maze-Hard's do, and the answer is one of its shortest paths.
    """
    _check_args(size, min_path_length)
    neighbours = neighbour_table(size, size)
    min_steps = min_path_length + 1  # BFS steps S→G = cells between them + 1
    for _ in range(MAX_LAYOUTS):
        density = rng.uniform(*WALL_DENSITY)
        passable = (rng.random(size * size) >= density).tolist()
        picked = _pick_endpoints(passable, neighbours, rng)
        if picked is None:
            continue
        start, goal = picked
        dist = _lengthen(passable, neighbours, start, goal, min_steps, rng)
        if dist is None:
            continue
        path = _one_shortest_path(dist, neighbours, goal, rng)
        if not unique_path:
            return _build(size, passable, start, goal, path)
        _wall_off_branches(passable, neighbours, path, dist)
        if count_paths(passable, neighbours, start, goal, PATH_COUNT_CAP) != 1:
            # Cannot happen by the argument in the module docstring; never ship a bad maze.
            logger.warning("tie-breaking left several shortest paths; drawing a new maze")
            continue
        return _build(size, passable, start, goal, path)
    raise ValueError(
        f"no {size}x{size} maze with a path of {min_path_length} cells after {MAX_LAYOUTS} "
        "tries; ask for a shorter path"
    )


def _build(
    size: int, passable: list[bool], start: int, goal: int, path: list[int]
) -> tuple[Maze, Maze]:
    flat = np.where(passable, OPEN, WALL).astype(np.uint8)
    flat[start], flat[goal] = START, GOAL
    question = Maze(flat.reshape(size, size))
    flat[path[1:-1]] = PATH
    return question, Maze(flat.reshape(size, size))


def generate_mazes(
    n: int, size: int, min_path_length: int, seed: int | None = None
) -> list[tuple[Maze, Maze]]:
    """`n` (question, answer) pairs from one seeded generator: the same seed, the same mazes."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative int, not {n!r}")
    rng = np.random.default_rng(seed)
    return [generate_maze(size, min_path_length, rng) for _ in range(n)]
