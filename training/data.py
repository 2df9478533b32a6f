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
import hashlib
import logging
import multiprocessing as mp
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from solver.codec import TokenCodec
from solver.kinds import codec_for

_LOGGER = logging.getLogger(__name__)

UNGRADED = -1


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
# Building pools


def _generate_sudoku_chunk(args: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from solver.kinds.sudoku.generator import generate
    from solver.kinds.sudoku.grading import Grade

    seed, count, grade_value = args
    rng = np.random.default_rng(seed)
    grade = Grade(grade_value)
    out = [generate(rng, grade) for _ in range(count)]
    return (
        np.stack([g.puzzle for g in out]).astype(np.int8),
        np.stack([g.solution for g in out]).astype(np.int8),
        np.full(count, grade_value, dtype=np.int8),
    )


def chunk_seed(seed: int, tag: str, index: int) -> int:
    """A fixed seed per chunk of a generated pool, so the worker count never changes the pool."""
    return int.from_bytes(hashlib.sha1(f"{seed}/{tag}/{index}".encode()).digest()[:4], "little")


def run_chunks(generate, jobs: list, workers: int) -> list:
    """generate(job) for every job, in `workers` spawned processes when more than one."""
    if workers > 1:
        with mp.get_context("spawn").Pool(workers) as pool:
            return pool.map(generate, jobs)
    return [generate(job) for job in jobs]


def generated_sudoku_pool(
    counts: dict[str, int], seed: int, cache_dir: Path | None = None, workers: int = 1
) -> PuzzlePool:
    """`counts` puzzles per grade name (e.g. {"singles": 1000, "search": 5000}) from the generator.

    Reproducible: the same counts and seed give the same pool (chunks have fixed seeds, so the
    number of worker processes does not change the result). Cached in `cache_dir` when given.
    """
    from solver.kinds.sudoku.grading import Grade

    key = hashlib.sha1(repr((sorted(counts.items()), seed)).encode()).hexdigest()[:12]
    cache = cache_dir / f"sudoku-pool-{key}.npz" if cache_dir else None
    if cache is not None and cache.exists():
        _LOGGER.info("using cached puzzle pool %s", cache)
        return PuzzlePool.load(cache)
    chunk = 100
    jobs = []
    for name, count in sorted(counts.items()):
        try:
            grade = Grade[name.upper()]
        except KeyError:
            known = ", ".join(g.name.lower() for g in Grade)
            raise ValueError(f"unknown Sudoku grade {name!r} (known: {known})") from None
        for i, start in enumerate(range(0, count, chunk)):
            jobs.append((chunk_seed(seed, name, i), min(chunk, count - start), int(grade.value)))
    _LOGGER.info("generating %d Sudoku puzzles in %d worker(s)", sum(counts.values()), workers)
    parts = run_chunks(_generate_sudoku_chunk, jobs, workers)
    result = PuzzlePool(
        "sudoku",
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        f"generated {dict(sorted(counts.items()))} seed {seed}",
    )
    if cache is not None:
        result.save(cache)
    return result


def _read_text(path: Path) -> str:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                return f.read()
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise ValueError(f"{path}: cannot read ({err.strerror})") from None


def sudoku_pool_from_file(path: Path, solutions: Path | None = None, limit: int | None = None) -> PuzzlePool:
    """Puzzles from a CSV (with answers) or a one-per-line file (answers from `solutions`, a
    line-aligned file, or else computed by the exact solver)."""
    from solver.kinds.sudoku import iter_sudoku_records

    text = _read_text(path)
    puzzles, answers = [], []
    skipped = 0
    for _line, item in iter_sudoku_records(text):
        if isinstance(item, ValueError):
            skipped += 1
            continue
        puzzles.append(item.givens)
        answers.append(item.answer)
        if limit and len(puzzles) >= limit:
            break
    if not puzzles:
        raise ValueError(f"{path}: no Sudoku puzzles found")
    if skipped:
        _LOGGER.warning("%s: skipped %d lines that are not puzzles", path, skipped)
    if solutions is not None:
        lines = [ln.strip() for ln in _read_text(solutions).splitlines() if len(ln.strip()) == 81]
        lines = [ln for ln in lines if ln.isdigit()]
        if len(lines) < len(puzzles):
            raise ValueError(f"{solutions}: {len(lines)} solutions for {len(puzzles)} puzzles")
        answers = [np.frombuffer(ln.encode(), dtype=np.uint8) - ord("0") for ln in lines[: len(puzzles)]]
    if any(a is None for a in answers):
        from solver.kinds.sudoku.search import solve

        answers = [a if a is not None else solve(p) for p, a in zip(puzzles, answers, strict=True)]
    solved = [a for a in answers if a is not None]
    if len(solved) != len(answers):
        raise ValueError(f"{path}: some puzzles have no solution")
    p = np.stack(puzzles).astype(np.int8)
    a = np.stack(solved).astype(np.int8)
    bad = ~((p == 0) | (p == a)).all(axis=1)
    if bad.any():
        raise ValueError(f"{path}: {int(bad.sum())} answers do not keep their puzzle's givens")
    return PuzzlePool("sudoku", p, a, np.full(len(p), UNGRADED, dtype=np.int8), f"file {path.name}")


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
    extra_givens: tuple[int, int] = (0, 0)  # Sudoku: reveal U{lo..hi} more answer cells
    extra_givens_prob: float = 0.0  # chance that a draw gets extra givens at all
    grade_weights: dict[int, float] = field(default_factory=dict)  # {} = uniform over the pool
    relabel_mazes: bool = False  # Maze: canonical shortest-path labels, after augmentation


class PuzzleStream:
    """Endless (tokens, labels) batches from a pool; exactly resumable from `state_dict`."""

    def __init__(self, pool: PuzzlePool, codec: TokenCodec | str, config: StreamConfig, seed: int) -> None:
        self.pool = pool
        self.codec = codec_for(codec) if isinstance(codec, str) else codec
        if self.codec.kind != pool.kind:
            raise ValueError(f"codec {self.codec.name} is for {self.codec.kind}, the pool holds {pool.kind}")
        self.config = config
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
        if self.pool.kind == "sudoku":
            puzzles, answers = self._sudoku_draw(puzzles, answers)
        elif self.pool.kind == "maze":
            if self.config.augment:
                puzzles, answers = self._maze_draw(puzzles, answers)
            if self.config.relabel_mazes:
                from training.maze_data import relabel_canonical

                answers = relabel_canonical(puzzles)
        self.drawn += n
        return puzzles, answers

    def next(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n token sequences and labels, (n, L) int64 each."""
        puzzles, answers = self.next_raw(n)
        return self.codec.encode_puzzle(puzzles), self.codec.encode_answer(answers)

    def _sudoku_draw(self, puzzles: np.ndarray, answers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from solver.kinds.sudoku.symmetry import apply_symmetry_batch, random_symmetry_batch

        n = len(puzzles)
        lo, hi = self.config.extra_givens
        if hi > 0 and self.config.extra_givens_prob > 0:
            gets = self.rng.random(n) < self.config.extra_givens_prob
            k = self.rng.integers(lo, hi + 1, size=n) * gets  # (n,) cells to reveal
            # Reveal the k blank cells with the smallest random keys: a uniform random subset.
            keys = self.rng.random(puzzles.shape)
            keys[puzzles != 0] = 2.0
            rank = keys.argsort(axis=1).argsort(axis=1)
            reveal = rank < k[:, None]
            puzzles = np.where(reveal, answers, puzzles)
        if self.config.augment:
            sources, digit_maps = random_symmetry_batch(self.rng, n)
            puzzles = apply_symmetry_batch(puzzles, sources, digit_maps)
            answers = apply_symmetry_batch(answers, sources, digit_maps)
        return puzzles, answers

    def _maze_draw(self, puzzles: np.ndarray, answers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from solver.kinds.dihedral import dihedral

        n, length = puzzles.shape
        side = round(length**0.5)
        ks = self.rng.integers(0, 8, size=n)
        p = puzzles.reshape(n, side, side)
        a = answers.reshape(n, side, side)
        for k in range(8):
            sel = ks == k
            if sel.any():
                p[sel] = dihedral(p[sel], k)
                a[sel] = dihedral(a[sel], k)
        return p.reshape(n, length), a.reshape(n, length)

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
