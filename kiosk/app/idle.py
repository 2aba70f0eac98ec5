"""The session clock: forget the visitor after an idle timeout or soon after they walk away."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal


class IdleController(QObject):
    """Emits ``expired(reason)`` once: ``idle-timeout`` with no activity for ``timeout_s``, or
    ``visitor-left`` ``leave_grace_s`` after the camera saw the visitor go (unless they return)."""

    expired = Signal(str)

    def __init__(self, timeout_s: float, leave_grace_s: float = 4.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(lambda: self._fire("idle-timeout"))
        self._leave = QTimer(self)
        self._leave.setSingleShot(True)
        self._leave.timeout.connect(lambda: self._fire("visitor-left"))
        self.set_timeout(timeout_s)
        self.leave_grace_s = leave_grace_s
        self.armed = False

    def set_timeout(self, seconds: float) -> None:
        self._idle.setInterval(max(1, int(seconds * 1000)))

    def start_session(self) -> None:
        self.armed = True
        self.activity()

    def activity(self) -> None:
        """Anything the visitor or the kiosk did: the idle clock starts over."""
        if self.armed:
            self._leave.stop()
            self._idle.start()

    def hold(self) -> None:
        """Pause the idle clock (while the avatar is speaking)."""
        self._idle.stop()

    def visitor_left(self) -> None:
        if self.armed:
            self._leave.start(int(self.leave_grace_s * 1000))

    def visitor_back(self) -> None:
        self._leave.stop()

    def stop(self) -> None:
        self.armed = False
        self._idle.stop()
        self._leave.stop()

    def _fire(self, reason: str) -> None:
        if self.armed:
            self.stop()
            self.expired.emit(reason)
