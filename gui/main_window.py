"""MainWindow: tabs for Sudoku, maze and ARC, menus with standard shortcuts, the status bar."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget

from gui.arc_panel import ARC_FILTER, ArcPanel
from gui.maze_files import MAZE_FILTER
from gui.maze_panel import MazePanel
from gui.models import ModelCache, ModelChoice, choose_model, read_card
from gui.samples import list_samples
from gui.settings import AppSettings, load_settings, save_settings
from gui.solve_job import ModelHandle, ModelReady, SolveOptions
from gui.sudoku_files import SUDOKU_FILTER
from gui.sudoku_panel import GRADE_LABELS, SudokuPanel
from gui.theme import apply_theme
from gui.views.settings_dialog import SettingsDialog
from solver.kinds.sudoku.grading import Grade

log = logging.getLogger(__name__)

Panel = SudokuPanel | MazePanel | ArcPanel
_FILTERS = {"sudoku": SUDOKU_FILTER, "maze": MAZE_FILTER, "arc": ARC_FILTER}
_DEFAULT_SUFFIX = {"sudoku": ".sdk", "maze": ".txt", "arc": ".json"}


class MainWindow(QMainWindow):
    """The window: menus and status bar; each tab's panel does its own work."""

    def __init__(self, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or load_settings()
        self._choices: dict[str, ModelChoice] = {}
        self.models = ModelCache()
        self.setWindowTitle("TRM Puzzles")
        self.setAcceptDrops(True)
        self.setMinimumSize(720, 640)

        options = self._solve_options
        self.sudoku = SudokuPanel(lambda: self.model_loader("sudoku"), options)
        self.maze = MazePanel(lambda: self.model_loader("maze"), options)
        self.arc = ArcPanel(lambda: self.model_loader("arc"), options, lambda: self._choice("arc").path is not None)
        self.panels: list[Panel] = [self.sudoku, self.maze, self.arc]
        self.tabs = QTabWidget()
        self.tabs.addTab(self.sudoku, "&Sudoku")
        self.tabs.addTab(self.maze, "&Maze")
        self.tabs.addTab(self.arc, "&ARC")
        self.setCentralWidget(self.tabs)
        self.undo_group = QUndoGroup(self)
        for panel in self.panels:
            self.undo_group.addStack(panel.undo_stack)
            panel.statusChanged.connect(self._update_status)
            panel.titleChanged.connect(lambda name: self.setWindowTitle(f"{name} — TRM Puzzles"))
            panel.run.modelReady.connect(self._model_ready)
            panel.timeline.set_speed(self.settings.animation_ms)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.model_label = QLabel()
        self.provider_label = QLabel()
        self.passes_label = QLabel()
        self.time_label = QLabel()
        for label in (self.model_label, self.provider_label, self.passes_label, self.time_label):
            self.statusBar().addPermanentWidget(label)
        self._clock = QTimer(self)
        self._clock.setInterval(200)
        self._clock.timeout.connect(self._update_status)
        self._provider: dict[str, ModelReady] = {}

        self._build_menus()
        self._restore_geometry()
        self._tab_changed(0)

    # -- wiring for panels ---------------------------------------------------------------------

    @property
    def panel(self) -> Panel:
        """The panel of the current tab."""
        return self.panels[self.tabs.currentIndex()]

    def _solve_options(self) -> SolveOptions:
        s = self.settings
        return SolveOptions(s.max_passes or None, s.halt_threshold or None, s.tta_k, s.retry_tta)

    def _choice(self, kind: str) -> ModelChoice:
        """The model file for `kind` (cached: the status bar asks on every pass)."""
        if kind not in self._choices:
            self._choices[kind] = choose_model(kind, self.settings.model_for(kind))
        return self._choices[kind]

    def model_loader(self, kind: str) -> Callable[[], ModelHandle]:
        """A callable the worker thread runs to get the model for `kind`."""
        choice = self._choice(kind)
        force_cpu = self.settings.force_cpu
        cache = self.models

        def load() -> ModelHandle:
            if choice.path is None:
                raise ValueError(f"no {kind} model is installed; choose one in Preferences")
            return cache.load(choice.path, force_cpu)

        return load

    # -- menus ---------------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], object], shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)  # shortcuts work with the menu bar hidden too
        return action

    def _build_menus(self) -> None:
        key = QKeySequence.StandardKey
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&New board", self.new_board, key.New, "Clear the board to enter a new puzzle"))
        file_menu.addAction(self._action("&Open…", self.open_dialog, key.Open))
        self.samples_menu = file_menu.addMenu("Sa&mple puzzles")
        self._fill_samples()
        file_menu.addAction(self._action("&Save", self.save, key.Save))
        file_menu.addAction(self._action("Save &as…", self.save_as, key.SaveAs))
        file_menu.addSeparator()
        preferences = self._action("&Preferences…", self.edit_settings, key.Preferences)
        preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        file_menu.addAction(preferences)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, key.Quit))

        edit = bar.addMenu("&Edit")
        undo = self.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(key.Undo)
        redo = self.undo_group.createRedoAction(self, "&Redo")
        redo.setShortcut(key.Redo)
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        edit.addAction(self._action("&Copy", self.copy, key.Copy))
        edit.addAction(self._action("&Paste", self.paste, key.Paste))
        edit.addSeparator()
        self.givens_action = self._action("Enter &givens", lambda: self.sudoku.set_entering_givens(self.givens_action.isChecked()), "Ctrl+E", "Typed digits become the puzzle's givens")
        self.givens_action.setCheckable(True)
        edit.addAction(self.givens_action)
        edit.addAction(self._action("Previous puzzle in file", lambda: self._step_list(-1), "PgUp"))
        edit.addAction(self._action("Next puzzle in file", lambda: self._step_list(1), "PgDown"))

        puzzle = bar.addMenu("&Puzzle")
        new_sudoku = puzzle.addMenu("New &Sudoku")
        for n, grade in enumerate(Grade, start=1):
            new_sudoku.addAction(self._action(GRADE_LABELS[grade], lambda g=grade: self._new_sudoku(g), f"Ctrl+{n}"))
        puzzle.addAction(self._action("New &maze", self._new_maze, "Ctrl+M"))
        puzzle.addSeparator()
        self.solve_action = self._action("Sol&ve", lambda: self.panel.solve(), "F5")
        puzzle.addAction(self.solve_action)
        puzzle.addAction(self._action("&Cancel", lambda: self.panel.cancel(), "Esc"))
        puzzle.addAction(self._action("&Keep thinking", lambda: self.panel.keep_thinking(), "Ctrl+K"))

        view = bar.addMenu("&Timeline")
        view.addAction(self._action("&Play / pause", lambda: self.panel.timeline.toggle_play(), "Ctrl+Space"))
        view.addAction(self._action("Previous pass", lambda: self.panel.timeline.step_pass(-1), "Ctrl+Left"))
        view.addAction(self._action("Next pass", lambda: self.panel.timeline.step_pass(1), "Ctrl+Right"))
        view.addAction(self._action("Previous inner step", lambda: self.panel.timeline.step_fine(-1), "Ctrl+Shift+Left"))
        view.addAction(self._action("Next inner step", lambda: self.panel.timeline.step_fine(1), "Ctrl+Shift+Right"))

        help_menu = bar.addMenu("&Help")
        about = self._action("&About TRM Puzzles", self.about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    def _fill_samples(self) -> None:
        self.samples_menu.clear()
        samples = list_samples()
        if not samples:
            self.samples_menu.addAction("(no samples installed)").setEnabled(False)
        menus: dict[str, object] = {}
        for sample in samples:
            if sample.kind not in menus:
                menus[sample.kind] = self.samples_menu.addMenu({"sudoku": "Sudoku", "maze": "Maze", "arc": "ARC"}[sample.kind])
            action = QAction(sample.label, self)
            action.triggered.connect(lambda checked=False, s=sample: self.open_path(s.path, s.kind))
            menus[sample.kind].addAction(action)  # type: ignore[attr-defined]

    # -- commands ------------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        """Errors go to the current panel's banner: never a blocking dialog."""
        self.panel.show_message(text, "error")

    def new_board(self) -> None:
        """An empty Sudoku board (or an open maze field) for entering a puzzle."""
        if self.panel is self.maze:
            from gui.maze_state import MazeBoardState

            self.maze._edit(MazeBoardState.open_field(self.maze.size_spin.value()).snapshot(), "New maze field")
            self.maze._refresh()
        else:
            self.tabs.setCurrentWidget(self.sudoku)
            self.sudoku.clear_board()
        self._sync_givens_action()

    def open_dialog(self) -> None:
        """File ▸ Open for the current tab's kind."""
        kind = self.panel.kind
        path, _ = QFileDialog.getOpenFileName(self, "Open", "", _FILTERS[kind])
        if path:
            self.open_path(Path(path), kind)

    def open_path(self, path: Path, kind: str | None = None) -> bool:
        """Open a file in the right tab: .json is ARC; mazes and Sudokus are told apart by content."""
        kind = kind or guess_kind(path)
        panel = {"sudoku": self.sudoku, "maze": self.maze, "arc": self.arc}[kind]
        self.tabs.setCurrentWidget(panel)
        ok = panel.open_file(path)
        self._sync_givens_action()
        return ok

    def save(self) -> None:
        """Save to the file the puzzle came from (Save as when there is none)."""
        panel = self.panel
        path = panel.file_path
        if path is None or path.suffix.lower() not in _FILTERS[panel.kind]:
            self.save_as()
        else:
            panel.save_file(path)

    def save_as(self) -> None:
        """Save under a new name; the extension picks the format."""
        panel = self.panel
        path, _ = QFileDialog.getSaveFileName(self, "Save as", f"puzzle{_DEFAULT_SUFFIX[panel.kind]}", _FILTERS[panel.kind])
        if path:
            panel.save_file(Path(path))

    def copy(self) -> None:
        """The current puzzle as text on the clipboard (the 81-character form for Sudoku)."""
        QGuiApplication.clipboard().setText(self.panel.copy_text())

    def paste(self) -> None:
        """A puzzle from the clipboard in any format the solver reads."""
        self.panel.paste_text(QGuiApplication.clipboard().text())
        self._sync_givens_action()

    def _step_list(self, delta: int) -> None:
        panel = self.panel
        if isinstance(panel, (SudokuPanel, MazePanel)):
            panel.step_list(delta)

    def _new_sudoku(self, grade: Grade) -> None:
        self.tabs.setCurrentWidget(self.sudoku)
        self.sudoku.generate_puzzle(grade)

    def _new_maze(self) -> None:
        self.tabs.setCurrentWidget(self.maze)
        self.maze.new_maze(self.maze.size_spin.value())

    def edit_settings(self) -> None:
        """The Preferences dialog; changes are saved and applied at once."""
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.apply_settings(dialog.value())

    def apply_settings(self, settings: AppSettings) -> None:
        """Use and persist new settings."""
        changed_runtime = (settings.force_cpu, settings.model_for("sudoku"), settings.model_for("maze"), settings.model_for("arc")) != (
            self.settings.force_cpu, self.settings.model_for("sudoku"), self.settings.model_for("maze"), self.settings.model_for("arc"))
        self.settings = settings.validated()
        self._choices.clear()
        save_settings(self.settings)
        if changed_runtime:
            self.models.forget()
            self._provider.clear()
        for panel in self.panels:
            panel.timeline.set_speed(self.settings.animation_ms)
        app = QGuiApplication.instance()
        if app is not None:
            apply_theme(app, self.settings.theme)  # type: ignore[arg-type]
        self.arc.model_ready()
        self._update_status()

    def about_text(self) -> str:
        """The About box: the app, and the model with its measured accuracy from the sidecar."""
        from gui import __version__

        lines = [f"<b>TRM Puzzles {__version__}</b>", "Sudoku, mazes and ARC tasks solved by a Tiny Recursive Model, pass by pass.", ""]
        for kind in ("sudoku", "maze", "arc"):
            choice = choose_model(kind, self.settings.model_for(kind))
            if choice.path is None:
                lines.append(f"{kind.capitalize()}: no model installed.")
                continue
            try:
                card = read_card(choice.path)
            except ValueError as err:
                lines.append(f"{kind.capitalize()}: {choice.path.name} (unreadable sidecar: {err})")
                continue
            accuracy = ", ".join(f"{k} {_percent(v)}" for k, v in card.accuracy.items()) or "not measured"
            note = " — the tiny untrained test model" if choice.origin == "test" else ""
            lines.append(f"{kind.capitalize()}: <b>{choice.path.name}</b>{note}; accuracy: {accuracy}; up to {card.max_passes} passes.")
        return "<br>".join(lines)

    def about(self) -> None:
        """Help ▸ About."""
        QMessageBox.about(self, "About TRM Puzzles", self.about_text())

    # -- status bar ----------------------------------------------------------------------------

    @Slot(object)
    def _model_ready(self, ready: ModelReady) -> None:
        self._provider[ready.card.kind] = ready
        self._update_status()

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        self.undo_group.setActiveStack(self.panels[index].undo_stack)
        self.givens_action.setEnabled(self.panels[index] is self.sudoku)
        self._sync_givens_action()
        self.panel.setFocus()
        if self.panel is self.sudoku:
            self.sudoku.board.setFocus()
        self.arc.model_ready()
        self._update_status()

    def _sync_givens_action(self) -> None:
        self.givens_action.setChecked(self.sudoku.entering_givens)

    def _update_status(self) -> None:
        panel = self.panel
        kind = panel.kind
        choice = self._choice(kind)
        ready = self._provider.get(kind)
        name = choice.path.stem if choice.path else "none"
        self.model_label.setText(f"Model: {name}" + (" (tiny untrained test model)" if choice.origin == "test" else ""))
        self.model_label.setToolTip(choice.note)
        if ready is not None:
            self.provider_label.setText(ready.provider_reason)
            self.provider_label.setToolTip(f"onnxruntime runs this model on the {ready.provider}")
        else:
            self.provider_label.setText("CPU forced" if self.settings.force_cpu else "provider: chosen at first solve")
        run = panel.run
        frames = run.frames
        self.passes_label.setText(f"passes: {len(frames)}")
        if run.running:
            elapsed = time.perf_counter() - run.started_at
            if not self._clock.isActive():
                self._clock.start()
        else:
            elapsed = (run.finished_at - run.started_at) if run.finished_at else 0.0
            self._clock.stop()
        self.time_label.setText(f"{elapsed:.2f} s")

    # -- drag and drop -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_path(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()

    # -- geometry and closing ------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        store = QSettings()
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        self.resize(1000, 860)

    def closeEvent(self, event: QCloseEvent) -> None:
        store = QSettings()
        store.setValue("window/geometry", self.saveGeometry())
        for panel in self.panels:
            panel.run.shutdown()
        self.sudoku.generator.wait()
        self.maze.generator.wait()
        super().closeEvent(event)


def _percent(value: object) -> str:
    if isinstance(value, float) and 0.0 <= value <= 1.0:
        return f"{value:.1%}"
    return str(value)


def guess_kind(path: Path) -> str:
    """'arc' for .json, 'maze' when the text reads as a maze, else 'sudoku'."""
    if path.suffix.lower() == ".json":
        return "arc"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return "sudoku"  # the Sudoku panel reports the read error
    from gui.maze_files import read_mazes

    try:
        read_mazes(text)
    except ValueError:
        return "sudoku"
    return "maze"

