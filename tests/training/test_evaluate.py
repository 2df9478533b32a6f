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
    # Eight steps of training verify nothing, and the rule checker overrules every halt on a
    # broken answer: each puzzle runs to the cap of 4, so the mean is exactly 4 (not just <= 4).
    assert groups["all"]["verified"] == 0.0
    assert groups["all"]["mean_passes"] == groups["all"]["mean_work"] == 4.0
    assert set(groups["all"]["verified_after"]) == {"1", "2", "4"}


def test_metrics_from_a_known_rollout():
    """A fake rollout whose answers become right at pass 3 and halt at pass 2."""
    from solver.kinds.sudoku import SUDOKU_CODEC
    from solver.kinds.sudoku.generator import generate
    from solver.kinds.sudoku.grading import Grade

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


class _OracleSession:
    """Stands in for `ModelSession`: the exact solver answers, except puzzles whose r1c1 is blank.

    It halts (logit +5) on the puzzles it answers and never halts on the others, so the report's
    figures are known in advance.
    """

    def __init__(self, answers_all: bool = False) -> None:
        from solver.kinds.sudoku.kind import SudokuKind

        self.kind = SudokuKind()
        self.answers_all = answers_all  # no blind spot at r1c1: a perfect fallback model

    def step(self, tokens, y, z):
        from solver.halting import StepOutput
        from solver.kinds.sudoku.search import solve

        digits = tokens - 1  # (B, 81): 0 blank
        logits = np.full((*tokens.shape, 11), -5.0, np.float32)
        halt = np.full(len(tokens), -5.0, np.float32)
        for b, row in enumerate(digits):
            answers = bool(row[0]) or self.answers_all
            answer = solve(row.astype(np.int8)) if answers else np.ones(81, np.int64)
            np.put_along_axis(logits[b], (np.asarray(answer, np.int64) + 1)[:, None], 5.0, -1)
            halt[b] = 5.0 if answers else -5.0
        return StepOutput(y, z, logits, halt)

    def loop(self, threshold, max_passes, trust_halt=False):
        from solver.halting import HaltingLoop

        def initial(b):
            return np.zeros((b, 2, 1), np.float32), np.zeros((b, 2, 1), np.float32)

        return HaltingLoop(self.step, self.kind, initial, threshold or 0.5, max_passes or 16, trust_halt)


def test_solver_mode_reports_what_the_app_loop_does():
    data = ev.generated_set("sudoku", ["singles"], 8, seed=3)
    known = data.puzzles[:, 0] != 0
    reports = {r.group: r for r in ev.evaluate_solver(data, _OracleSession(), None, 5, tta=1, batch=3)}
    assert reports["all"].count == 8
    assert reports["all"].verified == pytest.approx(known.mean())
    # Answered puzzles halt after pass 1; the others run to the cap of 5.
    assert reports["all"].mean_passes == pytest.approx(np.where(known, 1, 5).mean())
    assert reports["all"].halted_precision == pytest.approx(1.0) or not known.any()


def test_solver_mode_tta_votes_for_the_valid_answer():
    # With TTA each puzzle has variants whose r1c1 may be given or blank: the vote must pick a
    # valid answer whenever any variant found one, so TTA never does worse than the plain loop.
    data = ev.generated_set("sudoku", ["singles"], 6, seed=4)
    plain = ev.evaluate_solver(data, _OracleSession(), None, 3, tta=1)[0]
    voted = ev.evaluate_solver(data, _OracleSession(), None, 3, tta=6, batch=12, seed=1)[0]
    assert voted.verified >= plain.verified
    assert voted.verified > 0


def test_solver_flags_need_onnx(capsys):
    with pytest.raises(SystemExit):
        ev.main(["--checkpoint", "x.pt", "--solver"])
    assert "--onnx" in capsys.readouterr().err


def test_solver_mode_retries_exactly_the_unverified_puzzles():
    # The oracle fails exactly the puzzles whose r1c1 is blank; the retry's other views move other
    # cells to r1c1, so it verifies some of them, and its cost shows in "work", not "passes" alone.
    data = ev.generated_set("sudoku", ["singles"], 8, seed=5)
    blank = data.puzzles[:, 0] == 0
    assert blank.any()
    plain = ev.evaluate_solver(data, _OracleSession(), None, 3, tta=1)[0]
    retried = ev.evaluate_solver(data, _OracleSession(), None, 3, tta=1, retry_tta=6, seed=2)[0]
    assert plain.retried == 0 and plain.mean_work == pytest.approx(plain.mean_passes)
    assert retried.retried == pytest.approx(blank.mean())
    assert retried.verified > plain.verified
    assert retried.mean_work > retried.mean_passes
    assert "retried" in ev.format_table([retried]) and "retried" not in ev.format_table([plain])


def test_solver_mode_sends_exactly_the_unverified_puzzles_to_the_fallback():
    data = ev.generated_set("sudoku", ["singles"], 8, seed=5)
    blank = data.puzzles[:, 0] == 0
    assert blank.any() and not blank.all()
    report = ev.evaluate_solver(data, _OracleSession(), None, 3, tta=1, batch=3,
                                fallback=_OracleSession(answers_all=True))[0]
    assert report.verified == pytest.approx(1.0)
    assert report.fell_back == pytest.approx(blank.mean())
    # A failed puzzle ran 3 passes in the first model, then 1 in the fallback.
    assert report.mean_passes == pytest.approx(np.where(blank, 4, 1).mean())
    assert "fallback" in ev.format_table([report])
