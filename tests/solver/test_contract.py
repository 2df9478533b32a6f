"""The sidecar card: round trip, validation naming the field, and the I/O names."""

from __future__ import annotations

import json

import numpy as np
import pytest

from solver import contract
from solver.contract import ModelCard, read_sidecar, sidecar_path, write_sidecar


def card_dict(**changes) -> dict:
    data = ModelCard(
        kind="sudoku", codec="sudoku-digits-v1", height=9, width=9, vocab_size=11, seq_len=81,
        carry_len=85, hidden_size=4, n=2, T=2, y_init=(0.1, 0.2, 0.3, 0.4), z_init=(1, 2, 3, 4),
        provenance={"step": 3}, accuracy={"exact": 0.5},
    ).to_dict()
    data.update(changes)
    return data


def test_round_trip_through_json(tmp_path):
    card = ModelCard.from_dict(card_dict())
    path = tmp_path / "m.onnx.json"
    write_sidecar(card, path)
    again = read_sidecar(path)
    assert again.to_dict() == card.to_dict()
    assert again.prefix_len == 4
    y, z = again.initial_carry(3)
    assert y.shape == (3, 85, 4) and y.dtype == np.float32 and np.allclose(z[2, 7], [1, 2, 3, 4])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "chess"}, "kind"),
        ({"seq_len": 80}, "seq_len"),
        ({"hidden_size": 0}, "hidden_size"),
        ({"y_init": [1.0]}, "y_init"),
        ({"halt_threshold": 1.5}, "halt_threshold"),
        ({"schema_version": 99}, "schema_version"),
        ({"carry_len": 81}, "carry_len"),
        ({"colour": 1}, "unknown"),
        ({"explore_noise_y": -1.0}, "explore_noise_y"),
        ({"explore_noise_z": "lots"}, "explore_noise_z"),
    ],
)
def test_bad_fields_name_the_field(change, field):
    with pytest.raises(ValueError, match=field):
        ModelCard.from_dict(card_dict(**change))


def test_missing_field_is_named():
    data = card_dict()
    del data["vocab_size"]
    with pytest.raises(ValueError, match="vocab_size"):
        ModelCard.from_dict(data)


def test_read_sidecar_errors_name_the_file(tmp_path):
    path = tmp_path / "m.onnx.json"
    with pytest.raises(ValueError, match=r"m\.onnx\.json: sidecar file missing"):
        read_sidecar(path)
    path.write_text("{not json")
    with pytest.raises(ValueError, match=r"m\.onnx\.json: not a readable JSON"):
        read_sidecar(path)
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(ValueError, match="JSON object"):
        read_sidecar(path)


def test_names_are_distinct_and_sidecar_path():
    names = contract.INPUT_NAMES + contract.OUTPUT_NAMES_WITH_INNER
    assert len(set(names)) == len(names)
    assert sidecar_path("a/b/sudoku.onnx").name == "sudoku.onnx.json"
