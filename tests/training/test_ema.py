"""The weight average used for evaluation, export and the shipped model."""

from __future__ import annotations

import pytest
import torch

from training.ema import EMA


def test_ema_follows_the_decay_and_warms_up():
    p = torch.nn.Parameter(torch.zeros(3))
    ema = EMA([p], decay=0.9)
    with torch.no_grad():
        p.fill_(1.0)
    ema.update(step=1)  # warm-up decay min(0.9, 2/11): mostly the new weights
    assert ema.shadow[0][0].item() == pytest.approx(1 - 2 / 11)
    ema.update()  # no step: the plain decay
    assert ema.shadow[0][0].item() == pytest.approx(1 - 0.9 * 2 / 11)


def test_ema_state_round_trip_and_mismatch():
    a = EMA([torch.nn.Parameter(torch.ones(2))])
    b = EMA([torch.nn.Parameter(torch.zeros(2))])
    b.load_state_dict(a.state_dict())
    assert torch.equal(b.shadow[0], torch.ones(2))
    with pytest.raises(ValueError, match="shape"):
        EMA([torch.nn.Parameter(torch.zeros(3))]).load_state_dict(a.state_dict())
