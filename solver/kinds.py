"""Puzzle kinds as the pass loop sees them: encode a puzzle, decode and check an answer, render it.

A `PuzzleKind` binds a kind's puzzle type, token codec and rule checker, so the halting loop,
test-time augmentation and the terminal solver work on any kind without knowing its details.
Cell masks and bad cells are row-major indices in the *puzzle's* frame (a 9x9 Sudoku: 0..80;
a 7x9 maze padded to 30x30 for the model: 0..62).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from solver import arc, maze, sudoku
from solver.codec import TokenCodec, codec_for
from solver.result import RuleCheck


class PuzzleKind(Protocol):
    """What the loop needs to know about a kind of puzzle."""

    @property
    def name(self) -> str: ...

    @property
    def codec(self) -> TokenCodec: ...

    def validate(self, puzzle: Any) -> None:
        """ValueError saying why `puzzle` cannot be solved by this kind's model."""
        ...

    def encode(self, puzzle: Any) -> np.ndarray:
        """Input tokens (L,) int64 in the model's frame."""
        ...

    def decode(self, tokens: np.ndarray, puzzle: Any) -> Any:
        """The answer predicted tokens (L,) stand for, in the puzzle's frame."""
        ...

    def check(self, answer: Any, puzzle: Any) -> RuleCheck:
        ...

    def cells(self, values: np.ndarray, answer: Any, puzzle: Any) -> np.ndarray:
        """Per-token values (L,) -> the answer's cells, shape (H, W)."""
        ...

    def format_answer(self, answer: Any) -> str:
        """One line: what `trm-solve` prints for this answer."""
        ...

    def render(self, answer: Any, puzzle: Any, changed: np.ndarray | None = None) -> str:
        """The answer as a board of text lines; changed (H, W) cells are marked."""
        ...


# ------------------------------------------------------------------------------------------------


class SudokuKind:
    """9x9 Sudoku: `Sudoku` puzzles, (81,) int8 answers, checked by conflicts and givens kept."""

    name = "sudoku"

    def __init__(self, codec: TokenCodec | None = None) -> None:
        self.codec = codec or sudoku.SUDOKU_CODEC

    def validate(self, puzzle: Any) -> None:
        if not isinstance(puzzle, sudoku.Sudoku):
            raise ValueError(f"expected a Sudoku, got {type(puzzle).__name__}")
        sudoku.check_givens(puzzle.givens)

    def encode(self, puzzle: sudoku.Sudoku) -> np.ndarray:
        return self.codec.encode_puzzle(puzzle.givens)

    def decode(self, tokens: np.ndarray, puzzle: sudoku.Sudoku) -> np.ndarray:
        return self.codec.decode_answer(tokens)

    def check(self, answer: np.ndarray, puzzle: sudoku.Sudoku) -> RuleCheck:
        givens = puzzle.givens
        clash = sudoku.conflicts(answer)
        lost = (givens > 0) & (answer != givens)
        blank = answer == 0
        complete = not blank.any()
        if sudoku.is_solution(answer, givens):
            return RuleCheck(True, True, "a complete grid that keeps the rules and the givens")
        bad = tuple(int(c) for c in np.flatnonzero(clash | lost))
        problems = []
        if clash.any():
            problems.append(f"{int(clash.sum())} cells in conflict")
        if lost.any():
            problems.append(f"{int(lost.sum())} givens changed")
        if not complete:
            problems.append(f"{int(blank.sum())} cells empty")
        return RuleCheck(False, complete, ", ".join(problems) or "not a solution", bad)

    def cells(self, values: np.ndarray, answer: Any, puzzle: Any) -> np.ndarray:
        return np.asarray(values).reshape(sudoku.SIZE, sudoku.SIZE)

    def format_answer(self, answer: np.ndarray) -> str:
        return "".join(str(int(v)) for v in np.asarray(answer).reshape(-1))

    def render(self, answer: np.ndarray, puzzle: sudoku.Sudoku, changed: np.ndarray | None = None) -> str:
        grid = np.asarray(answer).reshape(-1)
        marks = np.zeros(sudoku.CELLS, bool) if changed is None else np.asarray(changed).reshape(-1)
        rows = []
        for r in range(sudoku.SIZE):
            if r in (3, 6):
                rows.append("-------+-------+-------")
            cells = []
            for c in range(sudoku.SIZE):
                i = r * sudoku.SIZE + c
                digit = str(int(grid[i])) if grid[i] else "."
                cells.append(("*" if marks[i] else " ") + digit)
                if c in (2, 5):
                    cells.append(" |")
            rows.append("".join(cells))
        return "\n".join(rows)


