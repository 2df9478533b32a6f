"""MainWindow: one tab per puzzle kind with a panel (gui.kinds), menus with standard shortcuts, the
status bar. The window names no kind: tabs, the Samples menu, File ▸ Open's filters and every
title come from the registries (`gui.kinds` for panels, `solver.kinds` for the kinds)."""

from __future__ import annotations

import html
import logging
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
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox, QTabWidget

from gui import kinds as panels
from gui.documents import read_puzzle_file
from gui.models import ModelCache, ModelChoice, choose_model, read_card
from gui.puzzle_panel import Command, PanelContext, PuzzlePanel
from gui.run import ModelUsed
from gui.samples import list_samples
from gui.settings import AppSettings, load_settings, save_settings
from gui.theme import apply_theme
from gui.views.about import AboutDialog, accuracy_table, facts_table, training_summary
from gui.views.help_dialog import HelpDialog, help_html
from gui.views.settings_dialog import KindModel, SettingsDialog
from solver import kinds
from solver.models import shipped_model

log = logging.getLogger(__name__)

APP_TITLE = "TRM Puzzles"
# The smallest window in which every tab lays out without overlap or clipping (tests/gui/
# test_explains.py checks it): the Sudoku tab's first-run hint, board, legend, buttons and chart
# need about 580 px of height inside the menus, tabs and status bar; 700 fits a 1366x768 screen.
MINIMUM_SIZE = (760, 700)


def file_filter(kind: kinds.Kind) -> str:
    """A file dialog's filter for `kind`'s documents (its suffixes), then all files."""
    return f"{kind.title} files ({' '.join('*' + s for s in kind.suffixes)});;All files (*)"


