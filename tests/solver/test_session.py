"""Loading model pairs, checking them, provider choice and the CUDA->CPU fallback (no GPU here)."""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from solver import session as session_mod
from solver.contract import sidecar_path
from solver.halting import StepOutput
from solver.session import DeviceArray, ModelSession, SessionSettings, physical_cores

ASSETS = Path(__file__).resolve().parents[1] / "assets"
TINY = ASSETS / "tiny_sudoku.onnx"


@pytest.fixture
def pair(tmp_path) -> Path:
    """A private copy of the tiny Sudoku model and its sidecar."""
    dst = tmp_path / "m.onnx"
    shutil.copy(TINY, dst)
    shutil.copy(sidecar_path(TINY), sidecar_path(dst))
    return dst


def _edit_sidecar(path: Path, **changes) -> None:
    side = sidecar_path(path)
    data = json.loads(side.read_text())
    data.update(changes)
    side.write_text(json.dumps(data))


def test_loads_and_steps_on_cpu():
    model = ModelSession.open(TINY, SessionSettings(force_cpu=True))
    assert model.provider == "CPUExecutionProvider" and model.provider_line == "CPU (forced)"
    y, z = model.initial_carry(3)
    out = model.step(np.ones((3, 81), np.int64), y, z)
    assert isinstance(out, StepOutput)
    assert out.logits.shape == (3, 81, 11) and out.halt_logit.shape == (3,)
    assert out.inner_logits is not None and out.inner_logits.shape == (2, 3, 81, 11)
    assert np.allclose(out.inner_logits[-1], out.logits)


def test_a_large_cpu_batch_runs_in_chunks_with_the_same_results():
    whole = ModelSession.open(TINY, SessionSettings(force_cpu=True, cpu_batch_chunk=0))
    chunked = ModelSession.open(TINY, SessionSettings(force_cpu=True, cpu_batch_chunk=2))
    calls = []
    run = chunked._session.run
    chunked._session = type("Spy", (), {"run": lambda self, names, feeds: (
        calls.append(len(feeds["tokens"])), run(names, feeds))[1]})()
    tokens = np.random.default_rng(0).integers(1, 11, (5, 81))
    ya, za = whole.initial_carry(5)
    yb, zb = ya, za
    for _ in range(3):  # chained passes: each side feeds itself its own carry
        a = whole.step(tokens, ya, za)
        b = chunked.step(tokens, yb, zb)
        for x, w in ((b.y, a.y), (b.z, a.z), (b.logits, a.logits), (b.halt_logit, a.halt_logit),
                     (b.inner_logits, a.inner_logits)):
            assert x.shape == w.shape and np.allclose(x, w, atol=1e-5)
        ya, za, yb, zb = a.y, a.z, b.y, b.z
    assert calls == [2, 2, 1] * 3  # each pass ran as chunks of 2, 2 and 1, in order
    with pytest.raises(ValueError, match="cpu_batch_chunk"):
        ModelSession(whole.path, whole.card, whole._session, whole.provider_line, cpu_batch_chunk=-1)


def test_io_binding_path_matches_plain_run():
    """The CUDA code path (IO binding, carry as device OrtValues), run on the CPU device."""
    plain = ModelSession.open(TINY, SessionSettings(force_cpu=True))
    bound = ModelSession(plain.path, plain.card, plain._session, plain.provider_line, "cpu")
    tokens = np.random.default_rng(0).integers(1, 11, (4, 81))
    y, z = plain.initial_carry(4)
    ya, za, yb, zb = y, z, y, z
    for _ in range(3):
        a = plain.step(tokens, ya, za)
        b = bound.step(tokens, yb, zb)
        ya, za, yb, zb = a.y, a.z, b.y, b.z
        assert isinstance(yb, DeviceArray) and yb.shape == (4, 85, 16)
        assert np.allclose(a.logits, b.logits, atol=1e-6)
    assert np.allclose(np.asarray(yb[[1, 3]]), ya[[1, 3]], atol=1e-6)
    # The whole loop over the bound path gives what the plain path gives, pass for pass.
    puzzles = [_sudoku(), _sudoku(7)]
    on_device = list(bound.loop(threshold=1.0, max_passes=3).run(puzzles))
    on_host = list(plain.loop(threshold=1.0, max_passes=3).run(puzzles))
    assert [(p.index, p.number) for p in on_device] == [(p.index, p.number) for p in on_host]
    assert len(on_host) == 6  # threshold 1.0: both puzzles run to the cap of 3
    for a, b in zip(on_device, on_host, strict=True):
        assert np.array_equal(np.asarray(a.answer), np.asarray(b.answer))
        assert np.allclose(a.halt_probability, b.halt_probability, atol=1e-6)
        if b.carry is not None:  # the last pass: the carry kept to think on is the same puzzle's
            assert a.carry is not None and np.allclose(a.carry.y, b.carry.y, atol=1e-5)


