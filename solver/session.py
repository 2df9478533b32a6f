"""Load ``NAME.onnx`` + ``NAME.onnx.json`` and run one pass at a time with onnxruntime.

Provider choice: CUDA first when onnxruntime offers it and CPU is not forced; the session is
created with CUDA+CPU, and again with CPU only if that raises. `session.get_providers()` then says
what really runs, and `ModelSession.provider_line` says it in one plain line together with why CUDA
is not used. ORT's own fallback log (an [E] line per failed library) is silenced: the line above
tells the user what matters.

On CUDA the carry stays on the GPU between passes (IO binding; y/z outputs are device OrtValues
fed back as inputs); only the logits and halt logit come to the host. When the batch shrinks,
the loop selects rows of the carry, which goes through the host once.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import onnxruntime as ort

from solver import contract
from solver.contract import ModelCard, read_sidecar, sidecar_path
from solver.halting import HaltingLoop, StepOutput
from solver.kinds import Kind, kind_for

_LOGGER = logging.getLogger(__name__)

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
_ORT_QUIET = 4  # fatal only: the CUDA fallback is logged at error level (3), which we replace


@dataclass(frozen=True)
class SessionSettings:
    """How to run a model: the user's settings, or the `--cpu` flag."""

    force_cpu: bool = False
    threads: int = 0  # intra-op threads; 0: one per physical core
    leave_core_for_ui: bool = False  # one core fewer, so a window stays responsive
    graph_optimization: str = "all"  # "basic", "extended" or "all"
    spin_within_pass: bool = True  # worker threads spin between the ops of a pass, never after it
    # On the CPU a large batch runs as consecutive runs of at most this many puzzles (0: one
    # run): a chunk's intermediates stay in cache, where one run of 256 Sudokus streams ~40 MB
    # SwiGLU tensors through memory. benchmarks/inference.py, batch 256, shipped Sudoku model:
    # fp32 1.42 s a pass against 1.74 s in one run, int8 0.86 s against 1.10 s, peak memory 560
    # against 913 MB (chunks of 16 to 32 were best in a sweep of 8 to 256).
    cpu_batch_chunk: int = 32


def physical_cores() -> int:
    """Physical cores this process may use (hyper-threads are little help for dense math)."""
    logical = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            text = f.read()
    except OSError:
        return max(1, logical)
    cores, physical = set(), "0"
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "physical id":
            physical = value.strip()
        elif key == "core id":
            cores.add((physical, value.strip()))
    return max(1, min(logical, len(cores) or logical))


def session_options(settings: SessionSettings) -> ort.SessionOptions:
    """Threads, spinning only inside a pass (none between passes), quiet logs."""
    options = ort.SessionOptions()
    threads = settings.threads or physical_cores()
    if settings.leave_core_for_ui:
        threads = max(1, threads - 1)
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # A pass is ~450 small ops; waking a sleeping worker for each costs more than the op itself
    # at batch 1 (benchmarks/inference.py: ort-fp32 against ort-fp32-nospin). force_spinning_stop
    # ends the spinning the moment a pass returns, so an idle window burns no CPU.
    spin = "1" if settings.spin_within_pass else "0"
    options.add_session_config_entry("session.intra_op.allow_spinning", spin)
    options.add_session_config_entry("session.force_spinning_stop", "1")
    options.log_severity_level = 3
    levels = {
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }
    if settings.graph_optimization not in levels:
        raise ValueError(f"graph_optimization must be one of {sorted(levels)}")
    options.graph_optimization_level = levels[settings.graph_optimization]
    return options


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[-1].strip() if text else type(err).__name__


def cuda_load_error() -> str:
    """Why the CUDA provider library does not load (the dynamic loader's message), or ""."""
    name = "onnxruntime_providers_cuda.dll" if sys.platform == "win32" else "libonnxruntime_providers_cuda.so"
    library = Path(ort.__file__).parent / "capi" / name
    if not library.exists():
        return f"{name} is not installed"
    try:
        ctypes.CDLL(str(library))
    except OSError as err:
        # A frozen (PyInstaller) app wraps the loader's error in its own "not found when the
        # application was frozen" guess; the loader's real message (which library is missing)
        # is the cause underneath.
        return _first_line(err.__cause__ or err)
    return ""


