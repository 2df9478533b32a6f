"""The `Kind` protocol: everything the rest of the project may ask of a kind of puzzle.

The pass loop, the solve pipeline, `trm-solve`, the window and training work on any kind through
this protocol alone. A kind instance is bound to one token codec (a model's sidecar names it);
`with_codec` gives the same kind bound to another one. Cell masks and bad cells are row-major
indices in the *puzzle's* frame (a 9x9 Sudoku: 0..80; a 7x9 maze padded to 30x30 for the model:
0..62).
"""

from __future__ import annotations

from collections.abc import Sequence
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


class Augmentation(Protocol):
    """A symmetry of the puzzle: `apply` maps a puzzle to its view, `invert` maps an answer back."""

    def apply(self, puzzle: Any) -> Any: ...

    def invert(self, answer: Any) -> Any: ...


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
