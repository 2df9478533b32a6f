"""Workaround for a PySide6 reference-count bug that crashes the app on Python 3.11.

Measured with PySide6 6.12.0 on Python 3.11: every call of a wrapped C++ method that returns
void (``QColor.setAlphaF``, ``QPainter.fillRect``, ...) drops one reference to ``None``, and every
``signal.emit()`` one reference to ``True``, without having taken them. After a few thousand calls
(one repaint of the board makes hundreds) the interpreter aborts with "none_dealloc: deallocating
None" or "bool_dealloc". 6.11.2 does not do this. Python 3.12+ makes these objects immortal,
which hides the bug there.

The fix belongs in the dependency pin (``PySide6-Essentials != 6.12.0``); until then this module
does what Python 3.12 does: it gives None, True and False so many references that the leak can
never bring them to zero. It only acts when it measures the leak, on an interpreter without
immortal objects.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_PLENTY = 1 << 48  # references added: more than any process can leak in its lifetime
_done = False


def _leaks_references() -> bool:
    """True when this PySide drops references to None or True (measured on a probe)."""
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtGui import QColor

    class Probe(QObject):
        ping = Signal()

    colour, probe, calls = QColor(0, 0, 0), Probe(), 32
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(calls):
        colour.setAlphaF(0.5)
        probe.ping.emit()
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    # Give back what the probe itself took, so the measurement costs nothing.
    _add_references(None, max(0, lost_none))
    _add_references(True, max(0, lost_true))
    return lost_none >= calls // 2 or lost_true >= calls // 2


def _add_references(obj: object, count: int) -> None:
    """Raise `obj`'s reference count by `count` (CPython: ob_refcnt is the first field)."""
    if count:
        ctypes.c_ssize_t.from_address(id(obj)).value += count


def protect_singletons() -> None:
    """Make None, True and False effectively immortal when this PySide leaks references to them."""
    global _done
    if _done:
        return
    _done = True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return  # immortal objects already: the leak is harmless
    if not _leaks_references():
        return
    import PySide6

    log.warning(
        "PySide6 %s drops references to None/True on this Python; protecting them "
        "(pin PySide6-Essentials != 6.12.0 to avoid this)",
        PySide6.__version__,
    )
    for obj in (None, True, False):
        _add_references(obj, _PLENTY)
