"""Halting and refilling the batch slots."""

from __future__ import annotations

import numpy as np
import torch

from training.act import TrainCarry, decide_halting, refill, rollout
from training.model import TinyRecursiveModel


def test_refill_touches_exactly_the_halted_slots(tiny_model_config):
    model = TinyRecursiveModel(tiny_model_config)
    carry = TrainCarry.empty(model, 5, torch.device("cpu"))
    counter = iter(range(1000))

    def next_batch(n):
        base = np.array([[next(counter) % 9 + 2] * 81 for _ in range(n)], dtype=np.int64)
        return base, base

    assert refill(carry, model, next_batch) == 5  # the empty carry is all halted
    # Simulate progress: every slot has a changed carry and 3 steps.
    carry.y += 1.0
    carry.steps[:] = 3
    before_tokens = carry.tokens.clone()
    before_y = carry.y.clone()
    carry.halted = torch.tensor([False, True, False, True, False])
    assert refill(carry, model, next_batch) == 2
    kept = torch.tensor([0, 2, 4])
    fresh = torch.tensor([1, 3])
    assert torch.equal(carry.tokens[kept], before_tokens[kept])
    assert torch.equal(carry.y[kept], before_y[kept])
    assert (carry.steps[kept] == 3).all() and (carry.steps[fresh] == 0).all()
    assert not torch.equal(carry.tokens[fresh], before_tokens[fresh])
    assert torch.equal(carry.y[fresh], model.y_init.expand(2, *carry.y.shape[1:]))
    assert torch.equal(carry.z[fresh], model.z_init.expand(2, *carry.z.shape[1:]))
    assert not carry.halted.any()


def test_halting_rule():
    rng = np.random.default_rng(0)
    steps = torch.tensor([1, 1, 4, 2])
    logits = torch.tensor([1.0, -1.0, -1.0, 0.5])
    halted = decide_halting(steps, logits, max_steps=4, exploration_prob=0.0, rng=rng)
    assert halted.tolist() == [True, False, True, True]


def test_exploration_delays_halting():
    rng = np.random.default_rng(0)
    steps = torch.ones(2000, dtype=torch.long)
    logits = torch.ones(2000)
    halted = decide_halting(steps, logits, max_steps=16, exploration_prob=0.1, rng=rng)
    # Step 1 is below every drawn minimum (>= 2), so exploring slots cannot halt.
    assert 0.05 < 1 - halted.float().mean().item() < 0.15


def test_rollout_runs_all_steps(tiny_model_config):
    model = TinyRecursiveModel(tiny_model_config).eval()
    preds, halts = rollout(model, torch.randint(1, 11, (3, 81)), max_steps=5)
    assert preds.shape == (5, 3, 81) and halts.shape == (5, 3)
