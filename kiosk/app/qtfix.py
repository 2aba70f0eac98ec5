"""A guard against a reference-count bug of the installed Qt for Python build on Python 3.11.

This PySide6/shiboken6 build returns ``None`` from every void method (``QPainter.drawImage``,
``QWidget.update``, ...) and ``True``/``False`` from ``Signal.emit`` without taking a reference,
as if the interpreter had immortal singletons (Python 3.12+). On 3.11 each call lowers the
singleton's count by one and, after a few thousand painted frames, the interpreter aborts with
"deallocating None". Giving the three singletons a huge count, as Python 3.12 does, makes them
effectively immortal. It is done once, only when the fault is measured, and never on 3.12+.
"""
from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_BOOST = 1 << 46  # 7e13 calls before trouble: centuries at thousands of calls per second
_applied = False


def leaks_singletons() -> bool:
    """Measure: does a void Qt call drop a reference to ``None``?"""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(20):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 10


def make_singletons_immortal() -> bool:
    """Apply the guard when needed; True if applied (now or before)."""
    global _applied
    if _applied:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" or not leaks_singletons():
        return False
    for obj in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field of a PyObject
        if count.value < _BOOST:
            count.value += _BOOST
    _applied = True
    log.info("Qt for Python drops references to None/True/False here; guarded them")
    return True


make_singletons_immortal()
