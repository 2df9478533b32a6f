"""Reading and writing maze files (no Qt)."""

from __future__ import annotations

from pathlib import Path

from solver.kinds.maze import Maze, format_maze, format_maze_csv, parse_maze_document

MAZE_FILTER = "Maze files (*.txt *.maze *.csv);;All files (*)"
MazePair = tuple[Maze, Maze | None]  # (question, answer from the file if any)


def read_mazes(text: str) -> list[MazePair]:
    """Every maze in a text grid or CSV document; ValueError saying what is wrong."""
    return parse_maze_document(text)


def load_maze_file(path: str | Path) -> list[MazePair]:
    """Mazes from a file; ValueError naming the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        return read_mazes(text)
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name}: cannot read the file ({err})") from None
    except ValueError as err:
        raise ValueError(f"{path.name}: {err}") from None


def maze_file_text(maze: Maze, suffix: str) -> str:
    """A file holding one maze: CSV row for .csv, the text grid otherwise."""
    if suffix.lower() == ".csv":
        return format_maze_csv([(maze, None)])
    return format_maze(maze)
