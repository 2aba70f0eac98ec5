"""Offline digital-human service kiosk."""
from kiosk.avatar.none_guard import protect_none as _protect_none

# PySide6 6.12 on CPython 3.11 leaks a reference to None on every void Qt call; any long-running
# Qt code (the kiosk, the studio, the test suite) would abort without this guard.
_protect_none()
