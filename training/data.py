"""Training data: pools of puzzles with exact answers, sampled and augmented on the fly.

A `PuzzlePool` holds raw grids (Sudoku digits, maze alphabet indices) with their answers and a
difficulty grade. It comes from the project's generators (made once, in worker processes, cached on
disk and reproducible from a seed) or from files a user has (HRM/TRM CSVs, one-puzzle-per-line
lists). A `PuzzleStream` draws from a pool without end: a random pool entry, a random symmetry of
its kind, and for Sudoku optionally a few extra givens revealed from the answer (a superset of a
unique puzzle's givens is still unique), so the model sees an effectively endless, varied stream.
All randomness comes from one numpy Generator whose state is checkpointed, so a resumed run sees
exactly the data an uninterrupted one would have.
"""

from __future__ import annotations

import gzip
import logging
import multiprocessing as mp
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from solver import kinds
from solver.codec import TokenCodec
from solver.kinds import codec_for
from solver.kinds.protocol import UNGRADED, Generation, TrainingData

_LOGGER = logging.getLogger(__name__)

__all__ = ["UNGRADED", "PuzzlePool", "PuzzleStream", "StreamConfig", "concat_pools", "file_pool", "generated_pool"]


@dataclass
class PuzzlePool:
    """N puzzles of one kind: raw grids (N, L), answers (N, L) and grades (N,)."""

    kind: str
    puzzles: np.ndarray
    answers: np.ndarray
    grades: np.ndarray
    description: str = ""

    def __post_init__(self) -> None:
        if self.puzzles.shape != self.answers.shape or self.puzzles.ndim != 2:
            raise ValueError(
                f"puzzles {self.puzzles.shape} and answers {self.answers.shape} must both be (N, L)"
            )
        if self.grades.shape != (len(self.puzzles),):
            raise ValueError("one grade per puzzle")

    def __len__(self) -> int:
        return len(self.puzzles)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Several processes (DDP ranks) may build the same pool at once: each writes its own
        # temporary file and the atomic rename makes one of them win.
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
        np.savez_compressed(
            tmp, kind=self.kind, puzzles=self.puzzles, answers=self.answers, grades=self.grades,
            description=self.description,
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> PuzzlePool:
        try:
            with np.load(path, allow_pickle=False) as f:
                return cls(str(f["kind"]), f["puzzles"], f["answers"], f["grades"], str(f["description"]))
        except (OSError, KeyError, ValueError) as err:
            raise ValueError(f"{path}: not a puzzle pool ({err})") from None

    def subset(self, index: np.ndarray) -> PuzzlePool:
        return PuzzlePool(self.kind, self.puzzles[index], self.answers[index], self.grades[index], self.description)


# --------------------------------------------------------------------------------------------
# Building pools: what a kind generates or reads (its `TrainingData`), cached and concatenated


def training_data(kind: str) -> TrainingData:
    """The kind's `TrainingData`; ValueError if the kind cannot be trained yet."""
    data = kinds.get(kind).training
    if data is None:
        trainable = ", ".join(n for n in kinds.names() if kinds.get(n).training is not None)
        raise ValueError(f"{kind} models cannot be trained yet (trainable kinds: {trainable})")
    return data


def run_chunks(generate, jobs: Sequence, workers: int) -> list:
    """generate(job) for every job, in `workers` spawned processes when more than one."""
    if workers > 1:
        with mp.get_context("spawn").Pool(workers) as pool:
            return pool.map(generate, jobs)
    return [generate(job) for job in jobs]


def generated_pool(kind: str, generation: Generation, cache_dir: Path | None = None, workers: int = 1) -> PuzzlePool:
    """The pool `generation` describes, made in `workers` processes and cached in `cache_dir`.

    Reproducible: the same generation gives the same pool (its jobs have fixed seeds, so the
    number of worker processes does not change the result).
    """
    cache = cache_dir / f"{kind}-pool-{generation.cache_key}.npz" if cache_dir else None
    if cache is not None and cache.exists():
        _LOGGER.info("using cached puzzle pool %s", cache)
        return PuzzlePool.load(cache)
    count = sum(int(job[1]) for job in generation.jobs)
    _LOGGER.info("generating %d %s puzzles in %d worker(s): %s", count, kind, workers, generation.description)
    parts = run_chunks(generation.make, generation.jobs, workers)
    result = PuzzlePool(
        kind,
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        generation.description,
    )
    if cache is not None:
        result.save(cache)
    return result


def read_text(path: Path) -> str:
    """A data file's text (gzip when it ends in .gz); ValueError naming the file."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8-sig", errors="replace") as f:
                return f.read()
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as err:
        raise ValueError(f"{path}: cannot read ({err.strerror})") from None


def file_pool(kind: str, path: Path, solutions: Path | None = None, limit: int | None = None) -> PuzzlePool:
    """Puzzles with answers from a file the kind reads (`solutions`: a line-aligned answers file)."""
    raw = training_data(kind).from_file(read_text(path), path.name, read_text(solutions) if solutions else None, limit)
    return PuzzlePool(kind, raw.puzzles, raw.answers, raw.grades, raw.description)


def concat_pools(pools: Sequence[PuzzlePool]) -> PuzzlePool:
    kinds = {p.kind for p in pools}
    if len(kinds) != 1:
        raise ValueError(f"cannot mix puzzle kinds {sorted(kinds)} in one pool")
    return PuzzlePool(
        pools[0].kind,
        np.concatenate([p.puzzles for p in pools]),
        np.concatenate([p.answers for p in pools]),
        np.concatenate([p.grades for p in pools]),
        " + ".join(p.description for p in pools),
    )


# --------------------------------------------------------------------------------------------
# Streams


@dataclass
class StreamConfig:
    """How a stream draws from its pool."""

    augment: bool = True  # apply a random symmetry of the kind to every draw
    grade_weights: dict[int, float] = field(default_factory=dict)  # {} = uniform over the pool
    options: dict[str, Any] = field(default_factory=dict)  # the kind's own draw settings (the training config)


class PuzzleStream:
    """Endless (tokens, labels) batches from a pool; exactly resumable from `state_dict`."""

    def __init__(self, pool: PuzzlePool, codec: TokenCodec | str, config: StreamConfig, seed: int) -> None:
        self.pool = pool
        self.codec = codec_for(codec) if isinstance(codec, str) else codec
        if self.codec.kind != pool.kind:
            raise ValueError(f"codec {self.codec.name} is for {self.codec.kind}, the pool holds {pool.kind}")
        self.config = config
        self.data = training_data(pool.kind)
        self.rng = np.random.default_rng(seed)
        self.drawn = 0
        self._set_weights(config.grade_weights)

    def _set_weights(self, weights: dict[int, float]) -> None:
        if not weights:
            self._p = None
            return
        w = np.array([weights.get(int(g), 0.0) for g in self.pool.grades], dtype=np.float64)
        if w.sum() <= 0:
            raise ValueError(f"grade weights {weights} select no puzzle of the pool")
        self._p = w / w.sum()

    def set_grade_weights(self, weights: dict[int, float]) -> None:
        """Change the mix (curriculum); part of the state, so resume restores it."""
        self.config.grade_weights = dict(weights)
        self._set_weights(self.config.grade_weights)

    def next_raw(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n (puzzle, answer) raw grids, (n, L) each."""
        index = self.rng.choice(len(self.pool), size=n, p=self._p)
        puzzles = self.pool.puzzles[index].copy()
        answers = self.pool.answers[index].copy()
        puzzles, answers = self.data.draw(puzzles, answers, self.rng, {**self.config.options, "augment": self.config.augment})
        self.drawn += n
        return puzzles, answers

    def next(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n token sequences and labels, (n, L) int64 each."""
        puzzles, answers = self.next_raw(n)
        return self.codec.encode_puzzle(puzzles), self.codec.encode_answer(answers)

    def state_dict(self) -> dict:
        return {
            "rng": self.rng.bit_generator.state,
            "drawn": self.drawn,
            "grade_weights": dict(self.config.grade_weights),
        }

    def load_state_dict(self, state: dict) -> None:
        self.rng.bit_generator.state = state["rng"]
        self.drawn = int(state["drawn"])
        self.set_grade_weights({int(k): float(v) for k, v in state["grade_weights"].items()})
