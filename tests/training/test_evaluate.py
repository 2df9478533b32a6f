"""Evaluation and plotting on a tiny trained checkpoint."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from training import evaluate as ev
from training.plot import main as plot_main
from training.train import run


@pytest.fixture
def tiny_checkpoint(tiny_model_config, tiny_train_config, tmp_path):
    cfg = replace(tiny_train_config, run_dir=str(tmp_path / "run"), steps=8)
    return run(tiny_model_config, cfg)


def test_report_by_grade(tiny_checkpoint, tmp_path, capsys):
    out = tmp_path / "report.json"
    code = ev.main(["--checkpoint", str(tiny_checkpoint), "--generate", "singles", "--count", "6",
                    "--max-passes", "4", "--json", str(out)])
    assert code == 0
    table = capsys.readouterr().out
    assert "singles" in table and "@4" in table
    report = json.loads(out.read_text())
    groups = {g["group"]: g for g in report["groups"]}
    assert groups["all"]["count"] == groups["singles"]["count"] == 6
    assert 1 <= groups["all"]["mean_passes"] <= 4


def test_metrics_from_a_known_rollout():
    """A fake rollout whose answers become right at pass 3 and halt at pass 2."""
    from solver.sudoku import SUDOKU_CODEC
    from solver.sudoku_generator import generate
    from solver.sudoku_grading import Grade

    rng = np.random.default_rng(1)
    puzzles = [generate(rng, Grade.SINGLES) for _ in range(4)]
    data = ev.PuzzleSet("sudoku", np.stack([p.puzzle for p in puzzles]),
                        np.stack([p.solution for p in puzzles]), np.array(["a", "a", "b", "b"]), "test")
    answers = SUDOKU_CODEC.encode_answer(data.answers)

    def rollout(tokens):
        preds = np.stack([tokens, tokens, answers, answers])  # right from pass 3
        halts = np.array([[-5.0] * 4, [5.0, 5.0, -5.0, -5.0], [5.0] * 4, [5.0] * 4])
        return preds, halts

    reports = {r.group: r for r in ev.evaluate(data, rollout, SUDOKU_CODEC, threshold=0.5)}
    # Puzzles 0 and 1 halt (wrongly) at pass 2; puzzles 2 and 3 halt right at pass 3.
    assert reports["a"].verified == 0.0 and reports["a"].mean_passes == 2
    assert reports["b"].verified == 1.0 and reports["b"].mean_passes == 3
    assert reports["all"].halted_precision == 0.5
    assert reports["all"].verified_after == {1: 0.0, 2: 0.0, 4: 1.0}
    assert reports["all"].verified_any == 1.0


def test_bad_checkpoint_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "x.pt"
    bad.write_text("nope")
    assert ev.main(["--checkpoint", str(bad), "--count", "1"]) == 2
    assert "not a readable checkpoint" in capsys.readouterr().err


def test_plot_writes_png(tiny_checkpoint, tmp_path):
    out = tmp_path / "curves.png"
    assert plot_main([str(tiny_checkpoint.parent), "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
