"""checker and the token codec that training and inference share.

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

import numpy as np

from solver.kinds.sudoku.puzzle import (
    ANSWER_COLUMNS,
    CELLS,
    CSV_HEADER,
    FORMATS,
    QUESTION_COLUMNS,
    SEPARATOR_CHARS,
    SIZE,
    Sudoku,
    _as_grid,
    check_givens,
    is_solution,
)

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


def sudoku_document(puzzles: Sequence[Sudoku], suffix: str) -> str:
    """The text of a file holding `puzzles`: .sdk holds one grid, .csv the HRM/TRM layout, .sdm
    and a .txt of several one 81-character line each, a .txt of one a single line."""
    suffix = suffix.lower()
    if not puzzles:
        raise ValueError("no puzzle to write")
    if suffix == ".sdk":
        if len(puzzles) > 1:
            raise ValueError(f".sdk holds one puzzle, not {len(puzzles)}: save them as .sdm")
        return format_sudoku(puzzles[0], "sdk")
    if suffix == ".csv":
        return format_sudokus(puzzles, "csv")
    if suffix in (".sdm", ".txt"):
        return format_sudokus(puzzles, "sdm")
    raise ValueError(f"cannot write Sudoku files ending {suffix!r} (use .sdm, .sdk, .txt or .csv)")




# ------------------------------------------------------------------------------------------------
# Recognising a Sudoku document


def sniff_sudoku(text: str, name: str = "") -> float:
    """How sure (0 to 1) that `text` is a Sudoku document; the weak default when nothing else fits,
    so an unreadable file reaches the Sudoku reader, which names every bad line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    digits = set("0123456789.")
    if any(len(ln) == CELLS and set(ln) <= digits for ln in lines[:50]):
        return 0.9
    if lines and "," in lines[0]:
        data = lines[1] if len(lines) > 1 and QUESTION_COLUMNS & {c.strip().lower() for c in lines[0].split(",")} else lines[0]
        fields = [f.strip() for f in data.split(",")]
        if any(len(f) == CELLS and set(f) <= digits for f in fields):
            return 0.85
    rows = [ln for ln in lines if not ln.startswith("#")]
    cells = [sum(ch in digits for ch in ln) for ln in rows]
    if len(rows) >= SIZE and sum(c == SIZE for c in cells) >= SIZE:
        return 0.8
    if name.lower().endswith((".sdk", ".sdm", ".ss")):
        return 0.6
    return 0.05
