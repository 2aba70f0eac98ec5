"""The conversation pipeline behind the screen: turns in, replies and speech out, as events.

Touch and typed input enter at the understanding stage (``INTENT_*``); recognised speech arrives
from the voice loop as ``STT_END`` and is handed here the same way. All dialog work runs on one
worker thread, never on the GUI thread; the screen learns of results only through the
:class:`~kiosk.pipeline.events.EventBus`.
"""
from __future__ import annotations

import itertools
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Protocol

from kiosk.dialog.engine import DialogEngine, Reply, Session
from kiosk.dialog.privacy import redact
from kiosk.pipeline.events import ErrorCode, EventBus, EventType, error_event

log = logging.getLogger(__name__)

GREETINGS = {
    "zh": ("您好，欢迎来到{venue}！", "我是{name}，", "有什么可以帮您？"),
    "en": ("Hello, welcome to {venue}! ", "I'm {name}. ", "How can I help you?"),
    "ko": ("안녕하세요, {venue}에 오신 것을 환영합니다! ", "저는 {name}입니다. ", "무엇을 도와드릴까요?"),
}


def greeting(lang: str, venue: str, name: str = "") -> str:
    """The hello said when a visitor engages; the mascot introduces itself when it has a name."""
    hello, intro, offer = GREETINGS.get(lang, GREETINGS["en"])
    return hello.format(venue=venue) + (intro.format(name=name) if name else "") + offer


class Speaker(Protocol):
    """What the conversation needs from text-to-speech (see :mod:`kiosk.app.voice`)."""

    def speak(self, text: str, lang: str, turn_id: int | None) -> None: ...
    def stop(self) -> None: ...


class Recorder(Protocol):
    """The analytics recorder (:class:`kiosk.analytics.recorder.Recorder`)."""

    def record_turn(self, reply: Reply, venue_id: str | None = None, input_mode: str | None = None,
                    latency_ms: float | None = None, question: str | None = None) -> None: ...


