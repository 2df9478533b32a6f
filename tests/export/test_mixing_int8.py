"""The token mixing in int8: one activation scale per column keeps small columns alive."""

from __future__ import annotations

import math

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

from export.mixing_int8 import best_clip, mixing_clips, mixing_swiglus, quantize_token_mixing
from training.model import ModelConfig, TinyRecursiveModel


def mlp_model(seed: int = 0) -> TinyRecursiveModel:
    torch.manual_seed(seed)
    config = ModelConfig(vocab_size=11, seq_len=81, hidden_size=32, expansion=2.0, L_layers=2,
                         H_cycles=2, L_cycles=2, mixer="mlp", prefix_len=1, multiple_of=16)
    return TinyRecursiveModel(config).eval()


def gate_times_up_graph(model: TinyRecursiveModel) -> onnx.ModelProto:
    """out_b = (W_gate_b @ X) * (W_up_b @ X) for every block b: the products the rewrite targets."""
    inits, nodes, outputs = [], [], []
    for b, mix in enumerate(mixing_swiglus(model)):
        for name, w in zip(("gate", "up"), mix._halves(), strict=True):
            inits.append(numpy_helper.from_array(w.detach().numpy().copy(), f"w{b}{name}"))
            nodes.append(helper.make_node("MatMul", [f"w{b}{name}", "x"], [f"{name}{b}"]))
        nodes.append(helper.make_node("Mul", [f"gate{b}", f"up{b}"], [f"out{b}"]))
        outputs.append(helper.make_tensor_value_info(f"out{b}", TensorProto.FLOAT, None))
    seq = model.config.carry_len
    graph = helper.make_graph(nodes, "mix", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [seq, None])],
                              outputs, inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=9)


def run(proto: onnx.ModelProto, x: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})


def test_columns_of_any_size_keep_their_precision():
    model = mlp_model()
    fp32 = gate_times_up_graph(model)
    int8 = gate_times_up_graph(model)
    assert quantize_token_mixing(int8, model, [4.0, 4.0]) == 4
    ops = [n.op_type for n in int8.graph.node]
    assert ops.count("MatMulIntegerToFloat") == 4 and "MatMul" not in ops
    read = {name for node in int8.graph.node for name in node.input}
    assert all(t.name in read for t in int8.graph.initializer)  # the fp32 weights are gone
    rng = np.random.default_rng(0)
    seq = model.config.carry_len
    x = rng.standard_normal((seq, 6)).astype(np.float32) * np.array([1e-3, 1e-2, 1, 1, 1e2, 1e3], np.float32)
    for ref, out in zip(run(fp32, x), run(int8, x), strict=True):
        # Each column's error relative to that column's size: per-tensor scales would round
        # the 1e-3 column to zero next to the 1e3 one.
        relative = np.abs(out - ref).max(0) / np.abs(ref).max(0)
        assert relative.max() < 0.05, relative


def test_best_clip_trades_rounding_against_clipping():
    limit = math.sqrt(82)
    rng = np.random.default_rng(0)
    sample = np.abs(rng.standard_normal(200_000))  # |x| / rms of Gaussian columns

    def measured_error(clip: float) -> float:
        step = clip / 127
        q = np.clip(np.round(sample / step), -127, 127) * step
        return float(np.mean((q - sample) ** 2))

    counts = np.histogram(sample, 4096, (0.0, limit))[0].astype(np.float64)
    clip = best_clip(counts, limit)
    assert 2.5 < clip < limit  # cuts the rare tail, not the body
    assert measured_error(clip) < measured_error(limit)  # never clipping rounds everything coarser
    assert measured_error(clip) < measured_error(1.5)  # clipping the body costs more
    uniform = np.ones(4096)
    assert best_clip(uniform, limit) > 0.95 * limit  # mass up to the limit: clip nothing


def test_calibration_gives_one_clip_per_block_within_the_bound():
    model = mlp_model()
    tokens = torch.randint(1, 11, (4, 81), generator=torch.Generator().manual_seed(0))
    clips = mixing_clips(model, tokens, passes=2)
    assert len(clips) == model.config.L_layers
    assert all(0 < c <= math.sqrt(model.config.carry_len) for c in clips)


def test_the_rewrite_refuses_a_graph_without_the_mixing_weights():
    graph = gate_times_up_graph(mlp_model(seed=0))
    with pytest.raises(ValueError, match="changed form"):
        quantize_token_mixing(graph, mlp_model(seed=1), [4.0, 4.0])
    with pytest.raises(ValueError, match="clips"):
        quantize_token_mixing(graph, mlp_model(seed=0), [4.0])
