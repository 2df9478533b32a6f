"""GUI tests run offscreen, with settings in a temporary place and no real user files touched."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QCoreApplication, QSettings


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    """Every test gets its own QSettings folder and organisation name."""
    QCoreApplication.setOrganizationName("trm-puzzles-tests")
    QCoreApplication.setApplicationName("trm-puzzles-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield tmp_path / "settings"