class MazeKind:
    """Mazes up to the codec's size: a smaller maze is padded with walls and cropped back."""

    name = "maze"

    def __init__(self, codec: maze.MazeCodec) -> None:
        self.codec = codec
        self.size = codec.size

    def validate(self, puzzle: Any) -> None:
        if not isinstance(puzzle, maze.Maze):
            raise ValueError(f"expected a Maze, got {type(puzzle).__name__}")
        h, w = puzzle.shape
        if h > self.size or w > self.size:
            raise ValueError(f"a {h}x{w} maze is larger than this model's {self.size}x{self.size}")
        if puzzle.start is None or puzzle.goal is None:
            raise ValueError("a maze needs exactly one S and one G")

    def encode(self, puzzle: maze.Maze) -> np.ndarray:
        return self.codec.encode_puzzle(maze.pad_maze(puzzle, self.size))

    def decode(self, tokens: np.ndarray, puzzle: maze.Maze) -> maze.Maze:
        full = self.codec.decode_answer(tokens)
        h, w = puzzle.shape
        grid = full.grid[:h, :w]  # type: ignore[union-attr]
        # The model's only choice is which open cells lie on the path: walls, S and G are the
        # puzzle's own, whatever it predicts there (it has been seen to paint S over as 'o').
        on_path = (grid == maze.PATH) & (puzzle.grid == maze.OPEN)
        return maze.Maze(np.where(on_path, maze.PATH, puzzle.grid).astype(puzzle.grid.dtype))

    def check(self, answer: maze.Maze, puzzle: maze.Maze) -> RuleCheck:
        verdict = maze.check_path(answer, puzzle)
        w = puzzle.shape[1]
        bad = tuple(r * w + c for r, c in verdict.bad_cells)
        return RuleCheck(verdict.ok, True, verdict.reason, bad)

    def cells(self, values: np.ndarray, answer: Any, puzzle: maze.Maze) -> np.ndarray:
        h, w = puzzle.shape
        return np.asarray(values).reshape(self.size, self.size)[:h, :w]

    def format_answer(self, answer: maze.Maze) -> str:
        return maze.maze_to_row(answer)

    def render(self, answer: maze.Maze, puzzle: maze.Maze, changed: np.ndarray | None = None) -> str:
        text = maze.format_maze(answer).splitlines()
        if changed is None:
            return "\n".join(text)
        # A changed cell shows as '+' where the path appeared and '-' where it vanished.
        out = []
        for r, line in enumerate(text):
            chars = list(line)
            for c in np.flatnonzero(changed[r]):
                chars[c] = "+" if chars[c] == "o" else "-"
            out.append("".join(chars))
        return "\n".join(out)


class ArcKind:
    """ARC test inputs (H, W) colour grids; no rules exist, so the check is well-formedness."""

    name = "arc"

    def __init__(self, codec: TokenCodec | None = None) -> None:
        self.codec = codec or arc.ARC_CODEC

    def validate(self, puzzle: Any) -> None:
        grid = np.asarray(puzzle)
        if grid.ndim != 2 or not 1 <= min(grid.shape) <= max(grid.shape) <= arc.MAX_SIZE:
            raise ValueError(f"an ARC grid must be 1x1 to 30x30, got shape {grid.shape}")

    def encode(self, puzzle: np.ndarray) -> np.ndarray:
        return self.codec.encode_puzzle(np.asarray(puzzle))

    def decode(self, tokens: np.ndarray, puzzle: Any) -> np.ndarray:
        return arc.decode_arc_grid(tokens)

    def check(self, answer: np.ndarray, puzzle: Any) -> RuleCheck:
        if answer.size == 0:
            return RuleCheck(False, False, "no grid could be read from the output", (), False)
        h, w = answer.shape
        return RuleCheck(True, True, f"a well-formed {h}x{w} grid (ARC has no rule checker)", (), False)

    def cells(self, values: np.ndarray, answer: np.ndarray, puzzle: Any) -> np.ndarray:
        h, w = np.asarray(answer).shape
        return np.asarray(values).reshape(arc.MAX_SIZE, arc.MAX_SIZE)[:h, :w]

    def format_answer(self, answer: np.ndarray) -> str:
        return str(np.asarray(answer).tolist()).replace(" ", "")

    def render(self, answer: np.ndarray, puzzle: Any, changed: np.ndarray | None = None) -> str:
        grid = np.asarray(answer)
        if grid.size == 0:
            return "(empty)"
        rows = []
        for r, row in enumerate(grid):
            marks = changed[r] if changed is not None else np.zeros(len(row), bool)
            rows.append("".join(("*" if m else " ") + str(int(v)) for v, m in zip(row, marks, strict=True)))
        return "\n".join(rows)


def kind_for(kind: str, codec_name: str) -> PuzzleKind:
    """The `PuzzleKind` for a model card's kind and codec; ValueError if they do not fit."""
    codec = codec_for(codec_name)
    if codec.kind != kind:
        raise ValueError(f"codec {codec_name!r} is for {codec.kind}, the model says {kind}")
    if kind == "sudoku":
        return SudokuKind(codec)
    if kind == "maze":
        if not isinstance(codec, maze.MazeCodec):
            raise ValueError(f"codec {codec_name!r} is not a maze codec")
        return MazeKind(codec)
    if kind == "arc":
        return ArcKind(codec)
    raise ValueError(f"unknown puzzle kind {kind!r}")
