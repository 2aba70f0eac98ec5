"""``kiosk supervise``: keeps the kiosk running where there is no systemd (Windows, tests).

It starts the kiosk with ``KIOSK_HEARTBEAT_FILE`` set; the kiosk's GUI-thread timer rewrites
that file (see :class:`kiosk.deploy.watchdog.Heartbeat`). When the kiosk exits, or the file
has not been rewritten for ``timeout_s`` (a frozen GUI), the supervisor ends it and starts it
again after ``restart_delay_s``, like systemd's ``Restart=always`` and ``WatchdogSec=``.
"""
from __future__ import annotations

import logging
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class SuperviseOptions:
    command: list[str]
    heartbeat_file: Path
    timeout_s: float = 30.0  # no heartbeat for this long: the kiosk is frozen
    start_grace_s: float = 60.0  # time allowed for the first heartbeat (models load)
    restart_delay_s: float = 2.0
    max_restarts: int | None = None  # None: forever
    poll_s: float = 0.5


def heartbeat_age(path: Path, now: float | None = None) -> float | None:
    """Seconds since the heartbeat file was last written, None if it does not exist."""
    try:
        return (now or time.time()) - path.stat().st_mtime
    except OSError:
        return None


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_once(opts: SuperviseOptions) -> str:
    """Start the kiosk and watch it until it exits or freezes; returns why it ended."""
    try:
        opts.heartbeat_file.unlink()
    except OSError:
        pass
    env = dict(os.environ, KIOSK_HEARTBEAT_FILE=str(opts.heartbeat_file))
    started = time.time()
    proc = subprocess.Popen(opts.command, env=env)
    try:
        while True:
            code = proc.poll()
            if code is not None:
                return f"exited with code {code}"
            age = heartbeat_age(opts.heartbeat_file)
            if age is None and time.time() - started > opts.start_grace_s:
                _stop(proc)
                return f"no heartbeat within {opts.start_grace_s:.0f} s of starting"
            if age is not None and age > opts.timeout_s:
                _stop(proc)
                return f"heartbeat stopped for {age:.0f} s (frozen)"
            time.sleep(opts.poll_s)
    except BaseException:
        _stop(proc)
        raise


def supervise(opts: SuperviseOptions) -> int:
    """Run the kiosk again and again; returns only after ``max_restarts`` restarts."""
    restarts = 0
    while True:
        reason = run_once(opts)
        log.warning("kiosk %s; restarting in %.0f s", reason, opts.restart_delay_s)
        print(f"supervise: kiosk {reason}", flush=True)
        if opts.max_restarts is not None and restarts >= opts.max_restarts:
            return 1
        restarts += 1
        time.sleep(opts.restart_delay_s)
