"""The exact Sudoku solver: counts solutions and finds them, fast, in pure Python.

It is the uniqueness check for entered puzzles and the ground truth for generated ones.

Representation: one 81-bit integer per digit (a "board"), bit ``c`` set while that digit is still
possible in cell ``c``. Python's big-integer operators then work on all 81 cells at once: the
cells with no candidate left, or exactly one, come out of a handful of ORs and ANDs over the nine
boards instead of a loop over 81 cells. Every search node is propagated to a fixpoint of naked
singles and hidden singles before branching on a cell with the fewest candidates (minimum
remaining values). The search keeps an explicit stack, so there is no recursion limit to hit.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from solver.kinds.sudoku.puzzle import CELLS, PEERS, SIZE, UNITS

ALL_CELLS = (1 << CELLS) - 1
_CELL_BIT = [1 << c for c in range(CELLS)]
_PEER_MASK = [sum(1 << int(p) for p in PEERS[c]) for c in range(CELLS)]
_UNIT_MASK = [sum(1 << int(c) for c in unit) for unit in UNITS]
_DIGITS = range(SIZE)

Boards = list[int]  # nine 81-bit masks: bit c of boards[d] = digit d + 1 still possible in cell c


def grid_cells(grid: np.ndarray | Sequence[int]) -> list[int]:
    """Flat list of 81 ints from a (81,) or (9, 9) grid; ValueError on a wrong shape or value."""
    cells = np.asarray(grid)
    if cells.shape == (SIZE, SIZE):
        cells = cells.reshape(CELLS)
    if cells.shape != (CELLS,):
        raise ValueError(f"expected 81 cells, got shape {cells.shape}")
    values = [int(v) for v in cells.tolist()]
    if min(values) < 0 or max(values) > SIZE:
        raise ValueError("cell values must be 0-9")
    return values


def boards_from_cells(cells: Sequence[int]) -> tuple[Boards, int] | None:
    """(boards, placed-cells mask) with every given placed; None if two givens conflict."""
    given = [0] * SIZE  # cells holding each digit
    seen = [0] * SIZE  # cells that see each digit
    for c, value in enumerate(cells):
        if value:
            given[value - 1] |= _CELL_BIT[c]
            seen[value - 1] |= _PEER_MASK[c]
    placed = 0
    for d in _DIGITS:
        if given[d] & seen[d]:  # a digit repeats in some unit
            return None
        placed |= given[d]
    return [(ALL_CELLS & ~seen[d] & ~placed) | given[d] for d in _DIGITS], placed


def propagate(boards: Boards, placed: int) -> int:
    """Apply naked and hidden singles to a fixpoint, in place; the new placed mask, -1 if stuck.

    -1 means a contradiction: a cell with no candidate, a digit with no place in some unit, or
    two peers forced to the same digit.
    """
    peer_mask = _PEER_MASK
    unit_masks = _UNIT_MASK
    while True:
        # Cells holding at least one / at least two candidates, over all 81 cells at once.
        once = twice = 0
        for board in boards:
            twice |= once & board
            once |= board
        open_cells = ALL_CELLS ^ placed
        if open_cells & ~once:
            return -1
        singles = open_cells & once & ~twice
        if singles:
            for d in _DIGITS:
                todo = boards[d] & singles
                board = boards[d]
                while todo:
                    low = todo & -todo
                    todo ^= low
                    if not board & low:  # an earlier single in this batch was a peer
                        return -1
                    board &= ~peer_mask[low.bit_length() - 1]
                boards[d] = board
            placed |= singles
            continue
        found = False
        for d in _DIGITS:
            board = boards[d]
            if not board & open_cells:
                continue  # all nine of this digit are placed
            for unit in unit_masks:
                where = board & unit
                if where & (where - 1):
                    continue  # two or more places: nothing to learn
                if not where:
                    return -1
                if where & open_cells:
                    # Hidden single: the only place for digit d in this unit.
                    board &= ~peer_mask[where.bit_length() - 1]
                    keep = ~where
                    for e in _DIGITS:
                        if e != d:
                            boards[e] &= keep
                    open_cells ^= where
                    placed |= where
                    found = True
            boards[d] = board
        if not found:
            return placed


def _branch_cell(boards: Boards, placed: int) -> int:
    """Bit of an open cell with the fewest candidates (a two-candidate cell when there is one)."""
    # Bit-sliced counter: (b3 b2 b1 b0) is each cell's number of candidates, for all 81 at once.
    b0 = b1 = b2 = b3 = 0
    for board in boards:
        carry = b0 & board
        b0 ^= board
        carry, b1 = b1 & carry, b1 ^ carry
        carry, b2 = b2 & carry, b2 ^ carry
        b3 |= carry
    open_cells = ALL_CELLS ^ placed
    for count in range(2, SIZE + 1):
        exact = open_cells
        exact &= b0 if count & 1 else ~b0
        exact &= b1 if count & 2 else ~b1
        exact &= b2 if count & 4 else ~b2
        exact &= b3 if count & 8 else ~b3
        if exact:
            return exact & -exact
    raise AssertionError("propagate leaves no open cell with fewer than two candidates")


def cell_masks(boards: Boards) -> list[int]:
    """Per-cell candidate bitmasks (bit d = digit d + 1) from the nine digit boards."""
    masks = [0] * CELLS
    for d in _DIGITS:
        board = boards[d]
        bit = 1 << d
        while board:
            low = board & -board
            board ^= low
            masks[low.bit_length() - 1] |= bit
    return masks


def _grid_of(boards: Boards) -> np.ndarray:
    """(81,) int8 grid from fully placed boards."""
    grid = np.zeros(CELLS, dtype=np.int8)
    for d in _DIGITS:
        board = boards[d]
        while board:
            low = board & -board
            board ^= low
            grid[low.bit_length() - 1] = d + 1
    return grid


def search_cells(
    cells: Sequence[int],
    limit: int,
    shuffle: random.Random | None = None,
    exclude: tuple[int, int] | None = None,
) -> tuple[int, np.ndarray | None]:
    """(number of solutions found, capped at `limit`; the first one) for a flat list of 81 ints.

    With `shuffle`, digits are tried in a random order at every branch (the grid generator).
    With `exclude` = (cell, digit), only solutions without that digit in that cell count.
    """
    found, first, _ = _search(cells, limit, shuffle, exclude)
    return found, first


def search_effort(grid: np.ndarray | Sequence[int]) -> int:
    """How hard `grid` is for the exact solver: the branch points of the whole search tree that
    finds its solutions and proves there is no second (propagation of singles at every node,
    the most constrained cell branched on). 0: singles propagation alone solves it; the rating
    behind `Grade.EXTREME` (solver/kinds/sudoku/grading.py)."""
    return _search(grid_cells(grid), 2, None, None)[2]


def _search(
    cells: Sequence[int], limit: int, shuffle: random.Random | None, exclude: tuple[int, int] | None,
) -> tuple[int, np.ndarray | None, int]:
    """(solutions found up to `limit`, the first, branch points visited)."""
    start = boards_from_cells(cells)
    if start is None:
        return 0, None, 0
    if exclude is not None:
        start[0][exclude[1] - 1] &= ~_CELL_BIT[exclude[0]]
    found = branches = 0
    first: Boards | None = None
    stack: list[tuple[Boards, int]] = [start]
    while stack:
        boards, placed = stack.pop()
        placed = propagate(boards, placed)
        if placed < 0:
            continue
        if placed == ALL_CELLS:
            found += 1
            if first is None:
                first = boards
            if found >= limit:
                break
            continue
        branches += 1
        bit = _branch_cell(boards, placed)
        cell = bit.bit_length() - 1
        digits = [d for d in _DIGITS if boards[d] & bit]
        if shuffle is not None:
            shuffle.shuffle(digits)
        # Pushed in reverse so the first listed digit is explored first.
        for d in reversed(digits):
            child = boards.copy()
            keep = ~bit
            for e in digits:
                if e != d:
                    child[e] &= keep
            child[d] &= ~_PEER_MASK[cell]
            stack.append((child, placed | bit))
    return found, None if first is None else _grid_of(first), branches


def has_other_solution(cells: Sequence[int], cell: int, digit: int) -> bool:
    """True if `cells` has a solution with something other than `digit` in `cell`.

    Digging uses it: blanking a cell of a unique puzzle keeps it unique exactly when the blanked
    digit is forced, and this search skips the part of the tree that holds the known solution.
    """
    return search_cells(cells, 1, exclude=(cell, digit))[0] > 0


def count_solutions(grid: np.ndarray | Sequence[int], limit: int = 2) -> int:
    """How many solutions `grid` (81 cells, 0 = blank) has, counting no further than `limit`.

    Conflicting givens give 0. ``count_solutions(grid) == 1`` is the uniqueness check.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    return search_cells(grid_cells(grid), limit)[0]


