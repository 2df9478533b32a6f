"""The paper's full-size GPU presets, smoke-tested at toy size on the CPU: every setting but the
sizes is the preset's own, and the run trains, checkpoints and stops."""

from __future__ import annotations

import pytest

from training.__main__ import build_parser, configs_from_args
from training.checkpoint import load_checkpoint
from training.presets import PRESETS
from training.train import run

TOY = ["--hidden-size", "16", "--num-heads", "2", "--multiple-of", "8", "--batch-size", "4",
       "--steps", "2", "--lr-warmup-steps", "1", "--eval-every", "0", "--checkpoint-every", "1",
       "--device", "cpu", "--precision", "fp32", "--compile", "false", "-q"]
DATA = {
    "sudoku-extreme-paper": ["--pool-counts", '{"singles": 8}'],
    "maze-hard-paper": ["--maze-pool", "4", "--maze-size", "30", "--maze-min-path", "20"],
}


@pytest.mark.parametrize("preset", sorted(DATA))
def test_paper_preset_trains_at_toy_size(preset, tmp_path):
    args = build_parser().parse_args(["--preset", preset, "--run-dir", str(tmp_path / preset), *TOY, *DATA[preset]])
    model, train = configs_from_args(args)
    full = PRESETS[preset]
    # The preset's recipe is kept: only sizes, steps and bookkeeping were overridden.
    for key in ("lr", "weight_decay", "ema_decay", "loss_type", "kind", "codec"):
        assert getattr(train, key) == full["train"][key]
    for key in ("mixer", "H_cycles", "L_cycles", "halt_max_steps", "seq_len", "pos_encoding"):
        assert getattr(model, key) == full["model"][key]
    state = load_checkpoint(run(model, train))
    assert state["step"] == 2 and state["model_config"]["hidden_size"] == 16
