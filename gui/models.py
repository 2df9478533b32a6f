"""Which model each puzzle kind uses, and loading it (onnxruntime imported lazily, off the UI).

Default order: the model chosen in Preferences, then the shipped ``assets/models/<kind>.onnx``,
then the tiny untrained test model from ``tests/assets`` (a source checkout only), which the
status bar names as such.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from gui.resources import app_root, assets_dir
from solver.contract import ModelCard, read_sidecar, sidecar_path
from solver.halting import Step


@dataclass(frozen=True)
class ModelChoice:
    """The model file for a kind and a note on where it came from."""

    kind: str
    path: Path | None
    origin: str  # "settings", "shipped", "test" or "none"

    @property
    def note(self) -> str:
        """One line for the status bar."""
        if self.path is None:
            return f"no {self.kind} model installed"
        if self.origin == "test":
            return f"no shipped {self.kind} model yet: using the tiny untrained test model"
        return f"{self.origin} model {self.path.name}"


@dataclass(frozen=True)
class LoadedModel:
    """A model ready to run: what the solve job and the status bar need."""

    name: str
    path: str
    card: ModelCard
    provider: str  # "CUDA" or "CPU"
    provider_reason: str  # the runtime's one-line explanation
    step: Step


def choose_model(kind: str, configured: str = "") -> ModelChoice:
    """The model file to use for `kind` (see the module docstring for the order)."""
    if configured:
        return ModelChoice(kind, Path(configured), "settings")
    shipped = assets_dir() / "models" / f"{kind}.onnx"
    if shipped.is_file():
        return ModelChoice(kind, shipped, "shipped")
    test = app_root() / "tests" / "assets" / f"tiny_{kind}.onnx"
    if test.is_file():
        return ModelChoice(kind, test, "test")
    return ModelChoice(kind, None, "none")


def read_card(path: Path) -> ModelCard:
    """The sidecar card of a model (no onnxruntime needed); ValueError when unreadable."""
    return read_sidecar(sidecar_path(path))


class ModelCache:
    """Loaded sessions by (file, force_cpu); safe to call from worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[tuple[str, bool], LoadedModel] = {}

    def load(self, path: Path, force_cpu: bool) -> LoadedModel:
        """Load (or reuse) a model; ValueError naming the file when it cannot be used."""
        key = (str(Path(path).resolve()), force_cpu)
        with self._lock:
            if key in self._models:
                return self._models[key]
            # Imported here, on the worker thread: onnxruntime takes a while to import.
            from solver.session import CUDA, ModelSession, SessionSettings

            session = ModelSession.open(
                path, SessionSettings(force_cpu=force_cpu, leave_core_for_ui=True)
            )
            model = LoadedModel(
                name=Path(path).stem,
                path=str(path),
                card=session.card,
                provider="CUDA" if session.provider == CUDA else "CPU",
                provider_reason=session.provider_line,
                step=session.step,
            )
            self._models[key] = model
            return model

    def forget(self) -> None:
        """Drop every loaded session (settings changed)."""
        with self._lock:
            self._models.clear()
