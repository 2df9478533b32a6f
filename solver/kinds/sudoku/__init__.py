"""9x9 Sudoku: everything about the kind. `KIND` is what the rest of the project uses; the names
below are this package's public vocabulary."""

from solver.kinds.sudoku.codec import (
    SUDOKU_CODEC,
    SudokuCodec,
)
from solver.kinds.sudoku.formats import (
    detect_format,
    format_sudoku,
    format_sudokus,
    iter_sudoku_records,
    parse_sudoku,
    parse_sudokus,
)
from solver.kinds.sudoku.kind import KIND
from solver.kinds.sudoku.puzzle import (
    ANSWER_COLUMNS,
    BLANK_CHARS,
    BOXES,
    CELLS,
    COLS,
    CSV_HEADER,
    FORMATS,
    PEERS,
    QUESTION_COLUMNS,
    ROWS,
    SEPARATOR_CHARS,
    SIZE,
    UNITS,
    Sudoku,
    candidates,
    cell_name,
    check_givens,
    conflicts,
    is_solution,
)

__all__ = [
    "ANSWER_COLUMNS",
    "BLANK_CHARS",
    "BOXES",
    "CELLS",
    "COLS",
    "CSV_HEADER",
    "FORMATS",
    "KIND",
    "PEERS",
    "QUESTION_COLUMNS",
    "ROWS",
    "SEPARATOR_CHARS",
    "SIZE",
    "SUDOKU_CODEC",
    "UNITS",
    "Sudoku",
    "SudokuCodec",
    "candidates",
    "cell_name",
    "check_givens",
    "conflicts",
    "detect_format",
    "format_sudoku",
    "format_sudokus",
    "is_solution",
    "iter_sudoku_records",
    "parse_sudoku",
    "parse_sudokus",
]
