"""Sudoku 9x9: the puzzle type, every text format people paste or save, an independent rule
checker and the token codec that training and inference share.

A grid is a flat `(81,)` integer array in row-major order, 0 for a blank, 1-9 for a digit.

Formats read and written:
- ``line``: one 81-character line, ``.`` (or ``0``) for a blank: the form people paste.
- ``grid``: nine rows; separators ``| - +`` and spaces are ignored, ``.`` or ``0`` is a blank.
- ``sdk``: SadMan/SudoCue ``.sdk``: ``#`` header lines (``#A`` author, ``#D`` description, ...)
  then nine rows of nine characters.
- ``sdm``: one 81-character puzzle per line (also plain ``.txt`` lists; ``#`` lines are comments).
- ``csv``: the HRM/TRM data-set layout ``source,question,answer,rating`` with a header row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from solver.codec import PAD_ID, register_codec

SIZE = 9
CELLS = 81
BLANK_CHARS = ".0"
SEPARATOR_CHARS = "|-+ \t_=*:"
FORMATS = ("line", "grid", "sdk", "sdm", "csv")
CSV_HEADER = ("source", "question", "answer", "rating")
# Other collections name the puzzle column differently (menneske.no exports use "puzzle").
QUESTION_COLUMNS = {"question", "puzzle", "quizzes"}
ANSWER_COLUMNS = {"answer", "solution", "solutions"}

ROWS = np.arange(CELLS) // SIZE  # (81,) row of each cell
COLS = np.arange(CELLS) % SIZE  # (81,) column of each cell
BOXES = (ROWS // 3) * 3 + COLS // 3  # (81,) box of each cell
# UNITS[u] lists the 9 cells of unit u: rows 0-8, columns 9-17, boxes 18-26.
UNITS = np.array(
    [np.flatnonzero(i == ROWS) for i in range(SIZE)]
    + [np.flatnonzero(i == COLS) for i in range(SIZE)]
    + [np.flatnonzero(i == BOXES) for i in range(SIZE)]
)
# PEERS[c] is the 20 other cells sharing a row, column or box with cell c.
PEERS = np.array(
    [
        np.flatnonzero(((ROWS[c] == ROWS) | (COLS[c] == COLS) | (BOXES[c] == BOXES)) & (np.arange(CELLS) != c))
        for c in range(CELLS)
    ]
)


def cell_name(cell: int) -> str:
    """Human name of a cell, 1-based: ``r3c7``."""
    return f"r{cell // SIZE + 1}c{cell % SIZE + 1}"


@dataclass(frozen=True, eq=False)
class Sudoku:
    """A 9x9 puzzle: its givens, and its answer when the source came with one."""

    givens: np.ndarray  # (81,) int8, 0 = blank
    answer: np.ndarray | None = None  # (81,) int8 solution from the file, if it had one
    source: str = ""  # where it came from: CSV source column, .sdk header, file line
    meta: dict[str, str] = field(default_factory=dict)  # .sdk headers, CSV rating, ...

    def __post_init__(self) -> None:
        object.__setattr__(self, "givens", _as_grid(self.givens, "givens"))
        if self.answer is not None:
            object.__setattr__(self, "answer", _as_grid(self.answer, "answer"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sudoku):
            return NotImplemented
        same_answer = (self.answer is None and other.answer is None) or (
            self.answer is not None
            and other.answer is not None
            and np.array_equal(self.answer, other.answer)
        )
        return bool(np.array_equal(self.givens, other.givens)) and same_answer

    __hash__ = None  # type: ignore[assignment]

    @property
    def n_givens(self) -> int:
        return int(np.count_nonzero(self.givens))


def _as_grid(values: object, what: str) -> np.ndarray:
    grid = np.asarray(values)
    if grid.shape == (SIZE, SIZE):
        grid = grid.reshape(CELLS)
    if grid.shape != (CELLS,):
        raise ValueError(f"{what}: expected 81 cells, got shape {grid.shape}")
    if not np.issubdtype(grid.dtype, np.integer):
        raise ValueError(f"{what}: cells must be integers, got {grid.dtype}")
    if grid.size and (grid.min() < 0 or grid.max() > 9):
        raise ValueError(f"{what}: cell values must be 0-9")
    grid = grid.astype(np.int8)
    grid.setflags(write=False)
    return grid


# ------------------------------------------------------------------------------------------------
# Rules


def conflicts(grid: np.ndarray) -> np.ndarray:
    """(81,) bool: cells whose digit repeats in their row, column or box."""
    grid = np.asarray(grid).reshape(CELLS)
    bad = np.zeros(CELLS, dtype=bool)
    for unit in UNITS:
        values = grid[unit]
        filled = values > 0
        counts = np.bincount(values[filled], minlength=10)
        bad[unit] |= filled & (counts[values] > 1)
    return bad


def is_solution(answer: np.ndarray, puzzle: Sudoku | np.ndarray) -> bool:
    """True when `answer` is a complete, rule-abiding grid that keeps every given of `puzzle`."""
    answer = np.asarray(answer).reshape(-1)
    givens = puzzle.givens if isinstance(puzzle, Sudoku) else np.asarray(puzzle).reshape(-1)
    if answer.shape != (CELLS,) or givens.shape != (CELLS,):
        return False
    if answer.min() < 1 or answer.max() > 9:
        return False
    kept = (givens == 0) | (givens == answer)
    if not kept.all():
        return False
    # Each unit must hold the nine digits exactly once.
    return bool((np.sort(answer[UNITS], axis=1) == np.arange(1, 10)).all())


def candidates(grid: np.ndarray) -> np.ndarray:
    """(81, 9) bool: digit d+1 is possible in each blank cell (filled cells have none)."""
    grid = np.asarray(grid).reshape(CELLS)
    possible = np.ones((CELLS, SIZE), dtype=bool)
    for cell in range(CELLS):
        if grid[cell]:
            possible[cell] = False
            continue
        seen = grid[PEERS[cell]]
        possible[cell, seen[seen > 0] - 1] = False
    return possible


def check_givens(grid: np.ndarray, where: str = "") -> None:
    """ValueError naming the cells if the givens already break the rules."""
    bad = np.flatnonzero(conflicts(grid))
    if bad.size:
        names = ", ".join(f"{cell_name(c)}={grid[c]}" for c in bad[:6])
        more = f" and {bad.size - 6} more" if bad.size > 6 else ""
        prefix = f"{where}: " if where else ""
        raise ValueError(f"{prefix}givens conflict at {names}{more}")


# ------------------------------------------------------------------------------------------------
# Parsing


def _digits_of_line(text: str, line_no: int, strict: bool) -> np.ndarray:
    """81 cells from a line; with `strict`, only digits and '.' are allowed."""
    cells: list[int] = []
    for col, ch in enumerate(text, start=1):
        if ch.isdigit() and ch.isascii():
            cells.append(int(ch))
        elif ch == ".":
            cells.append(0)
        elif strict or ch not in SEPARATOR_CHARS:
            raise ValueError(f"line {line_no}, column {col}: unexpected character {ch!r}")
    if len(cells) != CELLS:
        raise ValueError(f"line {line_no}: expected 81 cells, found {len(cells)}")
    return np.array(cells, dtype=np.int8)


def parse_sudoku(text: str) -> Sudoku:
    """One puzzle from an 81-char line, a grid with separators, or an .sdk file.

    Raises ValueError naming the line and column of the first problem, or the conflicting cells.
    """
    puzzles = parse_sudokus(text)
    if len(puzzles) != 1:
        raise ValueError(f"expected one puzzle, found {len(puzzles)}")
    return puzzles[0]


def parse_sudokus(text: str, fmt: str = "auto") -> list[Sudoku]:
    """Every puzzle in `text`; raises ValueError at the first bad one."""
    out = []
    for _line_no, item in iter_sudoku_records(text, fmt):
        if isinstance(item, ValueError):
            raise item
        out.append(item)
    if not out:
        raise ValueError("no Sudoku puzzle found in the text")
    return out


def iter_sudoku_records(text: str, fmt: str = "auto") -> Iterator[tuple[int, Sudoku | ValueError]]:
    """(line number, puzzle or the error that puzzle raised) for every record, in order.

    Lenient callers (the terminal solver) keep going past a bad puzzle; strict ones raise.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected text, got {type(text).__name__}")
    if fmt == "auto":
        fmt = detect_format(text)
    if fmt not in FORMATS:
        raise ValueError(f"unknown Sudoku format {fmt!r} (known: {', '.join(FORMATS)})")
    if fmt == "csv":
        yield from _iter_csv(text)
    elif fmt == "sdm" or fmt == "line":
        yield from _iter_lines(text)
    else:
        yield _parse_block(text)


