"""Our own endpointing with webrtcvad: when a visitor starts and stops speaking.

The Vosk wheel cannot tune its endpointer, so the kiosk decides utterance boundaries itself:
speech starts after ``start_s`` of mostly voiced audio and ends after ``end_s`` of mostly
unvoiced audio, or at the ``max_s`` cap. Presets suit different halls and visitors.
"""
from __future__ import annotations

import collections
import math
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np


@dataclass(frozen=True)
class VadPreset:
    name: str
    aggressiveness: int = 2  # webrtcvad 0..3; higher rejects more noise
    start_s: float = 0.25
    end_s: float = 0.7
    max_s: float = 15.0
    pre_roll_s: float = 0.3  # audio kept from before the start, so the first syllable is heard
    start_ratio: float = 0.8
    end_ratio: float = 0.15
    min_dbfs: float = -50.0  # frames quieter than this are never speech


PRESETS = {
    "default": VadPreset("default"),
    "quiet": VadPreset("quiet", aggressiveness=1, start_s=0.2, end_s=0.6, min_dbfs=-55.0),
    "noisy": VadPreset("noisy", aggressiveness=3, start_s=0.3, end_s=0.8, start_ratio=0.85, min_dbfs=-42.0),
    "patient": VadPreset("patient", start_s=0.25, end_s=1.2, max_s=20.0),  # slow or elderly speakers
    "fast": VadPreset("fast", start_s=0.2, end_s=0.5, max_s=10.0),
}


def preset(name: str, **overrides: float) -> VadPreset:
    if name not in PRESETS:
        raise ValueError(f"unknown VAD preset {name!r}; choose one of {', '.join(PRESETS)}")
    return replace(PRESETS[name], **overrides) if overrides else PRESETS[name]


class VadState(str, Enum):
    SILENCE = "silence"
    SPEECH = "speech"


@dataclass
class VadEvent:
    kind: str  # "start" | "speech" | "end"
    t: float  # stream time in seconds at the end of the frame that caused it
    frames: list[bytes]  # "start": pre-roll + voiced frames so far; "speech": this frame
    reason: str = ""  # for "end": "silence" or "cap"


def frame_dbfs(frame: bytes) -> float:
    x = np.frombuffer(frame, dtype="<i2").astype(np.float32)
    rms = math.sqrt(float(np.mean(x * x))) if len(x) else 0.0
    return 20 * math.log10(rms / 32768.0) if rms > 0 else -120.0


class Endpointer:
    """Feed frames (10/20/30 ms of 16-bit mono PCM); get start/speech/end events."""

    def __init__(self, settings: VadPreset | str = "default", sample_rate: int = 16000, frame_ms: int = 20) -> None:
        import webrtcvad

        if frame_ms not in (10, 20, 30):
            raise ValueError("webrtcvad takes 10, 20 or 30 ms frames")
        self.settings = preset(settings) if isinstance(settings, str) else settings
        self.sample_rate = sample_rate
        self.frame_ms = frame_ms
        self._vad = webrtcvad.Vad(self.settings.aggressiveness)
        self._start_n = max(1, round(self.settings.start_s * 1000 / frame_ms))
        self._end_n = max(1, round(self.settings.end_s * 1000 / frame_ms))
        self._pre_n = max(self._start_n, round(self.settings.pre_roll_s * 1000 / frame_ms) + self._start_n)
        self._max_n = round(self.settings.max_s * 1000 / frame_ms)
        self.reset()

    def reset(self) -> None:
        self.state = VadState.SILENCE
        self._ring: collections.deque[tuple[bytes, bool]] = collections.deque(maxlen=self._pre_n)
        self._tail: collections.deque[bool] = collections.deque(maxlen=self._end_n)
        self._speech_frames = 0
        self._n = 0
        self.speech_start_t: float | None = None

    @property
    def t(self) -> float:
        return self._n * self.frame_ms / 1000.0

    def is_speech(self, frame: bytes) -> bool:
        if frame_dbfs(frame) < self.settings.min_dbfs:
            return False
        return self._vad.is_speech(frame, self.sample_rate)

    def feed(self, frame: bytes) -> list[VadEvent]:
        self._n += 1
        voiced = self.is_speech(frame)
        if self.state is VadState.SILENCE:
            self._ring.append((frame, voiced))
            recent = list(self._ring)[-self._start_n:]
            if len(recent) == self._start_n and sum(v for _, v in recent) >= self.settings.start_ratio * self._start_n:
                self.state = VadState.SPEECH
                self.speech_start_t = self.t - self._start_n * self.frame_ms / 1000.0
                frames = [f for f, _ in self._ring]
                self._ring.clear()
                self._tail.clear()
                self._speech_frames = len(recent)
                return [VadEvent("start", self.t, frames)]
            return []
        self._speech_frames += 1
        self._tail.append(voiced)
        events = [VadEvent("speech", self.t, [frame])]
        if len(self._tail) == self._end_n and sum(self._tail) <= self.settings.end_ratio * self._end_n:
            events.append(VadEvent("end", self.t, [], "silence"))
            self._to_silence()
        elif self._speech_frames >= self._max_n:
            events.append(VadEvent("end", self.t, [], "cap"))
            self._to_silence()
        return events

    def _to_silence(self) -> None:
        self.state = VadState.SILENCE
        self._ring.clear()
        self._tail.clear()
        self._speech_frames = 0
