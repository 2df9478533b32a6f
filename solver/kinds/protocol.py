"""The `Kind` protocol: everything the rest of the project may ask of a kind of puzzle.

The pass loop, the solve pipeline, `trm-solve`, the window and training work on any kind through
this protocol alone. A kind instance is bound to one token codec (a model's sidecar names it);
`with_codec` gives the same kind bound to another one. Cell masks and bad cells are row-major
indices in the *puzzle's* frame (a 9x9 Sudoku: 0..80; a 7x9 maze padded to 30x30 for the model:
0..62).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from solver.codec import TokenCodec
from solver.result import RuleCheck


@dataclass(frozen=True)
class Record:
    """One puzzle read from a document, or why it could not be read."""

    where: str  # "line 12", "maze 3 (line 40)", "task abc test 0": what a person can find
    puzzle: Any = None
    error: str = ""  # set when the record could not be read; `puzzle` is None then
    group: str = ""  # ARC: the task the test input belongs to
    solution: Any = None  # the answer, where the document holds one (CSV answer columns, ARC)

    @property
    def problem(self) -> str:
        """Where the record is and why it could not be read, saying "line 3" once: a reader's
        message often names the line itself ("line 3: expected 81 cells, found 80")."""
        if self.error.startswith(f"{self.where}:"):
            return self.error
        return f"{self.where}: {self.error}"


class Augmentation(Protocol):
    """A symmetry of the puzzle: `apply` maps a puzzle to its view, `invert` maps an answer back,
    `invert_cells` moves per-cell values of the view (confidence, changed; shaped as `Kind.cells`
    gives them) back onto the puzzle's cells, positions only (no digit or colour relabelled)."""

    def apply(self, puzzle: Any) -> Any: ...

    def invert(self, answer: Any) -> Any: ...

    def invert_cells(self, values: np.ndarray) -> np.ndarray: ...


class Kind(Protocol):
    """A kind of puzzle, bound to one token codec."""

    @property
    def name(self) -> str:
        """Stable identifier, used in model sidecars and on the command line ("sudoku")."""
        ...

    @property
    def title(self) -> str:
        """What a person reads ("Sudoku")."""
        ...

    @property
    def codec(self) -> TokenCodec: ...

    @property
    def formats(self) -> str:
        """One line naming the text formats `read` accepts, for messages and help."""
        ...

    @property
    def suffixes(self) -> tuple[str, ...]:
        """File name endings of this kind's documents, the one it saves in first (".sdm")."""
        ...

    @property
    def max_views(self) -> int:
        """Distinct symmetric views of one puzzle, itself included (0: more than anyone asks)."""
        ...

    @property
    def has_rules(self) -> bool:
        """True when `check` can prove an answer right (Sudoku, mazes); False for ARC."""
        ...

    @property
    def training(self) -> TrainingData | None:
        """What `python -m training` needs to train a model of this kind (None: it cannot yet)."""
        ...

    def with_codec(self, codec_name: str) -> Kind | None:
        """This kind bound to the codec called `codec_name`, or None if no such codec is its."""
        ...

    # -- puzzles and answers ---------------------------------------------------------------------

    def validate(self, puzzle: Any) -> None:
        """ValueError saying why `puzzle` cannot be solved by this kind's model."""
        ...

    def encode(self, puzzle: Any) -> np.ndarray:
        """Input tokens (L,) int64 in the model's frame."""
        ...

    def decode(self, tokens: np.ndarray, puzzle: Any) -> Any:
        """The answer predicted tokens (L,) stand for, in the puzzle's frame."""
        ...

    def check(self, answer: Any, puzzle: Any) -> RuleCheck: ...

    def commit(self, puzzle: Any, answer: Any, confidence: np.ndarray, cells: int) -> Any | None:
        """`puzzle` with up to `cells` more of `answer`'s cells fixed as givens, the surest first
        (`confidence` per cell, shape (H, W)), each one the rules allow beside the givens and
        the cells fixed before it (`solver.commit`). None when no cell can be fixed, when the
        fixed cells leave a blank cell nothing is allowed in (a dead end), or when the kind has
        no such step (mazes, ARC)."""
        ...

    def cells(self, values: np.ndarray, answer: Any, puzzle: Any) -> np.ndarray:
        """Per-token values (L,) -> the answer's cells, shape (H, W)."""
        ...

    def display_grid(self, answer: Any) -> np.ndarray:
        """The answer as a plain (H, W) array a board paints (a copy)."""
        ...

    def format_answer(self, answer: Any) -> str:
        """One line: what `trm-solve` prints for this answer."""
        ...

    def render(self, answer: Any, puzzle: Any, changed: np.ndarray | None = None) -> str:
        """The answer as a board of text lines; changed (H, W) cells are marked."""
        ...

    # -- documents ------------------------------------------------------------------------------

    def sniff(self, text: str, name: str) -> float:
        """How sure (0 to 1) this kind is that `text` (from a file called `name`) is one of its
        documents; content counts before the name."""
        ...

    def read(self, text: str, name: str) -> list[Record]:
        """Every puzzle of a document, each good or with its error; ValueError if the document
        as a whole cannot be read (the message says why)."""
        ...

    def write(self, puzzles: Sequence[Any], suffix: str) -> str:
        """The text of a document holding `puzzles`, in the layout its file ending `suffix`
        stands for (one of `suffixes`); ValueError for an ending the kind does not write."""
        ...

    def answers_as_document(self, suffix: str, count: int) -> bool:
        """How `trm-solve --out` with file ending `suffix` writes `count` answers: True, one
        document at the end (`write_answers`); False, a `format_answer` line per puzzle as on
        stdout. ValueError (asked before any solving) for an ending that cannot hold them."""
        ...

    def write_answers(self, answers: Sequence[Any], suffix: str) -> str:
        """The text of the document `answers_as_document` said `suffix` stands for."""
        ...

    # -- symmetries -----------------------------------------------------------------------------

    def augmentations(self, k: int, rng: np.random.Generator, identity: bool = True) -> Sequence[Augmentation]:
        """K maps for one puzzle: the identity first, or (``identity=False``) K others."""
        ...


