"""Deep supervision with adaptive halting (ACT), as the official code runs it in training.

Each batch slot works on one puzzle for up to N_sup supervision steps. After every step a slot halts
when its halt logit is positive (training only) or when it reaches N_sup; an exploration rule
sometimes forces a random minimum number of steps first. A halted slot is reset to the initial
carry and refilled with a new puzzle at the next step; the other slots keep their puzzle and
carry. One optimiser step per supervision step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from training.model import TinyRecursiveModel


@dataclass
class TrainCarry:
    """What persists across optimiser steps, per batch slot."""

    y: torch.Tensor  # (B, S, D)
    z: torch.Tensor  # (B, S, D)
    steps: torch.Tensor  # (B,) int64: supervision steps taken on the current puzzle
    halted: torch.Tensor  # (B,) bool: the slot needs a new puzzle before the next step
    tokens: torch.Tensor  # (B, L) int64
    labels: torch.Tensor  # (B, L) int64

    @staticmethod
    def empty(model: TinyRecursiveModel, batch: int, device: torch.device) -> TrainCarry:
        """Every slot halted, so the first step fills them all."""
        y, z = model.initial_carry(batch, device)
        length = model.config.input_len  # the id token, if any, and the grid
        return TrainCarry(
            y, z,
            torch.zeros(batch, dtype=torch.int64, device=device),
            torch.ones(batch, dtype=torch.bool, device=device),
            torch.zeros(batch, length, dtype=torch.int64, device=device),
            torch.zeros(batch, length, dtype=torch.int64, device=device),
        )

    def state_dict(self) -> dict:
        return {k: getattr(self, k).cpu() for k in ("y", "z", "steps", "halted", "tokens", "labels")}

    @staticmethod
    def from_state_dict(state: dict, device: torch.device) -> TrainCarry:
        return TrainCarry(**{k: v.to(device) for k, v in state.items()})


def refill(carry: TrainCarry, model: TinyRecursiveModel, next_batch) -> int:
    """Reset halted slots to the initial carry and give them new puzzles, in place.

    `next_batch(n)` returns (tokens, labels) as (n, L) int64 numpy arrays. Returns the number of
    slots refilled. Slots that did not halt keep their puzzle, carry and step count.
    """
    index = torch.nonzero(carry.halted).squeeze(-1)
    n = int(index.numel())
    if n == 0:
        return 0
    tokens, labels = next_batch(n)
    device = carry.y.device
    carry.tokens[index] = torch.as_tensor(tokens, device=device)
    carry.labels[index] = torch.as_tensor(labels, device=device)
    carry.y[index] = model.y_init.to(device=device, dtype=carry.y.dtype)
    carry.z[index] = model.z_init.to(device=device, dtype=carry.z.dtype)
    carry.steps[index] = 0
    carry.halted[index] = False
    return n


def decide_halting(
    steps: torch.Tensor,
    halt_logit: torch.Tensor,
    max_steps: int,
    exploration_prob: float,
    rng: np.random.Generator,
) -> torch.Tensor:
    """(B,) bool: which slots halt after this step (training rule).

    Halt when the halt logit is positive or the step cap is reached. With probability
    `exploration_prob` per slot, a minimum number of steps ~ U{2..max_steps} is drawn afresh at
    every step and the slot may not halt before it (the official exploration).
    """
    b = steps.shape[0]
    at_cap = steps >= max_steps
    wants = halt_logit.detach() > 0
    explore = torch.as_tensor(rng.random(b) < exploration_prob, device=steps.device)
    min_steps = torch.as_tensor(rng.integers(2, max_steps + 1, size=b), device=steps.device)
    wants = wants & ~(explore & (steps < min_steps))
    return at_cap | wants


@torch.no_grad()
def rollout(
    model: TinyRecursiveModel,
    tokens: torch.Tensor,
    max_steps: int,
    autocast=None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Run every puzzle for `max_steps` supervision steps from a fresh carry (evaluation).

    Returns predictions (max_steps, B, L) int64 (argmax after each step) and halt logits
    (max_steps, B) float32.
    """
    y, z = model.initial_carry(tokens.shape[0], tokens.device)
    preds, halts = [], []
    for _ in range(max_steps):
        if autocast is not None:
            with autocast():
                y, z, logits, halt = model(tokens, y, z)
        else:
            y, z, logits, halt = model(tokens, y, z)
        preds.append(logits.argmax(-1))
        halts.append(halt.float())
    return torch.stack(preds), torch.stack(halts)
