"""Help ▸ How it works: what a pass, the halt head and the rule checker are, and the shortcuts.

The shortcut table is made from the window's own QActions when the page opens, so it lists what
the keys really do and cannot drift from the menus."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from gui.views.text_page import TextPage

EXPLANATION = """
<h2>How the model solves</h2>
<p><b>A pass.</b> The model is a Tiny Recursive Model: one small network applied again and again to
its own previous answer. Each application is a <i>pass</i>. In a pass it refines a hidden
"reasoning" state a few times (the <i>inner steps</i>) and then rewrites its whole answer grid. The
timeline steps through the passes (and the inner steps, where the model has them); the board shows
the answer after the pass you pick, shaded by how sure the model is of each cell.</p>
<p><b>The halt head.</b> Besides the answer, each pass outputs one number: the model's own
probability that its answer is finished. When it rises above the halting threshold (the dashed line
in the chart) the model stops; otherwise it stops at the pass cap. <i>Keep thinking</i> runs more
passes from where it stopped.</p>
<p><b>The rule checker.</b> The model's answer is never taken on trust. An exact checker, not the
network, decides whether the answer keeps the puzzle and breaks none of its rules (each tab's rules
are below). Only an answer it
accepts is called <i>verified</i>; cells it objects to are marked red. When the first try is not
verified, the model may try other symmetric views of the puzzle (rotations, relabellings), each
mapped back onto the puzzle as you entered it.</p>
"""


def _plain(text: str) -> str:
    """A menu text without its mnemonic ampersands and ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what they do) for every action that has a shortcut, in the order given."""
    rows: list[tuple[str, str]] = []
    for action in actions:
        keys = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not s.isEmpty()]
        if keys:
            rows.append((", ".join(keys), _plain(action.text())))
    return rows


def help_html(actions: Iterable[QAction], tabs: Iterable[tuple[str, str]] = ()) -> str:
    """The whole page: the explanation, each tab's own words (title, html), the shortcut table."""
    rows = "".join(f"<tr><td><b>{html.escape(keys)}</b>&nbsp;&nbsp;</td><td>{html.escape(what)}</td></tr>"
                   for keys, what in shortcut_rows(actions))
    kinds = "".join(f"<h3>{html.escape(title)}</h3>{text}" for title, text in tabs if text)
    return f"{EXPLANATION}<h2>The tabs</h2>{kinds}<h2>Keyboard shortcuts</h2><table>{rows}</table>"


class HelpDialog(TextPage):
    """A scrollable page of help text."""

    def __init__(self, actions: Iterable[QAction], tabs: Iterable[tuple[str, str]] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__("How it works — TRM Puzzles", help_html(actions, tabs), (620, 560), parent,
                         external_links=True)
