"""The window explains itself (#17): a legend for every mark on the boards, a chart with axis
titles over the passes of the run, a first-run hint, a Help page, plain status and About."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSlider,
    QSpinBox,
    QWidget,
)

from gui.colours import CHANGED, CONFLICT, MAZE_COLOURS, BoardColours, is_dark
from gui.kinds.sudoku.board_view import SudokuBoardView
from gui.models import read_card
from gui.run import ModelUsed
from gui.samples import list_samples
from gui.theme import apply_theme
from gui.views.about import accuracy_table
from gui.views.grid_view import GridView
from gui.views.halt_chart import HaltChart
from gui.views.legend import Legend, Swatch
from solver.halting import StepOutput
from tests.gui.helpers import PUZZLE, make_window, wait_done

ROOT = Path(__file__).resolve().parents[2]


def _marks(panel) -> set[tuple[Swatch, str]]:
    return {(e.swatch, QColor(e.colour).name()) for e in panel.legend.entries}


# -- legends -----------------------------------------------------------------------------------


def test_the_sudoku_legend_names_every_mark_the_board_paints(qtbot):
    window = make_window(qtbot)
    panel = window.panel_for("sudoku")
    assert panel.legend.isVisible() and panel.legend.height() >= panel.legend.heightForWidth(panel.legend.width())
    colours = BoardColours.from_palette(panel.board.palette())
    marks = _marks(panel)
    assert (Swatch.SHADES, colours.answer.name()) in marks  # confidence shading
    assert (Swatch.CORNER, colours.changed.name()) in marks  # changed since the last pass
    assert (Swatch.FRAME, colours.conflict.name()) in marks  # a given the model overwrote
    assert (Swatch.TEXT, colours.conflict.name()) in marks  # red (brown over shading) cells
    red = next(e for e in panel.legend.entries if e.swatch is Swatch.TEXT and e.colour == colours.conflict)
    assert "brown" in red.text and colours.conflict_fill in red.under
    for colour in (colours.given, colours.entry):
        assert (Swatch.TEXT, colour.name()) in marks
    assert any(e.italic for e in panel.legend.entries)  # unsure digits are italic


def test_the_maze_legend_names_each_of_its_colours_and_marks(qtbot):
    window = make_window(qtbot)
    panel = window.panel_for("maze")
    marks = _marks(panel)
    names = {c for _, c in marks}
    assert {QColor(c).name() for c in MAZE_COLOURS} <= names  # wall, open, S, G, path
    assert (Swatch.CORNER, CHANGED.name()) in marks and (Swatch.FRAME, CONFLICT.name()) in marks
    assert (Swatch.SHADES, QColor(MAZE_COLOURS[4]).name()) in marks


def test_the_arc_legend_names_the_mark_on_the_models_answer(qtbot):
    window = make_window(qtbot)
    panel = window.panel_for("arc")
    window.tabs.setCurrentWidget(panel)
    assert panel.legend.isVisible()
    assert (Swatch.CORNER, CHANGED.name()) in _marks(panel)


def test_the_legend_is_each_kinds_own(qtbot):
    """The legend comes from the kind's gui package (gui/kinds/<kind>/legend.py)."""
    window = make_window(qtbot)
    for name, panel in window.panels.items():
        module = __import__(f"gui.kinds.{name}.legend", fromlist=["x"])
        made = getattr(module, f"{name}_legend")(panel.palette())
        assert [(e.swatch, e.colour.name(), e.text) for e in made] == \
            [(e.swatch, e.colour.name(), e.text) for e in panel.legend.entries]


# -- the chart ---------------------------------------------------------------------------------


def _halts_at(n: int):
    def wrap(step):
        calls = [0]

        def run(tokens, y, z):
            out = step(tokens, y, z)
            calls[0] += 1
            halt = np.full(len(tokens), 9.0 if calls[0] >= n else -9.0, np.float32)
            return StepOutput(out.y, out.z, out.logits, halt, out.inner_logits)

        return run

    return wrap


