"""Reading and writing Sudoku files by extension (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from solver.kinds.sudoku import Sudoku, format_sudoku, format_sudokus, iter_sudoku_records

SUDOKU_FILTER = "Sudoku files (*.txt *.sdk *.sdm *.csv);;All files (*)"
_FORMAT_BY_SUFFIX = {".csv": "csv", ".sdm": "sdm", ".sdk": "auto", ".txt": "auto"}


def read_sudokus(text: str, suffix: str = ".txt") -> tuple[list[Sudoku], list[str]]:
    """(puzzles, problems): every readable puzzle and one message per unreadable record.

    ValueError when nothing readable is there at all.
    """
    fmt = _FORMAT_BY_SUFFIX.get(suffix.lower(), "auto")
    puzzles: list[Sudoku] = []
    problems: list[str] = []
    records = list(iter_sudoku_records(text, fmt))
    for _line, item in records:
        if isinstance(item, ValueError):
            problems.append(str(item))
        else:
            puzzles.append(item)
    if not puzzles:
        reason = problems[0] if problems else "no Sudoku puzzle found"
        raise ValueError(reason)
    return puzzles, problems


def load_sudoku_file(path: str | Path) -> tuple[list[Sudoku], list[str]]:
    """Puzzles and problems from a file; ValueError (naming the file) when unreadable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path.name}: cannot read the file ({err})") from None
    try:
        return read_sudokus(text, path.suffix)
    except ValueError as err:
        raise ValueError(f"{path.name}: {err}") from None


def sudoku_file_text(puzzles: Sequence[Sudoku], suffix: str) -> str:
    """The text of a file holding `puzzles` (one for .sdk and .txt)."""
    suffix = suffix.lower()
    if suffix == ".sdk":
        return format_sudoku(puzzles[0], "sdk")
    if suffix == ".csv":
        return format_sudokus(puzzles, "csv")
    if suffix == ".sdm" or len(puzzles) > 1:
        return format_sudokus(puzzles, "sdm")
    return format_sudoku(puzzles[0], "line") + "\n"
