"""Text to speech through pyttsx3 (espeak-ng on Linux, SAPI5 on Windows), rendered to memory.

pyttsx3 writes a WAV file; we write it to a RAM-backed temp folder, read it back and delete it
at once. The kiosk plays the audio itself (see :mod:`kiosk.speech.playback`): pyttsx3's own
playback and its word events are not used. On espeak-ng the same synthesis also yields
phoneme events for lip-sync.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from kiosk.speech import visemes
from kiosk.speech.visemes import Cue

log = logging.getLogger(__name__)

ESPEAK_VOICES = {"zh": "cmn", "en": "en-us", "ko": "ko", "ja": "ja", "fr": "fr", "de": "de", "es": "es"}
BASE_RATE_WPM = 175
# espeak-ng through pyttsx3 now and then writes an empty file for a sentence (8 of 300 renders
# three threads make on a loaded 2-core machine; cause not found): such a render is done again
EMPTY_RETRIES = 2
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.])(?=\s)|\n+")


class TtsError(RuntimeError):
    """Speech could not be rendered (no engine, no voice for the language, engine failure)."""


@dataclass
class Speech:
    """Rendered speech: mono int16 samples, their rate, and a viseme timeline."""

    text: str
    lang: str
    samples: np.ndarray
    sample_rate: int
    cues: list[Cue] = field(default_factory=list)
    render_s: float = 0.0
    viseme_source: str = "envelope"

    @property
    def duration_s(self) -> float:
        return len(self.samples) / float(self.sample_rate)


def split_sentences(text: str) -> list[str]:
    """Split a reply into sentences so the first can play while the rest renders."""
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if p]


def ram_temp_dir() -> Path:
    """A temp folder in RAM where the OS offers one (so speech never lands on disk)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return Path(tempfile.gettempdir())


