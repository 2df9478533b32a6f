"""Shortest paths through a maze: BFS distances, path counts and the canonical shortest path.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from solver.kinds.maze.puzzle import PATH, WALL, Maze, check_endpoints

# --------------------------------------------------------------------------------------------
# Search


@functools.lru_cache(maxsize=32)
def neighbour_table(height: int, width: int) -> tuple[tuple[int, ...], ...]:
    """For each flat cell index of an (height, width) grid, its 4-neighbours' flat indices."""
    table = []
    for cell in range(height * width):
        r, c = divmod(cell, width)
        near = []
        if r > 0:
            near.append(cell - width)
        if c > 0:
            near.append(cell - 1)
        if c + 1 < width:
            near.append(cell + 1)
        if r + 1 < height:
            near.append(cell + width)
        table.append(tuple(near))
    return tuple(table)


def bfs_distances(
    passable: Sequence[bool], neighbours: Sequence[Sequence[int]], source: int
) -> list[int]:
    """BFS step counts from flat cell `source` over `passable` cells; -1 where unreachable."""
    dist = [-1] * len(passable)
    dist[source] = 0
    frontier = [source]
    step = 0
    # Plain lists beat numpy here: a maze is a few hundred cells and the work is all branching.
    while frontier:
        step += 1
        nxt = []
        for u in frontier:
            for v in neighbours[u]:
                if dist[v] < 0 and passable[v]:
                    dist[v] = step
                    nxt.append(v)
        frontier = nxt
    return dist


def count_paths(
    passable: Sequence[bool],
    neighbours: Sequence[Sequence[int]],
    source: int,
    target: int,
    cap: int,
) -> int:
    """The number of shortest paths source→target (0 if none), counted by BFS and capped."""
    dist = [-1] * len(passable)
    count = [0] * len(passable)
    dist[source], count[source] = 0, 1
    frontier = [source]
    step = 0
    while frontier and dist[target] < 0:
        step += 1
        nxt = []
        for u in frontier:
            for v in neighbours[u]:
                if not passable[v]:
                    continue
                if dist[v] < 0:
                    dist[v] = step
                    nxt.append(v)
                if dist[v] == step:
                    count[v] = min(cap, count[v] + count[u])
        frontier = nxt
    return count[target]


def _endpoints(maze: Maze) -> tuple[int, int]:
    """Flat indices of S and G; ValueError unless there is exactly one of each."""
    width = maze.shape[1]
    check_endpoints(maze.grid, "maze", lambda r, c: f"row {r + 1}, column {c + 1}")
    start, goal = maze.start, maze.goal
    assert start is not None and goal is not None  # checked just above
    return start[0] * width + start[1], goal[0] * width + goal[1]


def _passable(maze: Maze) -> list[bool]:
    return (maze.grid.ravel() != WALL).tolist()


def shortest_path_length(maze: Maze) -> int | None:
    """Cells strictly between S and G on a shortest path (the CSV path_len); None if no path."""
    start, goal = _endpoints(maze)
    dist = bfs_distances(_passable(maze), neighbour_table(*maze.shape), start)
    return None if dist[goal] < 0 else dist[goal] - 1


def count_shortest_paths(maze: Maze, cap: int = 2**31) -> int:
    """How many distinct shortest S→G paths the maze has (0 if none), at most `cap`."""
    start, goal = _endpoints(maze)
    return count_paths(_passable(maze), neighbour_table(*maze.shape), start, goal, cap)


def solve_maze(question: Maze) -> Maze:
    """The question with one shortest S→G path marked ``o``; ValueError if G is unreachable."""
    start, goal = _endpoints(question)
    height, width = question.shape
    neighbours = neighbour_table(height, width)
    dist = bfs_distances(_passable(question), neighbours, start)
    if dist[goal] < 0:
        raise ValueError("maze has no path from S to G")
    flat = question.without_path().grid.ravel().copy()
    cell = goal
    # Walk back down the distance field; the fixed neighbour order makes the choice deterministic.
    while dist[cell] > 1:
        cell = next(v for v in neighbours[cell] if dist[v] == dist[cell] - 1)
        flat[cell] = PATH
    return Maze(flat.reshape(height, width))