def test_the_chart_has_axis_titles_and_spans_the_passes_of_a_short_run(qtbot):
    """A 2-pass solve fills the chart (it sat in the left 3% of a fixed 32-pass axis)."""
    window = make_window(qtbot, retry_tta=0)
    panel = window.panel_for("sudoku")
    chart = panel.timeline.chart
    assert chart.X_TITLE == "pass" and chart.Y_TITLE
    assert chart.capacity == 32  # before a run: the model card's cap, what the solve may use
    panel.paste_text(PUZZLE)
    panel.step_wrapper = _halts_at(2)
    assert panel.solve()
    wait_done(qtbot, panel)
    assert panel.run.passes() == 2
    assert chart.capacity == 2
    assert chart.ticks() == [1, 2]
    labels = [label for label, _, _ in chart.legend()]
    assert "halt probability" in labels and "confident cells" in labels and any("halt threshold" in t for t in labels)


def test_the_chart_spans_the_cap_while_passes_may_still_come(qtbot):
    window = make_window(qtbot, retry_tta=0, max_passes=6, halt_threshold=1.0)
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)

    def slow(step):
        def run(tokens, y, z):
            time.sleep(0.3)
            return step(tokens, y, z)

        return run

    panel.step_wrapper = slow
    panel.solve()
    try:
        qtbot.waitUntil(lambda: panel.run is not None and len(panel.run.frames) >= 1, timeout=20000)
        assert panel.runner.running and panel.timeline.chart.capacity == 6
        ticks = panel.timeline.chart.ticks()
        assert ticks[0] == 1 and ticks[-1] == 6 and ticks == sorted(set(ticks))
        panel.cancel()
        wait_done(qtbot, panel)
        assert panel.timeline.chart.capacity == max(2, panel.run.passes())  # stopped: the passes it made
    finally:
        panel.runner.shutdown()


# -- first-run hint and help -------------------------------------------------------------------


def test_the_empty_window_shows_a_first_run_hint_that_goes_once_there_is_a_puzzle(qtbot):
    window = make_window(qtbot)
    panel = window.panel_for("sudoku")
    assert panel.hint.isVisible() and "Solve" in panel.hint.text() and "F1" in panel.hint.text()
    panel.paste_text(PUZZLE)
    assert not panel.hint.isVisible()
    panel.clear_board()
    assert panel.hint.isVisible()
    for name in ("maze", "arc"):
        other = window.panel_for(name)
        window.tabs.setCurrentWidget(other)
        assert other.hint.isVisible() and "Sample puzzles" in other.hint.text()


def test_help_explains_passes_the_halt_head_and_the_checker_and_lists_every_shortcut(qtbot):
    window = make_window(qtbot)
    help_action = next(a for a in window.all_actions() if a.text() == "&How it works")
    help_action.trigger()
    dialog = window._help
    assert dialog is not None and dialog.isVisible()
    text = " ".join(dialog.browser.toPlainText().split())
    for words in ("A pass.", "The halt head.", "The rule checker.", "Keyboard shortcuts"):
        assert words in text
    for panel in window.panels.values():
        assert panel.kind.title in text
    with_keys = [a for a in window.all_actions() if not a.shortcut().isEmpty()]
    assert len(with_keys) > 15
    for action in with_keys:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert f"{keys} {action.text().replace('&', '').rstrip('…')}" in text, action.text()


def test_the_shortcut_list_follows_the_actions(qtbot):
    """Made from the QActions when the page opens: a new one is listed, a changed key is too."""
    window = make_window(qtbot)
    extra = QAction("Frobnicate", window)
    extra.setShortcut(QKeySequence("Ctrl+Alt+J"))
    window.addAction(extra)
    solve = next(a for a in window.all_actions() if a.text() == "Sol&ve")
    solve.setShortcut(QKeySequence("Ctrl+Alt+S"))
    window.show_help()
    text = " ".join(window._help.browser.toPlainText().split())
    assert "Ctrl+Alt+J Frobnicate" in text and "Ctrl+Alt+S Solve" in text and "F5 Solve" not in text


# -- status bar and About ----------------------------------------------------------------------


def _used(provider: str, line: str, device: str = "") -> ModelUsed:
    return ModelUsed(name="sudoku", path="sudoku.onnx", origin="shipped", provider=provider, provider_line=line,
                     max_passes=32, threshold=0.5, measured=True, device=device)


LOADER = "CUDA provider failed to load: libcublasLt.so.13: cannot open shared object file: No such file or directory"


def test_the_status_bar_says_cpu_and_puts_why_not_cuda_in_the_tooltip_and_about(qtbot):
    window = make_window(qtbot)
    window._model_used("sudoku", _used("CPUExecutionProvider", f"CPU ({LOADER})"))
    assert window.provider_label.text() == "CPU"
    assert LOADER in window.provider_label.toolTip()
    assert LOADER in window.about_text()


