"""A read-only page of rich text with a Close button: the About box and the Help page."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget


class TextPage(QDialog):
    """`html` in a scrollable browser (tables wider than a message box fit), closed by Close."""

    def __init__(self, title: str, html: str, size: tuple[int, int], parent: QWidget | None = None,
                 external_links: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setHtml(html)
        self.browser.setOpenExternalLinks(external_links)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(*size)