class MainWindow(QMainWindow):
    """The window: menus and status bar; each tab's panel does its own work."""

    def __init__(self, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or load_settings()
        self._choices: dict[str, ModelChoice] = {}
        self._used: dict[str, ModelUsed] = {}
        self.models = ModelCache()
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.setMinimumSize(*MINIMUM_SIZE)

        context = PanelContext(lambda: self.settings, self.choice, self.models)
        self.panels: dict[str, PuzzlePanel] = {}
        self.tabs = QTabWidget()
        self.undo_group = QUndoGroup(self)
        for name in panels.names():
            kind = kinds.get(name)
            panel = panels.panel_factory(name)(kind, context)
            self.panels[name] = panel
            self.tabs.addTab(panel, f"&{kind.title}")
            self.undo_group.addStack(panel.undo_stack)
            panel.statusChanged.connect(self._update_status)
            panel.titleChanged.connect(lambda text, p=panel: self._title_changed(p))
            panel.runner.modelUsed.connect(lambda used, n=name: self._model_used(n, used))
            panel.timeline.set_speed(self.settings.animation_ms)
        self.setCentralWidget(self.tabs)
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

        self._checks: list[tuple[PuzzlePanel, Command, QAction]] = []
        self._help: HelpDialog | None = None
        self._build_menus()
        self._restore_geometry()
        self.ask_on_quit = True  # quitting with unsaved work asks first (tests turn it off)
        self._restore_session()
        self._tab_changed(self.tabs.currentIndex())

    # -- tabs and models -----------------------------------------------------------------------

    @property
    def panel(self) -> PuzzlePanel:
        """The panel of the current tab."""
        return self.tabs.currentWidget()  # type: ignore[return-value]

    def panel_for(self, name: str) -> PuzzlePanel:
        """The tab of the kind called `name`."""
        return self.panels[name]

    def choice(self, kind: str) -> ModelChoice:
        """The model file for `kind` (cached: the status bar asks on every pass)."""
        if kind not in self._choices:
            self._choices[kind] = choose_model(kind, self.settings.model_for(kind))
        return self._choices[kind]

    # -- menus ---------------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], object], shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda checked=False: slot())
        self.addAction(action)  # shortcuts work with the menu bar hidden too
        return action

    def _command_action(self, panel: PuzzlePanel, command: Command) -> QAction:
        def run() -> None:
            self.tabs.setCurrentWidget(panel)
            command.run()
            self._sync_checks()

        action = self._action(command.text, run, command.shortcut or None, command.tip)
        if command.checked is not None:
            action.setCheckable(True)
            self._checks.append((panel, command, action))
        return action

    def _add_commands(self, menu: QMenu, name: str) -> None:
        submenus: dict[str, QMenu] = {}
        for panel in self.panels.values():
            for command in panel.commands():
                if command.menu != name:
                    continue
                target = menu
                if command.submenu:
                    if command.submenu not in submenus:
                        submenus[command.submenu] = menu.addMenu(command.submenu)
                    target = submenus[command.submenu]
                target.addAction(self._command_action(panel, command))

    def _build_menus(self) -> None:
        key = QKeySequence.StandardKey
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&New board", lambda: self.panel.new_board(), key.New, "An empty board to enter a new puzzle on"))
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
        self._add_commands(edit, "Edit")
        edit.addAction(self._action("Previous puzzle in file", lambda: self.panel.step_list(-1), "PgUp"))
        edit.addAction(self._action("Next puzzle in file", lambda: self.panel.step_list(1), "PgDown"))

        puzzle = bar.addMenu("&Puzzle")
        self._add_commands(puzzle, "Puzzle")
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
        view.addSeparator()
        self._add_commands(view, "Timeline")

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&How it works", self.show_help, key.HelpContents,
                                         "What a pass, the halt head and the rule checker are; the shortcuts"))
        about = self._action("&About TRM Puzzles", self.about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(about)

    def _fill_samples(self) -> None:
        self.samples_menu.clear()
        found = False
        for name, panel in self.panels.items():
            samples = list_samples(name, panel.kind.suffixes, panel.sample_labels)
            if not samples:
                continue
            found = True
            menu = self.samples_menu.addMenu(panel.kind.title)
            for sample in samples:
                action = QAction(sample.label, self)
                action.triggered.connect(lambda checked=False, s=sample: self.open_path(s.path, s.kind))
                menu.addAction(action)
        if not found:
            self.samples_menu.addAction("(no samples installed)").setEnabled(False)

    # -- commands ------------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        """Errors go to the current panel's banner: never a blocking dialog."""
        self.panel.show_message(text, "error")

    def open_dialog(self) -> None:
        """File ▸ Open for the current tab's kind."""
        kind = self.panel.kind
        path, _ = QFileDialog.getOpenFileName(self, "Open", "", file_filter(kind))
        if path:
            self.open_path(Path(path), kind.name)

    def open_path(self, path: Path, kind: str | None = None) -> bool:
        """Open a file in its kind's tab; without `kind`, the content says which kind it is."""
        path = Path(path)
        try:
            text = read_puzzle_file(path)
        except ValueError as err:
            self.show_error(f"Could not open {path.name}: {err}")
            return False
        try:
            name = kind or kinds.sniff(text, path.name).name
        except ValueError as err:
            self.show_error(str(err))
            return False
        panel = self.panels.get(name)
        if panel is None:
            self.show_error(f"{path.name} is a {kinds.get(name).title} document, and this window has no tab for it.")
            return False
        self.tabs.setCurrentWidget(panel)
        ok = panel.open_text(text, path.name, path)
        self._sync_checks()
        return ok

    def save(self) -> None:
        """Save to the file the puzzle came from (Save as when there is none)."""
        panel = self.panel
        path = panel.file_path
        if path is None or path.suffix.lower() not in panel.kind.suffixes:
            self.save_as()
        else:
            panel.save_file(path)

    def save_as(self) -> None:
        """Save under a new name; the extension picks the format."""
        kind = self.panel.kind
        path, _ = QFileDialog.getSaveFileName(self, "Save as", f"puzzle{kind.suffixes[0]}", file_filter(kind))
        if path:
            self.panel.save_file(Path(path))

    def copy(self) -> None:
        """The current puzzle as text on the clipboard (the 81-character form for Sudoku)."""
        try:
            QGuiApplication.clipboard().setText(self.panel.copy_text())
        except ValueError as err:
            self.show_error(str(err))

    def paste(self) -> None:
        """A puzzle from the clipboard in any format the tab's kind reads."""
        self.panel.paste_text(QGuiApplication.clipboard().text())
        self._sync_checks()

    def edit_settings(self) -> None:
        """The Preferences dialog; changes are saved and applied at once."""
        rows = [KindModel(name, p.kind.title, shipped_model(name)) for name, p in self.panels.items()]
        dialog = SettingsDialog(self.settings, rows, self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.apply_settings(dialog.value())

    def apply_settings(self, settings: AppSettings) -> None:
        """Use and persist new settings."""
        changed_runtime = (settings.force_cpu, settings.models) != (self.settings.force_cpu, self.settings.models)
        self.settings = settings.validated()
        self._choices.clear()
        save_settings(self.settings)
        if changed_runtime:
            self.models.forget()
            self._used.clear()
        for panel in self.panels.values():
            panel.timeline.set_speed(self.settings.animation_ms)
            panel.settings_changed()
        app = QGuiApplication.instance()
        if app is not None:
            apply_theme(app, self.settings.theme)  # type: ignore[arg-type]
        self._update_status()

    def about_text(self) -> str:
        """The About box: the app, then per tab its model, training and measured accuracy as tables."""
        from gui import __version__

        parts = [f"<h2>TRM Puzzles {__version__}</h2><p>Puzzles solved by a Tiny Recursive Model, pass by pass.</p>"]
        for name, panel in self.panels.items():
            parts.append(f"<h3>{html.escape(panel.kind.title)}</h3>")
            choice = self.choice(name)
            if choice.path is None:
                parts.append(f"<p>{html.escape(panel.kind.title)}: no model installed; Solve is off until you "
                             "choose one in Preferences.</p>")
                continue
            try:
                card = read_card(choice.path)
            except ValueError as err:
                parts.append(f"<p>{html.escape(choice.path.name)}: unreadable sidecar ({html.escape(str(err))})</p>")
                continue
            origin = "your choice in Preferences" if choice.origin == "settings" else "shipped with the app"
            rows = [
                ("Model", f"{html.escape(choice.path.name)} ({origin})"),
                ("Training", training_summary(card.provenance)),
                ("Passes", f"up to {card.max_passes}; halts when the halt head says {card.halt_threshold:.0%}"),
                ("Runs on", html.escape(self._runs_on(name))),
            ]
            if card.provenance.get("note"):
                rows.append(("Its card says", html.escape(str(card.provenance["note"]))))
            parts.append(facts_table(rows))
            table = accuracy_table(card.accuracy)
            parts.append(f"<p><b>Measured accuracy</b> (share of the test set the rule checker verified)</p>{table}" if table
                         else "<p><b>Measured accuracy:</b> not measured.</p>")
        return "".join(parts)

    def _runs_on(self, name: str) -> str:
        used = self._used.get(name)
        if used is None:
            return "the CPU (forced in Preferences)" if self.settings.force_cpu else "decided at the first solve"
        why = used.why_not_cuda
        return used.device_label + (f"; CUDA is not used: {why}" if why else "")

    def help_html(self) -> str:
        """Help ▸ How it works, with the shortcuts of the window's actions as they are now."""
        tabs = [(panel.kind.title, panel.help_text()) for panel in self.panels.values()]
        return help_html(self.all_actions(), tabs)

    def all_actions(self) -> list[QAction]:
        """Every action of the menus in menu order, then any other of the window's (each once)."""
        found: list[QAction] = []

        def visit(actions: list[QAction]) -> None:
            for action in actions:
                if action.menu() is not None:
                    visit(action.menu().actions())
                elif action not in found and not action.isSeparator():
                    found.append(action)

        visit(self.menuBar().actions())
        visit(self.actions())
        return found

    def show_help(self) -> None:
        """Help ▸ How it works (non-modal: it can stay open beside the board)."""
        if self._help is None:
            self._help = HelpDialog([], parent=self)
        self._help.browser.setHtml(self.help_html())
        self._help.show()
        self._help.raise_()

    def about(self) -> None:
        """Help ▸ About."""
        AboutDialog(self.about_text(), self).exec()

    # -- status bar ----------------------------------------------------------------------------

    def device_status(self) -> tuple[str, str]:
        """(status bar words, tooltip) for what runs the current tab's model."""
        used = self._used.get(self.panel.name)
        if used is None:
            if self.settings.force_cpu:
                return "CPU", "Preferences force the CPU"
            return "device: at first solve", "The first solve picks CUDA when this machine can run it, else the CPU"
        why = used.why_not_cuda
        if not why:
            return used.device_label, f"onnxruntime runs the model with CUDA on {used.device or 'the GPU'}"
        if why == "forced":
            return used.device_label, "Preferences force the CPU"
        return used.device_label, f"The model runs on the CPU; CUDA is not used: {why}"

    def _model_used(self, name: str, used: ModelUsed) -> None:
        self._used[name] = used
        self._update_status()

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        panel = self.panel
        if panel is None:
            return
        self.undo_group.setActiveStack(panel.undo_stack)
        self._sync_checks()
        panel.focus_board()
        self._title_changed(panel)
        self._update_status()

    def _sync_checks(self) -> None:
        for panel, command, action in self._checks:
            action.setEnabled(panel is self.panel)
            if command.checked is not None:
                action.setChecked(command.checked())

    def _title_changed(self, panel: PuzzlePanel) -> None:
        if panel is self.panel:
            title = panel.title_text()
            self.setWindowTitle(f"{title} — {APP_TITLE}" if title else APP_TITLE)

    def _update_status(self) -> None:
        panel = self.panel
        if panel is None:
            return
        self._sync_checks()  # e.g. a generated puzzle arrives: typed digits are entries now
        choice = panel.model_choice()  # the tab's: an ARC task may run the model learned for it
        self.model_label.setText(f"Model: {choice.label}")
        self.model_label.setToolTip(choice.note)
        # A device name only: why CUDA is not used can be a long loader message, cut off at
        # small widths, so it goes to the tooltip and the About box.
        text, tip = self.device_status()
        self.provider_label.setText(text)
        self.provider_label.setToolTip(tip)
        run = panel.run
        if run is None:
            self.passes_label.setText("passes: 0")
            self.time_label.setText("0.00 s")
            self._clock.stop()
            return
        passes, work = run.passes(), run.work()
        self.passes_label.setText(f"passes: {passes}" + (f" ({work} run over every view)" if work != passes else ""))
        self.time_label.setText(f"{run.elapsed():.2f} s")
        if run.running and not self._clock.isActive():
            self._clock.start()
        elif not run.running:
            self._clock.stop()

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

    def _restore_session(self) -> None:
        """Reopen the last session's work in each tab, and its tab."""
        store = QSettings()
        for name, panel in self.panels.items():
            store.beginGroup(f"session/{name}")
            state = {key: str(store.value(key)) for key in store.childKeys()}
            store.endGroup()
            if state:
                panel.restore_session(state)
        tab = store.value("session/tab")
        if isinstance(tab, str) and tab in self.panels:
            self.tabs.setCurrentWidget(self.panels[tab])

    def _save_session(self, discarded: set[str]) -> None:
        store = QSettings()
        store.remove("session")
        store.setValue("session/tab", self.panel.name)
        for name, panel in self.panels.items():
            state = {} if name in discarded else panel.session_state()
            for key, value in state.items():
                store.setValue(f"session/{name}/{key}", value)

    def ask_unsaved(self, panel: PuzzlePanel) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel for a tab's unsaved work (tests replace this)."""
        buttons = QMessageBox.StandardButton
        return QMessageBox.question(
            self, "Unsaved work",
            f"The {panel.kind.title} tab has work that is in no file (digits you typed, a pasted or "
            "edited puzzle). Save it before quitting?",
            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)

    def _settle_unsaved(self) -> set[str] | None:
        """Ask about each tab with unsaved work: the tabs whose work is discarded, None to stay."""
        discarded: set[str] = set()
        if not self.ask_on_quit:
            return discarded
        buttons = QMessageBox.StandardButton
        for name, panel in self.panels.items():
            if not panel.unsaved_work():
                continue
            self.tabs.setCurrentWidget(panel)
            answer = self.ask_unsaved(panel)
            if answer == buttons.Cancel:
                return None
            if answer == buttons.Discard:
                discarded.add(name)
            elif answer == buttons.Save:
                self.save()
                if panel.unsaved_work() and panel.file_path is None:
                    return None  # the save dialog was cancelled: stay
        return discarded

    def closeEvent(self, event: QCloseEvent) -> None:
        discarded = self._settle_unsaved()
        if discarded is None:
            event.ignore()
            return
        self._save_session(discarded)
        store = QSettings()
        store.setValue("window/geometry", self.saveGeometry())
        for panel in self.panels.values():
            panel.shutdown()
        super().closeEvent(event)