def test_the_status_bar_names_the_cuda_device(qtbot):
    window = make_window(qtbot)
    window._model_used("sudoku", _used("CUDAExecutionProvider", "CUDA (GPU, carry kept on the device)",
                                       "NVIDIA GeForce RTX 4070"))
    assert window.provider_label.text() == "CUDA (NVIDIA GeForce RTX 4070)"
    assert "CUDA (NVIDIA GeForce RTX 4070)" in window.about_text()


def test_after_a_real_solve_the_status_bar_holds_a_device_and_no_loader_message(qtbot):
    window = make_window(qtbot, retry_tta=0, max_passes=2)
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)
    assert panel.solve()
    wait_done(qtbot, panel)
    text = window.provider_label.text()
    assert text == "CPU" or (text.startswith("CUDA (") and text.endswith(")"))
    assert "lib" not in text and ".so" not in text and len(text) < 40


def test_about_shows_model_training_and_accuracy_as_tables(qtbot):
    window = make_window(qtbot)
    text = window.about_text()
    card = read_card(window.choice("sudoku").path)
    assert text.count("<table") >= 2  # facts and accuracy for the Sudoku model at least
    for value in card.accuracy.values():
        assert f"{value:.1%}" in text
    assert f"{card.provenance['step']:,} steps" in text and "Training" in text and "Measured accuracy" in text
    table = accuracy_table(card.accuracy)
    assert table.count("<tr>") < len(card.accuracy)  # test sets by settings, not one line per number
    assert "<th>no retry</th>" in table and "<th>unverified retried over 4 views</th>" in table


# -- the minimum window size -------------------------------------------------------------------

_KEY_WIDGETS = (QAbstractButton, QLabel, QComboBox, QLineEdit, QSpinBox, QSlider, QScrollArea, GridView,
                SudokuBoardView, Legend, HaltChart)


def _key_widgets(panel) -> list:
    """The panel's visible controls and views, not those inside a scroll area (scrolled by design)."""
    found = []
    for widget in panel.findChildren(QWidget):
        if not isinstance(widget, _KEY_WIDGETS) or not widget.isVisibleTo(panel) or widget.width() <= 0:
            continue
        parent, scrolled = widget.parentWidget(), False
        while parent is not None and parent is not panel:
            scrolled = scrolled or isinstance(parent, (QScrollArea, QComboBox, QSpinBox))
            parent = parent.parentWidget()
        if not scrolled:
            found.append(widget)
    return found


def _rect(widget, panel) -> QRect:
    return QRect(widget.mapTo(panel, QPoint(0, 0)), widget.size())