def solve(grid: np.ndarray | Sequence[int]) -> np.ndarray | None:
    """The first solution of `grid` as an (81,) int8 array (the solution if unique), or None."""
    return search_cells(grid_cells(grid), 1)[1]


def solve_unique(grid: np.ndarray | Sequence[int]) -> np.ndarray | None:
    """The solution of `grid` if it has exactly one, else None."""
    found, first = search_cells(grid_cells(grid), 2)
    return first if found == 1 else None


def singles_fixpoint(grid: np.ndarray | Sequence[int]) -> tuple[np.ndarray, np.ndarray] | None:
    """(grid filled by naked and hidden singles, (81,) candidate bitmasks) or None if stuck.

    Bit ``d`` of a candidate mask means digit ``d + 1`` is still possible (filled cells keep
    their digit's bit). The grid is fully filled exactly when singles alone solve the puzzle.
    """
    start = boards_from_cells(grid_cells(grid))
    if start is None:
        return None
    boards, placed = start
    placed = propagate(boards, placed)
    if placed < 0:
        return None
    masks = np.zeros(CELLS, dtype=np.int16)
    filled = np.zeros(CELLS, dtype=np.int8)
    for d in _DIGITS:
        board = boards[d]
        while board:
            low = board & -board
            board ^= low
            c = low.bit_length() - 1
            masks[c] |= 1 << d
            if placed & low:
                filled[c] = d + 1
    return filled, masks


def solved_by_singles(cells: Sequence[int]) -> bool:
    """True if naked and hidden singles alone fill every cell (which implies a unique solution)."""
    start = boards_from_cells(cells)
    if start is None:
        return False
    return propagate(*start) == ALL_CELLS
