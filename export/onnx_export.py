"""Checkpoint -> ``NAME.onnx`` + ``NAME.onnx.json``: one supervision step, parity-checked.

The graph is `TinyRecursiveModel.forward` behind a thin module with plain tensor I/O, the T x (n+1)
recursion unrolled inside, fp32, EMA weights, batch dynamic. It is exported with the dynamo
exporter at opset 18; ORT then folds the shared weights. Node metadata (the exporter's stack
traces, with local file paths) is stripped: it is most of the file and none of the model.
"""

from __future__ import annotations

import copy
import csv
import logging
import math
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

from export.calibration import run_watched
from export.mixing_int8 import mixing_clips, mixing_swiglus, quantize_token_mixing
from solver import contract
from solver.contract import ModelCard, sidecar_path, write_sidecar
from solver.kinds import codec_for
from training.model import Block, SwiGLU, TinyRecursiveModel

_LOGGER = logging.getLogger(__name__)

OPSET = 18
EXAMPLE_BATCH = 2  # torch.export specialises a batch of 1: export with 2 so the axis stays dynamic


class StepGraph(nn.Module):
    """One supervision step with plain tensor I/O: (tokens, y, z) -> (y, z, logits, halt[, inner])."""

    def __init__(self, model: TinyRecursiveModel, inner_steps: bool) -> None:
        super().__init__()
        self.model = model
        self.inner_steps = inner_steps

    def forward(self, tokens: torch.Tensor, y: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.model(tokens, y, z, return_inner=self.inner_steps)


def model_card(
    model: TinyRecursiveModel,
    kind: str,
    codec_name: str,
    inner_steps: bool,
    provenance: dict | None = None,
    accuracy: dict | None = None,
) -> ModelCard:
    """The sidecar card for `model`; ValueError if the codec does not fit the model."""
    cfg = model.config
    codec = codec_for(codec_name)
    if codec.kind != kind:
        raise ValueError(f"codec {codec_name!r} is for {codec.kind}, the checkpoint says {kind}")
    if (codec.vocab_size, codec.seq_len) != (cfg.vocab_size, cfg.input_len):
        raise ValueError(
            f"codec {codec_name!r} has vocab {codec.vocab_size} and length {codec.seq_len}, the "
            f"model {cfg.vocab_size} and {cfg.input_len}"
        )
    side = math.isqrt(cfg.seq_len)
    if side * side != cfg.seq_len:
        raise ValueError(f"seq_len {cfg.seq_len} is not a square grid")
    return ModelCard(
        kind=kind, codec=codec_name, height=side, width=side,
        vocab_size=cfg.vocab_size, seq_len=cfg.seq_len, carry_len=cfg.carry_len,
        hidden_size=cfg.hidden_size, n=cfg.L_cycles, T=cfg.H_cycles,
        y_init=tuple(model.y_init.float().tolist()), z_init=tuple(model.z_init.float().tolist()),
        max_passes=cfg.halt_max_steps, halt_threshold=0.5, inner_steps=inner_steps,
        id_tokens=cfg.id_tokens, provenance=provenance or {}, accuracy=accuracy or {},
    )


def prepare_for_onnx(model: TinyRecursiveModel) -> None:
    """Switch the model's modules to the forms onnxruntime runs fastest; the maths is unchanged.

    SwiGLUs multiply by the gate and up halves separately (no Split copies) and last-axis
    RMSNorms take the pattern ORT fuses into SimplifiedLayerNormalization. Measured on the
    representative d=128 model (benchmarks/inference.py): ~10% off the batch-1 pass. The mlp
    mixer's residual and positions norm become two Gemms (`positions_mix_norm_fusable`): 5% off
    the shipped Sudoku model's fp32 pass at batch 1.
    """
    from training.model import Block, SwiGLU

    for module in model.modules():
        if isinstance(module, SwiGLU):
            module.split_weights = True
        elif isinstance(module, Block):
            module.fusable_norms = True


def export_step(model: TinyRecursiveModel, out: Path, inner_steps: bool = False, quick: bool = False) -> None:
    """Write the one-step graph of `model` (fp32, eval) to `out` and check it with onnx.checker.

    `quick` uses torch's TorchScript exporter instead of dynamo: ~3.5 s instead of ~55 s for a
    learned ARC model on this CPU (2026-12-04), which matters when a person waits for a task
    they just learned; the graph is plainer (ORT fuses less), which a 40k-parameter model does
    not notice. The shipped models keep the dynamo exporter.
    """
    if model.puzzle_embedding is not None and not model.config.id_tokens:
        raise ValueError(
            "this model has per-puzzle embeddings (ARC); exporting them as a prefix input is not "
            "supported yet"
        )
    model = model.float().eval()
    prepare_for_onnx(model)
    graph = StepGraph(model, inner_steps).eval()
    tokens = torch.ones(EXAMPLE_BATCH, model.config.input_len, dtype=torch.int64)
    y, z = model.initial_carry(EXAMPLE_BATCH)
    batch = torch.export.Dim(contract.BATCH_DIM, min=1, max=65536)
    names = list(contract.OUTPUT_NAMES_WITH_INNER if inner_steps else contract.OUTPUT_NAMES)
    if quick:
        _export_torchscript(graph, (tokens, y, z), out, names)
        return
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's FutureWarnings say nothing about our model
        program = torch.onnx.export(
            graph, (tokens, y, z), dynamo=True, opset_version=OPSET,
            input_names=list(contract.INPUT_NAMES), output_names=names,
            dynamic_shapes={contract.INPUT_TOKENS: {0: batch}, contract.INPUT_Y: {0: batch},
                            contract.INPUT_Z: {0: batch}},
            external_data=False, verbose=False,
        )
    if program is None:  # only the legacy (dynamo=False) exporter returns nothing
        raise RuntimeError("torch.onnx.export(dynamo=True) returned no ONNX program")
    proto = program.model_proto
    for node in proto.graph.node:
        del node.metadata_props[:]
    proto.doc_string = "trm-puzzles: one TRM supervision step (see solver/contract.py)"
    out.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(proto, str(out))
    onnx.checker.check_model(str(out), full_check=True)
    inputs = [i.name for i in proto.graph.input]
    outputs = [o.name for o in proto.graph.output]
    if inputs != list(contract.INPUT_NAMES) or outputs != names:
        raise ValueError(f"exported graph has I/O {inputs} -> {outputs}, expected the contract's")


def _export_torchscript(graph: nn.Module, example: tuple[torch.Tensor, ...], out: Path, names: list[str]) -> None:
    """The TorchScript exporter's graph of `graph`, batch dimension dynamic, checked."""
    out.parent.mkdir(parents=True, exist_ok=True)
    dims = {name: {0: contract.BATCH_DIM} for name in (*contract.INPUT_NAMES, *names)}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it is deprecated in favour of dynamo, which is 15x slower here
        torch.onnx.export(graph, example, str(out), dynamo=False, opset_version=OPSET,
                          input_names=list(contract.INPUT_NAMES), output_names=names,
                          dynamic_axes=dims)
    proto = onnx.load(str(out))
    proto.doc_string = "trm-puzzles: one TRM supervision step (see solver/contract.py)"
    onnx.save_model(proto, str(out))
    onnx.checker.check_model(str(out), full_check=True)


INT8_DESCRIPTION = (
    "channel SwiGLUs (gate, up, down) int8: per-channel weights, dynamic per-tensor activations, "
    "SmoothQuant-balanced (alpha 0.5); mlp token mixing's gate and up int8: per-tensor weights, "
    "one activation scale per column (its RMS over positions), calibrated clip; mixing down "
    "projection, norms and heads fp32"
)
SMOOTHING_ALPHA = 0.5  # SmoothQuant's migration strength: half the range moves to the weights


def channel_swiglus(model: TinyRecursiveModel) -> list[SwiGLU]:
    """The per-position (channel) SwiGLU of every block: the int8 path's three matmuls each."""
    return [block.mlp for block in model.net.layers if isinstance(block, Block)]


def smooth_channel_swiglus(
    model: TinyRecursiveModel, tokens: torch.Tensor, passes: int, alpha: float = SMOOTHING_ALPHA
) -> list[torch.Tensor]:
    """Rescale each channel SwiGLU so its down projection's input quantizes well; exact maths.

    The hidden activation silu(gate) * up (B, S, I) has a few channels far larger than the rest
    (max |h_j| spans 5..320 on the shipped Sudoku model), so one int8 scale for the tensor rounds
    most channels to nothing (search-grade Sudoku fell from 90.3% to 85.3% verified, 300
    puzzles). SmoothQuant (Xiao et al., 2023) moves that range into the weights: with
    s_j = max|h_j|^alpha / max|W_down[:, j]|^(1 - alpha), up's row j is divided by s_j and down's
    column j multiplied by it, so silu(g) * (u / s) * s is the same function. max|h_j| is
    measured on `tokens` over `passes` chained passes (the carry a real solve sees). Returns
    the scales, one (I,) tensor per block. `model` must be a copy the caller may change.
    """
    swiglus = channel_swiglus(model)
    amax: dict[int, torch.Tensor] = {}

    def record(module: nn.Module, inputs: tuple[torch.Tensor, ...]) -> None:
        h = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1])  # (B*S, I)
        seen = amax.get(id(module))
        amax[id(module)] = h.amax(0) if seen is None else torch.maximum(seen, h.amax(0))

    run_watched(model, tokens, passes, [swiglu.down for swiglu in swiglus], record)
    scales = []
    with torch.no_grad():
        for swiglu in swiglus:
            down = swiglu.down.weight  # (D, I)
            s = torch.pow(amax[id(swiglu.down)].clamp(min=1e-5), alpha) / torch.pow(
                down.abs().amax(0).clamp(min=1e-5), 1 - alpha
            )
            half = swiglu.gate_up.weight.shape[0] // 2
            swiglu.gate_up.weight[half:].div_(s[:, None])  # up's rows
            down.mul_(s[None, :])
            scales.append(s)
    return scales


