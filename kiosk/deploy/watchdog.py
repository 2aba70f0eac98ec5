"""Service manager heartbeat: systemd's sd_notify protocol, with no extra dependency.

systemd starts the kiosk with ``Type=notify`` and ``WatchdogSec=``; it passes ``NOTIFY_SOCKET``
(a unix datagram socket) and ``WATCHDOG_USEC`` in the environment. The kiosk sends ``READY=1``
once its window is up and ``WATCHDOG=1`` from a timer on its GUI thread: if the GUI thread
freezes, the heartbeats stop and systemd kills and restarts the kiosk (``Restart=always``).

Where there is no systemd (Windows, a terminal), :class:`Heartbeat` can touch a heartbeat file
instead, which ``kiosk supervise`` watches.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 5.0


def _socket_address(path: str) -> str | bytes:
    """An ``@name`` socket is in Linux's abstract namespace (a leading NUL byte)."""
    if path.startswith("@"):
        return b"\0" + path[1:].encode()
    return path


def _clean(value: str) -> str:
    """One line, as the protocol separates fields by newlines."""
    return " ".join(str(value).split())[:400]


def sd_notify(*fields: str, socket_path: str | None = None) -> bool:
    """Send ``KEY=value`` fields to the service manager; False when there is none or it failed."""
    path = socket_path if socket_path is not None else os.environ.get("NOTIFY_SOCKET", "")
    if not path:
        return False
    message = "\n".join(fields).encode("utf-8")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(_socket_address(path))
            sock.sendall(message)
        return True
    except (OSError, AttributeError) as exc:  # AttributeError: no AF_UNIX on this platform
        log.debug("sd_notify to %s failed: %s", path, exc)
        return False


def watchdog_interval_s(env: dict[str, str] | None = None) -> float | None:
    """Half of systemd's ``WATCHDOG_USEC`` (as sd_watchdog_enabled advises), or None if off."""
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid.isdigit() and int(pid) != os.getpid():
        return None  # the watchdog is meant for another process (e.g. a wrapper script)
    return int(usec) / 2_000_000


class Heartbeat:
    """Tells the service manager that the kiosk is up and its GUI thread alive.

    ``ready()`` once the window shows, ``beat()`` every :attr:`interval_s` from a GUI-thread
    timer (see :meth:`start_qt_timer`), ``status(text)`` for ``systemctl status``, and
    ``stopping()`` on a clean exit. Every call is cheap and never raises.
    """

    def __init__(self, socket_path: str | None = None, heartbeat_file: str | Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        env = dict(os.environ) if env is None else env
        self.socket_path = socket_path if socket_path is not None else env.get("NOTIFY_SOCKET", "")
        file_value = heartbeat_file if heartbeat_file is not None else env.get("KIOSK_HEARTBEAT_FILE", "")
        self.heartbeat_file = Path(file_value) if file_value else None
        self.watchdog_s = watchdog_interval_s(env)
        self.beats = 0
        self.last_beat: float | None = None

    @property
    def enabled(self) -> bool:
        """True when someone listens: a notify socket or a heartbeat file."""
        return bool(self.socket_path or self.heartbeat_file)

    @property
    def interval_s(self) -> float:
        """How often to call :meth:`beat` (half the watchdog timeout; 5 s when none is set)."""
        return self.watchdog_s or DEFAULT_INTERVAL_S

    def _send(self, *fields: str) -> bool:
        if not self.socket_path:
            return False
        return sd_notify(*fields, socket_path=self.socket_path)

    def ready(self, status: str = "ready") -> bool:
        self._touch()
        return self._send("READY=1", f"STATUS={_clean(status)}")

    def beat(self) -> bool:
        """One heartbeat; call it from the GUI thread so a frozen GUI stops the heartbeats."""
        self.beats += 1
        self.last_beat = time.monotonic()
        self._touch()
        return self._send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self._send(f"STATUS={_clean(text)}")

    def stopping(self, status: str = "stopping") -> bool:
        return self._send("STOPPING=1", f"STATUS={_clean(status)}")

    def extend_timeout(self, seconds: float) -> bool:
        """Ask for more time during a long start (loading models): ``EXTEND_TIMEOUT_USEC``."""
        return self._send(f"EXTEND_TIMEOUT_USEC={int(seconds * 1_000_000)}")

    def _touch(self) -> None:
        if self.heartbeat_file is None:
            return
        try:
            self.heartbeat_file.parent.mkdir(parents=True, exist_ok=True)
            self.heartbeat_file.write_text(f"{os.getpid()} {time.time():.3f}\n", encoding="ascii")
        except OSError as exc:
            log.debug("heartbeat file %s: %s", self.heartbeat_file, exc)

    def start_qt_timer(self, parent: Any = None) -> Any:
        """A started ``QTimer`` (GUI thread) that calls :meth:`beat`; keep a reference to it."""
        from PySide6.QtCore import QTimer

        timer = QTimer(parent)
        timer.setInterval(int(self.interval_s * 1000))
        timer.timeout.connect(self.beat)
        timer.start()
        return timer
