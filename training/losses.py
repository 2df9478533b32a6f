"""The TRM losses: stablemax (or softmax) cross-entropy on the answer, BCE on the halt logit."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

IGNORE_LABEL = 0  # PAD: not supervised


def stablemax_log_probs(logits: torch.Tensor) -> torch.Tensor:
    """log(s(x) / sum s(x)) with s(x) = 1/(1-x) for x < 0 and x + 1 otherwise, in float64."""
    x = logits.double()
    # Clamp each branch to its own side so the unused one never makes inf (and NaN gradients).
    s = torch.where(x < 0, 1.0 / (1.0 - x.clamp(max=0.0)), x.clamp(min=0.0) + 1.0)
    return torch.log(s / s.sum(dim=-1, keepdim=True))


@dataclass
class StepLoss:
    total: torch.Tensor  # scalar to backpropagate: mean over the batch
    answer: torch.Tensor  # (B,) mean token cross-entropy per sequence
    halt: torch.Tensor  # (B,) BCE of the halt logit
    exact: torch.Tensor  # (B,) bool: every supervised token right
    token_correct: torch.Tensor  # (B,) fraction of supervised tokens right


def act_loss(
    logits: torch.Tensor,
    halt_logit: torch.Tensor,
    labels: torch.Tensor,
    loss_type: str = "stablemax",
    halt_weight: float = 0.5,
) -> StepLoss:
    """Loss of one supervision step, as the official `ACTLossHead` computes it.

    logits (B, L, V), halt_logit (B,), labels (B, L) with 0 = ignore. Each sequence contributes
    its mean token loss; the halt head learns to predict "the whole answer is exactly right".
    """
    mask = labels != IGNORE_LABEL  # (B, L)
    safe_labels = labels.where(mask, torch.zeros_like(labels))
    if loss_type == "stablemax":
        log_p = stablemax_log_probs(logits)
        token_loss = -log_p.gather(-1, safe_labels.unsqueeze(-1)).squeeze(-1)  # (B, L) float64
    elif loss_type == "softmax":
        token_loss = F.cross_entropy(
            logits.float().transpose(1, 2), safe_labels, reduction="none"
        )  # (B, L)
    else:
        raise ValueError(f"loss_type must be 'stablemax' or 'softmax', not {loss_type!r}")
    n_valid = mask.sum(-1).clamp(min=1)  # (B,)
    answer = (token_loss * mask).sum(-1) / n_valid  # (B,)
    with torch.no_grad():
        right = (logits.argmax(-1) == labels) & mask
        exact = right.sum(-1) == mask.sum(-1)
        token_correct = right.sum(-1).float() / n_valid.float()
    halt = F.binary_cross_entropy_with_logits(halt_logit.float(), exact.float(), reduction="none")
    total = answer.mean().float() + halt_weight * halt.mean()
    return StepLoss(total, answer.detach(), halt.detach(), exact, token_correct)