def _sudoku(first: int = 5):
    from solver.kinds.sudoku import Sudoku

    g = np.zeros(81, np.int8)
    g[0] = first
    return Sudoku(g)


def test_missing_model_file(tmp_path):
    with pytest.raises(ValueError, match=r"nothere\.onnx: model file missing"):
        ModelSession.open(tmp_path / "nothere.onnx")


def test_missing_sidecar(pair):
    sidecar_path(pair).unlink()
    with pytest.raises(ValueError, match=r"m\.onnx\.json: sidecar file missing"):
        ModelSession.open(pair)


def test_truncated_model(pair):
    data = pair.read_bytes()
    pair.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"m\.onnx: onnxruntime cannot load this model"):
        ModelSession.open(pair, SessionSettings(force_cpu=True))


def test_empty_model(pair):
    pair.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        ModelSession.open(pair)


def test_garbage_sidecar(pair):
    sidecar_path(pair).write_text("this is { not json")
    with pytest.raises(ValueError, match="not a readable JSON sidecar"):
        ModelSession.open(pair)


def test_wrong_schema_version(pair):
    _edit_sidecar(pair, schema_version=7)
    with pytest.raises(ValueError, match="schema_version"):
        ModelSession.open(pair)


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"vocab_size": 12, "codec": "arc-canvas30-v1", "kind": "arc", "height": 30, "width": 30,
          "seq_len": 900, "carry_len": 904}, "tokens"),
        ({"hidden_size": 8, "y_init": [0.0] * 8, "z_init": [0.0] * 8}, "y"),
        ({"inner_steps": False}, "outputs"),
        ({"T": 3}, "inner_logits"),
    ],
)
def test_sidecar_graph_mismatch(pair, changes, name):
    _edit_sidecar(pair, **changes)
    with pytest.raises(ValueError, match=rf"m\.onnx: .*{name}"):
        ModelSession.open(pair, SessionSettings(force_cpu=True))


# ------------------------------------------------------------------------------------------------
# Provider choice, with CUDA simulated


class FakeSession:
    def __init__(self, providers):
        self._providers = providers

    def get_providers(self):
        return self._providers


def test_no_cuda_provider(monkeypatch):
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CPUExecutionProvider"])
    _, line = session_mod.create_session(TINY, ort.SessionOptions(), force_cpu=False)
    assert line == "CPU (onnxruntime has no CUDA provider)"


def test_cuda_listed_but_library_missing(monkeypatch):
    """This machine: onnxruntime-gpu lists CUDA, but the CUDA libraries are absent."""
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    monkeypatch.setattr(session_mod, "cuda_load_error", lambda: "libcublasLt.so.13: cannot open shared object file")
    real = ort.InferenceSession
    calls = []

    def fake(path, options, providers):
        calls.append(providers)
        return real(path, options, providers=["CPUExecutionProvider"])

    monkeypatch.setattr(ort, "InferenceSession", fake)
    session, line = session_mod.create_session(TINY, ort.SessionOptions(), force_cpu=False)
    assert calls == [["CUDAExecutionProvider", "CPUExecutionProvider"]]
    assert line == "CPU (CUDA provider failed to load: libcublasLt.so.13: cannot open shared object file)"
    assert session.get_providers() == ["CPUExecutionProvider"]


def test_cuda_session_raises_then_cpu_retry(monkeypatch):
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    calls = []

    def fake(path, options, providers):
        calls.append(providers)
        if "CUDAExecutionProvider" in providers:
            raise RuntimeError("CUDA_PATH is set but broken\nCUDA failure 35: driver too old")
        return FakeSession(providers)

    monkeypatch.setattr(ort, "InferenceSession", fake)
    _, line = session_mod.create_session(TINY, ort.SessionOptions(), force_cpu=False)
    assert calls == [["CUDAExecutionProvider", "CPUExecutionProvider"], ["CPUExecutionProvider"]]
    assert line == "CPU (CUDA session failed: CUDA failure 35: driver too old)"


