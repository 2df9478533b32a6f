"""``--startup-probe``: time from process start until the main window is first shown, then exit.

Used by packaging/measure_startup.py to measure the cold start of a frozen build. The line it
prints (``startup-probe: shown after S s; wall T``) gives the process age read from /proc (10 ms
ticks, so the bootloader and interpreter start-up count) and the wall clock, so a caller that
noted the time before launching can compute launch-to-shown exactly.
"""

from __future__ import annotations

import logging
import os
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)


def process_age_s() -> float | None:
    """Seconds since the kernel started this process (Linux), None where /proc is missing."""
    try:
        with open("/proc/self/stat", "rb") as f:
            stat = f.read()
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        # The command name may hold spaces: fields are counted after its closing parenthesis,
        # where field 3 (state) comes first, so starttime (field 22) is item 19.
        start_ticks = int(stat.rsplit(b")", 1)[1].split()[19])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class FirstShowProbe(QObject):
    """Reports once when `window` gets its first show event, after pending paints, then quits."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._fired = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Show and not self._fired:
            self._fired = True
            # A zero timer runs after the events already queued, the first paint among them.
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        age = process_age_s()
        shown = "unknown" if age is None else f"{age:.3f}"
        line = f"startup-probe: shown after {shown} s; wall {time.time():.6f}"
        print(line, flush=True)
        log.info(line)
        QApplication.quit()
