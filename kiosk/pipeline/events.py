"""Typed, timestamped pipeline events (modelled on Home Assistant's assist_pipeline).

Every stage emits a ``*_START`` and a ``*_END`` event, or an ``ERROR`` event with an
:class:`ErrorCode`. A turn may start at any stage: speech (``STT``), typed or touched input
(``INTENT``), or a reply that only needs to be spoken (``TTS``).
"""
from __future__ import annotations

import enum
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable


class Stage(str, enum.Enum):
    """Pipeline stages in their natural order."""

    ENGAGEMENT = "engagement"
    WAKE = "wake"
    STT = "stt"
    INTENT = "intent"
    TTS = "tts"

    @classmethod
    def order(cls) -> list["Stage"]:
        return [cls.ENGAGEMENT, cls.WAKE, cls.STT, cls.INTENT, cls.TTS]


class EventType(str, enum.Enum):
    RUN_START = "run-start"
    RUN_END = "run-end"
    # engagement (vision)
    VISITOR_NOTICED = "visitor-noticed"
    VISITOR_ENGAGED = "visitor-engaged"
    VISITOR_DISENGAGING = "visitor-disengaging"
    VISITOR_IDLE = "visitor-idle"
    GAZE_TARGET = "gaze-target"
    # listening
    WAKE_START = "wake-start"
    WAKE_END = "wake-end"
    STT_START = "stt-start"
    STT_VAD_START = "stt-vad-start"
    STT_VAD_END = "stt-vad-end"
    STT_PARTIAL = "stt-partial"
    STT_END = "stt-end"
    # understanding
    INTENT_START = "intent-start"
    INTENT_END = "intent-end"
    # speaking
    TTS_START = "tts-start"
    TTS_AUDIO_READY = "tts-audio-ready"
    TTS_END = "tts-end"
    PLAYBACK_START = "playback-start"
    PLAYBACK_END = "playback-end"
    BARGE_IN = "barge-in"
    # session
    SESSION_START = "session-start"
    SESSION_RESET = "session-reset"
    STATUS = "status"
    ERROR = "error"


class ErrorCode(str, enum.Enum):
    NO_AUDIO_DEVICE = "no-audio-device"
    NO_CAMERA = "no-camera"
    STT_MODEL_MISSING = "stt-model-missing"
    STT_NO_TEXT = "stt-no-text"
    STT_FAILED = "stt-failed"
    INTENT_FAILED = "intent-failed"
    INTENT_MODEL_STALE = "intent-model-stale"
    TTS_FAILED = "tts-failed"
    PACK_INVALID = "pack-invalid"
    AVATAR_INVALID = "avatar-invalid"
    TIMEOUT = "timeout"


_seq = itertools.count(1)


@dataclass(frozen=True)
class PipelineEvent:
    """One event: what happened, when (monotonic seconds), in which turn, with data."""

    type: EventType
    data: dict[str, Any] = field(default_factory=dict)
    turn_id: int | None = None
    timestamp: float = field(default_factory=time.monotonic)
    wall_time: float = field(default_factory=time.time)
    seq: int = field(default_factory=lambda: next(_seq))

    @property
    def stage(self) -> Stage | None:
        name = self.type.value.split("-")[0]
        try:
            return Stage(name)
        except ValueError:
            return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "turn": self.turn_id,
            "t": round(self.timestamp, 6),
            "wall": round(self.wall_time, 3),
            "data": self.data,
        }


def error_event(code: ErrorCode, message: str, turn_id: int | None = None, **data: Any) -> PipelineEvent:
    return PipelineEvent(EventType.ERROR, {"code": code.value, "message": message, **data}, turn_id)


Listener = Callable[[PipelineEvent], None]


class EventBus:
    """Thread-safe publish/subscribe for pipeline events.

    Listeners run on the publishing thread; a GUI subscribes through a Qt signal bridge so that
    its handlers run on the GUI thread. A failing listener never breaks the publisher.
    """

    def __init__(self, history: int = 500) -> None:
        self._listeners: list[tuple[Listener, frozenset[EventType] | None]] = []
        self._lock = threading.Lock()
        self._history: list[PipelineEvent] = []
        self._history_size = history

    def subscribe(self, listener: Listener, types: set[EventType] | None = None) -> Callable[[], None]:
        entry = (listener, frozenset(types) if types else None)
        with self._lock:
            self._listeners.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._listeners:
                    self._listeners.remove(entry)

        return unsubscribe

    def publish(self, event: PipelineEvent) -> PipelineEvent:
        with self._lock:
            self._history.append(event)
            del self._history[: -self._history_size]
            listeners = list(self._listeners)
        for listener, types in listeners:
            if types is None or event.type in types:
                try:
                    listener(event)
                except Exception:  # noqa: BLE001 - a listener must not break the pipeline
                    import logging

                    logging.getLogger(__name__).exception("event listener failed for %s", event.type)
        return event

    def emit(self, type_: EventType, turn_id: int | None = None, **data: Any) -> PipelineEvent:
        return self.publish(PipelineEvent(type_, data, turn_id))

    def history(self, types: set[EventType] | None = None) -> list[PipelineEvent]:
        with self._lock:
            return [e for e in self._history if types is None or e.type in types]
