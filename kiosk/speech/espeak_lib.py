"""A minimal ctypes binding of libespeak-ng, shared with pyttsx3's espeak driver.

libespeak-ng keeps global state, so one process has one engine. This module initialises it
once, before pyttsx3 does, in pyttsx3's retrieval mode but with phoneme events (IPA names)
turned on. Retrieval mode synthesises on espeak-ng's own thread, so callers wait for the end
of a message (:func:`wait_until_done`). Every user of the library holds :data:`LOCK` while it
sets a callback and synthesises.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
import time
from dataclasses import dataclass

LOCK = threading.RLock()

AUDIO_OUTPUT_RETRIEVAL = 1  # asynchronous: synthesis runs on espeak-ng's own thread
INITIALIZE_PHONEME_EVENTS = 0x0001
INITIALIZE_PHONEME_IPA = 0x0002
INITIALIZE_DONT_EXIT = 0x8000
CHARS_UTF8 = 1
ENDPAUSE = 0x1000
PARAM_RATE, PARAM_VOLUME, PARAM_PITCH = 1, 2, 3

EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_MSG_TERMINATED = 6
EVENT_PHONEME = 7


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(Event))


class EspeakUnavailable(RuntimeError):
    """libespeak-ng cannot be loaded or initialised on this machine."""


@dataclass
class Engine:
    dll: ctypes.CDLL
    sample_rate: int


_engine: Engine | None = None


def _library_names() -> list[str]:
    if sys.platform == "win32":
        return ["libespeak-ng.dll", r"C:\Program Files\eSpeak NG\libespeak-ng.dll"]
    if sys.platform == "darwin":
        return ["libespeak-ng.dylib", "/opt/homebrew/lib/libespeak-ng.dylib", "/usr/local/lib/libespeak-ng.dylib"]
    found = ctypes.util.find_library("espeak-ng")
    return ["libespeak-ng.so.1"] + ([found] if found else [])


def _load() -> ctypes.CDLL:
    for name in _library_names():
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    raise EspeakUnavailable("libespeak-ng is not installed (on Debian/Ubuntu: apt install libespeak-ng1)")


def engine() -> Engine:
    """The process-wide espeak-ng engine, initialised with IPA phoneme events."""
    global _engine
    with LOCK:
        if _engine is None:
            dll = _load()
            dll.espeak_Initialize.restype = ctypes.c_int
            dll.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
            options = INITIALIZE_PHONEME_EVENTS | INITIALIZE_PHONEME_IPA | INITIALIZE_DONT_EXIT
            rate = dll.espeak_Initialize(AUDIO_OUTPUT_RETRIEVAL, 200, None, options)
            if rate <= 0:
                raise EspeakUnavailable("espeak-ng failed to initialise (is espeak-ng-data installed?)")
            dll.espeak_SetSynthCallback.argtypes = [SynthCallback]
            dll.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
            dll.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
            dll.espeak_Synth.argtypes = [
                ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
            ]
            _engine = Engine(dll, rate)
            _tell_pyttsx3_initialised()
        return _engine


def _tell_pyttsx3_initialised() -> None:
    """pyttsx3 would re-initialise espeak without phoneme events; it only needs the flag."""
    try:
        from pyttsx3.drivers import espeak as driver
    except Exception:  # noqa: BLE001 - pyttsx3 missing or not espeak: nothing to share
        return
    if not driver.EspeakDriver._moduleInitialized:
        driver.EspeakDriver._defaultVoice = "en"
        driver.EspeakDriver._moduleInitialized = True


@dataclass
class Synthesis:
    """Audio and phoneme events of one espeak-ng synthesis."""

    samples: bytes
    sample_rate: int
    phonemes: list[tuple[int, str]]  # (audio position in ms, IPA phoneme)


def synthesize(text: str, voice: str, rate_wpm: int, volume: int = 100) -> Synthesis:
    """Synthesise ``text`` with the C library directly, collecting audio and phoneme events."""
    eng = engine()
    chunks: list[bytes] = []
    phonemes: list[tuple[int, str]] = []

    def on_synth(wav, numsamples, events):  # noqa: ANN001 - ctypes callback
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            ev = events[i]
            if ev.type == EVENT_PHONEME:
                phonemes.append((ev.audio_position, ev.id.string.decode("utf-8", "replace")))
            i += 1
        if numsamples > 0 and wav:
            chunks.append(ctypes.string_at(wav, numsamples * 2))
        return 0

    callback = SynthCallback(on_synth)
    data = text.encode("utf-8") + b"\0"
    with LOCK:
        eng.dll.espeak_SetSynthCallback(callback)
        try:
            if eng.dll.espeak_SetVoiceByName(voice.encode("utf-8")) != 0:
                raise EspeakUnavailable(f"espeak-ng has no voice {voice!r}")
            eng.dll.espeak_SetParameter(PARAM_RATE, int(rate_wpm), 0)
            eng.dll.espeak_SetParameter(PARAM_VOLUME, int(volume), 0)
            eng.dll.espeak_Synth(data, len(data), 0, 1, 0, CHARS_UTF8 | ENDPAUSE, None, None)
            eng.dll.espeak_Synchronize()
        finally:
            _restore_pyttsx3_callback()
    return Synthesis(b"".join(chunks), eng.sample_rate, phonemes)


def wait_until_done(done, timeout_s: float = 20.0) -> bool:  # noqa: ANN001 - done: () -> bool
    """Block until espeak-ng finished the queued text and ``done()`` is true (or time runs out)."""
    engine().dll.espeak_Synchronize()
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


_pyttsx3_driver = None


def register_pyttsx3_driver(driver: object) -> None:
    """Remember pyttsx3's espeak driver so its callback is put back after our own synthesis."""
    global _pyttsx3_driver
    _pyttsx3_driver = driver


def _restore_pyttsx3_callback() -> None:
    if _pyttsx3_driver is None:
        return
    from pyttsx3.drivers import _espeak

    _espeak.SetSynthCallback(_pyttsx3_driver._onSynth)
