"""The GUI entry point: ``trm-puzzles`` (or ``python -m gui``).

    trm-puzzles               open the window
    trm-puzzles --self-test   open it offscreen, solve a shipped sample, print the result, exit
    trm-puzzles --version
    trm-puzzles --startup-probe   print the seconds from process start to the shown window, exit

Without a console (a frozen windowed build) it logs to ``trm-puzzles.log`` in the user's data
folder, and an unhandled exception leaves ``crash-<time>.txt`` there (a hard crash of the
interpreter: ``faults.log``).
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import os
import sys
import threading
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

ORGANISATION = "trm-puzzles"
APPLICATION = "trm-puzzles"


def _data_dir() -> Path:
    """The user's data folder for this app (logs, crash reports)."""
    from PySide6.QtCore import QStandardPaths

    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _setup_logging(verbose: bool) -> None:
    """Log to stderr, or to a file when there is no console (a frozen windowed build)."""
    level = logging.DEBUG if verbose else logging.INFO
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if sys.stderr is None or getattr(sys, "frozen", False):
        folder = _data_dir()
        logging.basicConfig(filename=folder / "trm-puzzles.log", level=level, format=fmt)
        sys.excepthook = _crash_report
        # Worker threads too: their exceptions would otherwise go to the missing stderr.
        threading.excepthook = lambda a: _crash_report(a.exc_type, a.exc_value, a.exc_traceback)
        # A segfault in a native library never reaches excepthook; faulthandler writes the
        # Python stacks of every thread. Its default stream is stderr, None without a console.
        global _fault_file  # kept open for the life of the process, as faulthandler requires
        _fault_file = open(folder / "faults.log", "a", encoding="utf-8")  # noqa: SIM115
        faulthandler.enable(_fault_file)
    else:
        logging.basicConfig(level=level, format=fmt)


_fault_file = None


def _crash_report(kind: type[BaseException], value: BaseException | None, tb: TracebackType | None) -> None:
    """Leave a readable report in the data folder; the person can send it in."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = "".join(traceback.format_exception(kind, value, tb))
    from gui import __version__

    try:
        report = _data_dir() / f"crash-{stamp}.txt"
        report.write_text(
            f"trm-puzzles {__version__} crashed at {stamp}\n"
            f"python {sys.version.split()[0]} on {sys.platform}, frozen={getattr(sys, 'frozen', False)}\n\n{text}",
            encoding="utf-8",
        )
    except OSError as err:  # an unwritable data folder: the log is all that is left
        report = f"nowhere ({err})"
    logging.getLogger(__name__).critical("unhandled exception, report in %s\n%s", report, text)


def _application(argv: list[str]):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationDisplayName("TRM Puzzles")
    return app


def self_test(timeout_s: float = 120.0) -> int:
    """Open the window offscreen, solve the first shipped sample that has a shipped model, print the result."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = _application(sys.argv[:1])
    from PySide6.QtCore import QEventLoop, QTimer

    from gui.main_window import MainWindow
    from gui.samples import list_samples
    from gui.settings import AppSettings

    window = MainWindow(AppSettings())  # defaults, whatever the user has set
    window.show()
    found = [(panel, samples[0]) for name, panel in window.panels.items()
             if window.choice(name).origin == "shipped"
             and (samples := list_samples(name, panel.kind.suffixes, panel.sample_labels))]
    if not found:
        print("self-test: FAILED: no shipped sample of a kind with a shipped model")
        return 2
    panel, sample = found[0]
    if not window.open_path(sample.path, panel.name):
        print(f"self-test: FAILED: could not open {sample.path}: {panel.banner.label.text()}")
        return 2
    loop = QEventLoop()
    panel.runner.runningChanged.connect(lambda running: None if running else loop.quit())
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if not panel.solve():
        print(f"self-test: FAILED: the solve did not start: {panel.banner.label.text()}")
        return 2
    loop.exec()
    run = panel.run
    window.close()
    app.processEvents()
    if run is None or run.result is None or run.model is None:
        why = run.error if run is not None and run.error else "timed out" if run is not None and run.running else "no result"
        print(f"self-test: FAILED: {why}")
        return 1
    print(
        f"self-test: ok; {panel.kind.title}; model {run.model.name}; provider {run.model.provider_line}; "
        f"result {run.result.status.value} after {run.result.passes} passes"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the app."""
    parser = argparse.ArgumentParser(prog="trm-puzzles", description="Puzzles solved by a Tiny Recursive Model.")
    parser.add_argument("--self-test", action="store_true", help="open offscreen, solve a sample, print the result, exit")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--verbose", action="store_true", help="debug logging")
    parser.add_argument(
        "--startup-probe",
        action="store_true",
        help="print the seconds from process start until the window is first shown, then exit",
    )
    parser.add_argument(
        "--crash-test",
        action="store_true",
        help="raise an error on purpose after logging is set up (checks the crash report)",
    )
    parser.add_argument("file", nargs="?", help="a puzzle file to open")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.version:
        from gui import __version__

        print(f"trm-puzzles {__version__}")
        return 0
    from PySide6.QtCore import QCoreApplication

    # Before anything asks for QSettings or the data folder.
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    _setup_logging(args.verbose)
    if args.crash_test:
        raise RuntimeError("--crash-test: this error was raised on purpose")
    if args.self_test:
        return self_test()
    app = _application(sys.argv[:1])
    from gui.main_window import MainWindow
    from gui.settings import load_settings
    from gui.theme import apply_theme

    settings = load_settings()
    apply_theme(app, settings.theme)
    window = MainWindow(settings)
    if args.startup_probe:
        from gui.startup_probe import FirstShowProbe

        FirstShowProbe(window)
    window.show()
    if args.file:
        window.open_path(Path(args.file))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
