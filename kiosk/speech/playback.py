"""The kiosk's own speech player: chunks of at most 40 ms, so it can stop at once.

A :class:`Player` writes queued speech to a :class:`Sink` on its own thread. The sound-card
sink uses sounddevice; :class:`RecordingSink` keeps the audio in memory and blocks like a
device does, so tests run the very same player code. ``position_s`` is the clock lip-sync reads.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable, Protocol

import numpy as np

from kiosk.speech.tts import Speech

log = logging.getLogger(__name__)


class PlaybackError(RuntimeError):
    """No usable audio output."""


class Sink(Protocol):
    def open(self, sample_rate: int) -> None: ...

    def write(self, chunk: np.ndarray) -> None:
        """Block until the device has room for ``chunk`` (int16 mono)."""

    def abort(self) -> None:
        """Drop whatever is buffered, now."""

    def close(self) -> None: ...

    @property
    def latency_s(self) -> float: ...


class SoundDeviceSink:
    """The speaker, through sounddevice (PortAudio), with a small output buffer."""

    def __init__(self, device: str | int | None = None) -> None:
        try:
            import sounddevice as sd
        except OSError as exc:
            raise PlaybackError(f"no audio system: {exc}") from exc
        self._sd = sd
        self._device = None if device in (None, "", "default") else (int(device) if str(device).isdigit() else device)
        try:
            sd.query_devices(self._device, "output")
        except Exception as exc:  # noqa: BLE001
            raise PlaybackError(f"no speaker {device or 'default'!r}: {exc}") from exc
        self._stream = None
        self._rate = 0

    def open(self, sample_rate: int) -> None:
        if self._stream is not None and self._rate == sample_rate:
            if not self._stream.active:
                self._stream.start()
            return
        self.close()
        self._stream = self._sd.OutputStream(device=self._device, samplerate=sample_rate, channels=1,
                                             dtype="int16", latency="low")
        self._rate = sample_rate
        self._stream.start()

    def write(self, chunk: np.ndarray) -> None:
        assert self._stream is not None
        self._stream.write(np.ascontiguousarray(chunk.reshape(-1, 1)))

    def abort(self) -> None:
        if self._stream is not None:
            self._stream.abort()

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    @property
    def latency_s(self) -> float:
        return float(self._stream.latency) if self._stream is not None else 0.0


class RecordingSink:
    """Keeps what was played, in memory; blocks for each chunk's duration like a device."""

    def __init__(self, realtime: bool = True) -> None:
        self.realtime = realtime
        self.chunks: list[np.ndarray] = []
        self.chunk_times: list[float] = []
        self.sample_rate = 0
        self.aborted_at: float | None = None

    def open(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate

    def write(self, chunk: np.ndarray) -> None:
        self.chunks.append(chunk.copy())
        self.chunk_times.append(time.monotonic())
        if self.realtime:
            time.sleep(len(chunk) / float(self.sample_rate))

    def abort(self) -> None:
        self.aborted_at = time.monotonic()

    def close(self) -> None:
        pass

    @property
    def latency_s(self) -> float:
        return 0.0

    def audio(self) -> np.ndarray:
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, dtype=np.int16)

    @property
    def played_s(self) -> float:
        return len(self.audio()) / float(self.sample_rate or 1)


_END = object()


class Player:
    """Plays queued :class:`Speech` parts back to back; :meth:`stop` silences it within a chunk."""

    def __init__(self, sink: Sink, chunk_ms: int = 40,
                 on_event: Callable[[str, dict], None] | None = None) -> None:
        if not 5 <= chunk_ms <= 40:
            raise ValueError("chunk_ms must be between 5 and 40")
        self.sink = sink
        self.chunk_ms = chunk_ms
        self.on_event = on_event or (lambda kind, data: None)
        self._queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._done = threading.Event()
        self._done.set()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._written = 0
        self._written_at_stop: int | None = None
        self._rate = 0
        self._started_at: float | None = None
        self.current: Speech | None = None

    # -- control ------------------------------------------------------------------------
    def begin(self) -> None:
        """Start a reply; parts follow with :meth:`feed`, then :meth:`end`."""
        self.stop()
        self._stop.clear()
        self._done.clear()
        self._queue = queue.Queue()
        self._written = 0
        self._written_at_stop: int | None = None
        self._started_at = None
        self._thread = threading.Thread(target=self._run, name="speech-player", daemon=True)
        self._thread.start()

    def feed(self, speech: Speech) -> None:
        self._queue.put(speech)

    def end(self) -> None:
        self._queue.put(_END)

    def play(self, speech: Speech) -> None:
        """Play one whole reply (returns at once)."""
        self.begin()
        self.feed(speech)
        self.end()

    def stop(self) -> float:
        """Stop now; returns how long stopping took in seconds."""
        t0 = time.monotonic()
        if self._thread is None or self._done.is_set():
            return 0.0
        self._written_at_stop = self._written
        self._stop.set()
        self._queue.put(_END)
        self.sink.abort()
        self._done.wait(0.2)
        return time.monotonic() - t0

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def playing(self) -> bool:
        return not self._done.is_set()

    @property
    def played_after_stop_s(self) -> float:
        """Audio handed to the device after :meth:`stop` was called (at most one chunk)."""
        if self._written_at_stop is None or not self._rate:
            return 0.0
        return (self._written - self._written_at_stop) / self._rate

    @property
    def position_s(self) -> float:
        """Seconds of the current reply heard so far (what the lips should show)."""
        if not self._rate:
            return 0.0
        return max(0.0, self._written / self._rate - self.sink.latency_s)

    # -- worker -------------------------------------------------------------------------
    def _run(self) -> None:
        completed = False
        try:
            completed = self._play_queue()
        except Exception as exc:  # noqa: BLE001 - a dead device must not kill the kiosk
            log.warning("playback failed: %s", exc)
            self.on_event("error", {"message": str(exc)})
        finally:
            data = {"completed": completed, "played_s": round(self.position_s, 3)}
            if self._written_at_stop is not None:
                data["after_stop_s"] = round(self.played_after_stop_s, 3)
            self.on_event("end", data)
            self._done.set()

    def _play_queue(self) -> bool:
        while not self._stop.is_set():
            item = self._queue.get()
            if item is _END:
                return not self._stop.is_set()
            speech: Speech = item
            if self._rate != speech.sample_rate:
                self.sink.open(speech.sample_rate)
                self._rate = speech.sample_rate
            self.current = speech
            step = max(1, speech.sample_rate * self.chunk_ms // 1000)
            for offset in range(0, len(speech.samples), step):
                if self._stop.is_set():
                    return False
                if self._started_at is None:
                    self._started_at = time.monotonic()
                    self.on_event("start", {})
                self.sink.write(speech.samples[offset: offset + step])
                self._written += min(step, len(speech.samples) - offset)
        return False
