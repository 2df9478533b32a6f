"""One ARC task's demonstration pairs as training rows: every demo in every learned view.

View v of a pair is `solver.kinds.arc.views.view_augmentation(v)` applied to both grids (a
dihedral map, then a colour permutation); its row is the view number followed by the canvas, as
the per-task codec ``arc-canvas{side}-views{V}-v1`` encodes it, so the solver later asks the
learned model for exactly the views it learned. Labels are the output's canvas with the view
position and the canvas outside the grid and its EOS L set to PAD (never supervised).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.kinds.arc import ArcCodec, ArcTask
from solver.kinds.arc.task import MAX_SIZE
from solver.kinds.arc.views import LearnedView


def canvas_side(task: ArcTask) -> int:
    """The smallest canvas that holds every grid of the task and an EOS row and column after it:
    one more than the largest side of any demo grid or test input, at most 30.

    A test output larger than every grid the task shows cannot be answered on it (rare in ARC).
    """
    grids = [p.input for p in task.train + task.test] + [p.output for p in task.train if p.output is not None]
    largest = max(max(g.shape) for g in grids)
    return min(MAX_SIZE, largest + 1)


@dataclass(frozen=True)
class DemoRows:
    """(demos * views) rows: tokens and labels (N, 1 + side*side) int64, with which demo and view
    each row is."""

    tokens: np.ndarray
    labels: np.ndarray
    demo: np.ndarray  # (N,) int64
    view: np.ndarray  # (N,) int64

    def __len__(self) -> int:
        return int(self.tokens.shape[0])

    def without_demo(self, index: int) -> DemoRows:
        """The rows of every demo but `index` (a leave-one-out fit)."""
        keep = self.demo != index
        return DemoRows(self.tokens[keep], self.labels[keep], self.demo[keep], self.view[keep])


def demo_rows(task: ArcTask, codec: ArcCodec) -> DemoRows:
    """Every demonstration pair of `task` in every view of `codec` (which must have views)."""
    if not codec.views:
        raise ValueError(f"codec {codec.name} learns no views; use an arc-canvasN-viewsV-v1 codec")
    tokens, labels, demos, views = [], [], [], []
    for d, pair in enumerate(task.train):
        if pair.output is None:
            raise ValueError(f"{task.name or 'task'}: demonstration {d} has no output")
        for v in range(codec.views):
            view = LearnedView(v)
            tokens.append(codec.encode_puzzle(view.apply(pair.input)))
            labels.append(codec.encode_answer(view.apply(pair.output)))
            demos.append(d)
            views.append(v)
    return DemoRows(
        np.stack(tokens).astype(np.int64), np.stack(labels).astype(np.int64),
        np.asarray(demos, dtype=np.int64), np.asarray(views, dtype=np.int64),
    )


def test_rows(task: ArcTask, codec: ArcCodec) -> tuple[np.ndarray, np.ndarray]:
    """Every test input of `task` in every view: tokens (T * V, 1 + side*side) and which test
    input each row is (T * V,)."""
    tokens, owners = [], []
    for t, pair in enumerate(task.test):
        for v in range(codec.views):
            tokens.append(codec.encode_puzzle(LearnedView(v).apply(pair.input)))
            owners.append(t)
    return np.stack(tokens).astype(np.int64), np.asarray(owners, dtype=np.int64)
