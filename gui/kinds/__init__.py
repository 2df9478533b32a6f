"""The window's half of each puzzle kind: one package per kind (gui/kinds/<name>/: its panel, its
board state, its board view), and the registry the window builds its tabs from.

Like `solver.kinds`, importing this module imports no panel: a kind's package is imported the
first time its panel is asked for. The kinds never import each other (an import-linter contract).
`register_panel` adds a panel for a kind defined elsewhere (a test's Latin squares); a kind whose
puzzles are 2-D grids can use `gui.grid_panel.GridPanel` as it is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from solver import kinds

if TYPE_CHECKING:
    from gui.puzzle_panel import PanelContext, PuzzlePanel
    from solver.kinds import Kind

PanelFactory = Callable[["Kind", "PanelContext"], "PuzzlePanel"]

# name -> the package whose PANEL makes the tab; the order is the order of the window's tabs.
_PACKAGES: dict[str, str] = {
    "sudoku": "gui.kinds.sudoku",
    "maze": "gui.kinds.maze",
    "arc": "gui.kinds.arc",
}
_REGISTERED: dict[str, PanelFactory] = {}


def register_panel(name: str, factory: PanelFactory) -> None:
    """Give the kind called `name` (known to `solver.kinds`) a tab made by `factory(kind, context)`."""
    if name in _PACKAGES or name in _REGISTERED:
        raise ValueError(f"the puzzle kind {name!r} already has a panel")
    kinds.get(name)  # ValueError unless the solver knows the kind
    _REGISTERED[name] = factory


def unregister_panel(name: str) -> None:
    """Forget a panel added with `register_panel` (the shipped ones stay)."""
    if name in _PACKAGES:
        raise ValueError(f"{name!r} is a shipped kind; its panel cannot be unregistered")
    _REGISTERED.pop(name, None)


def names() -> tuple[str, ...]:
    """Every kind with a tab: the shipped ones in tab order, then registered ones."""
    return (*_PACKAGES, *_REGISTERED)


def panel_factory(name: str) -> PanelFactory:
    """What makes the tab for `name`; ValueError naming the kinds that have one."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    package = _PACKAGES.get(name)
    if package is None:
        raise ValueError(f"no panel for the puzzle kind {name!r} (panels: {', '.join(names())})")
    return importlib.import_module(package).PANEL
