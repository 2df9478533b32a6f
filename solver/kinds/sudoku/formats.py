"""checker and the token codec that training and inference share.

A grid is a flat `(81,)` integer array in row-major order, 0 for a blank, 1-9 for a digit.

Formats read and written:
- ``line``: one 81-character line, ``.`` (or ``0``) for a blank: the form people paste.
- ``grid``: nine rows; separators ``| - +`` and spaces are ignored, ``.`` or ``0`` is a blank.
- ``sdk``: SadMan/SudoCue ``.sdk``: ``#`` header lines (``#A`` author, ``#D`` description, ...)
  then nine rows of nine characters.
- ``sdm``: one 81-character puzzle per line (also plain ``.txt`` lists; ``#`` lines are comments).
- ``csv``: the HRM/TRM data-set layout ``source,question,answer,rating`` with a header row.
- OpenSudoku XML collections, KSudoku saves (``<ksudoku>`` XML), and pencil-mark (candidate)
  grids as Simple Sudoku, HoDoKu and SadMan print them, recognised by content.

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
    text = text.removeprefix("\ufeff")
    candidates = _candidate_grid(text)
    if _is_opensudoku(text):
        yield from _iter_opensudoku(text)
    elif _is_ksudoku(text):
        yield from _iter_ksudoku(text)
    elif candidates is not None:
        yield candidates
    elif fmt == "csv":
        yield from _iter_csv(text)
    else:  # one puzzle per line, grids, .sdk, several of them, with titles and comments
        yield from _iter_text(text)


def detect_format(text: str) -> str:
    """Best guess of the layout of `text` (see FORMATS)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "line"
    lines[0] = lines[0].removeprefix("\ufeff")
    delimiter = _csv_delimiter(lines[0])
    if delimiter:
        head = [c.strip().lower() for c in lines[0].split(delimiter)]
        if QUESTION_COLUMNS & set(head) or any(len(c) == CELLS and set(c) <= _LINE_CHARS for c in head):
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


_LINE_CHARS = frozenset("0123456789._-*")  # an 81-character puzzle: digits and the blanks people use
_ROW_BLANKS = frozenset("0._")  # blanks inside a 9-cell grid row ('-' there is a separator)
_RULE_CHARS = frozenset("-+=|*_: \t")  # a grid's ruled line: separators only


def _is_opensudoku(text: str) -> bool:
    head = text.lstrip()[:400].lower()
    return head.startswith("<") and "<opensudoku" in head


