"""The frozen app (PyInstaller one-folder build) starts offscreen, finds its model and solves.

Slow: builds the CPU flavour with packaging/build.py (its own environment, no archive) unless
TRM_BUNDLE names an already built folder (the one holding `trm-puzzles` and `_internal/`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the packaging scripts build the Linux flavours"),
]


@pytest.fixture(scope="module")
def bundle() -> Path:
    given = os.environ.get("TRM_BUNDLE")
    if given:
        return Path(given)
    # A system interpreter, not this test venv's: the build makes its own environment from it.
    python = os.environ.get("TRM_PACKAGE_PYTHON", "python3")
    subprocess.run([python, str(ROOT / "packaging" / "build.py"), "--flavour", "cpu", "--no-archive"],
                   cwd=ROOT, check=True, timeout=1800)
    return ROOT / "dist" / "cpu" / "trm-puzzles"


def run_frozen(bundle: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run([str(bundle / "trm-puzzles"), *args], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_frozen_self_test_solves(bundle: Path, tmp_path: Path) -> None:
    done = run_frozen(bundle, tmp_path, "--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("self-test: ok;") and "; model sudoku;" in done.stdout, done.stdout
    assert "result verified" in done.stdout


def test_frozen_crash_leaves_a_report_and_a_log(bundle: Path, tmp_path: Path) -> None:
    done = run_frozen(bundle, tmp_path, "--crash-test")
    assert done.returncode != 0
    reports = list((tmp_path / "data").rglob("crash-*.txt"))
    assert len(reports) == 1, done.stdout + done.stderr
    text = reports[0].read_text(encoding="utf-8")
    assert "frozen=True" in text and "RuntimeError: --crash-test" in text
    assert list((tmp_path / "data").rglob("trm-puzzles.log"))


def test_bundle_holds_no_torch_training_export_or_test_code(bundle: Path) -> None:
    # The check reads the executables' archives with PyInstaller: the build environment's Python.
    python = ROOT / ".venv-package-cpu" / "bin" / "python"
    if not python.exists():
        pytest.skip("no .venv-package-cpu to read the executables' archives with")
    done = subprocess.run([str(python), str(ROOT / "packaging" / "check_bundle.py"), str(bundle), "--flavour", "cpu"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_learning_add_on_learns_a_task_inside_the_frozen_app(bundle: Path) -> None:
    """packaging/build_learn.py builds trm-learn (CPU torch) and fails unless it learns from scratch
    and from its own arc.init.pt, and the frozen app's trm-solve learns a task through it."""
    python = os.environ.get("TRM_PACKAGE_PYTHON", "python3")
    torch_index = os.environ.get("TRM_TORCH_INDEX", "https://download.pytorch.org/whl/cpu")
    done = subprocess.run([python, str(ROOT / "packaging" / "build_learn.py"), "--no-archive", "--startup-runs", "1",
                           "--torch-index", torch_index, "--app", str(bundle)],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "in the app: trm-solve: 1 tasks" in done.stderr and "from arc.init.pt" in done.stderr
    assert not (bundle / "learn").exists()  # the test put it in and took it out again
