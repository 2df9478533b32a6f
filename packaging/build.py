"""Build the trm-puzzles one-folder app and its Linux archive, from a clean checkout.

    python3 packaging/build.py --flavour cpu     # make package
    python3 packaging/build.py --flavour gpu     # make package-gpu

Steps, each logged with its time:
1. a build environment of its own (.venv-package-<flavour>) from packaging/requirements-<flavour>.txt:
   numpy, PySide6-Essentials, onnxruntime or onnxruntime-gpu, PyInstaller; never torch, and
   never the development venv;
2. PyInstaller with packaging/trm-puzzles.spec into dist/<flavour>/trm-puzzles/;
3. pruning of unused Qt parts, libraries and ICU data (packaging/prune_bundle.py), and a check
   that the trimmed ICU data answers Qt's ICU calls as the full data does (packaging/icu_probe.py);
4. the content check: no torch, training, export or test code (packaging/check_bundle.py);
5. smoke tests of the frozen app: --version, --self-test offscreen (finds its model and solves),
   trm-solve on a sample, and a deliberate crash that must leave a report in the data folder;
6. the .desktop file, icon and menu installer beside the executables, then
   dist/trm-puzzles-<version>-linux-x86_64-<flavour>.tar.xz;
7. a JSON report next to the archive: build time, sizes, what was removed, smoke-test output
   (and the start-up time with --startup-runs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import prune_bundle

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "packaging"
log = logging.getLogger("build")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    log.info("$ %s", " ".join(str(c) for c in command))
    return subprocess.run([str(c) for c in command], check=True, **kwargs)


def project_version() -> str:
    """The `version = "..."` of pyproject.toml (a regex: tomllib is Python 3.11+, the project 3.10+)."""
    found = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    if not found:
        raise SystemExit("no version in pyproject.toml")
    return found.group(1)


def ensure_venv(venv: Path, requirements: Path, python: str, pip_args: tuple[str, ...] = ()) -> Path:
    """The build environment's Python, (re)installed when the requirements file changed.
    `pip_args` go to the install (e.g. an extra index)."""
    bin_python = venv / "bin" / "python"
    stamp = venv / ".requirements-sha256"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    if bin_python.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        log.info("build environment %s is up to date", venv)
        return bin_python
    if not bin_python.exists():
        run([python, "-m", "venv", venv])
        run([bin_python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([bin_python, "-m", "pip", "install", "--quiet", *pip_args, "-r", requirements])
    stamp.write_text(digest + "\n")
    return bin_python


def check_environment(bin_python: Path, flavour: str) -> None:
    """Refuse an environment with torch, or with both onnxruntime wheels (same module name)."""
    probe = (
        "import importlib.metadata as m, json\n"
        "have = {d.metadata['Name'].lower() for d in m.distributions()}\n"
        "print(json.dumps(sorted(have)))\n"
    )
    have = set(json.loads(subprocess.run([bin_python, "-c", probe], check=True, capture_output=True, text=True).stdout))
    wanted = "onnxruntime-gpu" if flavour == "gpu" else "onnxruntime"
    ort = have & {"onnxruntime", "onnxruntime-gpu"}
    if "torch" in have:
        raise SystemExit(f"{bin_python}: torch is installed in the build environment; delete it and rebuild")
    if ort != {wanted}:
        raise SystemExit(f"{bin_python}: needs exactly {wanted}, has {sorted(ort) or 'none'}")


def folder_size(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def clean_env(home: str) -> dict[str, str]:
    """Offscreen Qt and throw-away settings/data folders, so smoke tests touch nothing real."""
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=f"{home}/config",
                XDG_DATA_HOME=f"{home}/data", XDG_CACHE_HOME=f"{home}/cache")


def smoke_test(bundle: Path, version: str, timeout: float = 300.0) -> dict[str, str]:
    """Run the frozen executables; their output by check. SystemExit with the output on failure."""
    out: dict[str, str] = {}
    gui, solve = bundle / "trm-puzzles", bundle / "trm-solve"
    with tempfile.TemporaryDirectory(prefix="trm-smoke-") as home:
        env = clean_env(home)

        def call(name: str, command: list[str], expect_ok: bool = True) -> str:
            done = subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True, timeout=timeout, check=False)
            text = (done.stdout + done.stderr).strip()
            if (done.returncode == 0) != expect_ok:
                raise SystemExit(f"smoke test {name} failed (exit {done.returncode}):\n{text}")
            log.info("%s: %s", name, text.splitlines()[-1] if text else "(no output)")
            out[name] = text
            return text

        if f"trm-puzzles {version}" not in call("version", [gui, "--version"]):
            raise SystemExit(f"--version does not say {version}")
        if "self-test: ok" not in call("self-test", [gui, "--self-test"]):
            raise SystemExit("--self-test did not report ok")
        sample = bundle / "_internal" / "assets" / "puzzles" / "sudoku" / "easy.sdm"
        model = next((bundle / "_internal" / d / f"{n}sudoku.onnx" for d, n in (("assets/models", ""), ("tests/assets", "tiny_"))
                      if (bundle / "_internal" / d / f"{n}sudoku.onnx").is_file()), None)
        if model is None:
            raise SystemExit("no Sudoku model in the bundle")
        call("trm-solve", [solve, sample, "--model", model, "--max-passes", "2"])
        # Frozen logging: a deliberate crash must leave a readable report and a log file.
        call("crash-test", [gui, "--crash-test"], expect_ok=False)
        data = Path(home) / "data"
        reports = sorted(data.rglob("crash-*.txt"))
        logs = sorted(data.rglob("trm-puzzles.log"))
        if not reports or "RuntimeError: --crash-test" not in reports[0].read_text(encoding="utf-8"):
            raise SystemExit(f"--crash-test left no readable crash report under {data}")
        if not logs:
            raise SystemExit(f"the frozen app wrote no log file under {data}")
        out["crash-report"] = str(reports[0].relative_to(data))
        out["log-file"] = str(logs[0].relative_to(data))
        log.info("crash report %s and log %s written under XDG_DATA_HOME", out["crash-report"], out["log-file"])
    return out


def check_icu(bin_python: Path, bundle: Path) -> str:
    """The bundle's trimmed libicudata must answer every ICU call Qt makes as the full one does.

    Runs icu_probe.py with the build environment's PySide6 (the wheel the bundle was made from)
    twice: as installed, then with LD_PRELOAD naming the bundle's libicudata, which then stands in
    for the wheel's own (same soname). SystemExit listing the differing answers.
    """
    trimmed = next(p for p in sorted(bundle.rglob("libicudata.so.*")) if p.is_file() and not p.is_symlink())
    answers = []
    with tempfile.TemporaryDirectory(prefix="trm-icu-") as home:
        for preload in ({}, {"LD_PRELOAD": str(trimmed.resolve())}):
            done = subprocess.run([str(bin_python), str(HERE / "icu_probe.py")], env={**clean_env(home), **preload},
                                  capture_output=True, text=True, timeout=300, check=False)
            if done.returncode != 0:
                raise SystemExit(f"ICU probe failed (exit {done.returncode}, {preload or 'full data'}):\n{done.stderr}")
            answers.append(json.loads(done.stdout))
    full, cut = answers
    if cut.pop("icudata") != str(trimmed.resolve()) or full.pop("icudata") == str(trimmed.resolve()):
        raise SystemExit("ICU check: LD_PRELOAD did not swap libicudata; nothing was compared")
    differ = sorted(key for key in full.keys() | cut.keys() if full.get(key) != cut.get(key))
    if differ:
        raise SystemExit(f"the trimmed ICU data answers {len(differ)} of Qt's ICU calls differently: {differ[:20]}")
    text = f"{len(full)} answers identical with the full ICU data"
    log.info("ICU check: %s", text)
    return text


def add_desktop_files(bundle: Path) -> None:
    """The .desktop entry, the icon and the per-user menu installer, beside the executables."""
    shutil.copy2(HERE / "linux" / "trm-puzzles.desktop", bundle / "trm-puzzles.desktop")
    shutil.copy2(HERE / "linux" / "install-desktop-entry.sh", bundle / "install-desktop-entry.sh")
    shutil.copy2(ROOT / "assets" / "icons" / "trm-puzzles.png", bundle / "trm-puzzles.png")


def make_archive(bundle: Path, archive: Path) -> None:
    """tar.xz of the folder, with neutral owners so the archive does not carry the builder's.

    GNU tar with multi-threaded xz when both are there (Python's lzma uses one core: about four
    minutes for the CPU build here), else Python's tarfile.
    """
    tar, xz = shutil.which("tar"), shutil.which("xz")
    if tar and xz:
        run([tar, "--create", "--file", archive, "--use-compress-program", f"{xz} -T0 -6",
             "--owner=0", "--group=0", "--numeric-owner", "--sort=name",
             "--directory", bundle.parent, bundle.name])
        return

    def neutral(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(archive, "w:xz", preset=6) as tar:
        tar.add(bundle, arcname=bundle.name, filter=neutral)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flavour", choices=("cpu", "gpu"), default="cpu", help="cpu: plain onnxruntime (smallest); gpu: onnxruntime-gpu")
    parser.add_argument("--python", default=sys.executable, help="interpreter the build environment is made from (default: this one)")
    parser.add_argument("--venv", type=Path, help="build environment (default: .venv-package-<flavour> in the repo)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller work folder (default: build/)")
    parser.add_argument("--no-prune", action="store_true", help="keep everything PyInstaller collected (to compare sizes)")
    parser.add_argument("--no-archive", action="store_true", help="stop after the smoke tests; no tar.xz")
    parser.add_argument("--startup-runs", type=int, default=0, help="also measure launch-to-shown this many times (median)")
    parser.add_argument("--cold", action="store_true", help="with --startup-runs: drop the page cache before each run (root)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    if not sys.platform.startswith("linux"):
        raise SystemExit("this script builds the Linux flavours; see packaging/README.md for Windows and macOS")

    flavour, version = args.flavour, project_version()
    report: dict[str, object] = {"flavour": flavour, "version": version, "platform": platform.platform()}
    venv = args.venv or ROOT / f".venv-package-{flavour}"
    started = time.perf_counter()
    bin_python = ensure_venv(venv, HERE / f"requirements-{flavour}.txt", args.python)
    check_environment(bin_python, flavour)
    report["environment_s"] = round(time.perf_counter() - started, 1)

    dist = args.dist / flavour
    bundle = dist / "trm-puzzles"
    t0 = time.perf_counter()
    run([bin_python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", dist, "--workpath", args.work / f"pyinstaller-{flavour}",
         HERE / "trm-puzzles.spec", "--", "--flavour", flavour], cwd=ROOT)
    report["pyinstaller_s"] = round(time.perf_counter() - t0, 1)
    report["collected_mb"] = round(folder_size(bundle) / 1e6, 1)
    log.info("PyInstaller: %.0f s, %.1f MB collected", report["pyinstaller_s"], report["collected_mb"])

    if not args.no_prune:
        removed = prune_bundle.prune(bundle)
        report["removed"] = [{"path": p, "mb": round(b / 1e6, 2), "why": w} for p, b, w in removed]
        log.info("pruned %.1f MB in %d items", sum(b for _, b, _ in removed) / 1e6, len(removed))
        if any(p.is_file() and not p.is_symlink() for p in bundle.rglob("libicudata.so.*")):
            report["icu_check"] = check_icu(bin_python, bundle)

    # The content check reads the executables' archives with PyInstaller: the build env's Python.
    run([bin_python, HERE / "check_bundle.py", bundle, "--flavour", flavour])
    report["smoke"] = smoke_test(bundle, version)
    add_desktop_files(bundle)
    report["bundle_mb"] = round(folder_size(bundle) / 1e6, 1)
    report["build_s"] = round(time.perf_counter() - started, 1)  # environment (if any) to tested bundle

    stem = f"trm-puzzles-{version}-linux-{platform.machine()}-{flavour}"
    if not args.no_archive:
        t0 = time.perf_counter()
        archive = args.dist / f"{stem}.tar.xz"
        make_archive(bundle, archive)
        report["archive"] = str(archive.relative_to(args.dist))
        report["archive_mb"] = round(archive.stat().st_size / 1e6, 1)
        report["archive_s"] = round(time.perf_counter() - t0, 1)
    if args.startup_runs:
        measured = args.dist / f"{stem}-startup.json"
        run([sys.executable, HERE / "measure_startup.py", bundle / "trm-puzzles", "--runs", str(args.startup_runs),
             "--json", measured, *(["--cold"] if args.cold else [])])
        report["startup"] = json.loads(measured.read_text())
    (args.dist / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    log.info("%s build: %.1f MB unpacked%s, %.0f s; report %s", flavour, report["bundle_mb"],
             f", {report['archive_mb']} MB archive" if "archive_mb" in report else "", report["build_s"],
             args.dist / f"{stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
