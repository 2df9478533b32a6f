"""The Sudoku token codec that training and inference share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.codec import PAD_ID
from solver.kinds.sudoku.puzzle import CELLS

# ------------------------------------------------------------------------------------------------
# Token codec


@dataclass(frozen=True)
class SudokuCodec:
    """PAD 0, blank 1, digit d -> d + 1 (the TRM Sudoku-Extreme vocabulary of 11)."""

    name: str = "sudoku-digits-v1"
    kind: str = "sudoku"
    vocab_size: int = 11
    seq_len: int = CELLS
    pad_id: int = PAD_ID

    def encode_puzzle(self, grid: np.ndarray) -> np.ndarray:
        """(..., 81) digits 0-9 -> (..., 81) tokens 1-10."""
        return np.asarray(grid, dtype=np.int64) + 1

    def encode_answer(self, grid: np.ndarray) -> np.ndarray:
        """Every cell is supervised, givens included, as in the official data set."""
        return np.asarray(grid, dtype=np.int64) + 1

    def decode_answer(self, tokens: np.ndarray) -> np.ndarray:
        """(..., 81) tokens -> digits; PAD and blank predictions decode to 0 (no digit)."""
        tokens = np.asarray(tokens)
        return np.where(tokens >= 2, tokens - 1, 0).astype(np.int8)


SUDOKU_CODEC = SudokuCodec()