def create_session(path: Path, options: ort.SessionOptions, force_cpu: bool) -> tuple[ort.InferenceSession, str]:
    """An InferenceSession and one plain line saying which provider runs and why.

    ValueError naming the file if onnxruntime cannot load it at all.
    """
    ort.set_default_logger_severity(_ORT_QUIET)
    if force_cpu:
        reason = "forced"
    elif CUDA not in ort.get_available_providers():
        reason = "onnxruntime has no CUDA provider"
    else:
        try:
            session = ort.InferenceSession(str(path), options, providers=[CUDA, CPU])
        except Exception as err:  # noqa: BLE001 - ORT raises its own types; CPU may still work
            reason = f"CUDA session failed: {_first_line(err)}"
        else:
            if session.get_providers()[0] == CUDA:
                return session, "CUDA (GPU, carry kept on the device)"
            # ORT fell back silently (the usual case without the CUDA libraries): keep this session.
            why = cuda_load_error()
            reason = f"CUDA provider failed to load: {why}" if why else "CUDA provider unusable (no GPU found?)"
            return session, f"CPU ({reason})"
    try:
        session = ort.InferenceSession(str(path), options, providers=[CPU])
    except Exception as err:  # noqa: BLE001 - a damaged file shows up as any of several ORT errors
        raise ValueError(f"{path}: onnxruntime cannot load this model ({_first_line(err)})") from None
    return session, f"CPU ({reason})"


# ------------------------------------------------------------------------------------------------


# name -> (ONNX type, dims); None is a dynamic dimension
_ExpectedIO: TypeAlias = dict[str, tuple[str, list[int | None]]]


def _dims_match(actual: Sequence[object], expected: Sequence[int | None]) -> bool:
    """None in `expected` means "dynamic": the graph must not fix that dimension to a number."""
    if len(actual) != len(expected):
        return False
    for a, e in zip(actual, expected, strict=True):
        if e is None:
            if isinstance(a, int):
                return False
        elif a != e:
            return False
    return True


def check_graph(session: ort.InferenceSession, card: ModelCard, path: Path) -> None:
    """ValueError naming the file if the graph's I/O does not match its sidecar card."""
    L, S, D, V, T = card.input_len, card.carry_len, card.hidden_size, card.vocab_size, card.T
    expected_in: _ExpectedIO = {
        contract.INPUT_TOKENS: ("tensor(int64)", [None, L]),
        contract.INPUT_Y: ("tensor(float)", [None, S, D]),
        contract.INPUT_Z: ("tensor(float)", [None, S, D]),
    }
    expected_out: _ExpectedIO = {
        contract.OUTPUT_Y: ("tensor(float)", [None, S, D]),
        contract.OUTPUT_Z: ("tensor(float)", [None, S, D]),
        contract.OUTPUT_LOGITS: ("tensor(float)", [None, L, V]),
        contract.OUTPUT_HALT: ("tensor(float)", [None]),
    }
    if card.inner_steps:
        expected_out[contract.OUTPUT_INNER] = ("tensor(float)", [T, None, L, V])
    for what, args, expected in (
        ("inputs", session.get_inputs(), expected_in),
        ("outputs", session.get_outputs(), expected_out),
    ):
        names = [a.name for a in args]
        if names != list(expected):
            raise ValueError(
                f"{path}: graph {what} are {names}, the sidecar expects {list(expected)}"
            )
        for arg in args:
            dtype, dims = expected[arg.name]
            if arg.type != dtype:
                raise ValueError(f"{path}: {arg.name} is {arg.type}, expected {dtype}")
            if not _dims_match(list(arg.shape), dims):
                shown = ["batch" if d is None else d for d in dims]
                raise ValueError(
                    f"{path}: {arg.name} has shape {arg.shape}, the sidecar implies {shown} "
                    f"(vocab {V}, seq_len {L}, carry_len {S}, hidden {D}, T {T})"
                )


class DeviceArray:
    """A carry (B, S, D) held by onnxruntime on a device; row selection copies through the host."""

    def __init__(self, value: ort.OrtValue) -> None:
        self.value = value

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.value.shape())

    def __len__(self) -> int:
        return self.shape[0]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.value.numpy()
        return array if dtype is None else array.astype(dtype)

    def __getitem__(self, rows: Any) -> np.ndarray:
        return np.asarray(self)[rows]


