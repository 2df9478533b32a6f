"""Colours: puzzle colours are data (fixed), chrome colours come from the widget's palette."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

# The official ARC testing interface's palette, colour index 0-9.
ARC_PALETTE = (
    "#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00",
    "#AAAAAA", "#F012BE", "#FF851B", "#7FDBFF", "#870C25",
)
ARC_NAMES = ("black", "blue", "red", "green", "yellow", "grey", "fuchsia", "orange", "teal", "maroon")
ARC_GRID_LINE = "#555555"

# Maze: index into solver.maze.CHARSET "# SGo".
MAZE_COLOURS = ("#2b2b2b", "#f4f4f0", "#2ECC40", "#FF4136", "#0074D9")

# A grid of small numbers (a kind without its own board): pale tints by value, 0 blank.
NUMBER_COLOURS = (
    "#fbfbf8", "#dbe9fa", "#dcf3e2", "#fdf0cf", "#fbdede",
    "#eadcf8", "#d9f2f2", "#f6e3d4", "#e8e8e8", "#f4dcea",
)

CONFLICT = QColor("#e0352b")
CHANGED = QColor("#ff9800")


def arc_colour(index: int) -> QColor:
    """The QColor of ARC colour `index`."""
    return QColor(ARC_PALETTE[index])


def is_dark(palette: QPalette) -> bool:
    """True when the palette's window colour is dark (dark mode)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


@dataclass(frozen=True)
class BoardColours:
    """The Sudoku board's colours for one palette (light or dark)."""

    background: QColor
    box_line: QColor
    cell_line: QColor
    given: QColor
    entry: QColor
    answer: QColor
    selection: QColor
    same_digit: QColor
    conflict: QColor
    conflict_fill: QColor
    changed: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> BoardColours:
        """Chrome from the palette; the entry and answer hues stay recognisable in both modes."""
        dark = is_dark(palette)
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        cell_line = QColor(text)
        cell_line.setAlphaF(0.25)
        selection = QColor(highlight)
        selection.setAlphaF(0.45)
        same = QColor(highlight)
        same.setAlphaF(0.18)
        fill = QColor(CONFLICT)
        fill.setAlphaF(0.22)
        return cls(
            background=base,
            box_line=text,
            cell_line=cell_line,
            given=text,
            entry=QColor("#5aa9ff") if dark else QColor("#1a5fb4"),
            answer=QColor("#4cd6a0") if dark else QColor("#0b7a55"),
            selection=selection,
            same_digit=same,
            conflict=QColor("#ff6b60") if dark else CONFLICT,
            conflict_fill=fill,
            changed=CHANGED,
        )
