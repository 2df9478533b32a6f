"""The ARC tab's "Learn this task": the learner process, progress, cancel, reuse, and no torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gui.kinds.arc import learning
from tests.gui.helpers import make_window, wait_done

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "assets" / "puzzles" / "arc"
TINY = ["--views", "2", "--hidden-size", "16", "--T", "1", "--n", "1", "--sup-steps", "2",
        "--batch-size", "8", "--check-every", "0.5", "--precision", "fp32", "--threads", "1"]


def _arc_window(qtbot, tmp_path):
    window = make_window(qtbot)
    panel = window.panels["arc"]
    window.tabs.setCurrentWidget(panel)
    panel.learn_bar.cache_root = tmp_path / "learned"
    panel.learn_bar.extra_args = list(TINY)
    return window, panel


def test_learn_then_solve_with_both_attempts_and_reuse(qtbot, tmp_path):
    window, panel = _arc_window(qtbot, tmp_path)
    assert window.open_path(SAMPLES / "blue_becomes_red.json")
    bar = panel.learn_bar
    assert bar.button.isEnabled() and not panel.solve_button.isEnabled()  # no shipped ARC model
    bar.seconds.setValue(5)
    assert bar.start()
    assert bar.running and not bar.button.isEnabled() and bar.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not bar.running, timeout=120000)
    assert "Learned (from scratch):" in bar.status.text(), bar.status.text()  # TINY sizes: a model of its own
    assert bar.progress.value() == 1000 and len(bar.curve.points) >= 1
    assert panel.model_choice().origin == "learned" and panel.solve_button.isEnabled()
    assert window.model_label.text() == "Model: learned for this task"
    assert panel.solve()
    wait_done(qtbot, panel, timeout=60000)
    result = panel.run.result
    assert result is not None and result.views == 2 and result.attempts
    assert "attempt 1:" in panel.result_label.text() and "of 2 views" in panel.result_label.text()
    # Another task has no learned model; the first one's comes back without learning again.
    assert window.open_path(SAMPLES / "mirror_left_right.json")
    assert panel.learned_model is None and panel.model_choice().origin != "learned"
    assert window.open_path(SAMPLES / "blue_becomes_red.json")
    assert not bar.running and panel.model_choice().origin == "learned"
    assert bar.status.text().startswith("Using the model learned earlier")


def test_cancel_stops_learning_and_keeps_nothing(qtbot, tmp_path):
    _window, panel = _arc_window(qtbot, tmp_path)
    assert _window.open_path(SAMPLES / "mirror_left_right.json")
    bar = panel.learn_bar
    bar.seconds.setValue(300)
    assert bar.start()
    qtbot.waitUntil(lambda: bar.status.text().startswith(("Learning", "0 of", "1 of")) or "of 300 s" in bar.status.text(),
                    timeout=60000)
    bar.cancel()
    qtbot.waitUntil(lambda: not bar.running, timeout=20000)
    assert "cancelled" in bar.status.text(), bar.status.text()
    assert panel.learned_model is None
    assert not (bar.folder(panel.task) / learning.MODEL_FILE).exists()


def test_demos_still_wrong_are_marked(qtbot, tmp_path):
    _window, panel = _arc_window(qtbot, tmp_path)
    assert _window.open_path(SAMPLES / "mirror_left_right.json")
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"")
    panel._use_learned(fake, {"demos_wrong": [1]})
    titles = [t.text() for t in panel._pair_titles]
    assert "still wrong after learning" in titles[1] and "✓ learned" in titles[0]
    panel._forget_learned()
    assert all("learn" not in t.text() for t in panel._pair_titles)


def test_without_torch_the_tab_says_how_to_get_learning(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(learning, "learning_available",
                        lambda: (False, "learning an ARC task needs torch, which is not installed: pip install x"))
    window, panel = _arc_window(qtbot, tmp_path)
    assert window.open_path(SAMPLES / "blue_becomes_red.json")
    bar = panel.learn_bar
    assert not bar.button.isEnabled() and not bar.start()
    assert "pip install" in bar.status.text() and "pip install" in bar.button.toolTip()
    assert "Learning is not available here" in panel.model_note.text()
    assert np.asarray(panel.test_input).size  # the task still opens and shows


@pytest.mark.parametrize("wrong", [[], [0, 2]])
def test_done_text_names_the_demos(wrong):
    text = learning.LearnBar.done_text({"seconds": 60.2, "step": 300, "demos_wrong": wrong}, kept=False)
    assert text.startswith("Learned (from scratch): 60 s, 300 steps")
    assert ("every demo right" in text) == (not wrong)
    if wrong:
        assert "demos 1, 3 still wrong" in text


def test_the_status_names_where_learning_started():
    shipped = str(ROOT / "assets" / "models" / "arc.init.pt")
    assert learning.starting_point(shipped) == "from the pretrained ARC model"
    assert learning.starting_point(None) == "from scratch"
    assert learning.starting_point("/runs/x/learned.pt") == "from learned.pt"
    text = learning.LearnBar.done_text({"seconds": 9, "step": 3, "demos_wrong": [], "init": shipped}, kept=True)
    assert text.startswith("Using the model learned earlier for this task (from the pretrained ARC model): 9 s")
