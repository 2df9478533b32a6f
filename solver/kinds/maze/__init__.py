"""Mazes up to 30x30 (wall, open, start, goal, path): everything about the kind. `KIND` is what the rest of the project uses; the names
below are this package's public vocabulary."""

from solver.kinds.maze.codec import (
    MAZE_CODEC_30,
    MazeCodec,
    pad_maze,
)
from solver.kinds.maze.formats import (
    format_maze_csv,
    format_mazes,
    maze_to_row,
    parse_maze,
    parse_maze_csv,
    parse_maze_document,
    parse_maze_row,
    parse_mazes,
)
from solver.kinds.maze.kind import KIND
from solver.kinds.maze.paths import (
    bfs_distances,
    count_paths,
    count_shortest_paths,
    neighbour_table,
    shortest_path_length,
    solve_maze,
)
from solver.kinds.maze.puzzle import (
    CHARSET,
    CSV_HEADER,
    GOAL,
    MAX_SIZE,
    OPEN,
    PATH,
    START,
    WALL,
    Maze,
    PathCheck,
    check_endpoints,
    format_maze,
)
from solver.kinds.maze.rules import (
    check_path,
)

__all__ = [
    "CHARSET",
    "CSV_HEADER",
    "GOAL",
    "KIND",
    "MAX_SIZE",
    "MAZE_CODEC_30",
    "OPEN",
    "PATH",
    "START",
    "WALL",
    "Maze",
    "MazeCodec",
    "PathCheck",
    "bfs_distances",
    "check_endpoints",
    "check_path",
    "count_paths",
    "count_shortest_paths",
    "format_maze",
    "format_maze_csv",
    "format_mazes",
    "maze_to_row",
    "neighbour_table",
    "pad_maze",
    "parse_maze",
    "parse_maze_csv",
    "parse_maze_document",
    "parse_maze_row",
    "parse_mazes",
    "shortest_path_length",
    "solve_maze",
]
