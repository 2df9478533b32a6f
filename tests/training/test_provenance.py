"""Model cards and checkpoints carry no absolute path of the machine that made them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import torch

from training.provenance import is_absolute, portable_train_config, relative_train_paths
from training.train import run

ROOT = Path(__file__).resolve().parent.parent.parent


def absolute_strings(value, where: str = "") -> list[str]:
    """Every string inside `value` (nested dicts and lists) that is an absolute path."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in absolute_strings(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in absolute_strings(v, f"{where}[{i}]")]
    return [f"{where}: {value}"] if isinstance(value, str) and is_absolute(value) else []


def test_absolute_paths_are_recognised():
    assert is_absolute("/work/shared/x.csv") and is_absolute("C:\\data\\x.csv") and is_absolute("\\\\srv\\x")
    assert not is_absolute("../shared/x.csv") and not is_absolute("generated")
    assert absolute_strings({"a": ["generated", {"b": "/tmp/x"}]}) == [".a[1].b: /tmp/x"]


def test_no_shipped_card_holds_an_absolute_path():
    cards = sorted((ROOT / "assets" / "models").glob("*.onnx.json"))
    assert len(cards) >= 4
    for card in cards:
        assert absolute_strings(json.loads(card.read_text())) == [], card.name


def test_a_card_records_a_data_file_by_name_hash_and_relative_path(tmp_path):
    data = tmp_path / "puzzles.csv"
    data.write_bytes(b"source,question,answer,rating\n")
    train = {"data": ["generated", str(data)], "solutions": str(data), "init_from": "", "run_dir": str(tmp_path / "run")}
    portable = portable_train_config(train, base=tmp_path)
    expected = {"name": "puzzles.csv", "sha256": hashlib.sha256(data.read_bytes()).hexdigest(), "path": "puzzles.csv"}
    assert portable["data"] == ["generated", {k: v for k, v in expected.items() if k != "path"}]
    assert portable["solutions"]["sha256"] == expected["sha256"]
    assert absolute_strings(portable) == []


def test_export_writes_a_portable_card_from_a_checkpoint_with_absolute_paths(tmp_path):
    from export.__main__ import main as export_main
    from solver.contract import read_sidecar, sidecar_path
    from tests.export.test_onnx_export import _checkpoint, small_model

    ckpt = _checkpoint(tmp_path, small_model("mlp"))
    state = torch.load(ckpt, map_location="cpu", weights_only=False)
    data = tmp_path / "elsewhere" / "royle.txt"
    data.parent.mkdir()
    data.write_text("." * 81 + "\n")
    state["train_config"]["data"] = [str(data.resolve())]
    state["train_config"]["run_dir"] = str((tmp_path / "run").resolve())
    torch.save(state, ckpt)
    out = tmp_path / "models" / "sudoku.onnx"
    assert export_main(["--checkpoint", str(ckpt), "--out", str(out)]) == 0
    card = json.loads(sidecar_path(out).read_text())
    assert absolute_strings(card) == []
    assert card["provenance"]["train_config"]["data"][0]["name"] == "royle.txt"
    assert read_sidecar(sidecar_path(out)).kind == "sudoku"


def test_a_checkpoint_stores_data_paths_relative_to_where_the_run_started(tiny_model_config, tiny_train_config, tmp_path):
    data = tmp_path / "sudokus.sdm"
    data.write_text("".join(line + "\n" for line in [
        "4.....8.5.3..........7......2.....6.....8.4......1.......6.3.7.5..2.....1.4......"] * 20))
    cfg = replace(tiny_train_config, run_dir=str((tmp_path / "run").resolve()), data=[str(data.resolve())], steps=4)
    state = torch.load(run(tiny_model_config, cfg), map_location="cpu", weights_only=False)
    assert absolute_strings(state["train_config"]) == []
    stored = Path.cwd() / state["train_config"]["data"][0]
    assert stored.resolve() == data.resolve()  # --resume from the same folder opens the same file


def test_relative_paths_leave_relative_ones_alone():
    train = {"data": ["generated", "../x.csv"], "solutions": "", "init_from": "a/b.pt", "run_dir": "runs/r"}
    assert relative_train_paths(train, Path("/anywhere")) == train
