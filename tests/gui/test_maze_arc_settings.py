"""Maze editing with the mouse, ARC painting and flood fill, settings persistence, the app entry."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QSettings, Qt

from gui.models import read_card
from gui.settings import AppSettings, load_settings, save_settings
from solver.kinds.maze import GOAL, START, WALL
from tests.gui.helpers import make_window

ROOT = Path(__file__).resolve().parents[2]


def _centre(view, row, col) -> QPoint:
    return view.cell_rect(row, col).center().toPoint()


def test_maze_draw_erase_and_move_start(qtbot):
    """A drag draws walls as one undo step; clicking a wall erases it; S moves by dragging."""
    window = make_window(qtbot)
    window.tabs.setCurrentWidget(window.panels["maze"])
    panel = window.panels["maze"]
    view = panel.view
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=_centre(view, 2, 2))
    for col in (3, 4, 5):
        qtbot.mouseMove(view, _centre(view, 2, col))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=_centre(view, 2, 5))
    assert (panel.state.grid[2, 2:6] == WALL).all()
    assert panel.undo_stack.count() == 1
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=_centre(view, 2, 3))
    assert panel.state.grid[2, 3] != WALL
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=_centre(view, 0, 0))  # S
    qtbot.mouseMove(view, _centre(view, 1, 4))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=_centre(view, 1, 4))
    assert panel.state.grid[1, 4] == START and panel.state.grid[0, 0] != START
    panel.undo_stack.undo()
    assert panel.state.grid[0, 0] == START


def test_maze_paste_open_and_bad_file(qtbot, tmp_path):
    """A pasted maze replaces the board; a bad maze file leaves it alone with a message."""
    window = make_window(qtbot)
    panel = window.panels["maze"]
    assert panel.paste_text("S #\n  #\n# G\n")
    assert panel.state.shape == (3, 3) and panel.state.grid[2, 2] == GOAL
    bad = tmp_path / "bad.txt"
    bad.write_text("S #\n  \n# G X\n")
    assert not panel.open_file(bad)
    assert "bad.txt" in panel.banner.label.text()
    assert panel.state.shape == (3, 3)


def test_a_maze_file_with_one_bad_maze_skips_it_and_names_it(qtbot, tmp_path):
    """Three mazes, the second without its S: the other two open, and the banner names the bad one."""
    window = make_window(qtbot)
    panel = window.panels["maze"]
    path = tmp_path / "three.txt"
    path.write_text("S #\n  #\n# G\n\n#  \n  #\n# G\n\nS  \n # \n  G\n")
    assert window.open_path(path, "maze")
    assert len(panel.records) == 2
    assert panel.state.shape == (3, 3) and panel.state.grid[0, 0] == START
    text = panel.banner.text
    assert text == "1 record(s) skipped; first problem: maze 2 (line 5): maze on lines 5-7: no start cell 'S'"
    assert panel.step_list(1) and panel.state.grid[1, 1] == WALL  # the third maze, next in the list


def test_new_maze_from_the_generator(qtbot):
    """New maze generates a maze of the chosen size off the UI thread."""
    window = make_window(qtbot)
    panel = window.panels["maze"]
    panel.size_spin.setValue(12)
    with qtbot.waitSignal(panel.generator.done, timeout=20000):
        panel.new_button.click()
    qtbot.waitUntil(lambda: panel.state.shape == (12, 12), timeout=2000)
    assert panel.state.maze().start is not None


def test_arc_paint_fill_resize_and_undo(qtbot):
    """Painting, flood fill, copy from input, resize and reset are each one undo step."""
    window = make_window(qtbot)
    panel = window.panels["arc"]
    window.tabs.setCurrentWidget(panel)
    sample = ROOT / "assets" / "puzzles" / "arc" / "blue_becomes_red.json"
    assert window.open_path(sample)
    grid = panel.test_input
    assert panel.state.shape == grid.shape
    view = panel.answer_view
    panel.set_colour(2)
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=_centre(view, 0, 0))
    qtbot.mouseMove(view, _centre(view, 0, 1))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=_centre(view, 0, 1))
    assert panel.state.grid[0, :2].tolist() == [2, 2]
    panel.set_tool("fill")
    panel.set_colour(3)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=_centre(view, 3, 3))
    assert int(panel.state.grid[3, 3]) == 3
    assert (panel.state.grid == 3).sum() == grid.size - 2  # everything black but the painted two
    panel.copy_from_input()
    assert np.array_equal(panel.state.grid, grid)
    assert panel.resize_answer("2x9")
    assert panel.state.shape == (2, 9)
    count = panel.undo_stack.count()
    panel.undo_stack.undo()
    assert np.array_equal(panel.state.grid, grid) and count == 4
    assert not panel.resize_answer("0x40")
    assert panel.banner.isVisible()


def test_arc_bad_task_message(qtbot, tmp_path):
    """A broken task JSON is a message naming what is wrong."""
    window = make_window(qtbot)
    bad = tmp_path / "task.json"
    bad.write_text(json.dumps({"train": [{"input": [[1, 2], [3]]}], "test": []}))
    assert not window.open_path(bad)
    assert "train[0]" in window.panels["arc"].banner.label.text()


def test_settings_persist_across_windows(qtbot, isolated_settings):
    """Settings written by one window are read by the next, from the test's own folder."""
    settings = AppSettings(max_passes=12, halt_threshold=0.7, tta_k=3, retry_tta=0, force_cpu=True, animation_ms=90,
                           theme="dark", models={"arc": "/models/my_arc.onnx"})
    save_settings(settings)
    assert any(isolated_settings.rglob("*.ini"))
    loaded = load_settings()
    assert loaded == settings
    window = make_window(qtbot)
    window.apply_settings(AppSettings(max_passes=5))
    assert load_settings(QSettings()).max_passes == 5
    assert window.panels["sudoku"].timeline.speed.value() == AppSettings().animation_ms