def fold_constants(src: Path, dst: Path) -> onnx.ModelProto:
    """`src` with its constant subgraphs folded (ORT's basic level), saved to `dst` and returned.

    The exporter feeds the MatMuls a Transpose (or Slice) of a weight, not the weight itself,
    and the quantizer only quantizes a MatMul whose second input is an initializer.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(dst)
    options.log_severity_level = 3
    ort.InferenceSession(str(src), options, providers=["CPUExecutionProvider"])
    proto = onnx.load(str(dst))
    # The quantizer re-runs shape inference and trips over stale value_info (a (1,) vs (D,)
    # shape); without value_info it infers every shape afresh.
    del proto.graph.value_info[:]
    onnx.save_model(proto, str(dst))
    return proto


def matmuls_reading(proto: onnx.ModelProto, weights: list[np.ndarray]) -> list[str]:
    """Names of the MatMul nodes whose second input is an initializer equal to one of `weights`.

    ValueError if some weight feeds no MatMul: the exporter's graph no longer has the form
    the int8 path was written for, and quantizing nothing must not pass silently.
    """
    from onnx import numpy_helper

    wanted = {w.astype(np.float32).tobytes(): i for i, w in enumerate(weights)}
    initializers = {t.name: t for t in proto.graph.initializer}
    names, found = [], set()
    for node in proto.graph.node:
        if node.op_type != "MatMul" or node.input[1] not in initializers:
            continue
        array = numpy_helper.to_array(initializers[node.input[1]])
        index = wanted.get(np.ascontiguousarray(array, np.float32).tobytes())
        if index is not None:
            names.append(node.name)
            found.add(index)
    if len(found) != len(weights):
        raise ValueError(
            f"the int8 path found {len(found)} of the {len(weights)} channel-SwiGLU weights in "
            "the exported graph; the exporter's output changed form"
        )
    return names


def quantize_int8(
    model: TinyRecursiveModel, dst: Path, codec_name: str = "", inner_steps: bool = False,
    calibration_puzzles: int = 64, seed: int = 1,
) -> int:
    """Write `dst`: `model`'s step with every channel SwiGLU in int8 and the rest in fp32.

    What is int8: the gate, up and down projections of each block's per-position SwiGLU (two
    thirds of a Sudoku pass's FLOPs), with per-output-channel int8 weights and activations
    quantized per tensor at run time (onnxruntime's dynamic quantization, which runs on the
    VNNI int8 kernels). Their inputs are made int8-friendly first (`smooth_channel_swiglus`).
    With the mlp mixer, also the token mixing's gate and up, with one activation scale per
    column (`export.mixing_int8`): per-tensor scales there span channels of very different
    size and broke answers (300 search-grade Sudoku, the shipped model, no retry: 70.7%
    against fp32's 90.3%). What stays fp32: the mixing's down projection, the norms and the
    two heads. Calibration runs `calibration_puzzles` puzzles of the model's kind (seed `seed`,
    apart from the parity puzzles). Returns how many MatMul nodes were quantized.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = copy.deepcopy(model).float().eval()
    cfg = model.config
    rng = np.random.default_rng(seed)
    tokens = torch.as_tensor(parity_tokens(codec_name, calibration_puzzles, cfg.input_len, cfg.vocab_size, rng))
    smooth_channel_swiglus(model, tokens, cfg.halt_max_steps)
    clips = mixing_clips(model, tokens, cfg.halt_max_steps) if mixing_swiglus(model) else []
    weights = []
    for swiglu in channel_swiglus(model):
        w_gate, w_up = swiglu._halves()
        for w in (w_gate, w_up, swiglu.down.weight):  # the graph holds x @ W^T: W^T is (in, out)
            weights.append(w.detach().t().contiguous().numpy())
    with tempfile.TemporaryDirectory() as tmp:
        smoothed = Path(tmp) / "smoothed.onnx"
        export_step(model, smoothed, inner_steps)
        folded = Path(tmp) / "folded.onnx"
        nodes = matmuls_reading(fold_constants(smoothed, folded), weights)
        quantize_dynamic(
            str(folded), str(dst), op_types_to_quantize=["MatMul"], nodes_to_quantize=nodes,
            weight_type=QuantType.QInt8, per_channel=True,
        )
    quantized = len(nodes)
    if clips:
        proto = onnx.load(str(dst))
        quantized += quantize_token_mixing(proto, model, clips)
        onnx.save_model(proto, str(dst))
    onnx.checker.check_model(str(dst))
    return quantized


