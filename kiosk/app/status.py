"""What works right now: devices and models, for the indicators and the staff admin panel."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from kiosk.pipeline.events import EventType, PipelineEvent

OK, OFF, FAILED, STARTING = "ok", "off", "failed", "starting"

# components in the order the admin panel lists them
COMPONENTS = ("pack", "intent", "avatar", "camera", "microphone", "asr", "tts", "speaker", "watchdog", "analytics")

ERROR_COMPONENT = {
    "no-camera": "camera", "no-audio-device": "speaker", "stt-model-missing": "asr", "stt-failed": "asr",
    "tts-failed": "tts", "pack-invalid": "pack", "avatar-invalid": "avatar", "intent-model-stale": "intent",
}


@dataclass
class ComponentStatus:
    name: str
    state: str = OFF
    detail: str = ""


class StatusBoard:
    """Thread-safe table of component states, fed directly and from pipeline events."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items = {name: ComponentStatus(name) for name in COMPONENTS}

    def set(self, name: str, state: str, detail: str = "") -> None:
        with self._lock:
            self._items[name] = ComponentStatus(name, state, detail)

    def get(self, name: str) -> ComponentStatus:
        with self._lock:
            return self._items.get(name, ComponentStatus(name))

    def items(self) -> list[ComponentStatus]:
        with self._lock:
            return list(self._items.values())

    def ok(self, name: str) -> bool:
        return self.get(name).state == OK

    def apply(self, event: PipelineEvent) -> bool:
        """Update from a ``STATUS`` or ``ERROR`` event; True when something changed."""
        data = event.data
        if event.type == EventType.STATUS:
            if data.get("component") == "vision" and "camera" in data:
                cam = data["camera"]
                state = {"on": OK, "off": OFF, "error": FAILED}.get(cam, cam)
                if state == OFF and self.get("camera").state == FAILED and not data.get("reason"):
                    return False  # a closed failing source stays "failed"
                self.set("camera", state, str(data.get("reason") or data.get("source") or ""))
                return True
            name = data.get("component")
            if name and "state" in data:
                self.set(str(name), str(data["state"]), str(data.get("detail", "")))
                return True
            return False
        if event.type == EventType.ERROR:
            name = ERROR_COMPONENT.get(str(data.get("code")))
            if name:
                self.set(name, FAILED, str(data.get("message", "")))
                return True
        return False
