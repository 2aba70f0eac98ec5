"""The vision worker: a thread running source -> processor -> events, Qt-free.

The GUI may wrap :class:`VisionWorker` in a ``QThread`` or just start it; either way heavy work
stays off the GUI thread. With ``camera = off`` nothing is opened and a status event says so.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from kiosk.pipeline.events import ErrorCode, EventBus, EventType, error_event
from kiosk.vision.sources import FrameSource, SourceError, open_source

log = logging.getLogger(__name__)

RETRY_S = 5.0  # a camera that cannot be opened is tried again this often


def run_source(source: FrameSource, processor, on_report: Callable | None = None,
               stop: threading.Event | None = None, realtime: bool = False) -> int:
    """Feed every frame the processor wants; skipped frames are not decoded.

    ``realtime`` paces a file source to its timestamps (a live camera paces itself).
    Returns the number of processed frames.
    """
    processed = 0
    t_first, wall_first = None, time.monotonic()
    while stop is None or not stop.is_set():
        t = source.grab()
        if t is None:
            break
        if realtime and not source.live:
            t_first = t if t_first is None else t_first
            delay = (t - t_first) - (time.monotonic() - wall_first)
            if delay > 0 and (stop.wait(delay) if stop else time.sleep(delay)):
                break
        if not processor.wants(t):
            continue
        frame = source.retrieve()
        if frame is None:
            continue
        report = processor.process(frame, t)
        del frame
        processed += 1
        if on_report is not None:
            on_report(report)
    return processed


class VisionWorker:
    """Runs the camera (or file) through the vision processor on its own thread.

    Publishes ``STATUS`` events ``{"component": "vision", "camera": "on"|"off"|"error"}`` for the
    on-screen camera indicator, ``ERROR`` with ``no-camera`` when the device fails, and the
    engagement and gaze events of :mod:`kiosk.vision.engagement`.
    """

    def __init__(self, config, bus: EventBus, source: FrameSource | None = None, realtime: bool = True,
                 on_report: Callable | None = None) -> None:
        """``config`` is a :class:`kiosk.config.VisionSection`; ``source`` overrides its camera."""
        self.cfg = config
        self.bus = bus
        self._source = source
        self._realtime = realtime
        self._on_report = on_report
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.processed = 0

    @property
    def enabled(self) -> bool:
        return self._source is not None or self.cfg.camera.strip().lower() not in ("off", "none", "")

    def start(self) -> bool:
        """Start the thread; returns False (and says so on the bus) when the camera is off."""
        if not self.enabled:
            self._status("off", reason="camera = off in the site config")
            return False
        if self._thread is not None and self._thread.is_alive():
            return True
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kiosk-vision", daemon=True)
        self._thread.start()
        return True

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _status(self, camera: str, **data) -> None:
        self.bus.emit(EventType.STATUS, component="vision", camera=camera, **data)

    def _open(self) -> FrameSource | None:
        if self._source is not None:
            source, self._source = self._source, None
            return source
        try:
            return open_source(self.cfg.camera, self.cfg.width, self.cfg.height)
        except SourceError as exc:
            self.bus.publish(error_event(ErrorCode.NO_CAMERA, str(exc)))
            self._status("error", reason=str(exc))
            return None

    def _run(self) -> None:
        from kiosk.vision.processor import VisionProcessor

        processor = VisionProcessor(self.cfg, self.bus)
        try:
            while not self._stop.is_set():
                source = self._open()
                if source is None:
                    self._stop.wait(RETRY_S)
                    continue
                self._status("on", source=source.name if source.live else "file")
                try:
                    self.processed += run_source(source, processor, self._on_report, self._stop, self._realtime)
                except SourceError as exc:
                    self.bus.publish(error_event(ErrorCode.NO_CAMERA, str(exc)))
                finally:
                    source.close()
                    self._status("off")
                if not source.live:
                    break  # a file ends; a camera that stopped is reopened
        except Exception:  # noqa: BLE001 - the kiosk keeps running without vision
            log.exception("vision worker failed")
            self.bus.publish(error_event(ErrorCode.NO_CAMERA, "vision worker failed; see the log"))
        finally:
            processor.close()