class Conversation:
    """One kiosk's dialog: the engine (replaceable on pack reload), a session, turn numbering."""

    def __init__(self, engine: DialogEngine, bus: EventBus, speaker: Speaker | None = None,
                 recorder: Recorder | None = None, mascot: str | Callable[[str], str] = "") -> None:
        self.bus = bus
        self.speaker = speaker
        self.recorder = recorder
        self.mascot = mascot
        self._engine = engine
        self._session: Session = engine.new_session()
        self._turns = itertools.count(100001)  # touch/typed turns; the voice loop numbers its own from 1
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-dialog")
        self.lang = engine.pack.languages[0]
        self.active = False  # a visitor session is open
        self.last_reply: Reply | None = None

    # -- state ----------------------------------------------------------------------------
    @property
    def engine(self) -> DialogEngine:
        return self._engine

    @property
    def session(self) -> Session:
        return self._session

    def replace_engine(self, engine: DialogEngine) -> Future:
        """Use a new engine (pack reload) from the next turn; the visitor's session starts over."""
        def swap() -> None:
            with self._lock:
                self._engine = engine
                self._session = engine.new_session()
                if self.lang not in engine.pack.languages:
                    self.lang = engine.pack.languages[0]
        return self._executor.submit(swap)

    def set_lang(self, lang: str) -> None:
        if lang in self._engine.pack.languages:
            self.lang = lang

    # -- turns ----------------------------------------------------------------------------
    def submit_text(self, text: str, lang: str | None = None, mode: str = "text",
                    turn_id: int | None = None) -> Future:
        """A typed or recognised utterance; the reply arrives as ``INTENT_END``."""
        return self._submit(lambda s, lg: s.handle(text, lg, mode), redact(text), lang, mode, turn_id, question=text)

    def submit_intent(self, intent: str, lang: str | None = None) -> Future:
        """A touched suggestion button: the intent is known."""
        return self._submit(lambda s, lg: s.select(intent, lg), None, lang, "touch", None, intent)

    def respond(self, text: str, lang: str) -> Reply:
        """The voice loop's responder: answer recognised speech on the loop's reply thread.

        The voice loop publishes its own ``INTENT_*`` events; the full reply (places, options)
        is kept in :attr:`last_reply` for the screen.
        """
        self._open_session()
        with self._lock:
            session = self._session
        reply = session.handle(text, lang, "voice")
        self.lang = reply.lang
        self.last_reply = reply
        self._record(reply, text)
        return reply

    def greet(self, lang: str | None = None) -> Future:
        """Open a session and say hello (a visitor engaged, or someone touched the attract screen)."""
        lang = lang or self.lang

        def work() -> None:
            self._open_session()
            turn = next(self._turns)
            venue = self._engine.venue_values(lang)["venue"]
            name = self.mascot(lang) if callable(self.mascot) else self.mascot
            text = greeting(lang, venue, name)
            self.bus.emit(EventType.INTENT_END, turn, reply={"reply": text, "intent": "greeting", "state": "social",
                                                             "lang": lang, "places": [], "title": None,
                                                             "options": [], "confidence": 1.0, "mode": "greeting"})
            self._speak(text, lang, turn)
        return self._executor.submit(self._guard, work, None)

    def reset(self, reason: str) -> Future:
        """Forget the visitor: session context wiped, speech stopped, ``SESSION_RESET`` sent."""
        def work() -> None:
            with self._lock:
                self._session.reset()
                self.active = False
                self.lang = self._engine.pack.languages[0]
            if self.speaker:
                self.speaker.stop()
            self.bus.emit(EventType.SESSION_RESET, reason=reason)
        return self._executor.submit(self._guard, work, None)

    def shutdown(self) -> None:
        if self.speaker:
            self.speaker.stop()
        self._executor.shutdown(wait=True, cancel_futures=True)

    # -- internals ------------------------------------------------------------------------
    def _open_session(self) -> None:
        with self._lock:
            if not self.active:
                self.active = True
                self.bus.emit(EventType.SESSION_START, lang=self.lang)

    def _submit(self, call: Callable[[Session, str | None], Reply], shown: str | None, lang: str | None,
                mode: str, turn_id: int | None, intent: str | None = None, question: str | None = None) -> Future:
        def work() -> Reply:
            self._open_session()
            turn = turn_id if turn_id is not None else next(self._turns)
            self.bus.emit(EventType.INTENT_START, turn, text=shown, mode=mode, intent=intent)
            with self._lock:
                session = self._session
            reply = call(session, lang or self.lang)
            self.lang, self.last_reply = reply.lang, reply
            self.bus.emit(EventType.INTENT_END, turn, reply=reply.to_dict())
            self._record(reply, question)
            self._speak(reply.text, reply.lang, turn)
            return reply
        return self._executor.submit(self._guard, work, turn_id)

    def _guard(self, work: Callable[[], object], turn_id: int | None) -> object:
        try:
            return work()
        except Exception as exc:  # noqa: BLE001 - the kiosk must keep answering
            log.exception("dialog turn failed")
            self.bus.publish(error_event(ErrorCode.INTENT_FAILED, str(exc), turn_id))
            return None

    def _speak(self, text: str, lang: str, turn: int) -> None:
        if self.speaker is None or not text:
            return
        try:
            self.speaker.speak(text, lang, turn)
        except Exception as exc:  # noqa: BLE001 - subtitles still show the answer
            log.warning("speech failed: %s", exc)
            self.bus.publish(error_event(ErrorCode.TTS_FAILED, str(exc), turn))

    def _record(self, reply: Reply, question: str | None = None) -> None:
        if self.recorder is None:
            return
        try:
            self.recorder.record_turn(reply, self._engine.pack.id, reply.mode, reply.latency_ms, question)
        except Exception as exc:  # noqa: BLE001 - analytics never break a turn
            log.warning("analytics recorder failed: %s", exc)
