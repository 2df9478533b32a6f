"""Typing, pasting, opening, saving and undoing on the Sudoku board."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from solver.kinds.sudoku import format_sudoku, parse_sudoku
from tests.gui.helpers import PUZZLE, make_window
from tests.solver.kinds.sudoku.test_real_files import LAYOUTS


def test_typing_a_puzzle_with_keys(qtbot):
    """Digits, arrows, Delete and '.' edit the selected cell; givens are entered on a new board."""
    window = make_window(qtbot)
    board = window.panels["sudoku"].board
    board.setFocus()
    qtbot.keyClick(board, Qt.Key.Key_5)
    qtbot.keyClick(board, Qt.Key.Key_Right)
    qtbot.keyClick(board, Qt.Key.Key_3)
    qtbot.keyClick(board, Qt.Key.Key_Down)
    qtbot.keyClick(board, Qt.Key.Key_5)  # same column as nothing, same box as the first 5
    state = window.panels["sudoku"].state
    assert state.givens[0] == 5 and state.givens[1] == 3 and state.givens[10] == 5
    assert state.conflicts()[0] and state.conflicts()[10]
    qtbot.keyClick(board, Qt.Key.Key_Delete)
    assert state.givens[10] == 0
    qtbot.keyClick(board, Qt.Key.Key_Up)
    qtbot.keyClicks(board, ".")
    assert window.panels["sudoku"].state.givens[1] == 0
    assert window.panels["sudoku"].copy_text().startswith("5........")


def test_mouse_selects_a_cell(qtbot):
    """A click selects the cell under the pointer."""
    window = make_window(qtbot)
    board = window.panels["sudoku"].board
    qtbot.mouseClick(board, Qt.MouseButton.LeftButton, pos=board.cell_rect(40).center().toPoint())
    assert board.selected == 40
    qtbot.keyClick(board, Qt.Key.Key_7)
    assert window.panels["sudoku"].state.givens[40] == 7


def test_undo_and_redo_each_edit(qtbot):
    """One undo step per digit; redo puts it back."""
    window = make_window(qtbot)
    panel = window.panels["sudoku"]
    panel.enter_digit(0, 1)
    panel.enter_digit(1, 2)
    assert panel.undo_stack.count() == 2
    panel.undo_stack.undo()
    assert panel.state.givens[:2].tolist() == [1, 0]
    panel.undo_stack.redo()
    assert panel.state.givens[:2].tolist() == [1, 2]


def test_paste_and_copy_round_trip(qtbot):
    """Ctrl+V reads a boxed grid; Ctrl+C gives the 81-character line back; paste is undoable."""
    window = make_window(qtbot)
    grid = format_sudoku(parse_sudoku(PUZZLE), "grid")
    QGuiApplication.clipboard().setText(grid)
    window.paste()
    assert window.panels["sudoku"].copy_text() == PUZZLE
    window.copy()
    assert QGuiApplication.clipboard().text() == PUZZLE
    assert not window.panels["sudoku"].entering_givens  # a loaded puzzle: typing makes entries
    window.panels["sudoku"].undo_stack.undo()
    assert window.panels["sudoku"].state.is_empty()


def test_open_a_list_file_and_step_through(qtbot, tmp_path):
    """A .sdm file with many puzzles becomes a list to step through."""
    lines = [PUZZLE, PUZZLE.replace("4", ".", 1), PUZZLE.replace("8", ".", 1)]
    path = tmp_path / "three.sdm"
    path.write_text("\n".join(lines) + "\n")
    window = make_window(qtbot)
    assert window.open_path(path)
    panel = window.panels["sudoku"]
    assert len(panel.records) == 3 and panel.copy_text() == lines[0]
    window.panel.step_list(1)
    assert panel.copy_text() == lines[1]
    assert panel.list_label.text() == "2 / 3"


def test_bad_file_is_a_message_and_keeps_the_typed_puzzle(qtbot, tmp_path):
    """A broken file shows a banner; what the person typed stays on the board."""
    window = make_window(qtbot)
    panel = window.panels["sudoku"]
    panel.enter_digit(0, 9)
    panel.enter_digit(80, 1)
    bad = tmp_path / "broken.sdk"
    bad.write_text("#A nobody\n12345\nnot a grid\n")
    assert not window.open_path(bad, "sudoku")
    assert panel.banner.isVisible()
    assert "broken.sdk" in panel.banner.label.text()
    assert panel.state.givens[0] == 9 and panel.state.givens[80] == 1


def test_a_sudoku_file_with_bad_lines_opens_the_good_ones_and_says_how_many_were_skipped(qtbot, tmp_path):
    window = make_window(qtbot)
    panel = window.panels["sudoku"]
    other = "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3.."
    path = tmp_path / "mixed.sdm"
    path.write_text("\n".join([PUZZLE, "11" + PUZZLE[2:], other, PUZZLE[:40]]) + "\n")
    assert window.open_path(path, "sudoku")
    assert len(panel.records) == 2 and panel.copy_text() == PUZZLE
    text = panel.banner.text
    assert text == "2 record(s) skipped; first problem: line 2: givens conflict at r1c1=1, r1c2=1, r9c1=1"
    assert panel.step_list(1) and panel.copy_text() == other


def test_save_and_reopen_sdk(qtbot, tmp_path):
    """Saving writes the chosen format; opening it again gives the same puzzle."""
    window = make_window(qtbot)
    window.panels["sudoku"].paste_text(PUZZLE)
    path = tmp_path / "saved.sdk"
    assert window.panels["sudoku"].save_file(path)
    assert path.read_text().count("\n") == 9
    window.panels["sudoku"].clear_board()
    assert window.open_path(path, "sudoku")
    assert window.panels["sudoku"].copy_text() == PUZZLE


def test_generate_a_puzzle_off_the_ui_thread(qtbot):
    """New Sudoku runs the generator on a worker and puts a unique puzzle on the board."""
    from solver.kinds.sudoku.grading import Grade
    from solver.kinds.sudoku.search import count_solutions

    window = make_window(qtbot)
    panel = window.panels["sudoku"]
    with qtbot.waitSignal(panel.generator.done, timeout=20000):
        assert panel.generate_puzzle(Grade.SINGLES, seed=3)
    qtbot.waitUntil(lambda: not panel.state.is_empty(), timeout=2000)
    assert count_solutions(panel.state.givens) == 1


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_windows_open_reads_every_layout_trm_solve_reads(qtbot, tmp_path, layout):
    """Issue #21's layouts through File → Open: the same puzzles, givens and count as the reader."""
    name, content, expected = LAYOUTS[layout]
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8"))
    window = make_window(qtbot)
    assert window.open_path(path), layout
    panel = window.panels["sudoku"]
    assert len(panel.records) == len(expected)
    shown = []
    for i in range(len(expected)):
        shown.append(panel.copy_text().replace(".", "0"))
        if i + 1 < len(expected):
            panel.step_list(1)
    assert shown == expected