class ModelSession:
    """A loaded model: its card, its puzzle kind, and `step` (one pass) for the halting loop."""

    def __init__(
        self, path: Path, card: ModelCard, session: ort.InferenceSession, provider_line: str,
        io_binding_device: str | None = None, cpu_batch_chunk: int = SessionSettings.cpu_batch_chunk,
    ) -> None:
        if cpu_batch_chunk < 0:
            raise ValueError(f"cpu_batch_chunk must be 0 or more, not {cpu_batch_chunk}")
        self.path = path
        self.card = card
        self.kind: Kind = kind_for(card.kind, card.codec)
        if self.kind.codec.seq_len != card.input_len:
            raise ValueError(f"{path}: codec {card.codec!r} makes {self.kind.codec.seq_len} tokens a "
                             f"puzzle, the sidecar says {card.input_len}")
        self._session = session
        self.provider_line = provider_line
        self.provider = session.get_providers()[0]
        # IO binding keeps the carry where the provider computes it; on CPU plain run() is best.
        self.io_binding_device = io_binding_device or ("cuda" if self.provider == CUDA else None)
        self._outputs = list(card.output_names())
        self.cpu_batch_chunk = cpu_batch_chunk

    @classmethod
    def open(cls, path: str | Path, settings: SessionSettings | None = None) -> ModelSession:
        """Load and check a model pair; ValueError naming the file and the problem."""
        settings = settings or SessionSettings()
        path = Path(path)
        if not path.is_file():
            raise ValueError(f"{path}: model file missing")
        if path.stat().st_size == 0:
            raise ValueError(f"{path}: model file is empty")
        card = read_sidecar(sidecar_path(path))
        session, line = create_session(path, session_options(settings), settings.force_cpu)
        check_graph(session, card, path)
        return cls(path, card, session, line, cpu_batch_chunk=settings.cpu_batch_chunk)

    # ----------------------------------------------------------------------------------------

    def initial_carry(self, batch: int) -> tuple[np.ndarray, np.ndarray]:
        return self.card.initial_carry(batch)

    def loop(self, threshold: float | None = None, max_passes: int | None = None,
             trust_halt: bool = False) -> HaltingLoop:
        """A halting loop running this model (defaults from the card; see `HaltingLoop`)."""
        return HaltingLoop.from_card(self.step, self.card, self.kind, threshold, max_passes, trust_halt)

    def step(self, tokens: np.ndarray, y: Any, z: Any) -> StepOutput:
        """One pass: tokens (B, L) int64, y/z (B, S, D) -> `StepOutput`."""
        tokens = np.ascontiguousarray(tokens, dtype=np.int64)
        if self.io_binding_device is not None:
            return self._step_bound(tokens, y, z)
        y = np.ascontiguousarray(y, dtype=np.float32)
        z = np.ascontiguousarray(z, dtype=np.float32)
        chunk = self.cpu_batch_chunk
        if not chunk or len(tokens) <= chunk:
            return self._run(tokens, y, z)
        parts = [self._run(tokens[i : i + chunk], y[i : i + chunk], z[i : i + chunk])
                 for i in range(0, len(tokens), chunk)]
        inner = None if parts[0].inner_logits is None else np.concatenate([p.inner_logits for p in parts], axis=1)
        return StepOutput(
            np.concatenate([p.y for p in parts]), np.concatenate([p.z for p in parts]),
            np.concatenate([p.logits for p in parts]), np.concatenate([p.halt_logit for p in parts]),
            inner,
        )

    __call__ = step

    def _run(self, tokens: np.ndarray, y: np.ndarray, z: np.ndarray) -> StepOutput:
        outs = self._session.run(self._outputs, {
            contract.INPUT_TOKENS: tokens, contract.INPUT_Y: y, contract.INPUT_Z: z,
        })
        return StepOutput(outs[0], outs[1], outs[2], outs[3], outs[4] if len(outs) > 4 else None)

    def _step_bound(self, tokens: np.ndarray, y: Any, z: Any) -> StepOutput:
        device = self.io_binding_device
        assert device is not None
        binding = self._session.io_binding()
        binding.bind_cpu_input(contract.INPUT_TOKENS, tokens)
        for name, carry in ((contract.INPUT_Y, y), (contract.INPUT_Z, z)):
            if isinstance(carry, DeviceArray):
                binding.bind_ortvalue_input(name, carry.value)  # already on the device
            else:
                value = ort.OrtValue.ortvalue_from_numpy(
                    np.ascontiguousarray(carry, dtype=np.float32), device, 0
                )
                binding.bind_ortvalue_input(name, value)
        binding.bind_output(contract.OUTPUT_Y, device)
        binding.bind_output(contract.OUTPUT_Z, device)
        for name in self._outputs[2:]:
            binding.bind_output(name, "cpu")
        self._session.run_with_iobinding(binding)
        outs = binding.get_outputs()  # in binding order
        inner = outs[4].numpy() if len(outs) > 4 else None
        return StepOutput(DeviceArray(outs[0]), DeviceArray(outs[1]), outs[2].numpy(), outs[3].numpy(), inner)
