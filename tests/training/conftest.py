"""Tiny models and data for training tests: seconds on a CPU, no files outside tmp_path."""

from __future__ import annotations

import pytest

from training.config import TrainConfig
from training.model import ModelConfig


@pytest.fixture
def tiny_model_config() -> ModelConfig:
    return ModelConfig(vocab_size=11, seq_len=81, hidden_size=16, num_heads=2, expansion=2.0,
                       L_layers=1, H_cycles=2, L_cycles=2, halt_max_steps=4, mixer="mlp",
                       pos_encoding="none", prefix_len=1, multiple_of=16)


@pytest.fixture
def tiny_train_config(tmp_path) -> TrainConfig:
    return TrainConfig(run_dir=str(tmp_path / "run"), batch_size=8, steps=12, lr=1e-3,
                       lr_warmup_steps=3, log_every=4, checkpoint_every=4, eval_every=0,
                       pool_counts={"singles": 40}, extra_givens=(0, 10), extra_givens_prob=0.5,
                       threads=1, seed=3)
