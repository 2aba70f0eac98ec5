"""The Qt for Python reference-count guard, applied before the kiosk window paints anything.

The guard itself lives in :mod:`kiosk.avatar.none_guard` (it runs on ``import kiosk``); this module
keeps the app's entry point and checks the fault is really absent once Qt is loaded.
"""
from __future__ import annotations

import sys

from kiosk.avatar.none_guard import FLOOR, protect_none


def make_singletons_immortal() -> bool:
    """Apply the guard; True when ``None``/``True``/``False`` are protected (or need no help)."""
    protect_none()
    return sys.version_info >= (3, 12) or all(sys.getrefcount(o) >= FLOOR for o in (None, True, False))


make_singletons_immortal()
