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
"""

from __future__ import annotations

import csv
import functools
import io
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from math import isqrt

import numpy as np

from solver.codec import PAD_ID, register_codec

logger = logging.getLogger(__name__)

CHARSET = "# SGo"
WALL, OPEN, START, GOAL, PATH = range(len(CHARSET))
MAX_SIZE = 30
CSV_HEADER = ("index", "question", "answer", "path_len")

# Byte value -> CHARSET index, 255 for anything outside the alphabet.
_BYTE_TO_INDEX = np.full(256, 255, dtype=np.uint8)
for _i, _ch in enumerate(CHARSET):
    _BYTE_TO_INDEX[ord(_ch)] = _i
_ALPHABET = frozenset(CHARSET)
_CHARSET_BYTES = np.frombuffer(CHARSET.encode("ascii"), dtype=np.uint8)  # index -> byte
# Where a cell is, for error messages: (0-based row, 0-based column) -> "line 3, column 7".
Locate = Callable[[int, int], str]


def _as_maze_grid(values: object) -> np.ndarray:
    grid = np.asarray(values)
    if grid.ndim != 2:
        raise ValueError(f"a maze grid must be 2-D, got shape {grid.shape}")
    height, width = grid.shape
    if not (1 <= height <= MAX_SIZE and 1 <= width <= MAX_SIZE):
        raise ValueError(f"a maze must be 1x1 to {MAX_SIZE}x{MAX_SIZE}, got {height}x{width}")
    if grid.dtype.kind not in "iu":
        raise ValueError(f"a maze grid must hold integers (CHARSET indices), got {grid.dtype}")
    if grid.min() < 0 or grid.max() >= len(CHARSET):
        raise ValueError(
            f"maze cells must be CHARSET indices 0-4, found {grid.min()}..{grid.max()}"
        )
    grid = grid.astype(np.uint8)  # always a fresh copy, so the caller cannot mutate the maze
    grid.setflags(write=False)
    return grid


@dataclass(frozen=True, eq=False)
class Maze:
    """A maze grid of CHARSET indices (uint8, read-only); equal when the grids are equal."""

    grid: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "grid", _as_maze_grid(self.grid))

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width)."""
        return int(self.grid.shape[0]), int(self.grid.shape[1])

    def cells(self, symbol: str) -> list[tuple[int, int]]:
        """(row, column) of every cell holding `symbol`, in row-major order (0-based)."""
        return [(int(r), int(c)) for r, c in np.argwhere(self.grid == CHARSET.index(symbol))]

    @property
    def start(self) -> tuple[int, int] | None:
        """The S cell, or None when there is not exactly one."""
        found = self.cells("S")
        return found[0] if len(found) == 1 else None

    @property
    def goal(self) -> tuple[int, int] | None:
        """The G cell, or None when there is not exactly one."""
        found = self.cells("G")
        return found[0] if len(found) == 1 else None

    def without_path(self) -> Maze:
        """The same maze with every ``o`` turned back into an open cell (the question)."""
        return Maze(np.where(self.grid == PATH, OPEN, self.grid))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Maze):
            return NotImplemented
        return bool(np.array_equal(self.grid, other.grid))

    def __hash__(self) -> int:
        return hash((self.grid.shape, self.grid.tobytes()))

    def __str__(self) -> str:
        return format_maze(self)


@dataclass(frozen=True)
class PathCheck:
    """The verdict of :func:`check_path`; `bad_cells` are 0-based (row, column)."""

    ok: bool
    reason: str
    bad_cells: list[tuple[int, int]] = field(default_factory=list)


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


def _check_endpoints(grid: np.ndarray, where: str, locate: Locate) -> None:
    """Exactly one S and one G, or a ValueError naming the extra one or the missing one."""
    for symbol, name in (("S", "start"), ("G", "goal")):
        found = np.argwhere(grid == CHARSET.index(symbol))
        if len(found) == 0:
            raise ValueError(f"{where}: no {name} cell {symbol!r}")
        if len(found) > 1:
            (r0, c0), (r1, c1) = found[0], found[1]
            raise ValueError(
                f"{locate(int(r1), int(c1))}: a second {name} cell {symbol!r} "
                f"(the first is at {locate(int(r0), int(c0))})"
            )


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
    _check_endpoints(grid, f"maze on lines {first_line}-{last_line}", locate)
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
    _check_endpoints(grid, where, locate)
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


