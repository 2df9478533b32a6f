"""Which model each puzzle kind uses, and loading it (onnxruntime imported lazily, off the UI).

A kind's model is the file chosen in Preferences, else the shipped one (`solver.models`, the one
policy the terminal shares). Nothing else: the tiny untrained test models under tests/assets are
never a default, so a kind without a shipped model has none until the person chooses a file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from solver.contract import ModelCard, read_sidecar, sidecar_path
from solver.models import shipped_model

if TYPE_CHECKING:
    from solver.session import ModelSession


@dataclass(frozen=True)
class ModelChoice:
    """The model file for a kind and where it came from."""

    kind: str
    path: Path | None
    origin: str  # "settings" (chosen in Preferences), "shipped", "learned" (ARC, for one task) or "none"

    @property
    def label(self) -> str:
        """What the status bar says after "Model: "."""
        if self.path is None:
            return "none installed"
        if self.origin == "settings":
            return f"{self.path.stem} (your choice)"
        if self.origin == "learned":
            return "learned for this task"
        return self.path.stem

    @property
    def note(self) -> str:
        """One line on where the model comes from."""
        if self.path is None:
            return f"no {self.kind} model is installed; choose a model file in Preferences to solve"
        if self.origin == "settings":
            return f"the model file you chose in Preferences: {self.path}"
        if self.origin == "learned":
            return f"the model learned for this task on this computer: {self.path}"
        return f"the shipped model {self.path.name}"


def choose_model(kind: str, configured: str = "") -> ModelChoice:
    """The model file to use for `kind`: the one chosen in Preferences, else the shipped one."""
    if configured:
        return ModelChoice(kind, Path(configured), "settings")
    shipped = shipped_model(kind)
    return ModelChoice(kind, shipped, "shipped" if shipped is not None else "none")


def read_card(path: Path) -> ModelCard:
    """The sidecar card of a model (no onnxruntime needed); ValueError when unreadable."""
    return read_sidecar(sidecar_path(path))


class ModelCache:
    """Loaded `ModelSession`s by (file, force_cpu); safe to call from worker threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[tuple[str, bool], ModelSession] = {}

    def load(self, path: Path, force_cpu: bool) -> ModelSession:
        """Load (or reuse) a model; ValueError naming the file when it cannot be used."""
        key = (str(Path(path).resolve()), force_cpu)
        with self._lock:
            if key not in self._sessions:
                # Imported here, on the worker thread: onnxruntime takes a while to import.
                from solver.session import ModelSession, SessionSettings

                self._sessions[key] = ModelSession.open(
                    path, SessionSettings(force_cpu=force_cpu, leave_core_for_ui=True)
                )
            return self._sessions[key]

    def forget(self) -> None:
        """Drop every loaded session (settings changed)."""
        with self._lock:
            self._sessions.clear()