def test_cuda_used_when_it_loads(monkeypatch):
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    monkeypatch.setattr(ort, "InferenceSession", lambda path, options, providers: FakeSession(providers))
    session, line = session_mod.create_session(TINY, ort.SessionOptions(), force_cpu=False)
    assert line.startswith("CUDA") and session.get_providers()[0] == "CUDAExecutionProvider"


def test_forced_cpu_never_tries_cuda(monkeypatch):
    calls = []
    monkeypatch.setattr(ort, "InferenceSession", lambda path, options, providers: calls.append(providers) or FakeSession(providers))
    _, line = session_mod.create_session(TINY, ort.SessionOptions(), force_cpu=True)
    assert calls == [["CPUExecutionProvider"]] and line == "CPU (forced)"


def test_real_fallback_on_this_machine_is_one_quiet_line(capfd):
    """Whatever this machine has, the line is the one its case calls for, and ORT logs no load error."""
    model = ModelSession.open(TINY)
    err = capfd.readouterr().err
    assert "Failed to load library" not in err
    if "CUDAExecutionProvider" not in ort.get_available_providers():
        expected = "CPU (onnxruntime has no CUDA provider)"
    elif session_mod.cuda_load_error():  # onnxruntime-gpu without the CUDA libraries (CI, here)
        expected = f"CPU (CUDA provider failed to load: {session_mod.cuda_load_error()})"
    else:
        expected = "CUDA (GPU, carry kept on the device)"  # a machine with a working GPU
    assert model.provider_line == expected
    assert "\n" not in model.provider_line


def test_cuda_provider_unusable_without_a_loader_error(monkeypatch):
    """CUDA listed, the library loads, yet ORT runs the session on the CPU: no GPU, say so."""
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    monkeypatch.setattr(session_mod, "cuda_load_error", lambda: "")
    calls = []
    monkeypatch.setattr(ort, "InferenceSession",
                        lambda path, options, providers: calls.append(providers) or FakeSession(["CPUExecutionProvider"]))
    session, line = session_mod.create_session(TINY, ort.SessionOptions(), force_cpu=False)
    assert calls == [["CUDAExecutionProvider", "CPUExecutionProvider"]]  # that session is kept
    assert line == "CPU (CUDA provider unusable (no GPU found?))"
    assert session.get_providers() == ["CPUExecutionProvider"]


def test_cuda_failing_and_then_cpu_failing_too_names_the_file(monkeypatch):
    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    calls = []

    def fake(path, options, providers):
        calls.append(providers)
        raise RuntimeError(f"Load model from {path} failed:\nINVALID_PROTOBUF : attempt {len(calls)}")

    monkeypatch.setattr(ort, "InferenceSession", fake)
    with pytest.raises(ValueError) as err:
        session_mod.create_session(TINY, ort.SessionOptions(), force_cpu=False)
    assert calls == [["CUDAExecutionProvider", "CPUExecutionProvider"], ["CPUExecutionProvider"]]
    # The CPU attempt's error is the one shown (its last line), with the file it was about.
    assert str(err.value) == f"{TINY}: onnxruntime cannot load this model (INVALID_PROTOBUF : attempt 2)"


def test_session_options():
    options = session_mod.session_options(SessionSettings(threads=3, leave_core_for_ui=True))
    assert options.intra_op_num_threads == 2
    # Spinning inside a pass only: it stops the moment a pass returns.
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "1"
    assert options.get_session_config_entry("session.force_spinning_stop") == "1"
    quiet = session_mod.session_options(SessionSettings(spin_within_pass=False))
    assert quiet.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert physical_cores() >= 1


def test_exactly_one_onnxruntime_distribution():
    installed = []
    for dist in ("onnxruntime", "onnxruntime-gpu"):
        try:
            importlib.metadata.version(dist)
            installed.append(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    assert len(installed) == 1, f"exactly one of onnxruntime / onnxruntime-gpu must be installed, found {installed}"