# ------------------------------------------------------------------------------------------------
# Parity


@dataclass(frozen=True)
class ParityReport:
    """Torch vs ORT over chained passes, each side feeding itself its own carry."""

    passes: int
    batch: int
    max_abs_step_logits: float  # ORT fed torch's own carry each pass: the graph's error alone
    max_abs_logits: float  # chained: each side on its own carry, over all passes
    max_abs_halt: float
    argmax_agreement: float  # fraction of (pass, puzzle, cell) with the same argmax
    answers_identical: bool  # every pass's argmax grid identical (cells not tied in fp32)
    halting_identical: bool  # sign of the halt logit equal wherever |halt_logit| > 0.1
    within_tolerance: bool  # logits within atol/rtol at every pass

    step_within_tolerance: bool  # the single-pass (teacher-forced) comparison

    @property
    def ok(self) -> bool:
        """Chained agreement: what a user of the two runtimes would see."""
        return self.answers_identical and self.halting_identical and self.within_tolerance

    @property
    def graph_ok(self) -> bool:
        """The graph computes the torch step (a chaotic recursion may still drift when chained)."""
        return self.step_within_tolerance

    def line(self) -> str:
        return (
            f"{self.passes} chained passes x {self.batch} puzzles: max |dlogits| one pass "
            f"{self.max_abs_step_logits:.2e}, chained {self.max_abs_logits:.2e}, "
            f"max |dhalt| {self.max_abs_halt:.2e}, argmax agreement {self.argmax_agreement:.4%}, "
            f"answers {'identical' if self.answers_identical else 'DIFFER'}, halting "
            f"{'identical' if self.halting_identical else 'DIFFERS'}"
        )


