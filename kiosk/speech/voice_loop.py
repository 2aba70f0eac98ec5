"""The voice turn: audio source → VAD → ASR → dialog → TTS → playback, with barge-in.

Listening runs on the caller's thread (one frame at a time); each reply is produced on a
worker thread, first sentence first, so the avatar starts speaking while the rest renders and
the kiosk keeps listening for a visitor who interrupts. Every step is published on the
:class:`~kiosk.pipeline.events.EventBus`.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from kiosk.pipeline.events import ErrorCode, EventBus, EventType, error_event
from kiosk.speech.asr import StreamingRecognizer, Transcript
from kiosk.speech.playback import Player
from kiosk.speech.tts import Speech, Synthesizer, TtsError, join, split_sentences
from kiosk.speech.vad import Endpointer

log = logging.getLogger(__name__)

Responder = Callable[[str, str], Any]  # (text, lang) -> a dialog Reply (text, intent, state, ...)


@dataclass
class BargeInPolicy:
    """How many recognised words a visitor must say before the avatar stops talking, per
    dialog state of the reply being spoken (0: stop as soon as speech starts)."""

    enabled: bool = True
    min_words: dict[str, int] = field(default_factory=lambda: {"handoff": 2})
    default_min_words: int = 0

    def words_needed(self, state: str | None) -> int | None:
        if not self.enabled:
            return None
        return self.min_words.get(state or "", self.default_min_words)


@dataclass
class TurnResult:
    turn_id: int
    lang: str
    transcript: Transcript | None = None
    reply: Any = None
    speech: Speech | None = None
    times: dict[str, float] = field(default_factory=dict)  # monotonic seconds per stage
    audio_times: dict[str, float] = field(default_factory=dict)  # seconds into the audio stream
    barged_in: bool = False
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def since_speech_end_ms(self) -> dict[str, float]:
        t0 = self.times.get("speech_end")
        if t0 is None:
            return {}
        return {k: round((v - t0) * 1000, 1) for k, v in self.times.items()}

    def to_dict(self) -> dict[str, Any]:
        reply = self.reply.to_dict() if hasattr(self.reply, "to_dict") else self.reply
        return {
            "turn": self.turn_id,
            "lang": self.lang,
            "transcript": self.transcript.to_dict() if self.transcript else None,
            "reply": reply,
            "visemes": len(self.speech.cues) if self.speech else 0,
            "viseme_source": self.speech.viseme_source if self.speech else None,
            "reply_audio_s": round(self.speech.duration_s, 3) if self.speech else 0.0,
            "stages_ms_after_speech_end": self.since_speech_end_ms(),
            "audio_s": {k: round(v, 3) for k, v in self.audio_times.items()},
            "barged_in": self.barged_in,
            "error": self.error,
        }


class VoiceLoop:
    """Drives voice turns from a stream of 16-bit mono frames."""

    def __init__(self, bus: EventBus, recognizer: StreamingRecognizer, responder: Responder,
                 synthesizer: Synthesizer, player: Player, endpointer: Endpointer | None = None,
                 policy: BargeInPolicy | None = None, lang: str | None = None) -> None:
        self.bus = bus
        self.recognizer = recognizer
        self.responder = responder
        self.synthesizer = synthesizer
        self.player = player
        self.vad = endpointer or Endpointer("default", recognizer.sample_rate)
        self.policy = policy or BargeInPolicy()
        self.lang = lang or recognizer.lang
        self.turns: list[TurnResult] = []
        self._turn_no = 0
        self._current: TurnResult | None = None
        self._speaking_turn: TurnResult | None = None
        self._reply_turn: TurnResult | None = None
        self._barge_words_needed: int | None = None
        self._cancel_reply = threading.Event()
        self._reply_thread: threading.Thread | None = None
        self.player.on_event = self._on_player_event

    # -- listening ----------------------------------------------------------------------
    def run(self, frames: Iterable[bytes], max_turns: int | None = None,
            stop: threading.Event | None = None) -> list[TurnResult]:
        """Listen until the stream ends, ``max_turns`` turns were heard, or ``stop`` is set."""
        heard = 0
        for frame in frames:
            if stop is not None and stop.is_set():
                break
            if self.process(frame) is not None:
                heard += 1
                if max_turns is not None and heard >= max_turns:
                    break
        return self.turns

    def process(self, frame: bytes) -> TurnResult | None:
        """Feed one frame; returns the turn whose utterance just ended (its reply is on the way)."""
        for event in self.vad.feed(frame):
            if event.kind == "start":
                self._on_speech_start(event.frames)
            elif event.kind == "speech" and self._current is not None:
                self._on_speech_frame(event.frames[0])
            elif event.kind == "end" and self._current is not None:
                return self._on_speech_end(event.reason)
        return None

    def _on_speech_start(self, frames: list[bytes]) -> None:
        self._turn_no += 1
        turn = TurnResult(self._turn_no, self.lang)
        turn.times["speech_start"] = time.monotonic()
        turn.audio_times["speech_start"] = self.vad.speech_start_t or 0.0
        self._current = turn
        self.bus.emit(EventType.STT_START, turn.turn_id, lang=self.lang)
        self.bus.emit(EventType.STT_VAD_START, turn.turn_id, audio_t=round(turn.audio_times["speech_start"], 3),
                      detected_audio_t=round(self.vad.t, 3))
        if self._reply_busy():
            needed = self.policy.words_needed(self._speaking_state())
            if needed == 0:
                self._barge_in(turn, words=0)
            elif needed is not None:
                self._barge_words_needed = needed
        for f in frames:
            self._on_speech_frame(f, emit=False)

    def _on_speech_frame(self, frame: bytes, emit: bool = True) -> None:
        assert self._current is not None
        partial = self.recognizer.accept(frame)
        if partial is None or not emit:
            return
        self.bus.emit(EventType.STT_PARTIAL, self._current.turn_id, text=partial)
        if self._barge_words_needed is not None and len(partial.split()) >= self._barge_words_needed:
            self._barge_in(self._current, words=len(partial.split()))

    def _on_speech_end(self, reason: str) -> TurnResult:
        turn = self._current
        assert turn is not None
        self._current = None
        self._barge_words_needed = None
        turn.times["speech_end"] = time.monotonic()
        turn.audio_times["speech_end_detected"] = self.vad.t
        self.bus.emit(EventType.STT_VAD_END, turn.turn_id, reason=reason, audio_t=round(self.vad.t, 3))
        transcript = self.recognizer.finish()
        turn.transcript = transcript
        turn.times["final_transcript"] = time.monotonic()
        self.turns.append(turn)
        if not transcript.text:
            self.bus.emit(EventType.STT_END, turn.turn_id, text="", lang=self.lang)
            self.bus.publish(error_event(ErrorCode.STT_NO_TEXT, "nothing recognised", turn.turn_id))
            turn.error = "no text recognised"
            turn.done.set()
            return turn
        self.bus.emit(EventType.STT_END, turn.turn_id, text=transcript.text, lang=self.lang,
                      confidence=round(transcript.confidence, 3), source=transcript.source)
        self._start_reply(turn)
        return turn

    # -- replying -----------------------------------------------------------------------
    def _start_reply(self, turn: TurnResult) -> None:
        if self._reply_thread is not None and self._reply_thread.is_alive():
            self._cancel_reply.set()
            self.player.stop()
            self._reply_thread.join(1.0)
        self._cancel_reply = threading.Event()
        cancel = self._cancel_reply
        self._reply_turn = turn
        self._reply_thread = threading.Thread(target=self._reply, args=(turn, cancel), name="voice-reply", daemon=True)
        self._reply_thread.start()

    def _reply(self, turn: TurnResult, cancel: threading.Event) -> None:
        try:
            self._understand(turn)
            if turn.reply is not None and not cancel.is_set():
                self._speak(turn, cancel)
        except Exception as exc:  # noqa: BLE001 - a failed turn must not end listening
            log.exception("voice turn %s failed", turn.turn_id)
            turn.error = str(exc)
            self.bus.publish(error_event(ErrorCode.INTENT_FAILED, str(exc), turn.turn_id))
        finally:
            turn.done.set()

    def _understand(self, turn: TurnResult) -> None:
        assert turn.transcript is not None
        self.bus.emit(EventType.INTENT_START, turn.turn_id, text=turn.transcript.text, lang=self.lang)
        reply = self.responder(turn.transcript.text, self.lang)
        turn.reply = reply
        turn.times["intent"] = time.monotonic()
        self.bus.emit(EventType.INTENT_END, turn.turn_id, intent=getattr(reply, "intent", None),
                      state=getattr(reply, "state", None), confidence=getattr(reply, "confidence", None),
                      reply=getattr(reply, "text", str(reply)))

    def _speak(self, turn: TurnResult, cancel: threading.Event) -> None:
        text = getattr(turn.reply, "text", str(turn.reply))
        lang = getattr(turn.reply, "lang", None) or self.lang
        self.bus.emit(EventType.TTS_START, turn.turn_id, lang=lang)
        parts: list[Speech] = []
        try:
            for i, sentence in enumerate(split_sentences(text) or [text]):
                if cancel.is_set():
                    break
                speech = self.synthesizer.render(sentence, lang)
                parts.append(speech)
                if i == 0:
                    turn.times["first_audio_ready"] = time.monotonic()
                    self.bus.emit(EventType.TTS_AUDIO_READY, turn.turn_id, first=True,
                                  duration_s=round(speech.duration_s, 3))
                    self._speaking_turn = turn
                    self.player.begin()
                self.player.feed(speech)
        except TtsError as exc:
            self.bus.publish(error_event(ErrorCode.TTS_FAILED, str(exc), turn.turn_id))
            turn.error = str(exc)
        finally:
            if parts:
                self.player.end()
        if parts:
            turn.speech = join(parts)
            turn.times["all_audio_ready"] = time.monotonic()
            self.bus.emit(EventType.TTS_END, turn.turn_id, sentences=len(parts),
                          duration_s=round(turn.speech.duration_s, 3), visemes=len(turn.speech.cues),
                          cues=[c.to_dict() for c in turn.speech.cues])

    def _reply_busy(self) -> bool:
        return self.player.playing or (self._reply_thread is not None and self._reply_thread.is_alive())

    def _speaking_state(self) -> str | None:
        """The dialog state of the reply being prepared or spoken (None while still thinking)."""
        turn = self._reply_turn
        return getattr(turn.reply, "state", None) if turn is not None else None

    def _barge_in(self, turn: TurnResult, words: int) -> None:
        self._barge_words_needed = None
        self._cancel_reply.set()
        stop_s = self.player.stop()
        interrupted = self._reply_turn
        if interrupted is not None:
            interrupted.barged_in = True
        turn.times["barge_in"] = time.monotonic()
        self.bus.emit(EventType.BARGE_IN, turn.turn_id, stop_ms=round(stop_s * 1000, 1), words=words,
                      audio_t=round(self.vad.t, 3), played_after_stop_s=round(self.player.played_after_stop_s, 3),
                      interrupted_turn=interrupted.turn_id if interrupted else None)

    def _on_player_event(self, kind: str, data: dict) -> None:
        turn = self._speaking_turn
        turn_id = turn.turn_id if turn else None
        if kind == "start":
            if turn is not None:
                turn.times.setdefault("playback_start", time.monotonic())
            self.bus.emit(EventType.PLAYBACK_START, turn_id)
        elif kind == "end":
            self.bus.emit(EventType.PLAYBACK_END, turn_id, **data)
        elif kind == "error":
            self.bus.publish(error_event(ErrorCode.NO_AUDIO_DEVICE, data.get("message", ""), turn_id))

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until the last reply is rendered and played."""
        deadline = time.monotonic() + timeout
        if self._reply_thread is not None:
            self._reply_thread.join(max(0.0, deadline - time.monotonic()))
        return self.player.wait(max(0.0, deadline - time.monotonic()))