def _iter_opensudoku(text: str) -> Iterator[tuple[int, Sudoku | ValueError]]:
    """OpenSudoku's XML: ``<opensudoku><name/>...<game data="81 digits"/>...</opensudoku>``."""
    import xml.etree.ElementTree as ET

    if "<!doctype" in text.lower() or "<!entity" in text.lower():
        raise ValueError("OpenSudoku file with a DOCTYPE or entities: refused (not what OpenSudoku writes)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise ValueError(f"OpenSudoku XML: {err}") from None
    name = (root.findtext("name") or "").strip()
    for number, game in enumerate(root.iter("game"), start=1):
        data = (game.get("data") or "").strip()
        where = f"game {number}"
        if len(data) != CELLS or not set(data) <= _LINE_CHARS:
            yield number, ValueError(f"{where}: data is not 81 cells")
            continue
        digits = np.array([int(c) if c.isdigit() else 0 for c in data], dtype=np.int8)
        yield number, _record(lambda d=digits: d, number, source=name or where)


def _is_ksudoku(text: str) -> bool:
    head = text.lstrip()[:400].lower()
    return head.startswith("<") and "<ksudoku" in head


KSUDOKU_VACANT = "_"  # KSudoku writes value v as chr(ord('a') + v), a vacant cell as '_'


def _iter_ksudoku(text: str) -> Iterator[tuple[int, Sudoku | ValueError]]:
    """A KSudoku save: ``<ksudoku><game><puzzle><graph order="9" type="sudoku"/><values>`` and 81
    symbols, ``_`` for a vacant cell and ``b``-``j`` for 1-9 (its value + 'a'); the givens are the
    values. Its ``<history>`` of moves is the person's play, not the puzzle, and is not read."""
    import xml.etree.ElementTree as ET

    if "<!entity" in text.lower():
        raise ValueError("KSudoku file with entity declarations: refused (not what KSudoku writes)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise ValueError(f"KSudoku XML: {err}") from None
    games = list(root.iter("game")) or [root]
    for number, game in enumerate(games, start=1):
        where = f"KSudoku game {number}"
        graph = game.find("puzzle/graph")
        values = (game.findtext("puzzle/values") or "").strip()
        if graph is None or not values:
            yield number, ValueError(f"{where}: no <puzzle> with a <graph> and <values>")
            continue
        kind, order = graph.get("type", ""), graph.get("order", "")
        variant = graph.get("specific-type", "Plain")
        if kind != "sudoku" or order != str(SIZE) or variant.lower() != "plain":
            yield number, ValueError(f"{where}: a KSudoku {variant} {kind or 'puzzle'} of order {order or '?'}, "
                                     "not a classic 9x9 Sudoku")
            continue
        if len(values) != CELLS:
            yield number, ValueError(f"{where}: <values> has {len(values)} cells, not 81")
            continue
        bad = next((i for i, ch in enumerate(values) if ch != KSUDOKU_VACANT and not "a" <= ch <= "j"), None)
        if bad is not None:
            yield number, ValueError(f"{where}: <values> cell {bad + 1} is {values[bad]!r}, not '_' or a-j")
            continue
        digits = np.array([0 if ch in (KSUDOKU_VACANT, "a") else ord(ch) - ord("a") for ch in values], dtype=np.int8)
        yield number, _record(lambda d=digits: d, number, source=where)


_CANDIDATE_GRID_CHARS = frozenset("123456789 \t|*-+:")


def _candidate_grid(text: str) -> tuple[int, Sudoku | ValueError] | None:
    """A pencil-mark (candidate) grid, as Simple Sudoku, HoDoKu and SadMan print one: nine rows
    of nine digit groups, each group a cell's candidates, ruled or not; None if `text` is not one.

    A cell with one candidate is a placed digit, and the others are blank, so the puzzle read is
    the grid's current state: its givens and the digits placed since, which the layout does not
    tell apart. Lines with any other character (titles, "Simple Sudoku Version 4.2n") are not
    rows; the grid must have a cell of two or more candidates, else it is an ordinary grid.
    """
    import re

    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or not set(line) <= _CANDIDATE_GRID_CHARS or not any(ch.isdigit() for ch in line):
            continue
        groups = re.findall(r"[1-9]+", line)
        rows.append((number, groups))
    if len(rows) != SIZE or any(len(groups) != SIZE for _, groups in rows):
        return None
    cells = [g for _, groups in rows for g in groups]
    if max(len(g) for g in cells) < 2 or any(len(set(g)) != len(g) for g in cells):
        return None
    first = rows[0][0]
    digits = np.array([int(g) if len(g) == 1 else 0 for g in cells], dtype=np.int8)
    return first, _record(lambda: digits, first, source=f"candidate grid (line {first})",
                          meta={"C": "pencil-mark grid: cells with one candidate read as givens"})


def format_opensudoku(puzzles: Sequence[Sudoku], name: str = "trm-puzzles") -> str:
    """Puzzles as an OpenSudoku collection (what its import reads)."""
    from xml.sax.saxutils import quoteattr

    games = "".join(f"  <game data={quoteattr(format_sudoku(p, 'line', blank='0'))} />\n" for p in puzzles)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<opensudoku>\n  <name>{name}</name>\n'
            f"{games}</opensudoku>\n")


def _csv_delimiter(line: str) -> str:
    """The field separator of a CSV-like first line (',', ';' or a tab), "" if there is none."""
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ""


def _line_puzzle(line: str) -> str | None:
    """The 81-character puzzle a line holds, whatever text comes before or after it (a hash, a
    rating, a name, HoDoKu's ``:0000:x:<puzzle>:::`` fields, a field of a ``|``- or tab-separated
    line such as gsf's q2 taxonomy lists), or None."""
    for token in line.replace(":", " ").replace("|", " ").split():
        if len(token) == CELLS and set(token) <= _LINE_CHARS and any(c in "0123456789." for c in token):
            return token
    return None


def _row_cells(line: str) -> list[int] | None:
    """The 9 cells of one grid row (separators, spaces and tabs between cells), or None."""
    if "\t" in line:  # tab-separated cells, empty fields being blanks
        fields = [f.strip() for f in line.strip("\n").split("\t")]
        fields = [f for f in fields if f not in ("|",)]
        if len(fields) == SIZE and all(f == "" or (len(f) == 1 and (f.isdigit() or f in _ROW_BLANKS)) for f in fields):
            return [int(f) if f.isdigit() else 0 for f in fields]
    cells = [ch for ch in line if ch not in SEPARATOR_CHARS]
    if len(cells) == SIZE and all((ch.isascii() and ch.isdigit()) or ch in _ROW_BLANKS for ch in cells):
        return [int(ch) if ch.isdigit() else 0 for ch in cells]
    return None


def _puzzle_chars(line: str) -> int:
    return sum((ch.isascii() and ch.isdigit()) or ch == "." for ch in line)


def _iter_text(text: str) -> Iterator[tuple[int, Sudoku | ValueError]]:
    """Every puzzle of a text document: 81-character lines (text around them ignored), 9-row
    grids (ruled or not, several per file), ``#`` comment and .sdk header lines, and title lines
    ("Grid 01", "[Puzzle]") before a grid or a list. A line that is neither a puzzle, a grid row,
    a comment nor a title is a bad record named by its line."""
    lines = text.splitlines()
    meta: dict[str, str] = {}
    rows: list[list[int]] = []
    first_row = 0
    skipping = False  # inside a SadMan section other than [Puzzle] ([State], [Clues] ...)

    def next_is_data(i: int) -> bool:
        for later in lines[i + 1:]:
            s = later.strip()
            if s:
                return _line_puzzle(s) is not None or _row_cells(s) is not None or s.startswith("[")
        return False

    def grid() -> tuple[int, Sudoku | ValueError]:
        nonlocal meta
        cells = np.array([c for row in rows for c in row], dtype=np.int8)
        source = meta.get("S", "") or meta.get("D", "")
        item = _record(lambda: cells, first_row, source=source, meta=dict(meta))
        meta = {}
        return first_row, item

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if rows and (not line or _row_cells(raw) is None) and not (line and set(line) <= _RULE_CHARS):
            if len(rows) != SIZE:
                yield first_row, ValueError(f"line {first_row}: a grid of {len(rows)} rows, not 9")
            rows = []
        if not line:
            continue
        if line.startswith("["):  # SadMan sections: only [Puzzle] holds the givens
            skipping = line.lower() != "[puzzle]"
            continue
        if skipping:
            continue
        if line.startswith("#"):
            tag = line[1:2]
            meta[tag or "#"] = line[2:].strip()
            continue
        puzzle = _line_puzzle(line) if not rows else None
        if puzzle is not None:
            digits = np.array([int(c) if c.isdigit() else 0 for c in puzzle], dtype=np.int8)
            source = meta.get("S", "") or meta.get("D", "")
            yield number, _record(lambda d=digits: d, number, source=source, meta=dict(meta))
            meta = {}
            continue
        cells = _row_cells(raw)
        if cells is not None:
            if not rows:
                first_row = number
            rows.append(cells)
            if len(rows) == SIZE:
                yield grid()
                rows = []
            continue
        if set(line) <= _RULE_CHARS:
            continue  # a ruled line between bands
        if any(ch.isalpha() for ch in line) and next_is_data(number - 1):
            continue  # a title before a grid or a list ("Grid 01", "Easy puzzles")
        if len(line) == CELLS:  # a puzzle line with a character no puzzle has: say where
            col, ch = next((i, c) for i, c in enumerate(line, start=1) if c not in _LINE_CHARS)
            yield number, ValueError(f"line {number}, column {col}: unexpected character {ch!r}")
            continue
        found = _puzzle_chars(line)
        what = f"expected 81 cells, found {found}" if found and not any(ch.isalpha() for ch in line) else "not a Sudoku puzzle"
        yield number, ValueError(f"line {number}: {what}")
    if rows:
        yield first_row, ValueError(f"line {first_row}: a grid of {len(rows)} rows, not 9")


def _record(read, line_no: int, **kwargs: object) -> Sudoku | ValueError:
    try:
        givens = read()
        check_givens(givens, f"line {line_no}")
        source = str(kwargs.pop("source", "") or f"line {line_no}")
        return Sudoku(givens, source=source, **kwargs)  # type: ignore[arg-type]
    except ValueError as err:
        return err


def _iter_csv(text: str) -> Iterator[tuple[int, Sudoku | ValueError]]:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter=_csv_delimiter(first) or ",")
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
                columns = _headerless_columns(row)
            yield line_no, _csv_record(row, columns, line_no)
    except csv.Error as err:  # e.g. a lone carriage return inside a field; as the maze CSV reader
        raise ValueError(f"line {reader.line_num}: malformed CSV ({err})") from None


