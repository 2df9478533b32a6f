"""The token mixing's gate and up projections in int8, with one activation scale per column.

The mlp mixer multiplies positions: ``gate = W_gate @ X`` with X (S, B*D), one column per
(puzzle, channel). Columns differ in size by orders of magnitude, so one activation scale per
tensor (onnxruntime's dynamic quantization) rounded the small ones away: 70.7% against 90.3%
verified on 300 search-grade Sudoku (2026-11-29). Here each column gets its own scale, its RMS over
the positions, computed in the graph the cheap way (a (1, S) product, as the export form of the
positions norm does):

    rms = sqrt((1/S) 1^T (X * X))          # (1, N), one Gemm
    Xq  = QuantizeLinear(X / rms, clip/127) # int8, saturating at `clip` RMS
    gate = MatMulIntegerToFloat(W_gate_q, Xq, a_scale, b_scale = rms)   # and up, sharing Xq

The weights are int8 per tensor (onnxruntime's MatMulIntegerToFloat scales A by one number),
stored as uint8 around 128 so the product runs on the u8 x s8 VNNI kernels. `clip` is chosen per
block on calibration passes: the value that minimises the squared error of rounding plus
clipping of X / rms (|X / rms| <= sqrt(S) always, so a clip of sqrt(S) never clips).
The mixing's down projection, the norms and the heads stay fp32.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

from export.calibration import run_watched
from training.model import Block, SwiGLU, TinyRecursiveModel

HISTOGRAM_BINS = 4096
RMS_EPS = 1e-12  # keeps an all-zero column at 0 instead of 0/0


def mixing_blocks(model: TinyRecursiveModel) -> list[Block]:
    """The blocks whose token mixing is a SwiGLU over positions (mlp mixer; [] for the others)."""
    return [block for block in model.net.layers if isinstance(block, Block) and isinstance(block.mix, SwiGLU)]


def mixing_swiglus(model: TinyRecursiveModel) -> list[SwiGLU]:
    """The token-mixing SwiGLU of every such block."""
    return [block.mix for block in mixing_blocks(model) if isinstance(block.mix, SwiGLU)]


def best_clip(counts: np.ndarray, limit: float) -> float:
    """The clip (in RMS units) minimising rounding + clipping error for |x| histogrammed in `counts`.

    `counts` has equal bins over [0, limit]. Below the clip a value is rounded to a step of
    clip/127 (mean squared error step^2/12); above it, it is cut to the clip.
    """
    edges = np.linspace(0.0, limit, len(counts) + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    best, best_error = limit, math.inf
    for clip in np.linspace(limit / 64, limit, 256):
        step = clip / 127
        over = centres > clip
        error = counts[~over].sum() * step**2 / 12 + (counts[over] * (centres[over] - clip) ** 2).sum()
        if error < best_error:
            best, best_error = float(clip), float(error)
    return best


def mixing_clips(model: TinyRecursiveModel, tokens: torch.Tensor, passes: int) -> list[float]:
    """Per block, the clip of X / rms chosen on `tokens` over `passes` chained passes."""
    blocks = mixing_blocks(model)
    limit = math.sqrt(model.config.carry_len)  # max |x| / rms over S positions is sqrt(S)
    counts = {id(block): torch.zeros(HISTOGRAM_BINS, dtype=torch.float64) for block in blocks}

    def record(module: torch.nn.Module, inputs: tuple[torch.Tensor, ...]) -> None:
        h = inputs[0].detach().float()  # (S, B, D): the mixing's input, positions first
        scaled = h / torch.sqrt(h.pow(2).mean(0, keepdim=True) + RMS_EPS)
        counts[id(module)] += torch.histc(scaled.abs(), HISTOGRAM_BINS, 0.0, limit).double()

    run_watched(model, tokens, passes, blocks, record)
    return [best_clip(counts[id(block)].numpy(), limit) for block in blocks]


def _weight_keys(model: TinyRecursiveModel) -> dict[bytes, tuple[int, str, np.ndarray]]:
    """fp32 bytes of every mixing gate/up weight (I, S) -> (block, "gate"/"up", the weight)."""
    keys = {}
    for index, mix in enumerate(mixing_swiglus(model)):
        for name, w in zip(("gate", "up"), mix._halves(), strict=True):
            array = w.detach().float().contiguous().numpy()
            keys[array.tobytes()] = (index, name, array)
    return keys


def quantize_token_mixing(proto: onnx.ModelProto, model: TinyRecursiveModel, clips: list[float]) -> int:
    """Rewrite `proto` in place: every mixing gate/up MatMul becomes int8 as described above.

    The MatMuls are found by their weights (the left operand, an initializer equal to a mixing
    weight); gate and up of one block application share their input X. Returns how many were
    rewritten; ValueError if the graph does not hold the form this was written for.
    """
    keys = _weight_keys(model)
    if len(clips) != len(keys) // 2:
        raise ValueError(f"{len(clips)} clips for {len(keys) // 2} mixing blocks")
    graph = proto.graph
    initializers = {t.name: t for t in graph.initializer}
    # (input X, block) -> {"gate": node, "up": node}: one block application's pair.
    groups: dict[tuple[str, int], dict[str, onnx.NodeProto]] = defaultdict(dict)
    for node in graph.node:
        if node.op_type != "MatMul" or node.input[0] not in initializers:
            continue
        array = np.ascontiguousarray(numpy_helper.to_array(initializers[node.input[0]]), np.float32)
        found = keys.get(array.tobytes())
        if found is not None:
            groups[node.input[1], found[0]][found[1]] = node
    blocks_seen = {block for _, block in groups}
    if not groups or blocks_seen != set(range(len(clips))):
        raise ValueError(
            f"the int8 mixing found the weights of blocks {sorted(blocks_seen)} of {len(clips)} in the "
            "exported graph; the exporter's output changed form"
        )

    seq = next(iter(keys.values()))[2].shape[1]
    new_inits = [
        numpy_helper.from_array(np.full((1, seq), 1.0 / seq, np.float32), "mixing_int8.mean_row"),
        numpy_helper.from_array(np.array(RMS_EPS, np.float32), "mixing_int8.eps"),
        numpy_helper.from_array(np.array(0, np.int8), "mixing_int8.zero_s8"),
        numpy_helper.from_array(np.array(128, np.uint8), "mixing_int8.zero_u8"),
        numpy_helper.from_array(np.array([-1], np.int64), "mixing_int8.flat"),
    ]
    for block, clip in enumerate(clips):
        new_inits.append(numpy_helper.from_array(np.array(clip / 127, np.float32), f"mixing_int8.{block}.step"))
    for index, name, weight in keys.values():
        scale = float(np.abs(weight).max()) / 127 or 1.0
        q = (np.clip(np.round(weight / scale), -127, 127) + 128).astype(np.uint8)  # (I, S) around 128
        new_inits.append(numpy_helper.from_array(q, f"mixing_int8.{index}.{name}"))
        # The column scale carries rms; the step of X / rms goes into A's scale.
        new_inits.append(numpy_helper.from_array(
            np.array(scale * clips[index] / 127, np.float32), f"mixing_int8.{index}.{name}.scale"))

    replaced: dict[int, list[onnx.NodeProto]] = {}
    for k, ((x, block), group) in enumerate(groups.items()):
        if set(group) != {"gate", "up"}:
            raise ValueError(f"mixing input {x!r} feeds only the {sorted(group)} of block {block}")
        p = f"mixing_int8/{k}/"
        head = [
            helper.make_node("Mul", [x, x], [p + "square"]),
            helper.make_node("Gemm", ["mixing_int8.mean_row", p + "square", "mixing_int8.eps"], [p + "mean_square"]),
            helper.make_node("Sqrt", [p + "mean_square"], [p + "rms"]),  # (1, N)
            helper.make_node("Div", [x, p + "rms"], [p + "scaled"]),  # (S, N), |.| <= sqrt(S)
            helper.make_node("QuantizeLinear", [p + "scaled", f"mixing_int8.{block}.step", "mixing_int8.zero_s8"],
                             [p + "int8"]),
            helper.make_node("Reshape", [p + "rms", "mixing_int8.flat"], [p + "column_scale"]),  # (N,)
        ]
        for name in ("gate", "up"):
            node = group[name]
            w = f"mixing_int8.{block}.{name}"
            replaced[id(node)] = (head if name == "gate" else []) + [helper.make_node(
                "MatMulIntegerToFloat",
                [w, p + "int8", w + ".scale", p + "column_scale", "mixing_int8.zero_u8", "mixing_int8.zero_s8"],
                [node.output[0]], domain="com.microsoft", name=p + name,
            )]
    nodes = []
    for node in graph.node:
        nodes.extend(replaced.get(id(node), [node]))
    # The gate MatMul may come after the up one; the shared head must precede both.
    nodes = _topological(nodes, {t.name for t in graph.initializer} | {t.name for t in new_inits}
                         | {i.name for i in graph.input})
    del graph.node[:]
    graph.node.extend(nodes)
    # The fp32 mixing weights are read by nothing now: drop them (onnxruntime would warn and
    # drop them at every load, and they would be dead weight in the file).
    fp32_weights = {group[name].input[0] for group in groups.values() for name in group}
    read = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
    kept = [t for t in graph.initializer if t.name not in fp32_weights or t.name in read]
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    if not any(o.domain == "com.microsoft" for o in proto.opset_import):
        proto.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return sum(len(group) for group in groups.values())


def _topological(nodes: list[onnx.NodeProto], available: set[str]) -> list[onnx.NodeProto]:
    """`nodes` reordered so each comes after the producers of its inputs (stable otherwise)."""
    ready = set(available) | {""}
    ordered, pending = [], list(nodes)
    while pending:
        waiting = []
        for node in pending:
            if all(name in ready for name in node.input):
                ordered.append(node)
                ready.update(node.output)
            else:
                waiting.append(node)
        if len(waiting) == len(pending):
            raise ValueError(f"graph has a cycle or a missing input at {waiting[0].op_type} {waiting[0].name!r}")
        pending = waiting
    return ordered