def check_parity(
    model: TinyRecursiveModel,
    onnx_path: Path,
    passes: int = 16,
    batch: int = 8,
    seed: int = 0,
    atol: float = 1e-4,
    rtol: float = 1e-3,
    codec_name: str = "",
) -> ParityReport:
    """Run `passes` chained passes on fresh puzzles in torch (fp32, eval) and in onnxruntime.

    The puzzles are real ones of the model's kind when `codec_name` names a Sudoku or maze codec
    (a trained recursion is chaotic on random tokens, which no user sends), else random tokens.
    Tolerances scale with the logits' magnitude: fp32 rounding does.
    """
    import onnxruntime as ort

    cfg = model.config
    model = model.float().eval()
    rng = np.random.default_rng(seed)
    tokens = parity_tokens(codec_name, batch, cfg.input_len, cfg.vocab_size, rng)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    yt, zt = model.initial_carry(batch)
    yo, zo = yt.numpy().copy(), zt.numpy().copy()
    tt = torch.as_tensor(tokens)
    max_logits = max_halt = max_step = 0.0
    agree = total = 0
    same_answers = same_halting = within = step_within = True
    for _ in range(passes):
        forced = session.run(
            [contract.OUTPUT_LOGITS],
            {contract.INPUT_TOKENS: tokens, contract.INPUT_Y: yt.numpy(), contract.INPUT_Z: zt.numpy()},
        )[0]
        with torch.no_grad():
            yt, zt, logits_t, halt_t = model(tt, yt, zt)[:4]
        scale = max(1.0, float(np.abs(logits_t.numpy()).max()))
        max_step = max(max_step, float(np.abs(forced - logits_t.numpy()).max()))
        step_within &= bool(np.allclose(forced, logits_t.numpy(), atol=atol * scale, rtol=rtol))
        yo, zo, logits_o, halt_o = session.run(
            list(contract.OUTPUT_NAMES),
            {contract.INPUT_TOKENS: tokens, contract.INPUT_Y: yo, contract.INPUT_Z: zo},
        )
        lt, ht = logits_t.numpy(), halt_t.numpy()
        max_logits = max(max_logits, float(np.abs(lt - logits_o).max()))
        max_halt = max(max_halt, float(np.abs(ht - halt_o).max()))
        within &= bool(np.allclose(logits_o, lt, atol=atol * max(1.0, float(np.abs(lt).max())), rtol=rtol))
        same = lt.argmax(-1) == logits_o.argmax(-1)
        agree += int(same.sum())
        total += same.size
        # A cell whose two best logits tie within fp32 rounding has no decided answer to agree
        # on (a random test model has a few); like halting below, compare the decided ones.
        top2 = np.sort(lt, axis=-1)[..., -2:]
        decided = top2[..., 1] - top2[..., 0] > atol * max(1.0, float(np.abs(lt).max()))
        same_answers &= bool(same[decided].all())
        sure = np.abs(ht) > 0.1
        same_halting &= bool(((ht > 0) == (halt_o > 0))[sure].all())
    return ParityReport(
        passes, batch, max_step, max_logits, max_halt, agree / total, same_answers, same_halting,
        within, step_within,
    )