def _problems(panel) -> list[str]:
    problems = []
    hint = panel.minimumSizeHint()
    if hint.width() > panel.width() or hint.height() > panel.height():
        problems.append(f"the tab needs {hint.width()}x{hint.height()}, has {panel.width()}x{panel.height()}")
    widgets = _key_widgets(panel)
    for widget in widgets:
        name = f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r}"
        if isinstance(widget, QAbstractButton | QComboBox) and widget.sizeHint().width() > widget.width():
            problems.append(f"{name} is clipped: needs {widget.sizeHint().width()} px, has {widget.width()}")
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.sizeHint().width() > widget.width():
            problems.append(f"{name} is clipped: needs {widget.sizeHint().width()} px, has {widget.width()}")
        if isinstance(widget, Legend) and widget.height() < widget.heightForWidth(widget.width()):
            problems.append("the legend's rows are cut off")
        if not panel.rect().contains(_rect(widget, panel)):
            problems.append(f"{name} sticks out of the tab")
    for i, a in enumerate(widgets):
        for b in widgets[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            if _rect(a, panel).intersects(_rect(b, panel)):
                problems.append(f"{type(a).__name__} {_rect(a, panel)} overlaps {type(b).__name__} {_rect(b, panel)}")
    return problems


def test_at_the_minimum_size_nothing_overlaps_or_is_clipped(qtbot):
    """The ARC tab at 720x640 overlapped its grids and showed "eep thinkir"."""
    window = make_window(qtbot)
    window.resize(window.minimumSize())
    assert window.minimumSize().width() >= 720 and window.minimumSize().height() <= 720
    problems = []
    for name, panel in window.panels.items():
        window.tabs.setCurrentWidget(panel)
        for state in ("empty", "loaded"):
            if state == "loaded":
                samples = list_samples(name, panel.kind.suffixes, panel.sample_labels)
                assert window.open_path(samples[-1].path, name)
            qtbot.wait(20)  # the layout settles (a legend may wrap)
            assert window.size() == window.minimumSize()
            problems += [f"{name} ({state}): {p}" for p in _problems(panel)]
    assert problems == []


# -- files that are not puzzles ----------------------------------------------------------------

_CODEC_WORDS = ("codec", "utf", "cp1252", "byte", "decode", "csv", "json", "line 1", "0x", "traceback")


def _binaries(tmp_path) -> dict[str, bytes]:
    rng = np.random.default_rng(17)
    noise = rng.integers(0, 256, 4096).astype(np.uint8).tobytes()
    # Random bytes with no NUL and none that cp1252 lacks: they decode, and once reached a reader
    # that spoke of "malformed CSV (new-line character seen in unquoted field ...)".
    decodable = bytes(b for b in noise if b not in (0, 0x81, 0x8D, 0x8F, 0x90, 0x9D))
    png = (ROOT / "docs" / "screenshots").glob("*.png")
    return {"random.bin": noise, "decodable.sdk": decodable, "picture.png": next(png).read_bytes(),
            "fake16.txt": b"\xff\xfe" + noise[:3001]}


def test_opening_a_binary_file_says_so_plainly_and_keeps_the_puzzle(qtbot, tmp_path):
    window = make_window(qtbot)
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)
    for name, data in _binaries(tmp_path).items():
        path = tmp_path / name
        path.write_bytes(data)
        for kind in (None, *window.panels):
            assert not window.open_path(path, kind)
            text = window.panel.banner.label.text()
            assert text.startswith(f"Could not open {name}: it is not a text file"), text
            assert not any(word in text.lower() for word in _CODEC_WORDS), text
            assert str(tmp_path) not in text
        assert not panel.open_file(path) and "is not a text file" in panel.banner.label.text()
    assert "looks like a PNG image" in (window.open_path(tmp_path / "picture.png") or window.panel.banner.label.text())
    assert panel.copy_text().replace(".", "") == PUZZLE.replace(".", "")  # the puzzle on show stays


def test_text_files_in_any_encoding_still_open(qtbot, tmp_path):
    """The binary check passes what the solver's reader decodes: UTF-16 with its mark, cp1252, a DOS end."""
    window = make_window(qtbot)
    for name, data in {"a16.sdk": "\ufeff" + PUZZLE + "\r\n", "a1252.txt": PUZZLE + "  % Müller\r\n\x1a"}.items():
        path = tmp_path / name
        path.write_bytes(data.encode("utf-16") if "16" in name else data.encode("cp1252"))
        assert window.open_path(path, "sudoku"), window.panel.banner.label.text()


# -- appearance --------------------------------------------------------------------------------


def test_appearance_dark_and_light_change_the_palette(qtbot, qapp):
    """Preferences ▸ Appearance: dark was saved and nothing changed on X11 (or offscreen)."""
    window = make_window(qtbot)
    panel = window.panel_for("sudoku")
    try:
        for theme, dark in (("dark", True), ("light", False), ("dark", True), ("system", None), ("light", False)):
            window.apply_settings(dataclasses.replace(window.settings, theme=theme))
            qapp.processEvents()
            if dark is None:
                continue
            assert is_dark(window.palette()) is dark, theme
            assert is_dark(panel.board.palette()) is dark and is_dark(window.menuBar().palette()) is dark
            # widgets with a style sheet too (the ARC tab's bold note, the result line)
            for styled in (window.panel_for("arc").model_note, panel.result_label, panel.hint):
                light_text = styled.palette().color(QPalette.ColorRole.WindowText).lightness() > 128
                assert light_text == dark, (theme, styled.accessibleName() or styled.text())
            # the board and its legend paint in the scheme's colours
            colours = BoardColours.from_palette(panel.board.palette())
            assert colours.entry.name() == ("#5aa9ff" if dark else "#1a5fb4")
            assert any(e.colour == colours.entry for e in panel.legend.entries)
    finally:
        apply_theme(qapp, "light")
