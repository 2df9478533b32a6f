"""Write PNG screenshots of every tab mid-solve: `python tools/screenshots.py [--out DIR]`.

For each tab (the window's panel registry) it opens the middle one of the kind's sample files.
With a model for the kind it solves it with default settings, except that the halting threshold
is 1.0 so the model runs to its cap: with `--running`, `<kind>-running.png` is taken while the
passes arrive (the model slowed to 60 ms a pass); `<kind>.png` after the run with the timeline moved back to a
middle pass, so it shows an answer still being refined (and `<kind>-beliefs.png`, the same pass
with the model's top candidates per blank, where the tab draws them). A kind without a model is shown as it
is (`<kind>.png`: the tab saying so). Then `sudoku-pencil-dark.png` (pencil marks, dark
appearance), `sudoku-nearly-empty.png` (a grid of three givens, completed) and `arc-minimum-<w>x<h>.png` (the ARC tab at the window's minimum size); with
`--learn S`, `arc-learned.png` (the first ARC sample learned for S seconds, then solved). Offscreen
unless a display is set (e.g. under Xvfb).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
import time
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import gui  # noqa: E402,F401  (protects against the PySide reference bug before Qt starts)

OUT = ROOT / "docs" / "screenshots"
SIZE = (1180, 900)
log = logging.getLogger("screenshots")


def _wait(app: QApplication, done, timeout_ms: int = 60000) -> None:
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: loop.quit() if done() else None)
    QTimer.singleShot(timeout_ms, loop.quit)
    timer.start()
    if not done():
        loop.exec()
    timer.stop()
    app.processEvents()


def _settle(app: QApplication, ms: int = 150) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def _slowly(step):
    def run(tokens, y, z):
        time.sleep(0.06)
        return step(tokens, y, z)

    return run


def _save(window, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    window.grab().save(str(path))
    log.info("wrote %s", path)
    return path


def shoot(app: QApplication, window, panel, out: Path, running: bool = False) -> list[Path]:
    """The pictures of one tab (see the module docstring)."""
    from gui.samples import list_samples

    window.tabs.setCurrentWidget(panel)
    samples = list_samples(panel.name, panel.kind.suffixes, panel.sample_labels)
    if samples:
        window.open_path(samples[len(samples) // 2].path, panel.name)
    if window.choice(panel.name).path is None or not samples:
        _settle(app)
        return [_save(window, out, panel.name)]
    panel.step_wrapper = _slowly if running else None
    if not panel.solve():
        return [_save(window, out, panel.name)]
    shots = []
    if running:
        _wait(app, lambda: not panel.runner.running or (panel.run is not None and len(panel.run.frames) >= 4))
        if panel.runner.running:
            shots.append(_save(window, out, f"{panel.name}-running"))
    panel.step_wrapper = None
    _wait(app, lambda: not panel.runner.running, timeout_ms=180000)
    for _ in range(max(1, panel.run.passes() // 2) if panel.run is not None else 0):
        panel.timeline.step_pass(-1)
    _settle(app)
    shots.append(_save(window, out, panel.name))
    if hasattr(panel, "set_show_beliefs"):  # the same pass with the model's beliefs as pencil marks
        panel.set_show_beliefs(True)
        _settle(app)
        shots.append(_save(window, out, f"{panel.name}-beliefs"))
        panel.set_show_beliefs(False)
    return shots


def shoot_extras(app: QApplication, window, out: Path) -> list[Path]:
    """The window's other faces: Sudoku pencil marks in dark mode, and the ARC tab at the
    window's minimum size (where it once overlapped its grids)."""
    from gui.samples import list_samples
    from gui.theme import apply_theme

    shots = []
    sudoku = next((p for p in window.panels.values() if hasattr(p, "toggle_pencil")), None)  # pencil marks
    if sudoku is not None:
        samples = list_samples(sudoku.name, sudoku.kind.suffixes, sudoku.sample_labels)
        if samples:
            window.tabs.setCurrentWidget(sudoku)
            window.open_path(samples[0].path, sudoku.name)
            empty = [c for c in range(81) if not sudoku.state.values()[c]]
            for cell in empty[:12]:  # a few candidates, as a person might pencil them
                for digit in (1 + cell % 9, 1 + (cell * 5) % 9):
                    sudoku.toggle_pencil(cell, digit)
            apply_theme(app, "dark")
            _settle(app)
            shots.append(_save(window, out, f"{sudoku.name}-pencil-dark"))
            apply_theme(app, "light")
            # A nearly empty grid as a person might start one: completed by the commit step.
            sudoku.paste_text("." * 20 + "7" + "." * 19 + "5" + "." * 19 + "3" + "." * 20)
            if sudoku.solve():
                _wait(app, lambda: not sudoku.runner.running, timeout_ms=180000)
                _settle(app)
                shots.append(_save(window, out, f"{sudoku.name}-nearly-empty"))
    # The tab with a test input beside its answer (the ARC tab), found by what it has, not its name.
    arc = next((p for p in window.panels.values() if hasattr(p, "test_view")), None)
    if arc is not None:
        window.tabs.setCurrentWidget(arc)
        window.resize(window.minimumSize())
        _settle(app, 300)
        size = window.minimumSize()
        shots.append(_save(window, out, f"{arc.name}-minimum-{size.width()}x{size.height()}"))
    return shots