def parity_tokens(codec_name: str, batch: int, seq_len: int, vocab: int, rng: np.random.Generator) -> np.ndarray:
    """(batch, seq_len) int64 model inputs (seq_len counting any view token): the kind's generated
    puzzles, or random tokens."""
    from solver.kinds import codec_for

    try:
        codec = codec_for(codec_name) if codec_name else None
    except ValueError:
        codec = None
    if codec is not None and codec.seq_len == seq_len:
        from solver import kinds

        data = kinds.get(codec.kind).training
        if data is not None:
            return codec.encode_puzzle(data.samples(batch, seq_len, rng)).astype(np.int64)
    tokens = rng.integers(1, vocab, size=(batch, seq_len), dtype=np.int64)
    views = getattr(codec, "views", 0) if codec is not None and codec.seq_len == seq_len else 0
    if views:
        # The first token of a per-view model is its view number, an index into its embeddings.
        tokens[:, 0] = rng.integers(0, views, size=batch)
    return tokens


def argmax_agreement(reference: Path, candidate: Path, seq_len: int, vocab: int, card: ModelCard,
                     passes: int = 16, batch: int = 8, seed: int = 0) -> float:
    """Fraction of cells whose argmax agrees between two ONNX files over chained passes."""
    import onnxruntime as ort

    rng = np.random.default_rng(seed)
    tokens = parity_tokens(card.codec, batch, seq_len, vocab, rng)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    sessions = [ort.InferenceSession(str(p), options, providers=["CPUExecutionProvider"])
                for p in (reference, candidate)]
    carries = [card.initial_carry(batch) for _ in sessions]
    agree = total = 0
    for _ in range(passes):
        answers = []
        for i, s in enumerate(sessions):
            y, z, logits, _halt = s.run(
                list(contract.OUTPUT_NAMES),
                {contract.INPUT_TOKENS: tokens, contract.INPUT_Y: carries[i][0],
                 contract.INPUT_Z: carries[i][1]},
            )
            carries[i] = (y, z)
            answers.append(logits.argmax(-1))
        agree += int((answers[0] == answers[1]).sum())
        total += answers[0].size
    return agree / total


# ------------------------------------------------------------------------------------------------
# The whole job


@dataclass(frozen=True)
class ExportReport:
    onnx_path: Path
    parity: ParityReport
    int8_path: Path | None = None
    int8_agreement: float | None = None


