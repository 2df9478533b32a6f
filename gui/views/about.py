"""The About box's tables: per model what it is, how it was trained, how accurate it measured.

A model card's accuracy keys read "<test set> [<subset>, n=<count>] app solver, <setting>"
(tools/record_accuracy.py); the table puts one test set per row and one setting per column, so
eighteen numbers make a 6x3 grid instead of a wall of text. A key of another shape keeps a row
of its own."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QWidget

from gui.views.text_page import TextPage

_KEY = re.compile(r"^(?P<data>.*?) \[(?P<subset>.*?), n=(?P<n>\d+)\] (?:app solver, )?(?P<setting>.+)$")
_TABLE = '<table cellspacing="0" cellpadding="3" border="1" style="border-collapse: collapse;">'


def percent(value: object) -> str:
    """A share as a percentage; anything else as it is."""
    if isinstance(value, float) and 0.0 <= value <= 1.0:
        return f"{value:.1%}"
    return html.escape(str(value))


def accuracy_table(accuracy: Mapping[str, Any]) -> str:
    """The measured accuracy as an html table (test sets x settings); "" when nothing was measured."""
    if not accuracy:
        return ""
    settings: list[str] = []
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for key, value in accuracy.items():
        match = _KEY.match(key)
        if match is None:
            data, setting = key, "measured"
        else:
            subset = match["subset"]
            data = f"{match['data']} [{subset}]" if subset else match["data"]
            data, setting = f"{data}, n={match['n']}", match["setting"]
        if setting not in settings:
            settings.append(setting)
        rows.setdefault((data, ""), {})[setting] = value
    head = "".join(f"<th>{html.escape(s)}</th>" for s in settings)
    body = "".join(
        f"<tr><td>{html.escape(data)}</td>"
        + "".join(f'<td align="right">{percent(values[s]) if s in values else "—"}</td>' for s in settings)
        + "</tr>"
        for (data, _), values in rows.items()
    )
    return f"{_TABLE}<tr><th>test set</th>{head}</tr>{body}</table>"


def facts_table(rows: Sequence[tuple[str, str]]) -> str:
    """Two columns, a name and its (html) value."""
    body = "".join(f"<tr><td><b>{html.escape(name)}</b>&nbsp;&nbsp;</td><td>{value}</td></tr>" for name, value in rows)
    return f"<table cellpadding='2'>{body}</table>"


def training_summary(provenance: Mapping[str, Any]) -> str:
    """"file royle_sudoku17.txt.gz; 5,600 steps; 5.7 h of training" from a card's provenance."""
    parts = []
    if provenance.get("data"):
        parts.append(str(provenance["data"]))
    if isinstance(provenance.get("step"), int):
        parts.append(f"{provenance['step']:,} steps")
    seconds = provenance.get("train_seconds")
    if isinstance(seconds, (int, float)):
        parts.append(f"{seconds / 3600:.1f} h of training")
    return html.escape("; ".join(parts)) if parts else "not recorded"


class AboutDialog(TextPage):
    """Help ▸ About: a scrollable page (the tables are wider than a message box)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__("About TRM Puzzles", text, (760, 600), parent)
