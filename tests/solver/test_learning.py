"""Where the app finds its learner: ``python -m training.learn`` from source, the learning add-on
(``learn/trm-learn``) in a frozen build, and what it says when there is none."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from solver import learning


@pytest.fixture()
def frozen_app(tmp_path, monkeypatch):
    """A pretend frozen app: sys.frozen set, its executable in tmp_path/trm-puzzles/."""
    app = tmp_path / "trm-puzzles"
    app.mkdir()
    (app / "trm-puzzles").write_text("")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app / "trm-puzzles"))
    return app


def test_from_source_the_learner_is_the_training_module(tmp_path):
    command = learning.learner_command(tmp_path / "t.json", tmp_path / "out", 60, "abc", ["--threads", "1"])
    assert command[:3] == [sys.executable, "-m", "training.learn"]
    assert command[3:] == [str(tmp_path / "t.json"), "--out", str(tmp_path / "out"), "--seconds", "60",
                           "--task", "abc", "--threads", "1"]


def test_a_frozen_app_without_the_add_on_says_how_to_get_learning(frozen_app):
    ok, why = learning.learning_available()
    assert not ok
    assert "learning add-on" in why and str(frozen_app) in why and "learn/trm-learn" in why
    with pytest.raises(learning.LearningUnavailable, match="learning add-on"):
        learning.LearningProcess.start(frozen_app / "t.json", frozen_app / "out", 5)


def test_a_frozen_app_with_the_add_on_starts_its_trm_learn(frozen_app, tmp_path):
    learner = frozen_app / "learn" / "trm-learn"
    learner.parent.mkdir()
    learner.write_text("")
    assert learning.learning_available() == (True, "")
    command = learning.learner_command(tmp_path / "t.json", tmp_path / "out", 2.5)
    assert command == [str(learner.resolve()), str(tmp_path / "t.json"), "--out", str(tmp_path / "out"),
                       "--seconds", "2.5"]
    assert Path(command[0]).parent.parent == frozen_app.resolve()
