"""Fail if a built bundle holds code that must never ship: torch, training, export or tests.

Looks at both places code can hide in a PyInstaller one-folder build: the files on disk, and the
Python modules inside each executable's embedded PYZ archive (read with PyInstaller's own archive
reader, so run this with the packaging environment's Python). Also checks the onnxruntime
flavour: the CUDA provider library must be there in the gpu build and absent in the cpu build.

    .venv-package-cpu/bin/python packaging/check_bundle.py dist/cpu/trm-puzzles --flavour cpu
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

log = logging.getLogger("check")

# Top-level Python packages that must not be importable from the bundle.
FORBIDDEN_MODULES = {"torch", "torchvision", "training", "export", "tests", "onnx", "onnxscript", "pytest", "pytestqt", "hypothesis", "matplotlib"}
# Files on disk: torch's libraries, Python code of the forbidden packages, test files.
FORBIDDEN_FILES = re.compile(
    r"(^|/)(torch|torchvision|training|export|onnxscript|pytest)(/|$)"  # package folders
    r"|libtorch|libc10"  # torch's native libraries under any name
    r"|(^|/)tests?/.*\.pyc?$|(^|/)test_[^/]*\.pyc?$|conftest\.pyc?$"  # test code
)
# Data that may sit under tests/: the tiny models the spec ships on purpose (see the spec).
ALLOWED_TEST_DATA = re.compile(r"^_internal/tests/assets/tiny_(sudoku|maze|arc)\.onnx(\.json)?$")
EXECUTABLES = ("trm-puzzles", "trm-solve")


def embedded_modules(executable: Path) -> list[str]:
    """The module names in the PYZ archive embedded in a PyInstaller executable."""
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(executable))
    names = [name for name in archive.toc if name.endswith(".pyz")]
    modules: list[str] = []
    for name in names:
        modules += list(archive.open_embedded_archive(name).toc)
    return modules


def problems(bundle: Path, flavour: str) -> list[str]:
    """Everything wrong with `bundle`, one line each; empty when it is clean."""
    found: list[str] = []
    files = sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file() or p.is_symlink())
    for rel in files:
        if rel.startswith("_internal/tests/") and not ALLOWED_TEST_DATA.match(rel):
            found.append(f"file under tests/ that is not a shipped tiny model: {rel}")
        elif FORBIDDEN_FILES.search(rel):
            found.append(f"forbidden file: {rel}")
    for name in EXECUTABLES:
        exe = bundle / name
        if not exe.is_file():
            found.append(f"missing executable: {name}")
            continue
        for module in embedded_modules(exe):
            if module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"forbidden module in {name}: {module}")
    cuda = [f for f in files if f.endswith("libonnxruntime_providers_cuda.so")]
    if flavour == "gpu" and not cuda:
        found.append("gpu flavour without libonnxruntime_providers_cuda.so")
    if flavour == "cpu" and cuda:
        found.append(f"cpu flavour with the CUDA provider: {cuda[0]} (onnxruntime-gpu in the build env?)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bundle", type=Path, help="the one-folder build (holds trm-puzzles and _internal/)")
    parser.add_argument("--flavour", choices=("cpu", "gpu"), required=True, help="which onnxruntime the build must hold")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    found = problems(args.bundle, args.flavour)
    for line in found:
        log.error("%s", line)
    if found:
        return 1
    log.info("%s: no torch, training, export or test code; onnxruntime flavour %s", args.bundle, args.flavour)
    return 0


if __name__ == "__main__":
    sys.exit(main())
