"""The model's beliefs as pencil marks (#17): each blank of any pass shows the model's likeliest
digits with their weight, mapped back through a view's relabelling, toggled by Ctrl+B."""

from __future__ import annotations

import numpy as np

from gui.solve_job import frame_of
from solver.halting import Pass, StepOutput, _softmax_top
from solver.kinds.sudoku import KIND as SUDOKU
from solver.kinds.sudoku import Sudoku
from solver.kinds.sudoku.kind import SudokuAugmentation
from solver.kinds.sudoku.search import solve_unique
from solver.kinds.sudoku.symmetry import SudokuSymmetry
from solver.result import RuleCheck
from solver.solve import PassMade, Stage
from tests.gui.helpers import PUZZLE, make_window, trigger, wait_done

GIVENS = np.array([0 if ch == "." else int(ch) for ch in PUZZLE], np.int8)
SOLUTION = solve_unique(GIVENS)
EMPTY = [int(c) for c in np.flatnonzero(GIVENS == 0)]
SHARES = (0.7, 0.2, 0.06)  # the top three digits' probabilities; the rest share 0.04


def _distribution(digits: np.ndarray) -> np.ndarray:
    """(B, 81, 11) logits: each cell's `digits` at 0.7, the next digit (cyclically) 0.2, the one
    after 0.06, the other tokens 0.04 between them."""
    b = digits.shape[0]
    probs = np.full((b, 81, 11), 0.04 / 8, np.float64)
    for share, shift in zip(SHARES, range(3), strict=True):
        token = (digits - 1 + shift) % 9 + 2
        np.put_along_axis(probs, token[..., None], share, -1)
    return np.log(probs).astype(np.float32)


def _believing(step):
    """The shipped step with its logits replaced by the known distribution around the solution."""
    def run(tokens, y, z):
        out = step(tokens, y, z)
        digits = np.broadcast_to(SOLUTION.astype(np.int64), (len(tokens), 81))
        return StepOutput(out.y, out.z, _distribution(digits), np.full(len(tokens), 9.0, np.float32))
    return run


def _ink(image, board, cell: int, digit: int) -> int:
    """Pixels in `digit`'s ninth of `cell` that differ from that ninth's corner (its background)."""
    rect = board.cell_rect(cell)
    third = rect.width() / 3
    r, c = divmod(digit - 1, 3)
    left, top = int(rect.left() + c * third) + 2, int(rect.top() + r * third) + 2
    size = int(third) - 4
    corner = image.pixelColor(left, top)
    return sum(image.pixelColor(x, y) != corner for x in range(left, left + size) for y in range(top, top + size))


def test_the_loop_carries_each_cells_top_three_with_probabilities():
    logits = _distribution(SOLUTION[None].astype(np.int64))
    tokens, probs = _softmax_top(logits)
    assert tokens.shape == (1, 81, 3) and probs.dtype == np.float32
    assert np.array_equal(tokens[0, :, 0], SOLUTION + 1)
    assert np.allclose(probs[0], SHARES, atol=1e-5)


def test_a_relabelled_views_beliefs_are_the_puzzles_digits_on_the_puzzles_cells():
    symmetry = SudokuSymmetry.random(np.random.default_rng(3))
    aug = SudokuAugmentation(symmetry)
    puzzle = Sudoku(GIVENS.copy())
    view = aug.apply(puzzle)
    view_solution = symmetry.apply(SOLUTION)
    top_tokens, top_probs = _softmax_top(_distribution(view_solution[None].astype(np.int64)))
    answer = view_solution.copy()
    p = Pass(0, 1, answer, answer + 1, top_probs[0, :, 0], np.zeros(81, bool), 0.9,
             RuleCheck(True, True, "ok"), True, True, top_tokens=top_tokens[0], top_probs=top_probs[0])
    frame = frame_of(PassMade(Stage.FIRST, 0, 1, p, view, aug), SUDOKU, puzzle, 0, 2, 0.0, beliefs=True)
    assert frame.beliefs is not None and frame.beliefs.shape == (81, 3)
    assert np.array_equal(frame.beliefs[:, 0], SOLUTION)  # the likeliest is the puzzle's digit ...
    # ... and the runner-up is the view's runner-up relabelled back and moved back with its cell
    second = symmetry.invert((top_tokens[0, :, 1] - 1).astype(np.int8))
    assert np.array_equal(frame.beliefs[:, 1], second)
    assert not np.array_equal(second, (SOLUTION % 9) + 1)  # which the view's relabelling changed
    assert np.allclose(frame.belief_probs, SHARES, atol=1e-5)  # moved with their cells


def test_ctrl_b_shows_the_models_candidates_with_their_weight(qtbot):
    window = make_window(qtbot, max_passes=2, retry_tta=0)
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)
    panel.step_wrapper = _believing
    assert panel.solve()
    wait_done(qtbot, panel)
    board = panel.board
    cell = EMPTY[0]
    assert board.belief_marks(cell) == []  # off: the model's one digit
    plain = board.grab().toImage()
    trigger(window, "Ctrl+B")
    assert panel.show_beliefs
    d = int(SOLUTION[cell])
    expected = [(d, SHARES[0]), (d % 9 + 1, SHARES[1]), ((d + 1) % 9 + 1, SHARES[2])]
    got = board.belief_marks(cell)
    assert [m[0] for m in got] == [m[0] for m in expected]
    assert np.allclose([m[1] for m in got], [m[1] for m in expected], atol=1e-4)
    assert board.belief_marks(PUZZLE.index("4")) == []  # a given shows no beliefs
    # and they are painted: ink in the top candidate's place of the 3x3 pattern, none in a free one
    image = board.grab().toImage()
    free = next(k for k in range(1, 10) if k not in {m[0] for m in expected} and k != 3)  # 3: the changed dot
    assert _ink(image, board, cell, d) > 3 * max(1, _ink(image, board, cell, free))
    assert image != plain
    trigger(window, "Ctrl+B")
    assert board.belief_marks(cell) == []