def detect_format(text: str) -> str:
    """Best guess of the layout of `text` (see FORMATS)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "line"
    head = [c.strip().lower() for c in lines[0].split(",")]
    if QUESTION_COLUMNS & set(head) or (len(head) >= 2 and "," in lines[0] and len(head[1]) == CELLS):
        return "csv"
    body = [ln for ln in lines if not ln.startswith("#")]
    if any(ln.startswith("#") for ln in lines) and len(body) == SIZE:
        return "sdk"
    puzzle_lines = [ln for ln in body if len(ln) == CELLS and not set(ln) & set("|+ ")]
    if len(puzzle_lines) == len(body) == 1:
        return "line"
    # A list of 81-character lines, perhaps with a title or citation line among them.
    if len(puzzle_lines) >= 2 and len(puzzle_lines) >= len(body) - 2:
        return "sdm"
    return "grid"


def _iter_lines(text: str) -> Iterator[tuple[int, Sudoku | ValueError]]:
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        yield line_no, _record(lambda ln=line, n=line_no: _digits_of_line(ln, n, strict=True), line_no)


def _record(read, line_no: int, **kwargs: object) -> Sudoku | ValueError:
    try:
        givens = read()
        check_givens(givens, f"line {line_no}")
        source = str(kwargs.pop("source", "") or f"line {line_no}")
        return Sudoku(givens, source=source, **kwargs)  # type: ignore[arg-type]
    except ValueError as err:
        return err


def _parse_block(text: str) -> tuple[int, Sudoku | ValueError]:
    """A single grid written over several lines (grid text or .sdk)."""
    meta: dict[str, str] = {}
    cells: list[int] = []
    first_line = 0
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if line.lstrip().startswith("#"):
            tag = line.lstrip()[1:2]
            meta[tag or "#"] = line.lstrip()[2:].strip()
            continue
        for col, ch in enumerate(line, start=1):
            if ch.isdigit() and ch.isascii():
                cells.append(int(ch))
            elif ch == ".":
                cells.append(0)
            elif ch in SEPARATOR_CHARS:
                continue
            else:
                return line_no, ValueError(
                    f"line {line_no}, column {col}: unexpected character {ch!r}"
                )
            if len(cells) > CELLS:
                return line_no, ValueError(
                    f"line {line_no}, column {col}: more than 81 cells in the grid"
                )
            first_line = first_line or line_no
    if len(cells) != CELLS:
        return max(first_line, 1), ValueError(f"expected 81 cells in the grid, found {len(cells)}")
    source = meta.get("S", "") or meta.get("D", "")
    return first_line, _record(lambda: np.array(cells, dtype=np.int8), first_line, source=source, meta=meta)


def _iter_csv(text: str) -> Iterator[tuple[int, Sudoku | ValueError]]:
    reader = csv.reader(io.StringIO(text))
    columns: dict[str, int] | None = None
    try:
        for line_no, row in enumerate(reader, start=1):
            if not row or all(not c.strip() for c in row):
                continue
            if columns is None:
                names = [c.strip().lower() for c in row]
                if QUESTION_COLUMNS & set(names):
                    columns = {name: i for i, name in enumerate(names)}
                    for alias in QUESTION_COLUMNS & set(names):
                        columns.setdefault("question", columns[alias])
                    for alias in ANSWER_COLUMNS & set(names):
                        columns.setdefault("answer", columns[alias])
                    continue
                columns = {name: i for i, name in enumerate(CSV_HEADER)}
            yield line_no, _csv_record(row, columns, line_no)
    except csv.Error as err:  # e.g. a lone carriage return inside a field; as the maze CSV reader
        raise ValueError(f"line {reader.line_num}: malformed CSV ({err})") from None


def _csv_record(row: Sequence[str], columns: dict[str, int], line_no: int) -> Sudoku | ValueError:
    try:
        q = columns["question"]
        if q >= len(row):
            raise ValueError(f"line {line_no}: no 'question' column")
        givens = _digits_of_line(row[q].strip(), line_no, strict=True)
        check_givens(givens, f"line {line_no}")
        answer = None
        a = columns.get("answer")
        if a is not None and a < len(row) and row[a].strip():
            answer = _digits_of_line(row[a].strip(), line_no, strict=True)
            if not is_solution(answer, givens):
                raise ValueError(f"line {line_no}: the answer column does not solve the question")
        used = {columns["question"], columns.get("answer"), columns.get("source")}
        # Every other column (rating, level, id, ...) is kept as metadata, by column name.
        meta = {
            name: row[i].strip()
            for name, i in columns.items()
            if i not in used and i < len(row) and name not in ("question", "answer", "source")
        }
        s = columns.get("source")
        source = row[s].strip() if s is not None and s < len(row) else f"line {line_no}"
        return Sudoku(givens, answer=answer, source=source, meta=meta)
    except ValueError as err:
        return err


# ------------------------------------------------------------------------------------------------
# Formatting


def format_sudoku(puzzle: Sudoku | np.ndarray, fmt: str = "line", blank: str = ".") -> str:
    """One puzzle as text in `fmt` ("line", "grid" or "sdk")."""
    grid = puzzle.givens if isinstance(puzzle, Sudoku) else _as_grid(puzzle, "grid")
    chars = ["".join(str(int(v)) if v else blank for v in grid[r * SIZE : (r + 1) * SIZE]) for r in range(SIZE)]
    if fmt == "line":
        return "".join(chars)
    if fmt == "grid":
        rows = []
        for r, row in enumerate(chars):
            if r in (3, 6):
                rows.append("------+-------+------")
            rows.append(" | ".join(" ".join(row[b : b + 3]) for b in (0, 3, 6)))
        return "\n".join(rows) + "\n"
    if fmt == "sdk":
        meta = puzzle.meta if isinstance(puzzle, Sudoku) else {}
        header = [f"#{tag}{value}" if tag == "#" else f"#{tag} {value}" for tag, value in meta.items()]
        return "\n".join(header + [row.replace("0", ".") if blank == "0" else row for row in chars]) + "\n"
    raise ValueError(f"unknown single-puzzle format {fmt!r} (use line, grid or sdk)")


def format_sudokus(puzzles: Sequence[Sudoku], fmt: str = "sdm") -> str:
    """Many puzzles as text: "sdm" (one line each) or "csv" (the HRM/TRM layout)."""
    if fmt in ("sdm", "line"):
        return "".join(format_sudoku(p, "line") + "\n" for p in puzzles)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for p in puzzles:
            answer = format_sudoku(p.answer, "line") if p.answer is not None else ""
            writer.writerow([p.source, format_sudoku(p, "line"), answer, p.meta.get("rating", "")])
        return out.getvalue()
    raise ValueError(f"unknown multi-puzzle format {fmt!r} (use sdm or csv)")


# ------------------------------------------------------------------------------------------------
# Token codec


@dataclass(frozen=True)
class SudokuCodec:
    """PAD 0, blank 1, digit d -> d + 1 (the TRM Sudoku-Extreme vocabulary of 11)."""

    name: str = "sudoku-digits-v1"
    kind: str = "sudoku"
    vocab_size: int = 11
    seq_len: int = CELLS
    pad_id: int = PAD_ID

    def encode_puzzle(self, grid: np.ndarray) -> np.ndarray:
        """(..., 81) digits 0-9 -> (..., 81) tokens 1-10."""
        return np.asarray(grid, dtype=np.int64) + 1

    def encode_answer(self, grid: np.ndarray) -> np.ndarray:
        """Every cell is supervised, givens included, as in the official data set."""
        return np.asarray(grid, dtype=np.int64) + 1

    def decode_answer(self, tokens: np.ndarray) -> np.ndarray:
        """(..., 81) tokens -> digits; PAD and blank predictions decode to 0 (no digit)."""
        tokens = np.asarray(tokens)
        return np.where(tokens >= 2, tokens - 1, 0).astype(np.int8)


SUDOKU_CODEC = register_codec(SudokuCodec())
