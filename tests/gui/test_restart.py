"""Work survives a restart (#17): quitting with unsaved work asks Save / Discard / Cancel; the next
start reopens the last puzzle, the person's entries and pencil marks, and the tab."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMessageBox

from tests.gui.helpers import PUZZLE, make_window

EMPTY = [i for i, ch in enumerate(PUZZLE) if ch == "."]
Button = QMessageBox.StandardButton


def _with_work(qtbot):
    window = make_window(qtbot)
    window.ask_on_quit = True
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)
    panel.enter_digit(EMPTY[0], 9)
    panel.toggle_pencil(EMPTY[1], 3)
    panel.toggle_pencil(EMPTY[1], 5)
    window.tabs.setCurrentWidget(panel)
    return window, panel


def test_quit_with_unsaved_work_asks_and_cancel_stays(qtbot):
    window, panel = _with_work(qtbot)
    asked = []
    window.ask_unsaved = lambda p: asked.append(p) or Button.Cancel
    assert panel.unsaved_work()
    assert not window.close()  # Cancel: the window stays
    assert asked == [panel] and window.isVisible()
    window.ask_unsaved = lambda p: Button.Discard
    assert window.close()


def test_the_next_start_reopens_puzzle_entries_marks_and_tab(qtbot):
    window, panel = _with_work(qtbot)
    other = next(p for p in window.panels.values() if p is not panel)
    window.ask_on_quit = False  # no question: the work is kept for the next start
    assert window.close()
    again = make_window(qtbot)
    reopened = again.panel_for("sudoku")
    assert again.panel is reopened and again.panel is not other
    assert "".join(str(d) if d else "." for d in reopened.state.givens) == PUZZLE
    assert reopened.state.entries[EMPTY[0]] == 9 and int(np.count_nonzero(reopened.state.entries)) == 1
    assert reopened.state.marks(EMPTY[1]) == [3, 5]
    assert reopened.source == "clipboard" and not reopened.entering_givens
    assert reopened.unsaved_work()  # still unsaved: the next quit asks again


def test_discard_forgets_the_work(qtbot):
    window, _panel = _with_work(qtbot)
    window.ask_unsaved = lambda p: Button.Discard
    assert window.close()
    again = make_window(qtbot)
    assert again.panel_for("sudoku").state.is_empty()
