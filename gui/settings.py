"""The app's settings: one typed object, persisted with QSettings."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field, fields

from PySide6.QtCore import QSettings

from solver.commit import COMMIT_ROUNDS
from solver.explore import EXPLORE

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # bump when a key is renamed or removed (2: settings/models/<kind>)
THEMES = ("system", "light", "dark")


@dataclass
class AppSettings:
    """What a person can change in Preferences; every field has a working default."""

    # kind name -> path of a .onnx chosen in Preferences; a kind not here uses its shipped model
    models: dict[str, str] = field(default_factory=dict)
    max_passes: int = 0  # 0 = the model's own cap from its sidecar
    halt_threshold: float = 0.0  # 0 = the model's own threshold from its sidecar
    tta_k: int = 1  # test-time augmentation views voted over (1 = off)
    retry_tta: int = 4  # an unverified answer is tried again as this many other views (0 = off)
    explore: int = EXPLORE  # then as this many noisy branches (0 = off; solver/explore.py), as in trm-solve
    commit: int = COMMIT_ROUNDS  # then (Sudoku) this many rounds of fixing the surest cells (0 = off; solver/commit.py)
    force_cpu: bool = False
    animation_ms: int = 250  # delay between passes when the timeline plays
    theme: str = "system"  # "system" follows the desktop; "light"/"dark" force one

    def model_for(self, kind: str) -> str:
        """The configured model path for a puzzle kind ("" = its shipped model, if any)."""
        return self.models.get(kind, "")

    def validated(self) -> AppSettings:
        """A copy with every value clamped into its legal range."""
        return dataclasses.replace(
            self,
            max_passes=max(0, min(int(self.max_passes), 1000)),
            halt_threshold=max(0.0, min(float(self.halt_threshold), 1.0)),
            tta_k=max(1, min(int(self.tta_k), 8)),
            retry_tta=max(0, min(int(self.retry_tta), 8)),
            explore=max(0, min(int(self.explore), 32)),
            commit=max(0, min(int(self.commit), 64)),
            animation_ms=max(10, min(int(self.animation_ms), 5000)),
            theme=self.theme if self.theme in THEMES else "system",
            models={k: str(v) for k, v in self.models.items() if str(v).strip()},
        )


def load_settings(store: QSettings | None = None) -> AppSettings:
    """Settings from `store` (the app's QSettings by default), defaults for anything missing."""
    store = store or QSettings()
    defaults = AppSettings()
    values: dict[str, object] = {"models": _load_models(store)}
    for f in fields(AppSettings):
        if f.name == "models":
            continue
        default = getattr(defaults, f.name)
        raw = store.value(f"settings/{f.name}", default)
        try:
            values[f.name] = _coerce(raw, type(default))
        except (TypeError, ValueError):
            log.warning("ignoring unreadable setting %s=%r", f.name, raw)
            values[f.name] = default
    return AppSettings(**values).validated()  # type: ignore[arg-type]


def save_settings(settings: AppSettings, store: QSettings | None = None) -> None:
    """Write every field to `store` (the app's QSettings by default)."""
    store = store or QSettings()
    store.setValue("settings/schema_version", SCHEMA_VERSION)
    for f in fields(AppSettings):
        if f.name != "models":
            store.setValue(f"settings/{f.name}", getattr(settings, f.name))
    store.remove("settings/models")
    for key in store.allKeys():  # schema 1's per-kind keys, now under settings/models
        if key.startswith("settings/") and key.endswith("_model") and key.count("/") == 1:
            store.remove(key)
    for kind, path in settings.models.items():
        store.setValue(f"settings/models/{kind}", path)
    store.sync()


def _load_models(store: QSettings) -> dict[str, str]:
    """settings/models/<kind> keys, and the "<kind>_model" keys schema 1 wrote (read once, kept)."""
    models: dict[str, str] = {}
    for key in store.allKeys():
        if key.startswith("settings/") and key.endswith("_model"):  # schema 1: settings/sudoku_model
            name = key.removeprefix("settings/").removesuffix("_model")
            value = str(store.value(key, "") or "")
            if value and key.count("/") == 1:
                models[name] = value
    for key in store.allKeys():
        if key.startswith("settings/models/"):
            value = str(store.value(key, "") or "")
            if value:
                models[key.removeprefix("settings/models/")] = value
    return models


def _coerce(raw: object, kind: type) -> object:
    """QSettings hands back strings from .ini files: turn them into the field's type."""
    if kind is bool:
        if isinstance(raw, str):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        return bool(raw)
    return kind(raw)
