"""MessageBanner: a non-modal message strip above a board (errors never block the window)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from gui.result_text import ERROR, INFO, SUCCESS, WARNING

_COLOURS = {
    INFO: ("#1a5fb4", "#dbe9fa"),
    SUCCESS: ("#1e6b34", "#dcf3e2"),
    WARNING: ("#7a5200", "#fdf0cf"),
    ERROR: ("#9b1c1c", "#fbdede"),
}


class MessageBanner(QFrame):
    """One line of text with a level colour and a close button; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.level = INFO
        self.hide()

    def show_message(self, text: str, level: str = INFO) -> None:
        """Show `text`; the level picks the colours."""
        fg, bg = _COLOURS.get(level, _COLOURS[INFO])
        self.level = level
        self.setStyleSheet(
            f"MessageBanner {{ background: {bg}; border: 1px solid {fg}; border-radius: 4px; }}"
            f" QLabel, QToolButton {{ color: {fg}; }}"
        )
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def clear(self) -> None:
        """Hide the banner."""
        self.label.clear()
        self.hide()

    @property
    def text(self) -> str:
        """The message shown ('' when hidden)."""
        return "" if self.isHidden() else self.label.text()