def _headerless_columns(row: Sequence[str]) -> dict[str, int]:
    """Columns of a CSV without a header: the HRM/TRM layout, or (Kaggle's ``quizzes,solutions``
    with its header line cut off) the 81-cell field with blanks as the puzzle, a full one as its
    answer."""
    grids = [i for i, c in enumerate(row) if len(c.strip()) == CELLS and set(c.strip()) <= _LINE_CHARS]
    if len(grids) >= 2:
        blank = [i for i in grids if set(row[i].strip()) & set("0._-")]
        if blank:
            question = blank[0]
            answer = next((i for i in grids if i != question), None)
            columns = {"question": question}
            if answer is not None:
                columns["answer"] = answer
            return columns
    if len(grids) == 1 and grids[0] != 1:
        return {"question": grids[0]}
    return {name: i for i, name in enumerate(CSV_HEADER)}


def _csv_record(row: Sequence[str], columns: dict[str, int], line_no: int) -> Sudoku | ValueError:
    try:
        q = columns["question"]
        if q >= len(row):
            raise ValueError(f"line {line_no}: no 'question' column")
        text = row[q].strip()
        if len(text) == CELLS and not set(text) & set("0._-"):
            raise ValueError(f"line {line_no}: the puzzle column holds a solved grid (no blank cell), not a puzzle")
        givens = _digits_of_line(text.replace("_", ".").replace("-", "."), line_no, strict=True)
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
    if suffix in (".opensudoku", ".xml"):
        return format_opensudoku(puzzles)
    raise ValueError(f"cannot write Sudoku files ending {suffix!r} (use .sdm, .sdk, .txt, .csv or .opensudoku)")


