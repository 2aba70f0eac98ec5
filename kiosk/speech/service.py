"""Putting the voice pipeline together from the site config, or saying clearly why not.

A missing microphone or model never crashes the kiosk: :func:`start_voice` returns ``None``
with a :class:`VoiceStatus` in "touch" mode, and publishes the reason on the event bus.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from kiosk.config import SpeechSection
from kiosk.pipeline.events import ErrorCode, EventBus, EventType, error_event
from kiosk.speech import model_store
from kiosk.speech.asr import StreamingRecognizer, grammar_for
from kiosk.speech.audio_source import AudioSource, AudioSourceError, open_source
from kiosk.speech.playback import Player, PlaybackError, RecordingSink, Sink, SoundDeviceSink
from kiosk.speech.tts import Synthesizer
from kiosk.speech.vad import Endpointer
from kiosk.speech.voice_loop import BargeInPolicy, Responder, VoiceLoop

log = logging.getLogger(__name__)


@dataclass
class VoiceStatus:
    mode: str  # "voice" or "touch"
    lang: str
    model: str = ""
    microphone: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # (ErrorCode value, message)

    @property
    def message(self) -> str:
        if self.mode == "voice":
            return f"voice ready ({self.lang}, model {self.model}, microphone {self.microphone})"
        return "touch/text mode: " + "; ".join(m for _, m in self.problems)

    def to_dict(self) -> dict[str, object]:
        return {"mode": self.mode, "lang": self.lang, "model": self.model, "microphone": self.microphone,
                "problems": [{"code": c, "message": m} for c, m in self.problems], "message": self.message}


def make_recognizer(lang: str, config: SpeechSection | None = None,
                    vocabulary: Iterable[str] | None = None) -> StreamingRecognizer:
    """A recognizer for ``lang`` from the store (raises ``ModelError`` if there is no model)."""
    path = model_store.resolve_model(lang, (config or SpeechSection()).models)
    grammar = grammar_for(path, vocabulary) if vocabulary else None
    return StreamingRecognizer(path, lang, grammar)


def start_voice(config: SpeechSection, lang: str, responder: Responder, bus: EventBus,
                vocabulary: Iterable[str] | None = None, source: AudioSource | None = None,
                sink: Sink | None = None) -> tuple[VoiceLoop | None, AudioSource | None, VoiceStatus]:
    """Build the voice loop and open the microphone; on any missing part, touch mode."""
    status = VoiceStatus("touch", lang, microphone=config.microphone)
    if not config.enabled:
        status.problems.append(("disabled", "speech is turned off in the site config"))
        return _touch(status, bus)
    try:
        recognizer = make_recognizer(lang, config, vocabulary)
        status.model = recognizer.model_path.name
    except model_store.ModelError as exc:
        status.problems.append((ErrorCode.STT_MODEL_MISSING.value, str(exc)))
        return _touch(status, bus)
    if source is None:
        try:
            source = open_source(config.microphone, recognizer.sample_rate)
        except AudioSourceError as exc:
            status.problems.append((ErrorCode.NO_AUDIO_DEVICE.value, str(exc)))
            return _touch(status, bus)
        if source is None:
            status.problems.append((ErrorCode.NO_AUDIO_DEVICE.value, "microphone is off in the site config"))
            return _touch(status, bus)
    if sink is None:
        try:
            sink = SoundDeviceSink(config.speaker)
        except PlaybackError as exc:
            log.warning("%s: replies are shown as subtitles only", exc)
            sink = RecordingSink(realtime=True)
    synth = Synthesizer(rate=config.tts_rate, volume=config.tts_volume)
    loop = VoiceLoop(bus, recognizer, responder, synth, Player(sink),
                     Endpointer(config.vad_preset, recognizer.sample_rate), BargeInPolicy(), lang)
    status.mode = "voice"
    bus.emit(EventType.STATUS, None, component="speech", **status.to_dict())
    return loop, source, status


def _touch(status: VoiceStatus, bus: EventBus) -> tuple[None, None, VoiceStatus]:
    for code, message in status.problems:
        if code in {c.value for c in ErrorCode}:
            bus.publish(error_event(ErrorCode(code), message))
    bus.emit(EventType.STATUS, None, component="speech", **status.to_dict())
    return None, None, status


def model_path_for(lang: str, config: SpeechSection | None = None) -> Path:
    return model_store.resolve_model(lang, (config or SpeechSection()).models)
