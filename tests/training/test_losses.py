"""The loss against a hand computation."""

from __future__ import annotations

import math

import pytest
import torch

from training.losses import act_loss, stablemax_log_probs


def test_stablemax_by_hand():
    logits = torch.tensor([[-1.0, 0.0, 2.0]])
    s = [1 / (1 - -1.0), 0.0 + 1, 2.0 + 1]  # 0.5, 1, 3
    expected = [math.log(v / sum(s)) for v in s]
    torch.testing.assert_close(stablemax_log_probs(logits)[0], torch.tensor(expected, dtype=torch.float64))


def test_act_loss_by_hand():
    # Two sequences of two tokens, vocab 3. Sequence 0 is right everywhere, sequence 1 half.
    logits = torch.tensor([[[0.0, 3.0, -1.0], [0.0, -1.0, 1.0]],
                           [[0.0, 3.0, -1.0], [2.0, -1.0, 0.0]]])
    labels = torch.tensor([[1, 2], [1, 0]])  # label 0 = PAD: ignored
    labels[1, 1] = 2  # make it supervised and wrong (argmax 0)
    halt_logit = torch.tensor([0.0, 1.0])
    loss = act_loss(logits, halt_logit, labels, "stablemax", halt_weight=0.5)

    def ce(row, label):
        s = [1 / (1 - v) if v < 0 else v + 1 for v in row]
        return -math.log(s[label] / sum(s))

    seq0 = (ce([0.0, 3.0, -1.0], 1) + ce([0.0, -1.0, 1.0], 2)) / 2
    seq1 = (ce([0.0, 3.0, -1.0], 1) + ce([2.0, -1.0, 0.0], 2)) / 2
    bce0 = -math.log(1 / (1 + math.exp(-0.0)))  # target 1 (sequence 0 exactly right)
    bce1 = -math.log(1 - 1 / (1 + math.exp(-1.0)))  # target 0
    assert loss.exact.tolist() == [True, False]
    assert loss.total.item() == pytest.approx((seq0 + seq1) / 2 + 0.5 * (bce0 + bce1) / 2, rel=1e-6)
    assert loss.token_correct.tolist() == [1.0, 0.5]


def test_pad_labels_are_ignored():
    logits = torch.randn(1, 3, 4)
    a = act_loss(logits, torch.zeros(1), torch.tensor([[1, 0, 0]]))
    b = act_loss(logits[:, :1], torch.zeros(1), torch.tensor([[1]]))
    torch.testing.assert_close(a.total, b.total)


def test_softmax_option_and_bad_name():
    logits = torch.randn(2, 5, 4)
    labels = torch.randint(1, 4, (2, 5))
    out = act_loss(logits, torch.zeros(2), labels, "softmax")
    assert torch.isfinite(out.total)
    with pytest.raises(ValueError, match="loss_type"):
        act_loss(logits, torch.zeros(2), labels, "hinge")


def test_gradients_are_finite_for_large_logits():
    logits = torch.tensor([[[1.0, 50.0, -50.0]]], requires_grad=True)
    act_loss(logits, torch.zeros(1), torch.tensor([[1]])).total.backward()
    assert torch.isfinite(logits.grad).all()
