"""Speech for the kiosk window: speaks every reply, and listens when a microphone and model exist.

Built on :mod:`kiosk.speech` (pyttsx3/espeak-ng, Vosk, webrtcvad) and imported lazily; when any
part is missing the kiosk keeps answering by touch and text with subtitles, and the admin panel
shows what failed. Everything here runs on its own threads; nothing touches the GUI.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from kiosk.app.status import FAILED, OFF, OK, STARTING, StatusBoard
from kiosk.config import SpeechSection
from kiosk.pipeline.events import ErrorCode, EventBus, EventType, error_event

log = logging.getLogger(__name__)

Responder = Callable[[str, str], Any]


class SilentSink:
    """A speaker stand-in when no audio output exists: paces like a device, keeps nothing,
    so lip-sync and subtitles keep their timing."""

    latency_s = 0.0

    def __init__(self) -> None:
        self.sample_rate = 16000
        self.played_samples = 0
        self._abort = threading.Event()

    def open(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self._abort.clear()

    def write(self, chunk: Any) -> None:
        self.played_samples += len(chunk)
        self._abort.wait(len(chunk) / float(self.sample_rate))

    def abort(self) -> None:
        self._abort.set()

    def close(self) -> None:
        pass


class VoiceService:
    """Text-to-speech for all turns plus the listening loop (:class:`kiosk.speech.voice_loop.VoiceLoop`)."""

    def __init__(self, bus: EventBus, config: SpeechSection, status: StatusBoard, responder: Responder,
                 languages: Callable[[], list[str]], vocabulary: Callable[[str], set[str]],
                 sink: Any = None, audio_source: Any = None) -> None:
        self.bus = bus
        self.cfg = config
        self.status = status
        self.responder = responder
        self.languages = languages
        self.vocabulary = vocabulary
        self._sink = sink
        self._audio_source = audio_source
        self.rate = config.tts_rate
        self.volume = config.tts_volume
        self.synthesizer: Any = None
        self.player: Any = None
        self.loop: Any = None
        self.listen_lang: str | None = None
        self.tts_ready = threading.Event()
        self.voice_ready = threading.Event()  # listening to the microphone
        self.booted = threading.Event()  # start-up finished, whatever the outcome
        self._stop = threading.Event()
        self._want_lang: str | None = None
        self._speak_cancel = threading.Event()
        self._player_lock = threading.Lock()
        self._speak_thread: threading.Thread | None = None
        self._thread: threading.Thread | None = None
        # a visitor who starts talking silences a greeting or touch reply being spoken
        self._unsubscribe = bus.subscribe(lambda e: self._speak_cancel.set(),
                                          {EventType.STT_VAD_START, EventType.BARGE_IN})

    # -- life cycle -----------------------------------------------------------------------
    def start(self, lang: str) -> None:
        self._want_lang = lang
        self._thread = threading.Thread(target=self._boot, name="kiosk-voice", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        self._unsubscribe()
        self._stop.set()
        self.stop()
        if self._audio_source is not None:
            try:
                self._audio_source.close()
            except Exception:  # noqa: BLE001
                pass
        if self._thread is not None:
            self._thread.join(3.0)

    def _report(self, component: str, state: str, detail: str = "") -> None:
        self.status.set(component, state, detail)
        self.bus.emit(EventType.STATUS, component=component, state=state, detail=detail)

    def _boot(self) -> None:
        try:
            self._preload_asr()
            self._boot_tts()
            if not self._stop.is_set():
                self._listen()
        except Exception as exc:  # noqa: BLE001 - the kiosk keeps touch and text
            log.exception("voice start-up failed")
            self._report("asr", FAILED, str(exc))
        finally:
            self.booted.set()

    def _boot_tts(self) -> None:
        self._report("tts", STARTING)
        try:
            from kiosk.speech.playback import PlaybackError, Player, SoundDeviceSink
            from kiosk.speech.tts import Synthesizer
        except ImportError as exc:
            self._report("tts", FAILED, f"speech package unavailable: {exc}")
            return
        if not self.cfg.enabled:
            self._report("tts", OFF, "speech disabled in the site config")
            return
        sink = self._sink
        if sink is None:
            try:
                sink = SoundDeviceSink(self.cfg.speaker)
                self._report("speaker", OK, str(self.cfg.speaker))
            except PlaybackError as exc:
                sink = SilentSink()
                self._report("speaker", FAILED, str(exc))
                self.bus.publish(error_event(ErrorCode.NO_AUDIO_DEVICE, str(exc)))
        else:
            self._report("speaker", OK, type(sink).__name__)
        self.synthesizer = Synthesizer(rate=self.rate, volume=self.volume)
        self.player = Player(sink, on_event=self._on_player_event)
        try:
            self.synthesizer.render("。", self.languages()[0])  # loads the engine and voice now
            self._report("tts", OK, "pyttsx3")
            self.tts_ready.set()
        except Exception as exc:  # noqa: BLE001 - TtsError and engine failures alike
            self._report("tts", FAILED, str(exc))

    def _preload_asr(self) -> None:
        """Start loading the speech model now, alongside the speech engine (both take seconds)."""
        if not self.cfg.enabled or (self._audio_source is None and self.cfg.microphone.strip().lower() in ("off", "")):
            return
        try:
            from kiosk.speech.asr import SharedModels
            from kiosk.speech.model_store import ModelError, resolve_model
        except ImportError:
            return
        langs = self.languages()
        order = ([self._want_lang] if self._want_lang in langs else []) + langs
        for lang in order:
            try:
                path = resolve_model(lang, self.cfg.models)
            except ModelError:
                continue
            threading.Thread(target=SharedModels.model, args=(path,), name="asr-preload", daemon=True).start()
            return

    # -- listening ------------------------------------------------------------------------
    def _pick_lang(self) -> tuple[str, Any] | None:
        from kiosk.speech.model_store import ModelError, resolve_model

        langs = self.languages()
        order = ([self._want_lang] if self._want_lang in langs else []) + [lg for lg in langs if lg != self._want_lang]
        problems = []
        for lang in order:
            try:
                return lang, resolve_model(lang, self.cfg.models)
            except ModelError as exc:
                problems.append(str(exc))
        self._report("asr", FAILED, "; ".join(problems) or "no language")
        self.bus.publish(error_event(ErrorCode.STT_MODEL_MISSING, problems[0] if problems else "no model"))
        return None

    def _recognizer(self, lang: str, model: Any) -> Any:
        from kiosk.speech.asr import StreamingRecognizer, grammar_for

        grammar = grammar_for(model, self.vocabulary(lang))
        return StreamingRecognizer(model, lang, grammar)

    def _listen(self) -> None:
        if not self.cfg.enabled or (self._audio_source is None and self.cfg.microphone.strip().lower() in ("off", "")):
            self._report("microphone", OFF, "microphone = off" if self.cfg.enabled else "speech disabled")
            return
        try:
            from kiosk.speech.audio_source import AudioSourceError, open_source
            from kiosk.speech.voice_loop import VoiceLoop
        except ImportError as exc:
            self._report("asr", FAILED, f"speech recognition unavailable: {exc}")
            return
        if self.player is None:
            self._report("asr", FAILED, "no speech output, so no voice turns")
            return
        self._report("asr", STARTING)
        picked = self._pick_lang()
        if picked is None:
            return
        lang, model = picked
        recognizer = self._recognizer(lang, model)
        self._report("asr", OK, f"{lang}: {model.name}")
        source = self._audio_source
        if source is None:
            try:
                source = open_source(self.cfg.microphone, recognizer.sample_rate)
            except AudioSourceError as exc:
                self._report("microphone", FAILED, str(exc))
                self.bus.publish(error_event(ErrorCode.NO_AUDIO_DEVICE, str(exc)))
                return
            self._audio_source = source
        self._report("microphone", OK, str(getattr(source, "path", self.cfg.microphone)))
        from kiosk.speech.vad import Endpointer

        endpointer = Endpointer(self.cfg.vad_preset, recognizer.sample_rate, source.frame_ms)
        self.loop = VoiceLoop(self.bus, recognizer, self.responder, self.synthesizer, self.player, endpointer, lang=lang)
        self.listen_lang = lang
        self.voice_ready.set()
        self.bus.emit(EventType.STATUS, component="voice", state=OK, lang=lang)
        self._want_lang = lang
        try:
            for frame in source.frames():
                if self._stop.is_set():
                    break
                if self._want_lang != self.listen_lang and self.loop._current is None:
                    self._switch(self._want_lang)
                self.loop.process(frame)
            self.loop.wait_idle(30.0)
        except Exception as exc:  # noqa: BLE001 - a microphone unplugged mid-run
            log.warning("listening stopped: %s", exc)
            self._report("microphone", FAILED, str(exc))
        finally:
            self.voice_ready.clear()
            if self._stop.is_set() or self.status.get("microphone").state == OK:
                self._report("microphone", OFF, "input ended")

    def set_lang(self, lang: str) -> None:
        """Listen in ``lang`` from the next utterance, when a model for it exists."""
        self._want_lang = lang

    def _switch(self, lang: str | None) -> None:
        from kiosk.speech.model_store import ModelError, resolve_model

        if not lang or self.loop is None:
            return
        try:
            model = resolve_model(lang, self.cfg.models)
        except ModelError:
            self._want_lang = self.listen_lang  # keep listening in the language we have
            return
        self.loop.recognizer = self._recognizer(lang, model)
        self.loop.lang = self.listen_lang = lang
        self._report("asr", OK, f"{lang}: {model.name}")

    # -- speaking -------------------------------------------------------------------------
    def set_rate(self, rate: float) -> None:
        self.rate = rate
        if self.synthesizer is not None:
            self.synthesizer.rate = rate

    def set_volume(self, volume: float) -> None:
        self.volume = max(0.0, min(1.0, volume))
        if self.synthesizer is not None:
            self.synthesizer.volume = self.volume

    def speak(self, text: str, lang: str, turn_id: int | None) -> None:
        """Say a reply of a touch, typed or greeting turn (voice turns speak in the voice loop)."""
        if not self.tts_ready.is_set():
            return
        self.stop()
        cancel = threading.Event()
        self._speak_cancel = cancel
        self._speak_thread = threading.Thread(target=self._speak, args=(text, lang, turn_id, cancel),
                                              name="kiosk-speak", daemon=True)
        self._speak_thread.start()

    def stop(self) -> None:
        self._speak_cancel.set()
        if self.player is not None:
            self.player.stop()

    def _speak(self, text: str, lang: str, turn_id: int | None, cancel: threading.Event) -> None:
        from kiosk.speech.tts import TtsError, join, split_sentences

        self.bus.emit(EventType.TTS_START, turn_id, lang=lang)
        parts = []
        try:
            for i, sentence in enumerate(split_sentences(text) or [text]):
                if cancel.is_set():
                    break
                speech = self.synthesizer.render(sentence, lang)
                if cancel.is_set():
                    break
                parts.append(speech)
                with self._player_lock:  # the voice loop may take the player for a spoken turn
                    if cancel.is_set():
                        break
                    if i == 0:
                        self.bus.emit(EventType.TTS_AUDIO_READY, turn_id, first=True,
                                      duration_s=round(speech.duration_s, 3), cues=[c.to_dict() for c in speech.cues])
                        self.player.begin()
                    self.player.feed(speech)
        except TtsError as exc:
            self.bus.publish(error_event(ErrorCode.TTS_FAILED, str(exc), turn_id))
        finally:
            with self._player_lock:
                if parts and not cancel.is_set():
                    self.player.end()
        if parts:
            speech = join(parts)
            self.bus.emit(EventType.TTS_END, turn_id, sentences=len(parts), duration_s=round(speech.duration_s, 3),
                          visemes=len(speech.cues), cues=[c.to_dict() for c in speech.cues])

    def _on_player_event(self, kind: str, data: dict) -> None:
        if self.loop is not None:
            self.loop._on_player_event(kind, data)  # the loop tracks barge-in on the same player
            return
        if kind == "start":
            self.bus.emit(EventType.PLAYBACK_START)
        elif kind == "end":
            self.bus.emit(EventType.PLAYBACK_END, **data)
        elif kind == "error":
            self.bus.publish(error_event(ErrorCode.NO_AUDIO_DEVICE, data.get("message", "")))

    @property
    def position_s(self) -> float:
        """Seconds of the current reply heard so far (the lip-sync clock)."""
        return self.player.position_s if self.player is not None else 0.0

    @property
    def speaking(self) -> bool:
        return self.player is not None and self.player.playing
