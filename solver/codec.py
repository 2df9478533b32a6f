"""Token codecs: the one mapping between puzzles and model tokens.

Training encodes its data with these codecs and the app encodes what a person typed with the same
ones, so what the model was trained on and what it is fed can never drift apart. A model's sidecar
names its codec (`TokenCodec.name`); `solver.kinds.codec_for(name)` finds it again.

Token 0 is PAD everywhere; a label of 0 is ignored by the loss.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

PAD_ID = 0


@runtime_checkable
class TokenCodec(Protocol):
    """Maps a kind's raw grids to int64 token sequences and back."""

    # Read-only: codecs are immutable (frozen dataclasses, class constants), and a read-only
    # protocol member also accepts a subclass's narrower type.
    @property
    def name(self) -> str:
        """Stable identifier stored in model sidecars, e.g. "sudoku-digits-v1"."""
        ...

    @property
    def kind(self) -> str:
        """The name of the puzzle kind it encodes."""
        ...

    @property
    def vocab_size(self) -> int: ...

    @property
    def seq_len(self) -> int: ...

    @property
    def pad_id(self) -> int: ...

    def encode_puzzle(self, grid: Any) -> np.ndarray:
        """Input tokens (L,) or (B, L), int64."""
        ...

    def encode_answer(self, grid: Any) -> np.ndarray:
        """Label tokens (L,) or (B, L), int64; PAD (0) where nothing is supervised."""
        ...

    def decode_answer(self, tokens: np.ndarray) -> Any:
        """The raw grid that predicted tokens (L,) or (B, L) stand for."""
        ...
