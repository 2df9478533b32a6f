"""The maze kind: mazes up to the codec's size; a smaller maze is padded with walls and cropped
back, so one 30x30 model answers every size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solver.kinds.dihedral import NUM_DIHEDRAL
from solver.kinds.maze.codec import MAZE_CODEC_30, MazeCodec, pad_maze
from solver.kinds.maze.formats import iter_maze_records, maze_document, maze_to_row, sniff_maze
from solver.kinds.maze.puzzle import OPEN, PATH, Maze, format_maze
from solver.kinds.maze.rules import check_path
from solver.kinds.maze.symmetry import MazeAugmentation
from solver.kinds.maze.training import TRAINING
from solver.kinds.protocol import Augmentation, Record, TrainingData, views_besides_identity
from solver.result import RuleCheck


@dataclass(frozen=True, eq=False)
class MazeKind:
    """Mazes: find the shortest S->G path."""

    codec: MazeCodec = field(default=MAZE_CODEC_30)
    name: str = "maze"
    title: str = "Maze"
    formats: str = "text grids in '# SGo' (wall, open, start, goal, path) or a maze CSV"
    suffixes: tuple[str, ...] = (".txt", ".maze", ".csv")
    max_views: int = NUM_DIHEDRAL
    has_rules: bool = True
    training: TrainingData | None = field(default=TRAINING)

    @property
    def size(self) -> int:
        return self.codec.size

    def with_codec(self, codec_name: str) -> MazeKind | None:
        # Maze codecs exist for every side length; make the one a sidecar names on demand.
        size = codec_name.removeprefix("maze-").split("x", 1)[0]
        if not (size.isdigit() and codec_name == f"maze-{size}x{size}-v1"):
            return None
        return self if int(size) == self.size else MazeKind(MazeCodec(int(size)))

    def validate(self, puzzle: Any) -> None:
        if not isinstance(puzzle, Maze):
            raise ValueError(f"expected a Maze, got {type(puzzle).__name__}")
        h, w = puzzle.shape
        if h > self.size or w > self.size:
            raise ValueError(f"a {h}x{w} maze is larger than this model's {self.size}x{self.size}")
        if puzzle.start is None or puzzle.goal is None:
            raise ValueError("a maze needs exactly one S and one G")

    def encode(self, puzzle: Maze) -> np.ndarray:
        return self.codec.encode_puzzle(pad_maze(puzzle, self.size))

    def decode(self, tokens: np.ndarray, puzzle: Maze) -> Maze:
        full = self.codec.decode_answer(tokens)
        h, w = puzzle.shape
        grid = full.grid[:h, :w]  # type: ignore[union-attr]
        # The model's only choice is which open cells lie on the path: walls, S and G are the
        # puzzle's own, whatever it predicts there (it has been seen to paint S over as 'o').
        on_path = (grid == PATH) & (puzzle.grid == OPEN)
        return Maze(np.where(on_path, PATH, puzzle.grid).astype(puzzle.grid.dtype))

    def commit(self, puzzle: Maze, answer: Any, confidence: np.ndarray, cells: int) -> None:
        return None  # no step that fixes cells: the path (or output) is found whole

    def check(self, answer: Maze, puzzle: Maze) -> RuleCheck:
        verdict = check_path(answer, puzzle)
        w = puzzle.shape[1]
        bad = tuple(r * w + c for r, c in verdict.bad_cells)
        return RuleCheck(verdict.ok, True, verdict.reason, bad)

    def cells(self, values: np.ndarray, answer: Any, puzzle: Maze) -> np.ndarray:
        h, w = puzzle.shape
        return np.asarray(values).reshape(self.size, self.size)[:h, :w]

    def display_grid(self, answer: Maze) -> np.ndarray:
        return np.array(answer.grid, np.uint8)

    def format_answer(self, answer: Maze) -> str:
        return maze_to_row(answer)

    def render(self, answer: Maze, puzzle: Maze, changed: np.ndarray | None = None) -> str:
        text = format_maze(answer).splitlines()
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

    def sniff(self, text: str, name: str) -> float:
        return sniff_maze(text, name)

    def read(self, text: str, name: str) -> list[Record]:
        records = []
        for where, item in iter_maze_records(text):
            if isinstance(item, ValueError):
                records.append(Record(where, error=str(item)))
            else:
                records.append(Record(where, item[0], solution=item[1]))
        return records

    def write(self, puzzles: Sequence[Maze], suffix: str) -> str:
        return maze_document(puzzles, suffix)


    def answers_as_document(self, suffix: str, count: int) -> bool:
        return False  # answer lines under any file name, as trm-solve has always written them

    def write_answers(self, answers: Sequence[Any], suffix: str) -> str:
        raise ValueError("these answers are written as lines, one per puzzle (format_answer)")
    def augmentations(self, k: int, rng: np.random.Generator, identity: bool = True) -> Sequence[Augmentation]:
        fresh = views_besides_identity(k, identity, self.max_views)
        others = [MazeAugmentation(int(i)) for i in rng.permutation(np.arange(1, NUM_DIHEDRAL))[:fresh]]
        return [MazeAugmentation(0), *others] if identity else others


KIND = MazeKind()