def test_about_names_the_model(qtbot):
    """The About box names each tab's shipped model by file name in its facts table, lists every
    figure its card measured in the accuracy table, and says plainly that ARC has no model."""
    from gui.views.about import percent

    window = make_window(qtbot)
    text = window.about_text()
    for kind, title in (("sudoku", "Sudoku"), ("maze", "Maze")):
        card = read_card(ROOT / "assets" / "models" / f"{kind}.onnx")
        section = text.split(f"<h3>{title}</h3>", 1)[1].split("<h3>", 1)[0]
        # the file name itself, not a longer name that contains it (tiny_sudoku.onnx)
        assert re.search(rf"<td>{kind}\.onnx \(shipped with the app\)</td>", section), section
        assert card.accuracy, f"{kind}.onnx has no measured accuracy in its card"
        for value in card.accuracy.values():
            assert f">{percent(value)}<" in section, (percent(value), section)
    arc = text.split("<h3>ARC</h3>", 1)[1]
    assert "ARC: no model installed" in arc and "<table" not in arc.split("<h3>", 1)[0]


def test_self_test_and_version_subprocess():
    """`trm-puzzles --self-test` solves a shipped puzzle offscreen and exits 0."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "gui", "--self-test"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # "ok" is required whatever the provider: the CPU line on this machine names CUDA too.
    assert re.search(r"^self-test: ok; Sudoku; model sudoku; provider (CPU|CUDA) \(.*\); "
                     r"result verified after \d+ passes$", done.stdout, re.MULTILINE), done.stdout
    version = subprocess.run([sys.executable, "-m", "gui", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("trm-puzzles ")


def test_settings_dialog_round_trips_the_retry_views(qtbot):
    from gui.views.settings_dialog import SettingsDialog

    dialog = SettingsDialog(AppSettings(retry_tta=3), [])
    qtbot.addWidget(dialog)
    assert dialog.value().retry_tta == 3
    dialog.retry.setValue(0)
    assert dialog.value().retry_tta == 0 and dialog.retry.text() == "off"
    assert AppSettings(retry_tta=99).validated().retry_tta == 8


def test_settings_dialog_round_trips_the_commit_rounds_and_the_window_solves_with_them(qtbot):
    """Preferences' "fix the surest cells" reaches the solve: on by default, off at 0."""
    from gui.views.settings_dialog import SettingsDialog
    from solver.commit import COMMIT_ROUNDS

    assert AppSettings().commit == COMMIT_ROUNDS
    dialog = SettingsDialog(AppSettings(), [])
    qtbot.addWidget(dialog)
    dialog.commit.setValue(0)
    assert dialog.value().commit == 0 and dialog.commit.text() == "off"
    assert AppSettings(commit=999).validated().commit == 64
    window = make_window(qtbot, commit=5)
    assert window.panels["sudoku"]._options().commit == 5


def test_model_paths_of_settings_schema_1_are_read_and_moved(qtbot):
    """Schema 1 kept one key per kind (settings/arc_model); it is read, and saving moves it."""
    store = QSettings()
    store.setValue("settings/arc_model", "/models/old_arc.onnx")
    store.setValue("settings/sudoku_model", "")
    loaded = load_settings(store)
    assert loaded.models == {"arc": "/models/old_arc.onnx"}
    save_settings(loaded, store)
    assert store.value("settings/models/arc") == "/models/old_arc.onnx"
    assert not any(key.endswith("_model") for key in store.allKeys())


def test_a_model_of_another_kind_is_refused_with_a_message(qtbot):
    """A maze model chosen for Sudoku: the solve fails and says so, and no result is shown."""
    window = make_window(qtbot, models={"sudoku": str(ROOT / "assets" / "models" / "maze.onnx")})
    panel = window.panels["sudoku"]
    assert panel.paste_text("4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......")
    assert panel.solve()
    qtbot.waitUntil(lambda: not panel.runner.running, timeout=30000)
    assert "maze.onnx is a maze model, not a sudoku one" in panel.banner.label.text()
    assert panel.result_label.text() == "" and panel.run.result is None
