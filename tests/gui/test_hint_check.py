"""Hint and Check on the Sudoku tab (#17): a hint fills the blank the model is surest of that the
exact solver confirms and says how sure it was; Check marks the person's wrong entries red."""

from __future__ import annotations

import numpy as np

from solver.kinds.sudoku import conflicts
from solver.kinds.sudoku.search import solve_unique
from tests.gui.helpers import PUZZLE, make_window, trigger, wait_done

GIVENS = np.array([0 if ch == "." else int(ch) for ch in PUZZLE], np.int8)
SOLUTION = solve_unique(GIVENS)
EMPTY = [int(c) for c in np.flatnonzero(GIVENS == 0)]


def _sudoku(qtbot):
    window = make_window(qtbot, max_passes=2, retry_tta=0)
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)
    return window, panel


def test_a_hint_fills_the_surest_confirmed_cell_and_says_how_sure(qtbot):
    window, panel = _sudoku(qtbot)
    trigger(window, "Ctrl+H")
    assert "press Solve (F5) first" in panel.banner.label.text() and not panel.state.entries.any()
    assert panel.solve()
    wait_done(qtbot, panel)
    run = panel.run
    frame = run.frames[run.result_frame() if run.result_frame() is not None else -1]
    confidence = frame.confidence.reshape(-1)
    right = [c for c in EMPTY if frame.answer[c] == SOLUTION[c]]
    best = max(right, key=lambda c: confidence[c])
    trigger(window, "Ctrl+H")
    filled = np.flatnonzero(panel.state.entries)
    assert filled.tolist() == [best] and panel.state.entries[best] == SOLUTION[best]
    r, c = divmod(best, 9)
    assert panel.banner.label.text() == (f"r{r + 1}c{c + 1} = {SOLUTION[best]}: the model was "
                                         f"{confidence[best]:.0%} sure.")


def test_check_marks_the_wrong_entries_red_and_counts_them(qtbot):
    window, panel = _sudoku(qtbot)
    good, bad = EMPTY[0], EMPTY[5]
    panel.enter_digit(good, int(SOLUTION[good]))
    wrong_digit = next(d for d in range(1, 10) if d != SOLUTION[bad] and not _clashes(panel, bad, d))
    panel.enter_digit(bad, wrong_digit)
    assert not panel.board._conflicts[bad]  # no rule broken: only the solution says it is wrong
    trigger(window, "Ctrl+Shift+C")
    assert panel.banner.label.text() == "1 of your 2 entries are wrong (marked red)."
    assert panel.board._conflicts[bad] and not panel.board._conflicts[good]
    panel.enter_digit(bad, 0)  # the next edit clears the marks
    assert not panel.board._conflicts.any()
    trigger(window, "Ctrl+Shift+C")
    assert panel.banner.label.text() == "All 1 of your entries are right."


def _clashes(panel, cell: int, digit: int) -> bool:
    values = panel.state.values().copy()
    values[cell] = digit
    return bool(conflicts(values)[cell])
