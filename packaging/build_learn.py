"""Build the learning add-on: `trm-learn` (test-time learning of ARC tasks, CPU torch) as a
PyInstaller folder that unpacks into the app's folder as ``learn/``.

    python3 packaging/build_learn.py                      # make package-learn
    python3 packaging/build_learn.py --app dist/cpu/trm-puzzles   # also test it inside a built app

People who use the installer have no pip, so learning cannot be "pip install the train extra"
for them. The app stays without torch (check_bundle.py); learning is this second folder, started
the same way as ``python -m training.learn`` (solver/learning.py: a frozen app runs
``learn/trm-learn`` beside its own executables). Steps, each logged with its time:

1. a build environment of its own (.venv-package-learn) from packaging/requirements-learn.txt
   (CPU torch from PyTorch's CPU index, --torch-index);
2. PyInstaller with packaging/trm-learn.spec into dist/learn/trm-puzzles/learn/;
3. smoke tests: ``trm-learn`` learns a tiny colour-swap task from scratch and from the shipped
   pretrained start (``assets/models/arc.init.pt`` inside the add-on) and writes its model; with
   --app, the built app's own ``trm-solve --learn-seconds`` learns a task through the add-on;
4. start-up: seconds from launching ``trm-learn`` to its first JSON line ("start") and to "done",
   median of --startup-runs;
5. dist/trm-puzzles-<version>-linux-x86_64-learn.tar.xz (top folder ``trm-puzzles/learn/``: unpack
   it where the app's folder is) and a JSON report (sizes, times, smoke output).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import ROOT, ensure_venv, folder_size, make_archive, project_version, run

HERE = ROOT / "packaging"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
log = logging.getLogger("build-learn")


def swap_task(seed: int = 0) -> dict:
    """A tiny ARC task (colours 1 and 2 swap) in the task-file layout, with its test output."""
    import random

    rng = random.Random(seed)

    def pair() -> dict:
        grid = [[rng.choice((0, 1, 2)) for _ in range(4)] for _ in range(4)]
        return {"input": grid, "output": [[{1: 2, 2: 1}.get(v, v) for v in row] for row in grid]}

    return {"train": [pair() for _ in range(3)], "test": [pair()]}


def learner_run(exe: Path, task: Path, out: Path, seconds: float, extra: list[str], env: dict[str, str]) -> dict:
    """Run trm-learn; its events, the time to its first line and to its end."""
    began = time.perf_counter()
    process = subprocess.Popen([str(exe), str(task), "--out", str(out), "--seconds", f"{seconds:g}", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    events, first = [], None
    for line in process.stdout:
        if first is None:
            first = time.perf_counter() - began
        events.append(json.loads(line))
    stderr = process.stderr.read() if process.stderr else ""
    code = process.wait(timeout=600)
    if code != 0 or not events or events[-1].get("event") != "done":
        raise SystemExit(f"trm-learn failed (exit {code}): {events[-1:] or stderr[-2000:]}")
    if not (out / "model.onnx").is_file():
        raise SystemExit(f"trm-learn said done but wrote no {out / 'model.onnx'}")
    return {"events": events, "first_line_s": round(first or 0.0, 2), "total_s": round(time.perf_counter() - began, 2)}


TINY = ["--views", "2", "--hidden-size", "16", "--T", "1", "--n", "1", "--sup-steps", "2", "--threads", "1"]


def smoke_test(addon: Path, app: Path | None, runs: int) -> dict:
    exe = addon / "trm-learn"
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="trm-learn-smoke-") as tmp:
        home = Path(tmp)
        env = dict(os.environ, XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"))
        task = home / "swap.json"
        task.write_text(json.dumps(swap_task()), encoding="utf-8")
        help_text = subprocess.run([str(exe), "--help"], capture_output=True, text=True, env=env, timeout=300, check=True).stdout
        if "--init" not in help_text:
            raise SystemExit("trm-learn --help does not describe --init")
        scratch = learner_run(exe, task, home / "scratch", 3, [*TINY, "--init", "none"], env)
        if scratch["events"][0].get("init"):
            raise SystemExit("--init none did not learn from scratch")
        log.info("from scratch: done after %.1f s (first line after %.1f s)", scratch["total_s"], scratch["first_line_s"])
        shipped = learner_run(exe, task, home / "shipped", 3, ["--threads", "1"], env)
        init = shipped["events"][0].get("init") or ""
        if Path(init).name != "arc.init.pt" or not Path(init).is_relative_to(addon):
            raise SystemExit(f"the add-on did not start from its own pretrained model (init {init!r})")
        log.info("from the shipped start %s: done after %.1f s", init, shipped["total_s"])
        out["scratch"] = {k: v for k, v in scratch.items() if k != "events"} | {"done": scratch["events"][-1]}
        out["shipped"] = {k: v for k, v in shipped.items() if k != "events"} | {"done": shipped["events"][-1]}
        starts = [learner_run(exe, task, home / f"s{i}", 1, [*TINY, "--init", "none"], env)["first_line_s"]
                  for i in range(runs)]
        out["startup_first_line_s"] = {"median": statistics.median(starts), "runs": starts}
        log.info("start-up to the first JSON line: median %.2f s of %s", statistics.median(starts), starts)
        if app is not None:
            out["in_app"] = in_app_test(addon, app, task, env)
    return out


def in_app_test(addon: Path, app: Path, task: Path, env: dict[str, str]) -> str:
    """Put the add-on into a built app (hard links) and learn a task with the app's trm-solve."""
    target = app / "learn"
    if target.exists():
        raise SystemExit(f"{target} exists already; remove it (or use another --app)")
    shutil.copytree(addon, target, symlinks=True, copy_function=os.link)
    try:
        answers = task.with_name("answers.json")
        done = subprocess.run([str(app / "trm-solve"), str(task), "--kind", "arc", "--learn-seconds", "3",
                               "--learn-threads", "1", "--out", str(answers)],
                              capture_output=True, text=True, env=env, timeout=600, check=False)
        text = (done.stdout + done.stderr).strip()
        if done.returncode != 0 or not answers.is_file():
            raise SystemExit(f"the app's trm-solve could not learn through the add-on (exit {done.returncode}):\n{text}")
        layout = json.loads(answers.read_text())
        if list(layout) != [task.stem] or "attempt_1" not in layout[task.stem][0]:
            raise SystemExit(f"the app's trm-solve wrote {layout!r}, not the submission layout")
        log.info("in the app: %s", text.splitlines()[-1])
        return text.splitlines()[-1]
    finally:
        shutil.rmtree(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=sys.executable, help="interpreter the build environment is made from (default: this one)")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv-package-learn", help="build environment (default: .venv-package-learn)")
    parser.add_argument("--torch-index", default=CPU_INDEX,
                        help=f"extra pip index holding torch's CPU wheel (default {CPU_INDEX}; '' when pip finds it already)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller work folder (default: build/)")
    parser.add_argument("--app", type=Path, help="a built app folder (dist/cpu/trm-puzzles) to test the add-on inside")
    parser.add_argument("--startup-runs", type=int, default=3, help="launches to time to the first JSON line (median; default 3)")
    parser.add_argument("--no-archive", action="store_true", help="stop after the smoke tests; no tar.xz")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    if not sys.platform.startswith("linux"):
        raise SystemExit("this script builds the Linux add-on; see packaging/README.md for Windows and macOS")
    if args.startup_runs < 1:
        parser.error("--startup-runs must be at least 1")
    if args.app is not None and not (args.app / "trm-solve").is_file():
        parser.error(f"--app {args.app}: no trm-solve there (a folder made by build.py, e.g. dist/cpu/trm-puzzles)")

    version = project_version()
    report: dict[str, object] = {"flavour": "learn", "version": version, "platform": platform.platform()}
    started = time.perf_counter()
    bin_python = ensure_venv(args.venv, HERE / "requirements-learn.txt", args.python,
                             ("--extra-index-url", args.torch_index) if args.torch_index else ())
    report["environment_s"] = round(time.perf_counter() - started, 1)
    dist = args.dist / "learn" / "trm-puzzles"
    t0 = time.perf_counter()
    run([bin_python, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", dist, "--workpath", args.work / "pyinstaller-learn", HERE / "trm-learn.spec"], cwd=ROOT)
    addon = dist / "learn"
    report["pyinstaller_s"] = round(time.perf_counter() - t0, 1)
    report["addon_mb"] = round(folder_size(addon) / 1e6, 1)
    log.info("PyInstaller: %.0f s, %.1f MB", report["pyinstaller_s"], report["addon_mb"])
    if any((addon / "_internal").rglob("PySide6")):
        raise SystemExit("the add-on holds PySide6; it has no window")
    report["smoke"] = smoke_test(addon, args.app, args.startup_runs)
    stem = f"trm-puzzles-{version}-linux-{platform.machine()}-learn"
    if not args.no_archive:
        t0 = time.perf_counter()
        archive = args.dist / f"{stem}.tar.xz"
        make_archive(dist, archive)
        report["archive"] = str(archive.relative_to(args.dist))
        report["archive_mb"] = round(archive.stat().st_size / 1e6, 1)
        report["archive_s"] = round(time.perf_counter() - t0, 1)
    report["build_s"] = round(time.perf_counter() - started, 1)
    (args.dist / f"{stem}.json").write_text(json.dumps(report, indent=2) + "\n")
    log.info("learning add-on: %.1f MB unpacked%s; report %s", report["addon_mb"],
             f", {report['archive_mb']} MB archive" if "archive_mb" in report else "", args.dist / f"{stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
