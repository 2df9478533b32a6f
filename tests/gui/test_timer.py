"""The solving timer on the Sudoku tab (#17): shown in the tab, paused by Pause and while the
window has lost focus."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import PUZZLE, make_window, trigger


class FakeTime:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_the_timer_shows_in_the_tab_and_pauses(qtbot, monkeypatch):
    window = make_window(qtbot)
    panel = window.panel_for("sudoku")
    fake = FakeTime()
    panel.clock.now = fake
    window.activateWindow()
    monkeypatch.setattr(panel, "isActiveWindow", lambda: True)
    panel.paste_text(PUZZLE)
    fake.t += 65
    panel._refresh_info()
    assert "time 1:05" in panel.info_label.text() and "paused" not in panel.info_label.text()
    trigger(window, "Ctrl+Shift+P")  # Pause
    fake.t += 100
    panel._refresh_info()
    assert "time 1:05 paused" in panel.info_label.text()
    trigger(window, "Ctrl+Shift+P")  # and on
    fake.t += 5
    panel._refresh_info()
    assert "time 1:10" in panel.info_label.text()
    # The window loses focus: the clock stops; back, it runs on.
    monkeypatch.setattr(panel, "isActiveWindow", lambda: False)
    QApplication.sendEvent(panel, QEvent(QEvent.Type.ActivationChange))
    fake.t += 300
    panel._refresh_info()
    assert "time 1:10 paused" in panel.info_label.text()
    monkeypatch.setattr(panel, "isActiveWindow", lambda: True)
    QApplication.sendEvent(panel, QEvent(QEvent.Type.ActivationChange))
    fake.t += 2
    panel._refresh_info()
    assert "time 1:12" in panel.info_label.text()
    panel.paste_text(PUZZLE)  # a new puzzle starts at zero
    assert "time 0:00" in panel.info_label.text()
