"""Write PNG screenshots of the Sudoku, maze and ARC tabs mid-solve: `python tools/screenshots.py`.

Runs offscreen at a fixed window size with default settings, except that the halting threshold
is 1.0 so every model runs to its cap; the timeline is then moved back to a
middle pass, so each picture shows an answer still being refined.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import gui  # noqa: E402,F401  (protects against the PySide reference bug before Qt starts)

OUT = ROOT / "docs" / "screenshots"
SIZE = (1180, 900)
log = logging.getLogger("screenshots")


def _wait_solved(panel, timeout_ms: int = 60000) -> None:
    loop = QEventLoop()
    panel.run.runningChanged.connect(lambda running: None if running else loop.quit())
    QTimer.singleShot(timeout_ms, loop.quit)
    if panel.run.running:
        loop.exec()


def _settle(app: QApplication, ms: int = 100) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    app.processEvents()


def _mid_solve(app, window, panel, name: str, back: int) -> Path:
    panel.solve()
    _wait_solved(panel)
    for _ in range(back):
        panel.timeline.step_pass(-1)
    _settle(app)
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    log.info("wrote %s", path)
    return path


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    QCoreApplication.setOrganizationName("trm-puzzles-screenshots")
    QCoreApplication.setApplicationName("trm-puzzles-screenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app = QApplication(sys.argv[:1])
    from gui.main_window import MainWindow
    from gui.settings import AppSettings
    from gui.theme import apply_theme

    apply_theme(app, "light")
    OUT.mkdir(parents=True, exist_ok=True)
    window = MainWindow(dataclasses.replace(AppSettings(), halt_threshold=1.0))
    window.resize(*SIZE)
    window.show()
    samples = ROOT / "assets" / "puzzles"

    window.open_path(samples / "sudoku" / "medium.sdm", "sudoku")
    window.sudoku.board.select(40)
    _mid_solve(app, window, window.sudoku, "sudoku", back=4)

    window.open_path(samples / "maze" / "medium_15x15.txt", "maze")
    _mid_solve(app, window, window.maze, "maze", back=1)

    window.open_path(samples / "arc" / "mirror_left_right.json", "arc")
    arc = window.arc
    arc.copy_from_input()
    arc.set_colour(2)
    arc.paint([(0, 0), (0, 1)])
    _mid_solve(app, window, arc, "arc", back=3)
    window.close()


if __name__ == "__main__":
    main()
