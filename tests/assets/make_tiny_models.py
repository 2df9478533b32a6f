"""Regenerate the tiny randomly initialised test models: `python tests/assets/make_tiny_models.py`.

They exercise the app's plumbing (loading, the pass loop, the CLI) without torch; their answers
are noise. Seeded, so a re-run gives the same weights (the ONNX bytes may differ across torch
versions).
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

from export.onnx_export import export_step, model_card
from solver.contract import sidecar_path, write_sidecar
from training.model import ModelConfig, TinyRecursiveModel

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # the repository, for the test-only Latin square kind

from solver import kinds  # noqa: E402
from tests.plugins.latin import KIND as LATIN  # noqa: E402

TINY = {
    # name: (kind, codec, config)
    "tiny_sudoku": ("sudoku", "sudoku-digits-v1", ModelConfig(
        vocab_size=11, seq_len=81, hidden_size=16, num_heads=2, expansion=2.0, L_layers=1,
        H_cycles=2, L_cycles=2, halt_max_steps=8, mixer="attention", pos_encoding="none",
        prefix_len=4, multiple_of=8)),
    "tiny_maze": ("maze", "maze-30x30-v1", ModelConfig(
        vocab_size=6, seq_len=900, hidden_size=16, num_heads=2, expansion=2.0, L_layers=1,
        H_cycles=2, L_cycles=2, halt_max_steps=4, mixer="attention", pos_encoding="none",
        prefix_len=4, multiple_of=8)),
    "tiny_arc": ("arc", "arc-canvas30-v1", ModelConfig(
        vocab_size=12, seq_len=900, hidden_size=16, num_heads=2, expansion=2.0, L_layers=1,
        H_cycles=2, L_cycles=2, halt_max_steps=4, mixer="attention", pos_encoding="none",
        prefix_len=4, multiple_of=8)),
    # The test-only fourth kind (tests/plugins/latin.py).
    "tiny_latin": ("latin", "latin4-digits-v1", ModelConfig(
        vocab_size=6, seq_len=16, hidden_size=16, num_heads=2, expansion=2.0, L_layers=1,
        H_cycles=2, L_cycles=2, halt_max_steps=4, mixer="attention", pos_encoding="none",
        prefix_len=4, multiple_of=8)),
}


def build(name: str, seed: int = 1234) -> tuple[TinyRecursiveModel, str, str]:
    kind, codec, config = TINY[name]
    torch.manual_seed(seed)
    model = TinyRecursiveModel(config).eval()
    with torch.no_grad():  # a halt head that sometimes fires, so halting paths get exercised
        model.halt_head.weight.normal_(0.0, 0.5)
        model.halt_head.bias.fill_(-0.5)
    return model, kind, codec


def main(names: list[str] | None = None) -> None:
    if LATIN.name not in kinds.names():
        kinds.register(LATIN)
    for name in names or TINY:
        model, kind, codec = build(name)
        path = HERE / f"{name}.onnx"
        inner = name == "tiny_sudoku"
        export_step(model, path, inner_steps=inner)
        card = model_card(model, kind, codec, inner, provenance={
            "note": "randomly initialised test model (tests/assets/make_tiny_models.py)",
            "step": 0, "train_seconds": 0.0, "data": "none"})
        write_sidecar(card, sidecar_path(path))
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:] or None)
