"""Calibration passes for the int8 path: the model's own recursion, watched by hooks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from training.model import TinyRecursiveModel


def run_watched(
    model: TinyRecursiveModel, tokens: torch.Tensor, passes: int, modules: Sequence[nn.Module],
    record: Callable[[nn.Module, tuple[torch.Tensor, ...]], None],
) -> None:
    """`passes` chained supervision steps of `model` on `tokens` (the carry a real solve sees),
    with `record(module, inputs)` called before every run of each of `modules`."""
    hooks = [module.register_forward_pre_hook(record) for module in modules]
    try:
        y, z = model.initial_carry(tokens.shape[0])
        with torch.no_grad():
            for _ in range(passes):
                y, z = model(tokens, y, z)[:2]
    finally:
        for hook in hooks:
            hook.remove()