def shoot_learning(app: QApplication, window, out: Path, seconds: int) -> list[Path]:
    """With --learn S: the ARC tab learns its first sample task for S seconds (the learner's
    defaults, into a temporary folder), then solves it; `arc-learned.png` shows the result, the
    attempts and the marked demos."""
    import tempfile

    from gui.samples import list_samples

    arc = next((p for p in window.panels.values() if hasattr(p, "learn_bar")), None)
    if arc is None or not arc.learn_bar.available:
        log.warning("no learning here (%s); arc-learned.png not taken", arc and arc.learn_bar.why_not)
        return []
    samples = list_samples(arc.name, arc.kind.suffixes, arc.sample_labels)
    window.resize(*SIZE)
    window.tabs.setCurrentWidget(arc)
    window.open_path(samples[0].path, arc.name)
    arc.learn_bar.cache_root = Path(tempfile.mkdtemp(prefix="trm-screenshot-learned-"))
    arc.learn_bar.seconds.setValue(seconds)
    arc.learn_bar.start()
    _wait(app, lambda: not arc.learn_bar.running, timeout_ms=(seconds + 120) * 1000)
    if arc.solve():
        _wait(app, lambda: not arc.runner.running)
    _settle(app, 300)
    return [_save(window, out, f"{arc.name}-learned")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder for the PNGs (default {OUT})")
    parser.add_argument("--running", action="store_true", help="also a picture of each tab while its passes arrive")
    parser.add_argument("--learn", type=int, default=0, metavar="S",
                        help="also learn the first ARC sample for S seconds and picture the result (needs torch)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    QCoreApplication.setOrganizationName("trm-puzzles-screenshots")
    QCoreApplication.setApplicationName("trm-puzzles-screenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app = QApplication(sys.argv[:1])
    QSettings().remove("session")  # every run starts from the samples, not the last run's work
    from gui.main_window import MainWindow
    from gui.settings import AppSettings
    from gui.theme import apply_theme

    apply_theme(app, "light")
    args.out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(dataclasses.replace(AppSettings(), halt_threshold=1.0))
    window.ask_on_quit = False  # nobody is there to answer
    window.resize(*SIZE)
    window.show()
    for panel in window.panels.values():
        shoot(app, window, panel, args.out, args.running)
    shoot_extras(app, window, args.out)
    if args.learn:
        shoot_learning(app, window, args.out, args.learn)
    window.close()


if __name__ == "__main__":
    main()
