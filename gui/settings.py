"""The app's settings: one typed object, persisted with QSettings."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, fields

from PySide6.QtCore import QSettings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1  # bump when a key is renamed or removed
THEMES = ("system", "light", "dark")


@dataclass
class AppSettings:
    """What a person can change in Preferences; every field has a working default."""

    sudoku_model: str = ""  # path to a .onnx; "" = the shipped model (or the test model)
    maze_model: str = ""
    arc_model: str = ""
    max_passes: int = 0  # 0 = the model's own cap from its sidecar
    halt_threshold: float = 0.0  # 0 = the model's own threshold from its sidecar
    tta_k: int = 1  # test-time augmentation views voted over (1 = off)
    retry_tta: int = 4  # an unverified answer is tried again as this many other views (0 = off)
    force_cpu: bool = False
    animation_ms: int = 250  # delay between passes when the timeline plays
    theme: str = "system"  # "system" follows the desktop; "light"/"dark" force one

    def model_for(self, kind: str) -> str:
        """The configured model path for a puzzle kind ("" = default)."""
        return str(getattr(self, f"{kind}_model", ""))

    def validated(self) -> AppSettings:
        """A copy with every value clamped into its legal range."""
        return dataclasses.replace(
            self,
            max_passes=max(0, min(int(self.max_passes), 1000)),
            halt_threshold=max(0.0, min(float(self.halt_threshold), 1.0)),
            tta_k=max(1, min(int(self.tta_k), 8)),
            retry_tta=max(0, min(int(self.retry_tta), 8)),
            animation_ms=max(10, min(int(self.animation_ms), 5000)),
            theme=self.theme if self.theme in THEMES else "system",
        )


def load_settings(store: QSettings | None = None) -> AppSettings:
    """Settings from `store` (the app's QSettings by default), defaults for anything missing."""
    store = store or QSettings()
    defaults = AppSettings()
    values: dict[str, object] = {}
    for f in fields(AppSettings):
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
        store.setValue(f"settings/{f.name}", getattr(settings, f.name))
    store.sync()


def _coerce(raw: object, kind: type) -> object:
    """QSettings hands back strings from .ini files: turn them into the field's type."""
    if kind is bool:
        if isinstance(raw, str):
            return raw.strip().lower() in ("1", "true", "yes", "on")
        return bool(raw)
    return kind(raw)
