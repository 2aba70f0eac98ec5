"""Aggregate visitor counts for analytics: how many were noticed and engaged per hour.

Nothing else about a visitor leaves the vision package: no track ids, no positions, no times
finer than the hour.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict

from kiosk.pipeline.events import EventBus, EventType, PipelineEvent


class HourlyVisitorCounts:
    """Subscribes to the bus and counts ``noticed`` and ``engaged`` (new sessions) per local hour."""

    def __init__(self, bus: EventBus | None = None) -> None:
        self._counts: dict[str, dict[str, int]] = defaultdict(lambda: {"noticed": 0, "engaged": 0})
        self._lock = threading.Lock()
        self._unsubscribe = bus.subscribe(self.on_event, {EventType.VISITOR_NOTICED, EventType.VISITOR_ENGAGED}) if bus else None

    def on_event(self, event: PipelineEvent) -> None:
        if event.type == EventType.VISITOR_ENGAGED and event.data.get("resumed"):
            return  # the same session picked up again
        key = "noticed" if event.type == EventType.VISITOR_NOTICED else "engaged"
        hour = time.strftime("%Y-%m-%dT%H:00", time.localtime(event.wall_time))
        with self._lock:
            self._counts[hour][key] += 1

    def snapshot(self) -> list[dict]:
        """``[{"hour": "2026-05-01T14:00", "noticed": 12, "engaged": 5}, ...]`` in hour order."""
        with self._lock:
            return [{"hour": h, **c} for h, c in sorted(self._counts.items())]

    def close(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
