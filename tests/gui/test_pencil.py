"""Pencil marks on the Sudoku board (#17): a mode toggle and Ctrl+digit; a placed digit cleans
its row, column and box; marks are undoable notes that never reset a run."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from gui.kinds.sudoku.state import PEERS
from tests.gui.helpers import PUZZLE, make_window, trigger, wait_done

EMPTY = [i for i, ch in enumerate(PUZZLE) if ch == "."]


def _sudoku(qtbot, **overrides):
    window = make_window(qtbot, **overrides)
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)  # typed digits are the person's entries
    return window, panel


def test_ctrl_digit_on_the_board_toggles_a_pencil_mark(qtbot):
    _window, panel = _sudoku(qtbot)
    board = panel.board
    board.setFocus()
    cell = EMPTY[0]
    board.select(cell)
    qtbot.keyClick(board, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(board, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert panel.state.marks(cell) == [3, 7]
    assert int(board._pencil[cell]) == (1 << 3) | (1 << 7)  # the board paints them
    assert panel.state.entries[cell] == 0  # not a digit
    qtbot.keyClick(board, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert panel.state.marks(cell) == [7]
    panel.undo_stack.undo()
    assert panel.state.marks(cell) == [3, 7]


def test_the_pencil_mode_makes_plain_digits_marks(qtbot):
    window, panel = _sudoku(qtbot)
    cell = EMPTY[1]
    panel.board.select(cell)
    trigger(window, "Ctrl+P")
    assert panel.pencil_mode and "pencil marks" in panel.info_label.text()
    qtbot.keyClick(panel.board, Qt.Key.Key_5)
    qtbot.keyClick(panel.board, Qt.Key.Key_9)
    assert panel.state.marks(cell) == [5, 9] and panel.state.entries[cell] == 0
    qtbot.keyClick(panel.board, Qt.Key.Key_Delete)  # clears the cell's marks
    assert panel.state.marks(cell) == []
    trigger(window, "Ctrl+P")
    qtbot.keyClick(panel.board, Qt.Key.Key_5)
    assert not panel.pencil_mode and panel.state.entries[cell] == 5


def test_a_placed_digit_cleans_its_row_column_and_box(qtbot):
    _window, panel = _sudoku(qtbot)
    target = EMPTY[0]
    peers = [c for c in EMPTY if PEERS[target, c]]
    others = [c for c in EMPTY if c != target and not PEERS[target, c]]
    for cell in [target, *peers[:4], *others[:2]]:
        panel.toggle_pencil(cell, 6)
        panel.toggle_pencil(cell, 2)
    panel.enter_digit(target, 6)
    assert panel.state.entries[target] == 6 and panel.state.marks(target) == []
    for cell in peers[:4]:
        assert panel.state.marks(cell) == [2]  # 6 gone from row, column and box
    for cell in others[:2]:
        assert panel.state.marks(cell) == [2, 6]  # elsewhere it stays
    panel.undo_stack.undo()  # the digit's undo brings the marks back
    assert all(panel.state.marks(c) == [2, 6] for c in [target, *peers[:4]])


def test_a_digit_cell_takes_no_marks_and_marks_keep_the_run(qtbot):
    _window, panel = _sudoku(qtbot, max_passes=2, retry_tta=0)
    given = PUZZLE.index("4")
    panel.toggle_pencil(given, 1)
    assert panel.state.marks(given) == [] and "holds a digit" in panel.banner.label.text()
    assert panel.solve()
    wait_done(qtbot, panel)
    run = panel.run
    panel.toggle_pencil(EMPTY[2], 4)
    assert panel.run is run and panel.timeline.run is run  # a note is no change of puzzle
    assert np.count_nonzero(panel.state.pencil) == 1


def test_ctrl_digit_no_longer_makes_a_new_puzzle_which_moved_to_ctrl_alt(qtbot):
    window, _panel = _sudoku(qtbot)
    shortcuts = {a.shortcut().toString() for a in window.all_actions()}
    assert {"Ctrl+Alt+1", "Ctrl+Alt+2", "Ctrl+Alt+3", "Ctrl+P"} <= shortcuts
    assert not {"Ctrl+1", "Ctrl+2", "Ctrl+3"} & shortcuts
