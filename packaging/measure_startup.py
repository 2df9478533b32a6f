"""Time from launching the app until its main window is first shown (median of a few runs).

Runs ``EXE --startup-probe`` offscreen. "Launch" is the moment just before the process is
spawned; "shown" is the wall clock the app prints from the first show event of its window (after
the first paint), so the figure includes the bootloader, unpacking nothing (one folder), the
interpreter, the imports and building the window. With --cold the page cache is dropped before
each run (root only), so every library is read from disk again.

    python packaging/measure_startup.py dist/cpu/trm-puzzles/trm-puzzles --runs 5 --cold
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger("startup")
PROBE = re.compile(r"startup-probe: shown after (\S+) s; wall (\S+)")


def drop_page_cache() -> bool:
    """Write back dirty pages and drop the page cache; False when not allowed (not root)."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as err:
        log.warning("cannot drop the page cache (%s): this run is not cold", err)
        return False
    return True


def one_run(command: list[str], cold: bool, timeout: float) -> dict[str, float | bool]:
    """Launch once; launch-to-shown seconds (wall) and the app's own process-age figure."""
    was_cold = drop_page_cache() if cold else False
    with tempfile.TemporaryDirectory(prefix="trm-startup-") as home:
        # A fresh settings/data folder each run: no saved geometry or theme skews the figure.
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=f"{home}/config",
                   XDG_DATA_HOME=f"{home}/data", XDG_CACHE_HOME=f"{home}/cache")
        launched = time.time()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    match = PROBE.search(done.stdout)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"{command} exited {done.returncode} without a probe line:\n{done.stdout}\n{done.stderr}")
    age = float(match.group(1)) if match.group(1) != "unknown" else float("nan")
    return {"launch_to_shown_s": float(match.group(2)) - launched, "process_age_s": age, "cold": was_cold}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exe", type=Path, help="the frozen trm-puzzles executable (or any command taking --startup-probe)")
    parser.add_argument("--runs", type=int, default=5, help="how many launches (default 5); the median is reported")
    parser.add_argument("--cold", action="store_true", help="drop the page cache before each run (needs root)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a launch counts as hung")
    parser.add_argument("--json", type=Path, help="also write the runs and the median to this JSON file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    command = [str(args.exe.resolve()), "--startup-probe"]
    runs = []
    for i in range(args.runs):
        run = one_run(command, args.cold, args.timeout)
        log.info("run %d: launch to shown %.3f s (process age %.2f s)%s", i + 1, run["launch_to_shown_s"],
                 run["process_age_s"], ", cold" if run["cold"] else "")
        runs.append(run)
    median = statistics.median(r["launch_to_shown_s"] for r in runs)
    cold = all(r["cold"] for r in runs)
    log.info("median launch to shown over %d %s runs: %.3f s", len(runs), "cold" if cold else "warm", median)
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "median_s": median, "cold": cold}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
