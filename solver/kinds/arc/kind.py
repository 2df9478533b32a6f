"""The ARC kind: test inputs (H, W) colour grids; no rules exist, so the check is well-formedness
and the halt head (and the vote over views) decides when an answer is done."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solver.codec import TokenCodec
from solver.kinds.arc.codec import ARC_CODEC, ArcCodec
from solver.kinds.arc.formats import read_arc_document, sniff_arc
from solver.kinds.arc.symmetry import ArcAugmentation
from solver.kinds.arc.task import MAX_SIZE
from solver.kinds.arc.views import LearnedView, ViewedGrid
from solver.kinds.protocol import Augmentation, Record, TrainingData, views_besides_identity
from solver.result import RuleCheck


@dataclass(frozen=True, eq=False)
class ArcKind:
    """ARC-AGI: infer a task's rule from its demonstration pairs and apply it to a test input."""

    codec: TokenCodec = field(default=ARC_CODEC)
    name: str = "arc"
    title: str = "ARC"
    formats: str = "ARC task JSON (train/test pairs) or the combined challenges layout"
    suffixes: tuple[str, ...] = (".json",)
    max_views: int = 0  # 8 dihedral maps x 9! colour permutations
    has_rules: bool = False
    training: TrainingData | None = None  # no ARC training yet

    def with_codec(self, codec_name: str) -> ArcKind | None:
        # ARC codecs exist for every canvas side and view count (a model learned on one task is
        # that task's size): make the one a sidecar names on demand.
        if codec_name == self.codec.name:
            return self
        codec = ArcCodec.named(codec_name)
        if codec is None:
            return None
        return ArcKind(codec, max_views=codec.views)

    @property
    def canvas_side(self) -> int:
        return int(getattr(self.codec, "side", MAX_SIZE))

    def validate(self, puzzle: Any) -> None:
        grid = np.asarray(puzzle)
        side = self.canvas_side
        if grid.ndim != 2 or not 1 <= min(grid.shape) <= max(grid.shape) <= MAX_SIZE:
            raise ValueError(f"an ARC grid must be 1x1 to 30x30, got shape {grid.shape}")
        if max(grid.shape) > side:
            h, w = grid.shape
            raise ValueError(f"a {h}x{w} grid does not fit this model's {side}x{side} canvas "
                             "(it was learned on a task with smaller grids)")

    def encode(self, puzzle: np.ndarray) -> np.ndarray:
        return self.codec.encode_puzzle(puzzle if isinstance(puzzle, ViewedGrid) else np.asarray(puzzle))

    def decode(self, tokens: np.ndarray, puzzle: Any) -> np.ndarray:
        answer = self.codec.decode_answer(tokens)
        assert isinstance(answer, np.ndarray)  # one row of tokens, one grid
        return answer

    def commit(self, puzzle: Any, answer: Any, confidence: np.ndarray, cells: int) -> None:
        return None  # no step that fixes cells: the path (or output) is found whole

    def check(self, answer: np.ndarray, puzzle: Any) -> RuleCheck:
        if answer.size == 0:
            return RuleCheck(False, False, "no grid could be read from the output", (), False)
        h, w = answer.shape
        return RuleCheck(True, True, f"a well-formed {h}x{w} grid (ARC has no rule checker)", (), False)

    def cells(self, values: np.ndarray, answer: np.ndarray, puzzle: Any) -> np.ndarray:
        h, w = np.asarray(answer).shape
        side = self.canvas_side
        canvas = np.asarray(values)[len(values) - side * side :]  # after any view-number token
        return canvas.reshape(side, side)[:h, :w]

    def display_grid(self, answer: Any) -> np.ndarray:
        return np.array(answer)

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

    def sniff(self, text: str, name: str) -> float:
        return sniff_arc(text, name)

    def read(self, text: str, name: str) -> list[Record]:
        stem = name.rsplit("/", 1)[-1].removesuffix(".json")
        records = []
        for task, i in read_arc_document(text, stem):
            pair = task.test[i]
            records.append(Record(f"task {task.name} test {i}", pair.input, group=task.name, solution=pair.output))
        return records

    def write(self, puzzles: Sequence[Any], suffix: str) -> str:
        """ARC documents are tasks, written by the window's task editor (`format_arc_task`)."""
        raise ValueError("ARC test inputs are saved as part of their task (format_arc_task)")

    def answers_as_document(self, suffix: str, count: int) -> bool:
        return False  # answer lines under any file name, as trm-solve has always written them

    def write_answers(self, answers: Sequence[Any], suffix: str) -> str:
        raise ValueError("these answers are written as lines, one per puzzle (format_answer)")

    def augmentations(self, k: int, rng: np.random.Generator, identity: bool = True) -> Sequence[Augmentation]:
        fresh = views_besides_identity(k, identity, self.max_views)
        learned = int(getattr(self.codec, "views", 0))
        if learned:
            # The model knows `learned` numbered views, each under its own embedding: use those
            # (the first ones in order: views 0-7 are the 8 dihedral maps), never random ones.
            first = 0 if identity else 1
            return [LearnedView(v) for v in range(first, first + k)]
        others = [ArcAugmentation.random(rng) for _ in range(fresh)]
        return [ArcAugmentation(), *others] if identity else others


KIND = ArcKind()
