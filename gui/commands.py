"""Undo commands: every edit is one QUndoCommand holding the state before and after it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand


class Snapshotting(Protocol):
    """A puzzle state that can hand out and take back immutable snapshots."""

    def snapshot(self) -> Any: ...

    def restore(self, snapshot: Any) -> None: ...


class EditCommand(QUndoCommand):
    """One edit (a digit, a wall stroke, a paint stroke, a fill, a resize) as two snapshots."""

    def __init__(
        self,
        state: Snapshotting,
        after: object,
        text: str,
        on_change: Callable[[], None],
    ) -> None:
        super().__init__(text)
        self._state = state
        self._before = state.snapshot()
        self._after = after
        self._on_change = on_change

    def is_noop(self) -> bool:
        """True when the edit changes nothing (not worth an undo step)."""
        return self._before == self._after

    def redo(self) -> None:
        self._state.restore(self._after)
        self._on_change()

    def undo(self) -> None:
        self._state.restore(self._before)
        self._on_change()


def push_edit(
    stack: Any, state: Snapshotting, after: object, text: str, on_change: Callable[[], None]
) -> bool:
    """Push one edit onto a QUndoStack unless it changes nothing; True when pushed."""
    command = EditCommand(state, after, text, on_change)
    if command.is_noop():
        return False
    stack.push(command)
    return True