# Where trm-solve --out puts answers: .sdm and .txt are the answer lines it prints anyway (one
# 81-digit line per puzzle, an empty one where there is no answer, so line N answers puzzle N);
# .sdk and .opensudoku are whole documents holding the answer grids, written at the end.
ANSWER_LINE_SUFFIXES = ("", ".sdm", ".txt")
ANSWER_DOCUMENT_SUFFIXES = (".sdk", ".opensudoku")


def answers_as_document(suffix: str, count: int) -> bool:
    """True when answers for a file ending `suffix` form one document (`answer_document`), False
    when they are answer lines; ValueError for an ending that cannot hold `count` answers."""
    suffix = suffix.lower()
    if suffix in ANSWER_LINE_SUFFIXES:
        return False
    if suffix not in ANSWER_DOCUMENT_SUFFIXES:
        raise ValueError(f"cannot write Sudoku answers to a file ending {suffix!r} (use .sdm or .txt: one "
                         "81-digit line per puzzle; .sdk for one puzzle; .opensudoku; or --jsonl)")
    if suffix == ".sdk" and count > 1:
        raise ValueError(f".sdk holds one grid, and the file has {count} puzzles: use .sdm or .txt (one "
                         "81-digit answer line per puzzle) or .opensudoku (a collection)")
    return True


def answer_document(answers: Sequence[np.ndarray], suffix: str) -> str:
    """Complete answer grids as the document `suffix` names, each written as a grid of that
    layout (the answer in the place a puzzle's cells go: neither .sdk nor OpenSudoku has a field
    for a solution)."""
    grids = [Sudoku(np.asarray(a, dtype=np.int8).reshape(CELLS)) for a in answers]
    return sudoku_document(grids, suffix)




# ------------------------------------------------------------------------------------------------
# Recognising a Sudoku document


def sniff_sudoku(text: str, name: str = "") -> float:
    """How sure (0 to 1) that `text` is a Sudoku document; the weak default when nothing else fits,
    so an unreadable file reaches the Sudoku reader, which names every bad line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    digits = set("0123456789.")
    if any(len(f.strip()) == CELLS and set(f.strip()) <= digits for ln in lines[:50] for f in ln.split("|")):
        return 0.9  # a puzzle line, or a puzzle field of a '|'-separated list
    if lines and "," in lines[0]:
        data = lines[1] if len(lines) > 1 and QUESTION_COLUMNS & {c.strip().lower() for c in lines[0].split(",")} else lines[0]
        fields = [f.strip() for f in data.split(",")]
        if any(len(f) == CELLS and set(f) <= digits for f in fields):
            return 0.85
    rows = [ln for ln in lines if not ln.startswith("#")]
    cells = [sum(ch in digits for ch in ln) for ln in rows]
    if len(rows) >= SIZE and sum(c == SIZE for c in cells) >= SIZE:
        return 0.8
    if _is_opensudoku(text) or _is_ksudoku(text):
        return 0.95
    if _candidate_grid(text) is not None:
        return 0.85
    if name.lower().endswith((".sdk", ".sdm", ".ss", ".ksudoku")):
        return 0.6
    return 0.05
