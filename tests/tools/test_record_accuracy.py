"""tools/record_accuracy.py: figures into a model's sidecar, from evaluate reports or trm-solve --jsonl."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("record_accuracy", ROOT / "tools" / "record_accuracy.py")
record_accuracy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record_accuracy)


def _model(tmp_path: Path) -> Path:
    model = tmp_path / "tiny_sudoku.onnx"
    shutil.copy(ROOT / "tests" / "assets" / "tiny_sudoku.onnx", model)
    shutil.copy(ROOT / "tests" / "assets" / "tiny_sudoku.onnx.json", tmp_path / "tiny_sudoku.onnx.json")
    return model


def test_a_trm_solve_jsonl_becomes_one_entry_with_its_count(tmp_path, capsys):
    model = _model(tmp_path)
    out = tmp_path / "run.jsonl"
    statuses = ["verified", "verified", "verified", "no_answer"]
    out.write_text("".join(json.dumps({"where": f"line {i}", "status": s}) + "\n" for i, s in enumerate(statuses)))
    assert record_accuracy.main([str(model), "--trm-solve", "sparse grids, trm-solve defaults", str(out)]) == 0
    card = json.loads((tmp_path / "tiny_sudoku.onnx.json").read_text())
    assert card["accuracy"]["sparse grids, trm-solve defaults [n=4]"] == 0.75


def test_a_file_that_is_not_trm_solve_output_is_named_and_nothing_is_written(tmp_path, capsys):
    model = _model(tmp_path)
    before = (tmp_path / "tiny_sudoku.onnx.json").read_text()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"where": "line 1", "status": "verified"}\nnot json\n')
    assert record_accuracy.main([str(model), "--trm-solve", "x", str(bad)]) == 1
    assert "bad.jsonl: line 2 is not a trm-solve --jsonl record" in capsys.readouterr().err
    assert (tmp_path / "tiny_sudoku.onnx.json").read_text() == before
