"""The Qt bridge: pipeline events from any thread become a signal delivered on the GUI thread."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from kiosk.pipeline.events import EventBus, PipelineEvent


class EventBridge(QObject):
    """Subscribes to an :class:`EventBus`; ``event`` fires on this object's (GUI) thread."""

    event = Signal(object)
    _relay = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay.connect(self.event.emit, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = bus.subscribe(self._on_event)

    def _on_event(self, event: PipelineEvent) -> None:
        try:
            self._relay.emit(event)
        except RuntimeError:  # the Qt object is gone during shutdown
            pass

    def close(self) -> None:
        self._unsubscribe()