class Synthesizer:
    """One pyttsx3 engine per process, used from any thread (calls are serialised)."""

    _lock = threading.RLock()
    _engine = None

    def __init__(self, rate: float = 1.0, volume: float = 1.0, voices: dict[str, str] | None = None) -> None:
        self.rate = rate
        self.volume = volume
        self.voices = {**ESPEAK_VOICES, **(voices or {})}

    # -- engine -------------------------------------------------------------------------
    @classmethod
    def _get_engine(cls):  # noqa: ANN206 - pyttsx3.Engine
        with cls._lock:
            if cls._engine is None:
                try:
                    if sys.platform.startswith("linux"):
                        from kiosk.speech import espeak_lib

                        espeak_lib.engine()  # phoneme events on, before pyttsx3 starts
                    import pyttsx3

                    cls._engine = pyttsx3.init()
                except Exception as exc:  # noqa: BLE001 - any engine failure is a TTS failure
                    raise TtsError(f"no speech engine: {exc}") from exc
                if cls._is_espeak(cls._engine):
                    from kiosk.speech import espeak_lib

                    espeak_lib.register_pyttsx3_driver(cls._engine.proxy._driver)
            return cls._engine

    @staticmethod
    def _is_espeak(engine) -> bool:  # noqa: ANN001
        return type(engine.proxy._driver).__module__.endswith("espeak")

    def _voice_id(self, engine, lang: str) -> str:  # noqa: ANN001
        if self._is_espeak(engine):
            if lang not in self.voices:
                raise TtsError(f"no espeak-ng voice configured for language {lang!r}")
            return self.voices[lang]
        for voice in engine.getProperty("voices"):
            langs = [str(x).lower().replace("_", "-") for x in (voice.languages or [])]
            if any(x.startswith(lang) for x in langs) or lang in str(voice.id).lower():
                return voice.id
        raise TtsError(f"no installed voice speaks {lang!r}")

    # -- rendering ----------------------------------------------------------------------
    def render(self, text: str, lang: str) -> Speech:
        """Render one piece of text; raises :class:`TtsError`."""
        start = time.perf_counter()
        engine = self._get_engine()
        for attempt in range(1 + EMPTY_RETRIES):
            samples, rate, phonemes = self._render_once(engine, text, lang)
            if len(samples) or not text.strip():
                break
            log.warning("speech engine returned no sound for %r (%s), attempt %d", text[:40], lang, attempt + 1)
        mono = samples[:, 0].copy()
        speech = Speech(text, lang, mono, int(rate), render_s=time.perf_counter() - start)
        if phonemes:
            speech.cues = visemes.from_phonemes(phonemes, speech.duration_s)
            speech.viseme_source = "phonemes"
        else:
            speech.cues = visemes.from_envelope(mono, int(rate))
        return speech

    def _render_once(self, engine, text: str, lang: str) -> tuple[np.ndarray, int, list[tuple[int, str]] | None]:  # noqa: ANN001
        """One pass through the speech engine: (samples, sample rate, phoneme events or None)."""
        import soundfile as sf

        path = ram_temp_dir() / f"kiosk-tts-{uuid.uuid4().hex}.wav"
        with self._lock:
            phonemes: list[tuple[int, str]] | None = None
            try:
                engine.setProperty("voice", self._voice_id(engine, lang))
                engine.setProperty("rate", int(round(BASE_RATE_WPM * self.rate)))
                engine.setProperty("volume", float(self.volume))
                with self._phoneme_capture(engine) as phonemes:
                    engine.save_to_file(text, str(path))
                    with contextlib.redirect_stdout(io.StringIO()):
                        engine.runAndWait()
                        self._wait_for_file(engine, path)
                samples, rate = sf.read(str(path), dtype="int16", always_2d=True)
            except TtsError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise TtsError(f"speech engine failed for {lang}: {exc}") from exc
            finally:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        return samples, int(rate), phonemes

    def _wait_for_file(self, engine, path: Path) -> None:  # noqa: ANN001
        """pyttsx3's espeak loop can return while espeak-ng still synthesises on its own thread."""
        if not self._is_espeak(engine):
            return
        from kiosk.speech import espeak_lib

        driver = engine.proxy._driver
        # done: the file is written and the driver's end-of-speech callback has let go of the engine,
        # so the next render cannot start while that callback still runs on espeak-ng's thread
        if not espeak_lib.wait_until_done(lambda: not driver._speaking and not engine.proxy.isBusy() and path.exists()):
            raise TtsError("espeak-ng did not finish the speech in time")

    @contextlib.contextmanager
    def _phoneme_capture(self, engine) -> Iterator[list[tuple[int, str]] | None]:  # noqa: ANN001
        """On espeak-ng, route the synth callback through us to keep phoneme events."""
        if not self._is_espeak(engine):
            yield None
            return
        from kiosk.speech import espeak_lib

        driver = engine.proxy._driver
        events: list[tuple[int, str]] = []

        def on_synth(wav, numsamples, evs):  # noqa: ANN001 - ctypes callback
            i = 0
            while evs[i].type != espeak_lib.EVENT_LIST_TERMINATED:
                if evs[i].type == espeak_lib.EVENT_PHONEME:
                    events.append((evs[i].audio_position, evs[i].id.string.decode("utf-8", "replace")))
                i += 1
            return driver._onSynth(wav, numsamples, evs)

        callback = espeak_lib.SynthCallback(on_synth)
        with espeak_lib.LOCK:
            espeak_lib.engine().dll.espeak_SetSynthCallback(callback)
            try:
                yield events
            finally:
                espeak_lib._restore_pyttsx3_callback()

    def render_sentences(self, text: str, lang: str) -> Iterator[Speech]:
        """Render sentence by sentence, first sentence first."""
        for sentence in split_sentences(text) or [text]:
            yield self.render(sentence, lang)


def join(speeches: list[Speech], gap_s: float = 0.0) -> Speech:
    """One Speech from several (same rate), with the viseme cues shifted into place."""
    if not speeches:
        raise ValueError("nothing to join")
    rate = speeches[0].sample_rate
    parts: list[np.ndarray] = []
    cues: list[Cue] = []
    offset = 0.0
    gap = np.zeros(int(rate * gap_s), dtype=np.int16)
    for s in speeches:
        if s.sample_rate != rate:
            raise ValueError("speech parts have different sample rates")
        cues.extend(visemes.shift(s.cues, offset))
        parts.extend([s.samples, gap])
        offset += s.duration_s + gap_s
    out = Speech(" ".join(s.text for s in speeches), speeches[0].lang, np.concatenate(parts), rate, cues)
    out.render_s = sum(s.render_s for s in speeches)
    out.viseme_source = speeches[0].viseme_source
    return out


def write_wav(path: str | Path, speech: Speech) -> None:
    import soundfile as sf

    sf.write(str(path), speech.samples, speech.sample_rate, subtype="PCM_16")
