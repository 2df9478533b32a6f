"""Portable records of where a run's data came from, for model cards and checkpoints.

A card is read on other machines, so it never carries the training machine's absolute paths:
a data file is recorded by its name, the sha256 of its bytes (so a reader can check that the same
data was used) and, where it lies inside or beside the repository, its path relative to the
repository. "generated" (the project's own generators) stays as it is.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PureWindowsPath
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PATH_FIELDS = ("data", "solutions", "init_from", "run_dir")  # TrainConfig fields that name files


def is_absolute(text: str) -> bool:
    """A POSIX or Windows absolute path (``/x``, ``C:\\x``, ``\\\\server\\x``)."""
    return text.startswith("/") or PureWindowsPath(text).is_absolute()


def relative_path(path: str, base: Path) -> str:
    """`path` relative to `base` when it is absolute and that is possible, else as given."""
    if not is_absolute(path):
        return path
    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive (Windows): no relative form exists
        return Path(path).name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def portable_source(source: str, base: Path = REPO) -> Any:
    """A data source as a card records it: "generated", or {name, sha256, path}."""
    if not source or source == "generated":
        return source
    record: dict[str, str] = {"name": Path(source).name}
    found = Path(source) if is_absolute(source) else base / source
    if found.is_file():
        record["sha256"] = sha256_of(found)
    path = relative_path(source, base)
    if not is_absolute(path) and path != record["name"]:
        record["path"] = path.replace(os.sep, "/")
    return record


def portable_train_config(train: dict[str, Any], base: Path = REPO) -> dict[str, Any]:
    """A training config for a card: every file it names as a portable record."""
    out = dict(train)
    out["data"] = [portable_source(s, base) for s in train.get("data", [])]
    for name in ("solutions", "init_from"):
        if train.get(name):
            out[name] = portable_source(str(train[name]), base)
    if train.get("run_dir"):
        out["run_dir"] = relative_path(str(train["run_dir"]), base) if is_absolute(str(train["run_dir"])) else train["run_dir"]
        if is_absolute(out["run_dir"]):
            out["run_dir"] = Path(out["run_dir"]).name
    return out


def relative_train_paths(train: dict[str, Any], cwd: Path | None = None) -> dict[str, Any]:
    """The config a checkpoint stores: absolute file paths made relative to the working folder
    (the run opens them from there again on --resume), so no absolute path is written."""
    cwd = cwd or Path.cwd()
    out = dict(train)
    out["data"] = [relative_path(s, cwd) if s != "generated" else s for s in train.get("data", [])]
    for name in PATH_FIELDS[1:]:
        if train.get(name):
            out[name] = relative_path(str(train[name]), cwd)
    return out
