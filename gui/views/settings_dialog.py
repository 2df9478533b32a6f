"""SettingsDialog: the Preferences form over an AppSettings value."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.settings import THEMES, AppSettings


@dataclass(frozen=True)
class KindModel:
    """A puzzle kind's row in the form: its name, its title and its shipped model (None: none)."""

    name: str
    title: str
    shipped: Path | None


def default_text(shipped: Path | None) -> str:
    """What an empty model field means, said plainly."""
    if shipped is None:
        return "none installed: Solve stays off until you choose a model file"
    return f"default: the shipped model {shipped.name}"


class _ModelField(QWidget):
    """A path line with a Browse button; empty means the shipped model, if there is one."""

    def __init__(self, value: str, shipped: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(value)
        self.edit.setPlaceholderText(default_text(shipped))
        self.edit.setToolTip("A model file you choose runs as your choice; it is never called shipped")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        line.addWidget(self.edit, 1)
        line.addWidget(browse)
        rows.addLayout(line)
        if shipped is None:
            self.note.setText("No trained model of this kind is installed; Solve is off unless you choose one here.")
            rows.addWidget(self.note)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a model", self.edit.text(), "ONNX model (*.onnx)")
        if path:
            self.edit.setText(path)


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `value()` returns the edited copy."""

    def __init__(self, settings: AppSettings, kinds: Sequence[KindModel], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._base = settings
        self._kinds = list(kinds)
        self.models = {k.name: _ModelField(settings.model_for(k.name), k.shipped) for k in self._kinds}
        self.max_passes = QSpinBox()
        self.max_passes.setRange(0, 1000)
        self.max_passes.setSpecialValueText("model's own")
        self.max_passes.setValue(settings.max_passes)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setSpecialValueText("model's own")
        self.threshold.setValue(settings.halt_threshold)
        # The halting loop lets the rule checker decide where a kind has one: say so here, where
        # a person would otherwise expect the threshold to stop every puzzle.
        self.threshold.setToolTip("The halt probability at which an ARC answer stops. A Sudoku or a maze "
                                  "stops when its answer verifies, or at Max passes, whatever the halt head says")
        self.tta = QSpinBox()
        self.tta.setRange(1, 8)
        self.tta.setValue(settings.tta_k)
        self.tta.setToolTip("Views of the puzzle (rotations, relabellings) voted over; 1 = off")
        self.retry = _off_or_count(8, settings.retry_tta,
                                   "When the rule checker rejects the answer, solve the puzzle again as this many "
                                   "other views and keep a verified answer; mazes use at most 7")
        self.explore = _off_or_count(32, settings.explore,
                                     "When the answer is still not verified after the views, continue the model's own "
                                     "state as this many branches with noise on its latent thought; the first verified "
                                     "branch wins (the timeline shows which)")
        self.commit = _off_or_count(64, settings.commit,
                                    "Sudoku: when the answer is still not verified, fix the cells the model is surest "
                                    "of (those the rules allow) as givens and let it think on, up to this many rounds; "
                                    "how a nearly empty grid, which has many solutions, gets one of them")
        self.force_cpu = QCheckBox("Run on the CPU even when a GPU is available")
        self.force_cpu.setChecked(settings.force_cpu)
        self.animation = QSpinBox()
        self.animation.setRange(10, 5000)
        self.animation.setSuffix(" ms")
        self.animation.setValue(settings.animation_ms)
        self.theme = QComboBox()
        self.theme.addItems(THEMES)
        self.theme.setCurrentText(settings.theme)
        form = QFormLayout(self)
        for k in self._kinds:
            form.addRow(f"{k.title} model", self.models[k.name])
        form.addRow("Max passes", self.max_passes)
        form.addRow("Halting threshold", self.threshold)
        form.addRow("Test-time augmentation K", self.tta)
        form.addRow("Retry unverified answers with K views", self.retry)
        form.addRow("Then explore K noisy branches", self.explore)
        form.addRow("Then fix the surest cells, R rounds", self.commit)
        form.addRow("", self.force_cpu)
        form.addRow("Animation step", self.animation)
        form.addRow("Appearance", self.theme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def value(self) -> AppSettings:
        """The settings as edited."""
        models = dict(self._base.models)
        for name, field in self.models.items():
            models[name] = field.edit.text().strip()
        return dataclasses.replace(
            self._base,
            models=models,
            max_passes=self.max_passes.value(),
            halt_threshold=self.threshold.value(),
            tta_k=self.tta.value(),
            retry_tta=self.retry.value(),
            explore=self.explore.value(),
            commit=self.commit.value(),
            force_cpu=self.force_cpu.isChecked(),
            animation_ms=self.animation.value(),
            theme=self.theme.currentText(),
        ).validated()


def _off_or_count(most: int, value: int, tip: str) -> QSpinBox:
    """A spin box of 0 ("off") to `most`."""
    box = QSpinBox()
    box.setRange(0, most)
    box.setSpecialValueText("off")
    box.setValue(value)
    box.setToolTip(tip)
    return box
