"""Exponential moving average of the weights: what evaluation, export and the saved model use."""

from __future__ import annotations

import torch
from torch import nn


class EMA:
    """shadow = decay * shadow + (1 - decay) * weight, after every optimiser step."""

    def __init__(self, params: list[nn.Parameter], decay: float = 0.999) -> None:
        self.decay = decay
        self.params = params
        self.shadow = [p.detach().clone() for p in params]

    @torch.no_grad()
    def update(self, step: int | None = None) -> None:
        """Average in the current weights; `step` (1-based) warms the decay up.

        With a warm-up the decay is min(decay, (1 + step) / (10 + step)), so early on the average
        follows the weights closely instead of holding on to the random initialisation for
        ~1/(1 - decay) steps: that matters for short runs and changes nothing in long ones.
        """
        decay = self.decay if step is None else min(self.decay, (1.0 + step) / (10.0 + step))
        torch._foreach_lerp_(self.shadow, [p.detach() for p in self.params], 1.0 - decay)

    @torch.no_grad()
    def copy_to(self, params: list[nn.Parameter]) -> None:
        """Write the averaged weights into `params` (another model's dense params)."""
        for target, value in zip(params, self.shadow, strict=True):
            target.copy_(value)

    def state_dict(self) -> dict:
        return {"decay": self.decay, "shadow": [s.clone() for s in self.shadow]}

    def load_state_dict(self, state: dict) -> None:
        if len(state["shadow"]) != len(self.shadow):
            raise ValueError("EMA state does not match the model's parameters")
        self.decay = state["decay"]
        for mine, saved in zip(self.shadow, state["shadow"], strict=True):
            if mine.shape != saved.shape:
                raise ValueError(f"EMA tensor shape {tuple(saved.shape)} != {tuple(mine.shape)}")
            mine.copy_(saved)
