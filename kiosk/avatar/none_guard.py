"""Guard against a reference-count leak on ``None`` in PySide6 6.12 under CPython 3.11.

Every PySide6 method that returns ``void`` (``QPainter.setOpacity``, ``QObject.setObjectName``,
``QImage.fill``...) gives back ``None`` without taking a reference to it, so ``None``'s reference
count drops by one per call. After a few thousand calls CPython aborts with
"Fatal Python error: none_dealloc". A drawing loop makes hundreds of such calls per frame.

CPython 3.12+ makes ``None`` immortal, so nothing is needed there. On 3.11 ``None`` is a static
object that is never freed, so giving it a very large reference count is harmless and the leak can
never exhaust it (2**50 references last millions of years at 100k calls per second).
"""
from __future__ import annotations

import ctypes
import sys

FLOOR = 1 << 50


def protect_none() -> None:
    """Top up the counts of ``None``, ``True`` and ``False`` below :data:`FLOOR` (cheap; call often).

    ``Signal.emit`` leaks ``True``/``False`` the same way void methods leak ``None``.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        if sys.getrefcount(obj) < FLOOR:
            ctypes.c_ssize_t.from_address(id(obj)).value += FLOOR


protect_none()