def parse_maze_csv(text: str) -> list[tuple[Maze, Maze | None]]:
    """(question, answer or None) for every row of an HRM / data-set maze CSV."""
    if not isinstance(text, str):
        raise ValueError(f"maze CSV must be a str, not {type(text).__name__}")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    pairs: list[tuple[Maze, Maze | None]] = []
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
            pairs.append(_csv_pair(record, columns[0], columns[1], line))
    except csv.Error as err:
        raise ValueError(f"line {reader.line_num}: malformed CSV ({err})") from None
    if not pairs:
        raise ValueError("empty CSV: no maze rows found")
    return pairs


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


def format_maze(maze: Maze) -> str:
    """The text grid, one line per row, ending in a newline."""
    return "".join(_CHARSET_BYTES[row].tobytes().decode("ascii") + "\n" for row in maze.grid)


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
    _check_endpoints(maze.grid, "maze", lambda r, c: f"row {r + 1}, column {c + 1}")
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


# --------------------------------------------------------------------------------------------
# Token codec


def pad_maze(maze: Maze, size: int) -> Maze:
    """`maze` grown to size x size with walls on the bottom and right (same puzzle, same path)."""
    height, width = maze.shape
    if height > size or width > size:
        raise ValueError(f"a {height}x{width} maze does not fit in {size}x{size}")
    return Maze(np.pad(maze.grid, ((0, size - height), (0, size - width)), constant_values=WALL))


class MazeCodec:
    """Maze tokens: PAD 0, then CHARSET index + 1 ('#'=1 ' '=2 'S'=3 'G'=4 'o'=5)."""

    kind = "maze"
    vocab_size = len(CHARSET) + 1
    pad_id = PAD_ID

    def __init__(self, size: int = MAX_SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
            raise ValueError(f"maze codec size must be an int in 1..{MAX_SIZE}, not {size!r}")
        self.size = size
        self.seq_len = size * size
        self.name = f"maze-{size}x{size}-v1"

    def __repr__(self) -> str:
        return f"MazeCodec(size={self.size})"

    def _indices(self, grid: object) -> np.ndarray:
        """CHARSET indices as (L,) or (B, L) from a Maze, list of Mazes or index array."""
        if isinstance(grid, Maze):
            grid = grid.grid
        elif isinstance(grid, (list, tuple)) and grid and all(isinstance(m, Maze) for m in grid):
            grid = np.stack([m.grid for m in grid])
        arr = np.asarray(grid)
        n, length = self.size, self.seq_len
        if arr.shape in ((n, n), (length,)):
            arr = arr.reshape(length)
        elif arr.ndim == 3 and arr.shape[1:] == (n, n):
            arr = arr.reshape(len(arr), length)
        elif not (arr.ndim == 2 and arr.shape[1] == length):
            raise ValueError(
                f"{self.name} encodes {n}x{n} mazes, (B, {length}) or (B, {n}, {n}); "
                f"got shape {arr.shape}"
            )
        if arr.dtype.kind not in "iu":
            raise ValueError(f"maze cells must be integer CHARSET indices, got {arr.dtype}")
        if arr.size and (arr.min() < 0 or arr.max() >= len(CHARSET)):
            raise ValueError(
                f"maze cells must be CHARSET indices 0-4, found {arr.min()}..{arr.max()}"
            )
        return arr.astype(np.int64)

    def encode_puzzle(self, grid: object) -> np.ndarray:
        """Input tokens (L,) for a maze or (B, L) for a batch."""
        return self._indices(grid) + 1

    def encode_answer(self, grid: object) -> np.ndarray:
        """Label tokens: every cell is supervised, so no PAD."""
        return self._indices(grid) + 1

    def decode_answer(self, tokens: np.ndarray) -> Maze | list[Maze]:
        """A Maze for (L,) tokens, a list for (B, L); PAD or out-of-range tokens read as walls."""
        arr = np.asarray(tokens)
        if arr.shape[-1:] != (self.seq_len,) or arr.ndim not in (1, 2):
            raise ValueError(f"{self.name} decodes (L,) or (B, L) tokens, got shape {arr.shape}")
        # A model can emit PAD; a wall is the reading the rule checker will flag if it is wrong.
        valid = (arr >= 1) & (arr <= len(CHARSET))
        indices = np.where(valid, arr - 1, WALL).reshape(*arr.shape[:-1], self.size, self.size)
        if arr.ndim == 1:
            return Maze(indices)
        return [Maze(g) for g in indices]


MAZE_CODEC_30 = register_codec(MazeCodec(size=30))
