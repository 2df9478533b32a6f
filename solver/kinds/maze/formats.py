"""Mazes in the HRM/TRM ``maze-30x30-hard-1k`` style: the puzzle type, its text and CSV formats,
an independent rule checker, a BFS solver and the token codec that training and the app share.

A maze is an (H, W) grid, 1x1 up to 30x30, of indices into ``CHARSET = "# SGo"``: ``#`` wall,
space open, ``S`` start, ``G`` goal, ``o`` a path cell (only in answers). Moves are 4-neighbour.

Path length convention: the *path length* of a maze is the number of cells strictly between S and
G on a shortest path, i.e. the number of ``o`` cells in a correct answer. This is what the data
set's ``path_len`` column holds (a maze with S next to G has path length 0).

Formats read and written:

- text grid: one text row per maze row. Only line breaks (``\\n``, ``\\r\\n``, ``\\r``) are
  stripped, never spaces, because a space is an open cell. Several mazes in one text are separated
  by *empty* lines; a line of spaces is a row of open cells, not a separator.
- row string: the n*n-character row-major string of the CSV question/answer columns.
- CSV: ``source,question,answer,rating`` (HRM) or ``index,question,answer,path_len`` (the data
  set), with or without a header row.

Ragged text rows are rejected, not padded. An editor that trims trailing spaces makes rows ragged,
and padding them back with open cells looks helpful, but it cannot be done reliably: a fully open
row is trimmed to an empty line, which then reads as a separator, and a row that really lost a
wall character would be silently "repaired" into a different puzzle. So the error names the row
and says that trailing spaces may have been trimmed.


from __future__ import annotations

import csv
import functools
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from math import isqrt

import numpy as np

from solver.kinds.maze.paths import shortest_path_length
from solver.kinds.maze.puzzle import (
    _ALPHABET,
    _BYTE_TO_INDEX,
    _CHARSET_BYTES,
    CHARSET,
    CSV_HEADER,
    MAX_SIZE,
    PATH,
    Maze,
    check_endpoints,
    format_maze,
)

# --------------------------------------------------------------------------------------------
# Parsing


def _split_lines(text: str) -> list[str]:
    """Lines without their line breaks (\\n, \\r\\n or a lone \\r); spaces are kept."""
    if not isinstance(text, str):
        raise ValueError(f"maze text must be a str, not {type(text).__name__}")
    text = text.removeprefix("\ufeff")  # a BOM some Windows editors put first
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _bad_char_message(where: str, ch: str) -> str:
    return f"{where}: character {ch!r} is not in the maze alphabet {CHARSET!r}"


def _row_indices(row: str, locate: Callable[[int], str]) -> np.ndarray:
    """CHARSET indices of a string; ValueError at the first foreign character."""
    if not _ALPHABET.issuperset(row):
        i = next(i for i, ch in enumerate(row) if ch not in _ALPHABET)
        raise ValueError(_bad_char_message(locate(i), row[i]))
    # Every character is now one of five ASCII ones, so a byte lookup is exact and fast.
    return _BYTE_TO_INDEX[np.frombuffer(row.encode("ascii"), dtype=np.uint8)]


def _maze_from_rows(rows: Sequence[str], first_line: int) -> Maze:
    """A maze from text rows that start on 1-based line `first_line` of the source."""

    def locate(r: int, c: int) -> str:
        return f"line {first_line + r}, column {c + 1}"

    last_line = first_line + len(rows) - 1
    if len(rows) > MAX_SIZE:
        raise ValueError(
            f"line {first_line + MAX_SIZE}: maze has {len(rows)} rows, more than {MAX_SIZE}"
        )
    width = len(rows[0])
    for r, row in enumerate(rows):
        if len(row) > MAX_SIZE:
            raise ValueError(
                f"{locate(r, MAX_SIZE)}: row has {len(row)} cells, more than {MAX_SIZE}"
            )
        if len(row) != width:
            raise ValueError(
                f"{locate(r, min(len(row), width))}: ragged rows: this row has {len(row)} cells, "
                f"the first row (line {first_line}) has {width} (an editor may have trimmed "
                "trailing spaces, which are open cells)"
            )
    grid = np.stack([_row_indices(row, functools.partial(locate, r)) for r, row in enumerate(rows)])
    check_endpoints(grid, f"maze on lines {first_line}-{last_line}", locate)
    return Maze(grid)


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Runs of non-empty lines as (1-based first line, rows)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(_split_lines(text), start=1):
        if line:
            if not current:
                blocks.append((number, current))
            current.append(line)
        else:
            current = []
    return blocks


def parse_mazes(text: str) -> list[Maze]:
    """Every text-grid maze in `text`; mazes are separated by empty lines."""
    blocks = _blocks(text)
    if not blocks:
        raise ValueError("empty text: no maze found")
    return [_maze_from_rows(rows, first) for first, rows in blocks]


def parse_maze(text: str) -> Maze:
    """Exactly one text-grid maze (a trailing newline and blank lines around it are fine)."""
    blocks = _blocks(text)
    if not blocks:
        raise ValueError("empty text: no maze found")
    if len(blocks) > 1:
        raise ValueError(
            f"line {blocks[1][0]}: a second maze starts here (use parse_mazes for several)"
        )
    first, rows = blocks[0]
    return _maze_from_rows(rows, first)


def _maze_from_row_string(row: str, where: str) -> Maze:
    """A square maze from its row-major n*n string; `where` prefixes error messages."""
    if not isinstance(row, str):
        raise ValueError(f"{where}: a maze row must be a str, not {type(row).__name__}")
    if not row:
        raise ValueError(f"{where}: empty maze string")
    n = isqrt(len(row))
    if n * n != len(row):
        raise ValueError(f"{where}: {len(row)} characters is not a square number (n*n)")
    if n > MAX_SIZE:
        raise ValueError(f"{where}: {n}x{n} maze is over {MAX_SIZE}x{MAX_SIZE}")

    def locate(r: int, c: int) -> str:
        return f"{where}, character {r * n + c + 1} (row {r + 1}, column {c + 1})"

    cells = _row_indices(row, lambda i: locate(*divmod(i, n)))
    grid = cells.reshape(n, n)
    check_endpoints(grid, where, locate)
    return Maze(grid)


def parse_maze_row(row: str) -> Maze:
    """A square maze from the n*n-character row-major string the CSV columns hold."""
    return _maze_from_row_string(row, "line 1")


def _csv_columns(first: list[str]) -> tuple[int, int | None, bool]:
    """(question column, answer column or None, whether `first` is a header row)."""
    names = [name.strip().lower() for name in first]
    if "question" in names:
        answer = names.index("answer") if "answer" in names else None
        return names.index("question"), answer, True
    # No header: both known layouts put the question second and the answer third.
    if len(first) >= 3:
        return 1, 2, False
    if len(first) == 2:
        return 0, 1, False
    return 0, None, False


def iter_maze_csv(text: str) -> Iterator[tuple[int, tuple[Maze, Maze | None] | ValueError]]:
    """(line, (question, answer or None) or why that row is unreadable) for every CSV row.

    ValueError only for what spoils the whole document: not text, or malformed CSV quoting.
    """
    if not isinstance(text, str):
        raise ValueError(f"maze CSV must be a str, not {type(text).__name__}")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    columns: tuple[int, int | None, bool] | None = None
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not cell for cell in record):
                continue  # blank line
            if columns is None:
                columns = _csv_columns(record)
                if columns[2]:
                    continue
            try:
                yield line, _csv_pair(record, columns[0], columns[1], line)
            except ValueError as err:
                yield line, err
    except csv.Error as err:
        raise ValueError(f"line {reader.line_num}: malformed CSV ({err})") from None


def parse_maze_csv(text: str) -> list[tuple[Maze, Maze | None]]:
    """(question, answer or None) for every row of an HRM / data-set maze CSV; ValueError at the
    first bad row (`iter_maze_csv` reads past them)."""
    pairs: list[tuple[Maze, Maze | None]] = []
    for _line, item in iter_maze_csv(text):
        if isinstance(item, ValueError):
            raise item
        pairs.append(item)
    if not pairs:
        raise ValueError("empty CSV: no maze rows found")
    return pairs


def iter_maze_records(text: str) -> Iterator[tuple[str, tuple[Maze, Maze | None] | ValueError]]:
    """(where, (question, answer or None) or why it is unreadable) for every maze of a document:
    the rows of a maze CSV, or the text grids separated by empty lines (a grid holding ``o``
    cells is an answer; its question is the grid without them)."""
    lines = _split_lines(text.removeprefix("\ufeff"))
    # A comma is not in the maze alphabet, so it cannot start a text grid.
    if any("," in line for line in lines if line):
        for number, (line, item) in enumerate(iter_maze_csv(text), start=1):
            yield f"maze {number} (line {line})", item
        return
    for number, (first, rows) in enumerate(_blocks(text), start=1):
        where = f"maze {number} (line {first})"
        try:
            found = _maze_from_rows(rows, first)
        except ValueError as err:
            yield where, err
            continue
        solved = bool((found.grid == PATH).any())
        yield where, (found.without_path(), found) if solved else (found, None)


def _csv_pair(
    record: list[str], question_col: int, answer_col: int | None, line: int
) -> tuple[Maze, Maze | None]:
    if question_col >= len(record):
        raise ValueError(
            f"line {line}: {len(record)} fields, the question is column {question_col + 1}"
        )
    question = _maze_from_row_string(record[question_col], f"line {line}, question")
    answer = None
    if answer_col is not None and answer_col < len(record) and record[answer_col]:
        answer = _maze_from_row_string(record[answer_col], f"line {line}, answer")
        if answer.shape != question.shape:
            raise ValueError(
                f"line {line}: answer is {answer.shape[0]}x{answer.shape[1]}, "
                f"question is {question.shape[0]}x{question.shape[1]}"
            )
    return question, answer


def parse_maze_document(text: str) -> list[tuple[Maze, Maze | None]]:
    """Whatever a person opened: a maze CSV, or text grids (a grid with ``o`` is an answer)."""
    lines = [line for line in _split_lines(text) if line]
    if not lines:
        raise ValueError("empty text: no maze found")
    # A comma is not in the maze alphabet, so it cannot start a text grid.
    if "," in lines[0]:
        return parse_maze_csv(text)
    pairs: list[tuple[Maze, Maze | None]] = []
    for maze in parse_mazes(text):
        solved = bool((maze.grid == PATH).any())
        pairs.append((maze.without_path(), maze) if solved else (maze, None))
    return pairs


# --------------------------------------------------------------------------------------------
# Formatting


def format_mazes(mazes: Iterable[Maze]) -> str:
    """Several text grids separated by empty lines (what :func:`parse_mazes` reads)."""
    return "\n".join(format_maze(maze) for maze in mazes)


def maze_to_row(maze: Maze) -> str:
    """The row-major string of a maze, as the CSV question/answer columns hold it."""
    return _CHARSET_BYTES[maze.grid.ravel()].tobytes().decode("ascii")


def format_maze_csv(pairs: Iterable[tuple[Maze, Maze | None]]) -> str:
    """An ``index,question,answer,path_len`` CSV (the data set's layout), with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for index, (question, answer) in enumerate(pairs):
        length = shortest_path_length(question)
        writer.writerow(
            [
                index,
                maze_to_row(question),
                "" if answer is None else maze_to_row(answer),
                "" if length is None else length,
            ]
        )
    return out.getvalue()




def maze_document(mazes: Sequence[Maze], suffix: str) -> str:
    """The text of a file holding `mazes`: CSV rows for .csv, text grids otherwise."""
    if not mazes:
        raise ValueError("no maze to write")
    if suffix.lower() == ".csv":
        return format_maze_csv([(maze, None) for maze in mazes])
    if suffix.lower() in (".txt", ".maze"):
        return format_mazes(mazes)
    raise ValueError(f"cannot write maze files ending {suffix!r} (use .txt, .maze or .csv)")


# --------------------------------------------------------------------------------------------
# Recognising a maze document


def sniff_maze(text: str, name: str = "") -> float:
    """How sure (0 to 1) that `text` is a maze document (a ``# SGo`` grid or a maze CSV)."""
    lines = [ln for ln in _split_lines(text.removeprefix("\ufeff")) if ln.strip()]
    if not lines:
        return 0.0
    if "," in lines[0]:  # CSV: a maze question holds walls, a Sudoku question digits
        header = "question" in lines[0].lower()
        data = lines[1] if header and len(lines) > 1 else lines[0]
        fields = data.split(",")
        question = fields[1] if len(fields) >= 2 else fields[0]
        return 0.9 if "#" in question and set(question) <= _ALPHABET else 0.0
    grid_rows = [ln for ln in lines if set(ln) <= _ALPHABET and "#" in ln]
    if grid_rows and any("S" in ln for ln in grid_rows) and not any(c.isdigit() for c in text):
        return 0.85
    return 0.0
