"""Running work off the GUI thread: a function on Qt's thread pool, its result as a signal."""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)
    progress = Signal(float, str)


class Job(QRunnable):
    """``fn(report)`` on a pool thread; ``report(fraction, message)`` emits progress."""

    def __init__(self, fn: Callable[[Callable[[float, str], None]], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.fn(lambda fraction, message="": self.signals.progress.emit(float(fraction), str(message)))
        except Exception as exc:  # noqa: BLE001 - reported to the GUI
            log.exception("studio job failed")
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.done.emit(result)


class JobRunner(QObject):
    """Keeps running jobs alive until they finish and connects their signals."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._jobs: set[Job] = set()

    def start(self, fn: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
              on_failed: Callable[[str], None] | None = None,
              on_progress: Callable[[float, str], None] | None = None) -> Job:
        job = Job(fn)
        self._jobs.add(job)
        if on_done:
            job.signals.done.connect(on_done)
        if on_failed:
            job.signals.failed.connect(on_failed)
        if on_progress:
            job.signals.progress.connect(on_progress)
        job.signals.done.connect(lambda _=None, j=job: self._jobs.discard(j))
        job.signals.failed.connect(lambda _=None, j=job: self._jobs.discard(j))
        self.pool.start(job)
        return job

    def busy(self) -> bool:
        return bool(self._jobs)

    def wait(self, ms: int = 30000) -> bool:
        return self.pool.waitForDone(ms)
