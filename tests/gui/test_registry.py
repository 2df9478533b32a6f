"""The window builds its tabs from the panel registry: a fourth kind defined only under tests/
(4x4 Latin squares, tests/plugins/latin.py) gets a working tab from the generic grid panel."""

from __future__ import annotations

import numpy as np
import pytest

from gui import kinds as panels
from gui.grid_panel import GridPanel
from gui.main_window import file_filter
from solver import kinds
from tests.gui.helpers import TINY, make_window, trigger, wait_done
from tests.plugins.latin import KIND as LATIN

SQUARES = "12.43..2.14.4.21\n1...............\n"


@pytest.fixture
def latin():
    kinds.register(LATIN)
    panels.register_panel("latin", GridPanel)
    yield LATIN
    panels.unregister_panel("latin")
    kinds.unregister("latin")


def test_the_shipped_panels_are_found_by_name_and_imported_lazily():
    assert panels.names()[:3] == ("sudoku", "maze", "arc")
    assert panels.panel_factory("maze").__name__ == "MazePanel"
    with pytest.raises(ValueError, match="no panel for the puzzle kind 'latin'"):
        panels.panel_factory("latin")
    with pytest.raises(ValueError, match="unknown puzzle kind 'nonesuch'"):
        panels.register_panel("nonesuch", GridPanel)
    with pytest.raises(ValueError, match="already has a panel"):
        panels.register_panel("sudoku", GridPanel)


def test_a_kind_defined_in_tests_opens_solves_and_steps_in_its_own_tab(qtbot, latin, tmp_path):
    window = make_window(qtbot, models={"latin": TINY["latin"]}, halt_threshold=1.0, retry_tta=2)
    assert list(window.panels) == ["sudoku", "maze", "arc", "latin"]
    assert window.tabs.tabText(3) == "&Latin square"
    assert file_filter(latin) == "Latin square files (*.latin);;All files (*)"
    path = tmp_path / "squares.latin"
    path.write_text(SQUARES)
    assert window.open_path(path)  # the content says which kind: kinds.sniff
    panel = window.panel
    assert panel is window.panel_for("latin") and isinstance(panel, GridPanel)
    assert window.windowTitle() == "squares.latin line 1 — TRM Puzzles"
    assert panel.view.numbers[0].tolist() == [1, 2, 0, 4] and panel.view._bold[0].tolist() == [True, True, False, True]
    assert window.model_label.text() == "Model: tiny_latin (your choice)"
    trigger(window, "F5")
    wait_done(qtbot, panel)
    run = panel.run
    assert run.result is not None and run.frames and panel.result_label.text()
    assert np.array_equal(panel.view.numbers, run.frames[run.result_frame()].answer)
    if run.result.retried:  # the untrained model: the other views are there to step through
        assert {f.where for f in run.frames} >= {"first try", "other view 1 of 2"}
    trigger(window, "Ctrl+Left")
    assert panel.timeline.label.text().startswith("Pass ")
    assert panel.copy_text() == "1204300201404021"
    saved = tmp_path / "out.latin"
    assert panel.save_file(saved) and saved.read_text().splitlines() == ["1204300201404021", "1000000000000000"]
    trigger(window, "PgDown")
    assert panel.run is None and panel.view.numbers[0].tolist() == [1, 0, 0, 0]
    panel.runner.shutdown()