def views_besides_identity(k: int, identity: bool, max_views: int) -> int:
    """How many non-identity maps a request for K views needs; ValueError if the kind has fewer."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"TTA needs K >= 1 variants, not {k!r}")
    fresh = k - 1 if identity else k
    if max_views and fresh > max_views - 1:
        raise ValueError(f"a puzzle of this kind has only {max_views} distinct symmetric variants, not {k}"
                         + ("" if identity else " besides itself"))
    return fresh


# ------------------------------------------------------------------------------------------------
# What training needs of a kind (numpy only: the kinds stay free of torch)


UNGRADED = -1  # the grade of a puzzle read from a file


def chunk_seed(seed: int, tag: str, index: int) -> int:
    """A fixed seed per chunk of a generated pool, so the worker count never changes the pool."""
    return int.from_bytes(hashlib.sha1(f"{seed}/{tag}/{index}".encode()).digest()[:4], "little")


@dataclass(frozen=True, eq=False)
class RawPool:
    """Puzzles with exact answers as raw grids, the form training pools and streams hold."""

    puzzles: np.ndarray  # (N, L) int8: the kind's raw cell values (Sudoku digits, maze indices)
    answers: np.ndarray  # (N, L) int8
    grades: np.ndarray  # (N,) int8: difficulty grade, or -1 where ungraded
    description: str


@dataclass(frozen=True, eq=False)
class Generation:
    """How to generate a pool: independent jobs (one worker process each, when there are several
    workers), `make(job) -> (puzzles, answers, grades)`, a top-level function so a spawned process
    can run it, and what names the pool for its cache."""

    jobs: tuple[tuple[Any, ...], ...]
    make: Any  # Callable[[tuple], tuple[np.ndarray, np.ndarray, np.ndarray]], picklable
    cache_key: str  # the same key: the same pool
    description: str


class TrainingData(Protocol):
    """A kind's training data: generated pools, pools read from files, and how a batch is drawn.

    `options` is the training config as a plain dict (`TrainConfig.to_dict()`); each kind reads
    its own fields from it.
    """

    def check_options(self, options: Mapping[str, Any]) -> None:
        """ValueError naming an option that makes no sense for this kind."""
        ...

    def generation(self, options: Mapping[str, Any], seed: int, heldout: bool = False) -> Generation:
        """The generated training pool (or, with `heldout`, the held-out evaluation set)."""
        ...

    def from_file(self, text: str, name: str, solutions: str | None, limit: int | None) -> RawPool:
        """Puzzles with answers from a document (`solutions`: a line-aligned answers text)."""
        ...

    def draw(self, puzzles: np.ndarray, answers: np.ndarray, rng: np.random.Generator,
             options: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """A drawn batch (n, L) made into what the model trains on: augmented by a random
        symmetry of the kind (``options["augment"]``) and whatever else the kind does to a draw."""
        ...

    def puzzle(self, raw: np.ndarray) -> Any:
        """The kind's puzzle for a raw (L,) grid (for the rule checker)."""
        ...

    def answer(self, raw: np.ndarray) -> Any:
        """The kind's decoded-answer form of a raw (L,) grid (what `Kind.check` takes)."""
        ...

    def raw(self, answer: Any) -> np.ndarray:
        """A puzzle or decoded answer as a raw (L,) grid."""
        ...

    def samples(self, count: int, length: int, rng: np.random.Generator) -> np.ndarray:
        """`count` generated puzzles of raw length `length`, (count, L): model inputs for checks."""
        ...

    def exact(self, puzzle: Any) -> Any | None:
        """The exact solver's answer for `puzzle`, None if it has none."""
        ...

    def group_name(self, grade: int, length: int) -> str:
        """What evaluation tables call a group of generated puzzles of `grade` and raw length."""
        ...
