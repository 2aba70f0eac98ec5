"""Audio in: the microphone (sounddevice) or a WAV/FLAC file, behind one interface.

Every source yields 16-bit mono PCM frames of ``frame_ms`` at the model's rate. A file source
goes through the same resampling and framing as a device and can run as fast as possible or
in real time. Audio is held in memory only; nothing is written to disk.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from pathlib import Path
from typing import Iterator, Protocol

import numpy as np

log = logging.getLogger(__name__)


class AudioSourceError(RuntimeError):
    """No usable audio input (missing device, unreadable file)."""


class AudioSource(Protocol):
    sample_rate: int
    frame_ms: int

    def frames(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


def to_mono(data: np.ndarray) -> np.ndarray:
    return data.mean(axis=1) if data.ndim == 2 else data


def resample(x: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Band-limited resampling of float samples (windowed-sinc low-pass, then interpolation)."""
    if src_rate == dst_rate or len(x) == 0:
        return x.astype(np.float32)
    x = x.astype(np.float32)
    if dst_rate < src_rate:
        cutoff = 0.45 * dst_rate / src_rate  # cycles/sample, a little below the new Nyquist
        taps = np.arange(-32, 33, dtype=np.float32)
        kernel = np.sinc(2 * cutoff * taps) * np.hamming(len(taps)).astype(np.float32)
        kernel /= kernel.sum()
        x = np.convolve(x, kernel, mode="same").astype(np.float32)
    n_out = int(round(len(x) * dst_rate / src_rate))
    positions = np.arange(n_out, dtype=np.float64) * (src_rate / dst_rate)
    return np.interp(positions, np.arange(len(x)), x).astype(np.float32)


def to_pcm16(x: np.ndarray) -> bytes:
    return (np.clip(x, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def frame_bytes(rate: int, frame_ms: int) -> int:
    return rate * frame_ms // 1000 * 2


class FileSource:
    """A WAV/FLAC file as if it were a microphone.

    ``realtime`` paces frames at the speed of sound; ``tail_silence_s`` appends silence after
    the file, as a microphone keeps delivering room silence after a visitor stops talking.
    """

    def __init__(self, path: str | Path, sample_rate: int = 16000, frame_ms: int = 20,
                 realtime: bool = False, tail_silence_s: float = 1.0) -> None:
        import soundfile as sf

        self.path = Path(path)
        self.sample_rate = sample_rate
        self.frame_ms = frame_ms
        self.realtime = realtime
        try:
            data, rate = sf.read(str(self.path), dtype="float32", always_2d=True)
        except Exception as exc:  # noqa: BLE001 - soundfile raises several kinds
            raise AudioSourceError(f"{self.path}: cannot read audio: {exc}") from exc
        audio = resample(to_mono(data), int(rate), sample_rate)
        tail = np.zeros(int(sample_rate * tail_silence_s), dtype=np.float32)
        self._pcm = to_pcm16(np.concatenate([audio, tail]))
        self.duration_s = len(audio) / sample_rate
        self._closed = False

    def frames(self) -> Iterator[bytes]:
        step = frame_bytes(self.sample_rate, self.frame_ms)
        start = time.monotonic()
        for i, offset in enumerate(range(0, len(self._pcm) - step + 1, step)):
            if self._closed:
                return
            if self.realtime:
                delay = start + i * self.frame_ms / 1000.0 - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            yield self._pcm[offset: offset + step]

    def close(self) -> None:
        self._closed = True


class MicSource:
    """A microphone through sounddevice (PortAudio); frames come from its callback thread."""

    def __init__(self, device: str | int | None = None, sample_rate: int = 16000, frame_ms: int = 20) -> None:
        try:
            import sounddevice as sd
        except OSError as exc:  # PortAudio library missing
            raise AudioSourceError(f"no audio system: {exc}") from exc
        self.sample_rate = sample_rate
        self.frame_ms = frame_ms
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=500)
        self._closed = threading.Event()
        dev = None if device in (None, "", "default") else (int(device) if str(device).isdigit() else device)
        try:
            info = sd.query_devices(dev, "input")
        except Exception as exc:  # noqa: BLE001 - ValueError/PortAudioError
            raise AudioSourceError(f"no microphone {device or 'default'!r}: {exc}") from exc
        self.device_name = str(info.get("name", device))
        self._device_rate = self._pick_rate(sd, dev, int(info.get("default_samplerate", 48000)))
        self._buffer = np.zeros(0, dtype=np.float32)
        try:
            self._stream = sd.InputStream(device=dev, channels=1, samplerate=self._device_rate,
                                          dtype="float32", blocksize=self._device_rate * frame_ms // 1000,
                                          callback=self._on_audio)
            self._stream.start()
        except Exception as exc:  # noqa: BLE001
            raise AudioSourceError(f"microphone {self.device_name!r} cannot start: {exc}") from exc

    def _pick_rate(self, sd, dev, default_rate: int) -> int:  # noqa: ANN001
        try:
            sd.check_input_settings(device=dev, samplerate=self.sample_rate, channels=1, dtype="float32")
            return self.sample_rate
        except Exception:  # noqa: BLE001 - fall back to the device's own rate and resample
            return default_rate

    def _on_audio(self, indata, frames, time_info, status) -> None:  # noqa: ANN001
        if status:
            log.debug("microphone status: %s", status)
        x = resample(indata[:, 0].copy(), self._device_rate, self.sample_rate)
        self._buffer = np.concatenate([self._buffer, x])
        step = self.sample_rate * self.frame_ms // 1000
        while len(self._buffer) >= step:
            chunk, self._buffer = self._buffer[:step], self._buffer[step:]
            try:
                self._queue.put_nowait(to_pcm16(chunk))
            except queue.Full:
                log.warning("audio frames dropped: the recognizer is not keeping up")

    def frames(self) -> Iterator[bytes]:
        while not self._closed.is_set():
            try:
                frame = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if frame is None:
                return
            yield frame

    def close(self) -> None:
        self._closed.set()
        self._queue.put(None)
        try:
            self._stream.stop()
            self._stream.close()
        except Exception:  # noqa: BLE001
            pass


AUDIO_SUFFIXES = {".wav", ".flac", ".ogg"}


def open_source(spec: str, sample_rate: int = 16000, frame_ms: int = 20, realtime: bool = True) -> AudioSource | None:
    """The site config's ``speech.microphone``: "off" → ``None``, an audio file, or a device.

    Raises :class:`AudioSourceError` with a clear message when the device or file is missing;
    the kiosk then stays in touch/text mode.
    """
    if spec.strip().lower() in ("off", "none", ""):
        return None
    if Path(spec).suffix.lower() in AUDIO_SUFFIXES:
        if not Path(spec).is_file():
            raise AudioSourceError(f"{spec}: audio file not found")
        return FileSource(spec, sample_rate, frame_ms, realtime=realtime)
    return MicSource(spec, sample_rate, frame_ms)
