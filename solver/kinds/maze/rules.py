"""The maze rule checker: an answer is right when its path is a single simple S->G path of
exactly the shortest length through open cells.
"""

from __future__ import annotations

import numpy as np

from solver.kinds.maze.paths import bfs_distances, neighbour_table, shortest_path_length
from solver.kinds.maze.puzzle import CHARSET, GOAL, OPEN, PATH, START, Maze, PathCheck

# --------------------------------------------------------------------------------------------
# Rule checking


def _cell_name(cell: tuple[int, int]) -> str:
    return f"row {cell[0] + 1}, column {cell[1] + 1}"


def _neighbour_counts(mask: np.ndarray) -> np.ndarray:
    """For each cell, how many of its 4 neighbours are set in `mask`."""
    padded = np.pad(mask.astype(np.int8), 1)
    return padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]


def check_path(answer: Maze, question: Maze) -> PathCheck:
    """Whether `answer` is `question` with exactly one shortest S→G path drawn in ``o``."""
    if not isinstance(answer, Maze) or not isinstance(question, Maze):
        raise ValueError("check_path needs two Maze objects")
    if answer.shape != question.shape:
        return PathCheck(False, f"answer is {answer.shape}, question is {question.shape}")
    q, a = question.grid, answer.grid
    for symbol, name in (("S", "start"), ("G", "goal")):
        found = question.cells(symbol)
        if len(found) != 1:
            return PathCheck(False, f"question has {len(found)} {name} cells, not 1", found)
    if (q == PATH).any():
        return PathCheck(False, "question already contains path cells", question.cells("o"))
    illegal = (q != a) & ~((q == OPEN) & (a == PATH))
    if illegal.any():
        bad = [(int(r), int(c)) for r, c in np.argwhere(illegal)]
        r, c = bad[0]
        return PathCheck(
            False,
            f"answer changes {_cell_name(bad[0])} from {CHARSET[q[r, c]]!r} to "
            f"{CHARSET[a[r, c]]!r} (only open cells may become 'o')",
            bad,
        )
    return _check_path_shape(answer, question)


def _check_path_shape(answer: Maze, question: Maze) -> PathCheck:
    """The ``o`` cells plus S and G form one simple S→G path of shortest length."""
    a = answer.grid
    on_path = (a == PATH) | (a == START) | (a == GOAL)
    degree = _neighbour_counts(on_path)
    ends = (a == START) | (a == GOAL)
    wrong = on_path & np.where(ends, degree != 1, degree != 2)
    if wrong.any():
        bad = [(int(r), int(c)) for r, c in np.argwhere(wrong)]
        r, c = bad[0]
        kind = "an end" if ends[r, c] else "a path cell"
        problem = "a gap or dead end" if degree[r, c] < (1 if ends[r, c] else 2) else "a branch"
        return PathCheck(
            False,
            f"not a single S→G path: {kind} at {_cell_name(bad[0])} has {degree[r, c]} "
            f"path neighbours ({problem})",
            bad,
        )
    # Degrees alone allow a separate loop of 'o' cells next to a valid path; require one piece.
    height, width = a.shape
    start = answer.start
    assert start is not None  # the answer's S equals the question's single S
    dist = bfs_distances(
        on_path.ravel().tolist(), neighbour_table(height, width), start[0] * width + start[1]
    )
    stray = on_path.ravel() & (np.asarray(dist) < 0)
    if stray.any():
        bad = [divmod(int(i), width) for i in np.flatnonzero(stray)]
        return PathCheck(False, f"path cells not connected to S, e.g. {_cell_name(bad[0])}", bad)
    drawn = int((a == PATH).sum())
    shortest = shortest_path_length(question)
    if shortest is None or drawn != shortest:
        return PathCheck(
            False, f"path has {drawn} cells between S and G, the shortest has {shortest}"
        )
    return PathCheck(True, "a shortest S→G path")


