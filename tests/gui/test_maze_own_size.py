"""A maze smaller than 30x30 is solved at its own size, in the window as in trm-solve (#19)."""

from __future__ import annotations

from pathlib import Path

from tests.gui.helpers import make_window, wait_done

SAMPLE = Path(__file__).resolve().parents[2] / "assets" / "puzzles" / "maze" / "small_9x9.txt"


def test_the_9x9_sample_is_solved_at_its_own_size_with_the_windows_defaults(qtbot):
    """Once padded to 30x30 and unsolved; the views alone still miss it, exploration finds it."""
    window = make_window(qtbot)
    assert window.open_path(SAMPLE)
    panel = window.panels["maze"]
    assert panel.solve()
    wait_done(qtbot, panel, timeout=120000)
    result = panel.run.result
    assert result.solved, panel.result_label.text()
    assert result.answer.grid.shape == (9, 9)
    assert panel.kind.check(result.answer, panel.current_puzzle()).ok