def _last_eval(metrics: Path) -> dict[str, float | int | str]:
    """The last evaluation row of a training run's metrics.csv, if there is one."""
    if not metrics.is_file():
        return {}
    last: dict = {}
    with metrics.open(newline="") as f:
        for row in csv.DictReader(f):
            if row.get("eval_exact"):
                last = row
    if not last:
        return {}
    keys = ("eval_exact", "eval_token", "eval_halt_exact", "eval_halt_steps")
    out: dict[str, float | int | str] = {k: float(last[k]) for k in keys if last.get(k)}
    out["step"] = int(float(last["step"]))
    out["source"] = "training held-out evaluation (generated puzzles, torch, all N_sup passes)"
    return out


def export_checkpoint(
    checkpoint: Path,
    out: Path,
    inner_steps: bool = False,
    quantize: str | None = None,
    parity_passes: int = 16,
    parity_batch: int = 8,
    grid_size: int | None = None,
    max_passes: int | None = None,
) -> ExportReport:
    """Export, write the sidecar, check parity (ValueError if it fails), optionally quantize."""
    from training.checkpoint import ema_model_from_checkpoint, load_checkpoint
    from training.provenance import portable_train_config

    if out.suffix != ".onnx":
        raise ValueError(f"{out}: the model file must end in .onnx")
    state = load_checkpoint(checkpoint)
    model = ema_model_from_checkpoint(state, grid_size)
    train = state["train_config"]
    kind = train.get("kind", "sudoku")
    codec = train.get("codec", "")
    trained_size = math.isqrt(int(state["model_config"]["seq_len"]))
    resized = grid_size is not None and grid_size != trained_size
    provenance = {
        "checkpoint": Path(checkpoint).name,
        "train_config": portable_train_config(train),  # names and hashes, never this machine's paths
        "model_config": state["model_config"],
        "step": int(state["step"]),
        "train_seconds": float(state.get("train_seconds", 0.0)),
        "data": state.get("data", ""),
        "exporter": f"torch {torch.__version__} dynamo, opset {OPSET}",
    }
    accuracy = state.get("accuracy") or _last_eval(Path(checkpoint).parent / "metrics.csv")
    if resized:
        # Trained on smaller grids: the training-time accuracy is not this model's; say so.
        codec = f"maze-{grid_size}x{grid_size}-v1"
        provenance["trained_grid"] = f"{trained_size}x{trained_size}"
        accuracy = {f"at {trained_size}x{trained_size} during training": accuracy} if accuracy else {}
    card = model_card(model, kind, codec, inner_steps, provenance, accuracy)
    if max_passes is not None:
        if max_passes < 1:
            raise ValueError(f"max passes must be at least 1, not {max_passes}")
        card = ModelCard.from_dict({**card.to_dict(), "max_passes": max_passes})
    export_step(model, out, inner_steps)
    parity = check_parity(model, out, parity_passes, parity_batch, codec_name=card.codec)
    _LOGGER.info("parity: %s", parity.line())
    if not parity.graph_ok:
        raise ValueError(f"{out}: the graph does not compute the torch step: {parity.line()}")
    if not parity.ok:
        # Each pass agrees, but the recursion amplifies 1e-5 differences: say so, loudly.
        _LOGGER.warning("chained passes drift apart (a chaotic recursion?): %s", parity.line())
    card = ModelCard.from_dict({
        **card.to_dict(),
        "provenance": {**card.provenance, "parity": {
            "passes": parity.passes, "max_abs_step_logits": parity.max_abs_step_logits,
            "max_abs_chained_logits": parity.max_abs_logits,
            "argmax_agreement": parity.argmax_agreement, "ok": parity.ok}},
    })
    write_sidecar(card, sidecar_path(out))
    report = ExportReport(out, parity)
    if quantize == "int8":
        q_path = out.with_name(out.stem + ".int8.onnx")
        quantized = quantize_int8(model, q_path, card.codec, inner_steps)
        rate = argmax_agreement(out, q_path, card.input_len, card.vocab_size, card,
                                parity_passes, parity_batch)
        _LOGGER.info("int8: %d MatMuls quantized; argmax agreement with fp32 %.4f%%", quantized, 100 * rate)
        q_card = ModelCard.from_dict({
            **card.to_dict(),
            "provenance": {**card.provenance, "quantization": INT8_DESCRIPTION,
                           "int8_argmax_agreement": rate},
            "accuracy": {},  # measured separately: the fp32 figures do not carry over
        })
        write_sidecar(q_card, sidecar_path(q_path))
        report = ExportReport(out, parity, q_path, rate)
    elif quantize is not None:
        raise ValueError(f"unknown quantization {quantize!r} (known: int8)")
    return report
