"""The kiosk window: avatar and subtitles, touch menu, answer card with map and QR, text input.

The window only shows things and forwards touches; every turn runs in the
:class:`~kiosk.app.conversation.Conversation` worker and comes back as pipeline events through
the :class:`~kiosk.app.bridge.EventBridge`, so the GUI thread never waits for dialog, speech or
vision.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontMetrics, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (QApplication, QBoxLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from kiosk.app import avatar_view as av
from kiosk.app.admin import AdminPanel, CornerTaps, PinPad, check_pin
from kiosk.app.collector import collect_on_gui_thread
from kiosk.app.avatar_view import AvatarView
from kiosk.app.bridge import EventBridge
from kiosk.app.conversation import Conversation
from kiosk.app.idle import IdleController
from kiosk.app.keyboard import OnScreenKeyboard
from kiosk.app.screens import AnswerPage, MenuPage
from kiosk.app.status import FAILED, OK, StatusBoard
from kiosk.app.texts import ui
from kiosk.app.theme import Theme
from kiosk.app.warmup import WarmUp, answer_card_steps
from kiosk.pipeline.events import EventType, PipelineEvent

log = logging.getLogger(__name__)

MENU, ANSWER, PIN, ADMIN = range(4)
CAPTION_PX = 164  # the heard line and three subtitle lines at 29 px, before the theme's scaling
SUBTITLE_SIZES = (34, 29, 25, 22, 19)  # pixel sizes tried for the subtitle, largest first
ACTIVITY = {EventType.STT_START, EventType.STT_PARTIAL, EventType.STT_END, EventType.INTENT_START,
            EventType.INTENT_END, EventType.PLAYBACK_END, EventType.BARGE_IN}


class _TouchWatcher(QObject):
    """Any touch or key anywhere in the window counts as visitor activity."""

    def __init__(self, on_touch: Callable[[], None]) -> None:
        super().__init__()
        self.on_touch = on_touch

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress):
            self.on_touch()
        return False


class _Caption(QWidget):
    """The box under the avatar holding the heard line and the subtitle; says when resized."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.resized.emit()


def _wrapped_height(font: QFont, text: str, width: int) -> int:
    """Height of ``text`` word-wrapped to ``width`` pixels, as a word-wrapped QLabel lays it out."""
    flags = int(Qt.AlignmentFlag.AlignCenter.value) | int(Qt.TextFlag.TextWordWrap.value)
    return QFontMetrics(font).boundingRect(QRect(0, 0, max(1, width), 1 << 20), flags, text).height()


class KioskWindow(QWidget):
    """One window; call :meth:`apply_pack` after a reload, :meth:`set_lang`, :meth:`set_elderly`."""

    replied = Signal(dict)  # the reply shown (for tests, benchmarks and screenshots)
    exit_requested = Signal()
    reload_requested = Signal()
    avatar_requested = Signal(str)
    volume_requested = Signal(float)

    def __init__(self, conversation: Conversation, bridge: EventBridge, status: StatusBoard, theme: Theme,
                 idle_timeout_s: float, kiosk_mode: bool, pin_hash: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        collect_on_gui_thread()  # answers and models run on workers: Qt garbage is collected here
        self.setObjectName("root")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.conversation = conversation
        self.status = status
        self.base_theme = theme
        self.theme = theme
        self.kiosk_mode = kiosk_mode
        self.pin_hash = pin_hash
        self.lang = conversation.engine.pack.languages[0]
        self.elderly = False
        self.allow_close = not kiosk_mode
        self.on_lang_change: Callable[[str], None] | None = None
        self.on_elderly_change: Callable[[bool], None] | None = None
        self.last_reply: dict[str, Any] | None = None
        self.warm_up: WarmUp | None = None
        self._attract_index = 0
        self._corner = CornerTaps()
        self._build()
        self.idle = IdleController(idle_timeout_s, parent=self)
        self.idle.expired.connect(self._on_idle_expired)
        self._watcher = _TouchWatcher(self.idle.activity)
        self._watcher.setParent(self)
        QApplication.instance().installEventFilter(self._watcher)
        bridge.event.connect(self.on_event)
        self._attract_timer = QTimer(self)
        self._attract_timer.setInterval(5000)
        self._attract_timer.timeout.connect(self._rotate_attract)
        self._attract_timer.start()
        self.apply_pack()
        self._enter_attract()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.outer = outer
        # header
        self.header = QFrame()
        head = QHBoxLayout(self.header)
        head.setContentsMargins(0, 0, 0, 0)
        self.corner = QPushButton("")
        self.corner.setObjectName("admin-corner")
        self.corner.setFlat(True)
        self.corner.setStyleSheet("background: transparent; border: none;")
        self.corner.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.corner.clicked.connect(self._corner_tap)
        head.addWidget(self.corner)
        self.venue_label = QLabel()
        self.venue_label.setObjectName("venue-name")
        self.venue_label.setProperty("role", "title")
        head.addWidget(self.venue_label, 1)
        self.lang_box = QHBoxLayout()
        head.addLayout(self.lang_box)
        self.elderly_button = QPushButton()
        self.elderly_button.setObjectName("elderly")
        self.elderly_button.setProperty("role", "chip")
        self.elderly_button.setCheckable(True)
        self.elderly_button.clicked.connect(lambda on: self.set_elderly(bool(on)))
        head.addWidget(self.elderly_button)
        self.indicators = QLabel()
        self.indicators.setObjectName("indicators")
        self.indicators.setProperty("role", "muted")
        head.addWidget(self.indicators)
        outer.addWidget(self.header)
        # main: stage (avatar + subtitles) and content (pages + input)
        self.main = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        outer.addLayout(self.main, 1)
        self.stage = QVBoxLayout()
        self.avatar = AvatarView(self.theme, clock=lambda: self.voice_clock())
        self.avatar.setObjectName("avatar")
        self.stage.addWidget(self.avatar, 1)
        self.caption = _Caption()  # what was heard and the subtitle, in a box of fixed height
        self.caption.setObjectName("caption")
        self.caption.resized.connect(self._fit_subtitle)
        caption = QVBoxLayout(self.caption)
        caption.setContentsMargins(0, 0, 0, 0)
        caption.setSpacing(0)
        self.heard = QLabel()
        self.heard.setObjectName("heard")
        self.heard.setProperty("role", "muted")
        self.heard.setWordWrap(True)
        self.heard.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption.addWidget(self.heard)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("subtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption.addWidget(self.subtitle, 1)
        self.stage.addWidget(self.caption)
        self.main.addLayout(self.stage, 5)
        self.content = QVBoxLayout()
        self.pages = QStackedWidget()
        self.menu = MenuPage(self.theme)
        self.menu.chosen.connect(self.choose)
        self.answer = AnswerPage(self.theme)
        self.answer.chosen.connect(self.choose)
        self.answer.back.connect(lambda: self.pages.setCurrentIndex(MENU))
        self.pin_pad = PinPad(self.theme)
        self.pin_pad.entered.connect(self._pin_entered)
        self.pin_pad.cancelled.connect(lambda: self.pages.setCurrentIndex(MENU))
        self.admin = AdminPanel(self.theme, self.status)
        self.admin.close_requested.connect(lambda: self.pages.setCurrentIndex(MENU))
        self.admin.exit_requested.connect(self._exit)
        self.admin.reload_pack.connect(self.reload_requested)
        self.admin.avatar_chosen.connect(self.avatar_requested)
        self.admin.volume_changed.connect(self.volume_requested)
        for page in (self.menu, self.answer, self.pin_pad, self.admin):
            self.pages.addWidget(page)
        self.content.addWidget(self.pages, 1)
        row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setObjectName("ask-input")
        self.input.returnPressed.connect(self.submit_typed)
        self.keyboard_button = QPushButton()
        self.keyboard_button.setObjectName("keyboard-toggle")
        self.keyboard_button.setProperty("role", "chip")
        self.keyboard_button.clicked.connect(self.toggle_keyboard)
        self.send_button = QPushButton()
        self.send_button.setObjectName("ask-send")
        self.send_button.setProperty("role", "accent")
        self.send_button.clicked.connect(self.submit_typed)
        row.addWidget(self.input, 1)
        row.addWidget(self.keyboard_button)
        row.addWidget(self.send_button)
        self.content.addLayout(row)
        self.keyboard = OnScreenKeyboard(self.theme)
        self.keyboard.setObjectName("keyboard")
        self.keyboard.typed.connect(lambda s: self.input.insert(s))
        self.keyboard.backspace.connect(self.input.backspace)
        self.keyboard.enter.connect(self.submit_typed)
        self.keyboard.hidden.connect(lambda: self.keyboard.setVisible(False))
        self.keyboard.setVisible(False)
        self.content.addWidget(self.keyboard)
        self.main.addLayout(self.content, 7)

    # -- pack, language, theme ------------------------------------------------------------
    def apply_pack(self) -> None:
        """(Re)build everything that comes from the pack: names, languages, menu, map."""
        pack = self.conversation.engine.pack
        if self.lang not in pack.languages:
            self.lang = pack.languages[0]
        self.answer.map.set_pack(pack)
        while self.lang_box.count():
            w = self.lang_box.takeAt(0).widget()
            if w:
                w.deleteLater()
        self.lang_buttons: dict[str, QPushButton] = {}
        for code in pack.languages:
            b = QPushButton(ui("lang_name", code))
            b.setObjectName(f"lang-{code}")
            b.setProperty("role", "chip")
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, c=code: self.set_lang(c))
            self.lang_box.addWidget(b)
            self.lang_buttons[code] = b
        self.pages.setCurrentIndex(MENU)
        self.restyle()

    def set_lang(self, lang: str) -> None:
        if lang not in self.conversation.engine.pack.languages:
            return
        changed = lang != self.lang
        self.lang = lang
        self.conversation.set_lang(lang)
        if changed and self.on_lang_change:
            self.on_lang_change(lang)
        self.restyle()

    def set_elderly(self, on: bool) -> None:
        """Elderly mode: larger text, higher contrast, slower speech."""
        self.elderly = on
        self.theme = self.base_theme.with_elderly(on)
        if self.on_elderly_change:
            self.on_elderly_change(on)
        self.restyle()

    def set_theme(self, theme: Theme) -> None:
        self.base_theme = theme
        self.theme = theme.with_elderly(self.elderly)
        self.restyle()

    def restyle(self) -> None:
        """Apply colours, fonts and wording for the language, mode and orientation."""
        t, lang = self.theme, self.lang
        pack = self.conversation.engine.pack
        sheet = t.stylesheet()
        if sheet != self.styleSheet():  # re-polishing every widget costs tens of ms
            self.setStyleSheet(sheet)
        margin = t.px(28)
        self.outer.setContentsMargins(margin, t.px(18), margin, margin)
        self.outer.setSpacing(t.px(16))
        self.corner.setFixedSize(t.px(56), t.px(56))
        self.venue_label.setText(pack.venue.name.get(lang) or next(iter(pack.venue.name.values())))
        head = self.base_theme  # the header keeps its size in elderly mode, so it fits the screen
        self.venue_label.setFont(head.font(34, bold=True))
        for code, b in self.lang_buttons.items():
            b.setChecked(code == lang)
            b.setFont(head.font(20, bold=True))
            b.setMinimumHeight(head.px(60))
        self.elderly_button.setText(ui("elderly", lang))
        self.elderly_button.setChecked(self.elderly)
        self.elderly_button.setFont(head.font(20, bold=True))
        self.elderly_button.setMinimumHeight(head.px(60))
        self.indicators.setFont(head.font(16))
        self._update_indicators()
        self.heard.setFont(t.font(24))
        self._fit_subtitle()
        self.input.setPlaceholderText(ui("ask_hint", lang))
        self.input.setFont(t.font(26))
        self.input.setMinimumHeight(t.px(84))
        for b, key in ((self.keyboard_button, "keyboard"), (self.send_button, "ask")):
            b.setText(ui(key, lang))
            b.setFont(t.font(24, bold=True))
            b.setMinimumHeight(t.px(84))
            b.setMinimumWidth(t.px(150))
        self.avatar.set_theme(t)
        self.answer.map.set_theme(t)
        self.keyboard.theme = t
        self.keyboard.set_words(self._quick_words(), lang)
        columns = 1 if (self.elderly or self._portrait() is False and self.width() < 1400) else 2
        self.menu.set_suggestions(self.conversation.engine.suggestions(lang), t, columns)
        if self.last_reply and self.pages.currentIndex() == ANSWER:
            self._show_answer(self.last_reply)
        self._rotate_attract(advance=False)

    def _quick_words(self) -> list[str]:
        pack = self.conversation.engine.pack
        names = [p.name.get(self.lang, "") for p in pack.places.values() if p.kind in ("hall", "facility", "window", "zone")]
        titles = [t.title.get(self.lang, "") for t in pack.topics]
        short = [w.split("「")[0].split("（")[0] for w in names + titles if w]
        return list(dict.fromkeys(w for w in short if 1 < len(w) <= 8))

    def _portrait(self) -> bool:
        return self.height() >= self.width()

    def set_orientation(self, portrait: bool) -> None:
        """Portrait: avatar above the content; landscape: avatar on the left."""
        direction = QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        if self.main.direction() != direction:
            self.main.setDirection(direction)
            self.main.setStretch(0, 4 if portrait else 5)
            self.main.setStretch(1, 7)
            self.restyle()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.set_orientation(self._portrait())
        super().resizeEvent(event)

    def _fit_subtitle(self) -> None:
        """The largest subtitle font (short text larger and bold) whose wrapped lines fit the caption.

        The caption keeps one height whatever the text, so the avatar above it keeps its size: a
        new avatar size re-rasterises every part. Only text too long even at the smallest size
        makes the caption taller.
        """
        text, t = self.subtitle.text(), self.theme
        room = t.px(CAPTION_PX)
        sizes = SUBTITLE_SIZES[0 if len(text) < 50 else 1 if len(text) < 100 else 2:]
        bold = len(text) < 50
        if not self.caption.isVisible():  # not laid out yet: fitted again when it gets its size
            self.subtitle.setFont(t.font(sizes[0], bold=bold))
            self.caption.setFixedHeight(room)
            return
        width = self.caption.width()
        heard = _wrapped_height(self.heard.font(), self.heard.text(), width) if self.heard.text() else 0
        for size in sizes:
            font = t.font(size, bold=bold)
            need = heard + _wrapped_height(font, text, width)
            if need <= room:
                break
        self.subtitle.setFont(font)
        self.caption.setFixedHeight(max(room, need))

    def _update_indicators(self) -> None:
        marks = []
        for comp, key in (("microphone", "mic"), ("camera", "camera")):
            state = self.status.get(comp).state
            sign = "●" if state == OK else "✖" if state == FAILED else "○"
            marks.append(f"{sign} {ui(key, self.lang)}")
        self.indicators.setText("   ".join(marks))

    # -- visitor input --------------------------------------------------------------------
    def choose(self, intent: str) -> None:
        """A touched question button (or a clarification / case choice)."""
        self.idle.start_session() if not self.idle.armed else self.idle.activity()
        self.avatar.set_mode(av.THINKING)
        self.conversation.submit_intent(intent, self.lang)

    def submit_typed(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        self.input.clear()
        self.keyboard.setVisible(False)
        self.idle.start_session() if not self.idle.armed else self.idle.activity()
        self.avatar.set_mode(av.THINKING)
        self.conversation.submit_text(text, None, "text")

    def toggle_keyboard(self) -> None:
        self.keyboard.setVisible(not self.keyboard.isVisible())
        if self.keyboard.isVisible():
            self.input.setFocus()

    # -- pipeline events (GUI thread) -----------------------------------------------------
    def on_event(self, event: PipelineEvent) -> None:
        et, data = event.type, event.data
        if et in ACTIVITY:
            self.idle.activity()
        if et in (EventType.STATUS, EventType.ERROR):
            if self.status.apply(event) or et == EventType.STATUS:
                self._update_indicators()
                if self.pages.currentIndex() == ADMIN:
                    self.admin.refresh()
        handler = {
            EventType.SESSION_START: self._on_session_start,
            EventType.SESSION_RESET: self._on_session_reset,
            EventType.VISITOR_NOTICED: self._on_noticed,
            EventType.VISITOR_ENGAGED: self._on_engaged,
            EventType.VISITOR_DISENGAGING: lambda d: None,
            EventType.VISITOR_IDLE: lambda d: self.idle.visitor_left(),
            EventType.GAZE_TARGET: self._on_gaze,
            EventType.STT_START: lambda d: self._listening(),
            EventType.STT_PARTIAL: lambda d: self._heard(d.get("text", "")),
            EventType.STT_END: lambda d: self._heard(d.get("text", "")),
            EventType.INTENT_START: self._on_intent_start,
            EventType.INTENT_END: self._on_intent_end,
            EventType.TTS_AUDIO_READY: lambda d: self.avatar.start_speaking(d.get("cues")),
            EventType.TTS_END: lambda d: self.avatar.set_cues(d.get("cues") or []) if self.avatar.speaking else None,
            EventType.PLAYBACK_START: lambda d: (self.avatar.start_speaking(), self.idle.hold()),
            EventType.PLAYBACK_END: lambda d: self.avatar.stop_speaking(),
            EventType.BARGE_IN: lambda d: self.avatar.stop_speaking(),
        }.get(et)
        if handler:
            handler(data)

    def _on_session_start(self, _data: dict) -> None:
        self._attract_timer.stop()
        if not self.idle.armed:
            self.idle.start_session()
        self.avatar.set_mode(av.ENGAGED)

    def _on_session_reset(self, _data: dict) -> None:
        self.idle.stop()
        self.last_reply = None
        self.heard.clear()
        self.input.clear()
        self.keyboard.setVisible(False)
        self.avatar.stop_speaking()
        self.answer.map.clear()
        if self.pages.currentIndex() in (MENU, ANSWER):
            self.pages.setCurrentIndex(MENU)
        default = self.conversation.engine.pack.languages[0]
        self.elderly = False
        self.theme = self.base_theme
        if self.on_elderly_change:
            self.on_elderly_change(False)
        self.set_lang(default)
        self._enter_attract()

    def _on_noticed(self, _data: dict) -> None:
        self.idle.visitor_back()
        if not self.conversation.active:
            self.avatar.wave()

    def _on_engaged(self, _data: dict) -> None:
        self.idle.visitor_back()
        if not self.conversation.active:
            self.avatar.wave()
            self.conversation.greet(self.lang)

    def _on_gaze(self, data: dict) -> None:
        if "x" in data and "y" in data:
            self.avatar.gaze_at((float(data["x"]) - 0.5) * 2, (0.5 - float(data["y"])) * 2)

    def _listening(self) -> None:
        self.avatar.set_mode(av.LISTENING)
        self.heard.setText(ui("listening", self.lang))
        self._fit_subtitle()

    def _heard(self, text: str) -> None:
        if text:
            self.heard.setText(f"{ui('you_said', self.lang)}{text}")
            self._fit_subtitle()

    def _on_intent_start(self, data: dict) -> None:
        self.avatar.set_mode(av.THINKING)
        if data.get("text"):
            self._heard(str(data["text"]))

    def _on_intent_end(self, data: dict) -> None:
        reply = data.get("reply")
        if isinstance(reply, str):  # from the voice loop: the full reply is kept by the conversation
            full = self.conversation.last_reply
            reply = full.to_dict() if full is not None and full.text == reply else {
                "reply": reply, "intent": data.get("intent"), "state": data.get("state"), "places": [],
                "options": [], "title": None, "lang": self.lang}
        if not isinstance(reply, dict):
            return
        self.avatar.set_mode(av.ENGAGED)
        if reply.get("lang") and reply["lang"] != self.lang and reply["lang"] in self.conversation.engine.pack.languages:
            self.set_lang(reply["lang"])
        self.last_reply = reply
        self.subtitle.setText(reply.get("reply", ""))
        self._fit_subtitle()
        if reply.get("mode") != "greeting":
            self._show_answer(reply)
        self.replied.emit(reply)

    def _show_answer(self, reply: dict) -> None:
        pack = self.conversation.engine.pack
        lang = self.lang
        intent = reply.get("intent") or ""
        options = list(reply.get("options") or [])
        if options:
            choices = [(o, pack.title_of(o, lang).split(" · ")[-1]) for o in options]
            choices_title = ui("maybe" if reply.get("state") == "rephrase" else "choose", lang)
        else:
            base = intent.split(".")[0]
            item = pack.topic(base) or pack.flow(base)
            group = item.group if item else ""
            related = [(it.id, it.title.get(lang) or it.title.get("en", it.id))
                       for it in pack.group_items(group) if it.id != base] if group else []
            choices, choices_title = related, ui("related", lang)
        title = reply.get("title") or (pack.title_of(intent, lang) if intent else "") or (
            choices_title if options else "")
        places = [p for p in (reply.get("places") or []) if p in pack.places]
        where = ""
        if places:
            dest = pack.places[places[0]]
            floor = next((f.name.get(lang) or f.id for f in pack.floors if f.id == dest.floor), dest.floor)
            where = f"{dest.name.get(lang) or dest.id} · {floor}"
        takeaway = reply.get("reply", "") if reply.get("state") not in ("clarifying", "rephrase") else ""
        self.answer.show_reply(title, where, places, choices, choices_title, lang, self.theme, takeaway)
        self.pages.setCurrentIndex(ANSWER)

    # -- attract loop and idle ------------------------------------------------------------
    def _enter_attract(self) -> None:
        self.avatar.set_mode(av.ATTRACT)
        self._attract_timer.start()
        self._rotate_attract(advance=False)

    def _rotate_attract(self, advance: bool = True) -> None:
        if self.conversation.active and self.last_reply is not None:
            return
        groups = self.conversation.engine.suggestions(self.lang)
        titles = [label for _g, _t, items in groups for _i, label in items]
        if not titles:
            return
        if advance:
            self._attract_index += 1
            if self._attract_index % 3 == 0:
                self.avatar.wave()
        if self.conversation.active:
            return
        self.heard.setText(ui("touch_start", self.lang))
        self.subtitle.setText(f"{ui('try_asking', self.lang)}「{titles[self._attract_index % len(titles)]}」"
                              if self.lang in ("zh", "ja") else
                              f"{ui('try_asking', self.lang)} “{titles[self._attract_index % len(titles)]}”")
        self._fit_subtitle()

    def _on_idle_expired(self, reason: str) -> None:
        self.conversation.reset(reason)

    def voice_clock(self) -> float:
        return 0.0 if self.voice is None else self.voice.position_s

    voice: Any = None  # the VoiceService, set by the launcher when speech is available

    # -- staff ----------------------------------------------------------------------------
    def _corner_tap(self) -> None:
        if self._corner.tap():
            self.pages.setCurrentIndex(PIN)

    def _pin_entered(self, pin: str) -> None:
        if check_pin(pin, self.pin_hash, windowed=not self.kiosk_mode):
            self.open_admin()
        else:
            self.pin_pad.message.setText("✖")

    def open_admin(self, info: str = "") -> None:
        self.pin_pad.message.clear()
        self.admin.refresh(info or self.admin.info.text())
        self.pages.setCurrentIndex(ADMIN)

    def _exit(self) -> None:
        self.allow_close = True
        self.exit_requested.emit()

    def start_warm_up(self) -> WarmUp:
        """Rehearse the answer card off screen, in small steps, while no visitor is here."""
        if self.warm_up is not None:
            self.warm_up.stop()
        self.warm_up = WarmUp(answer_card_steps(self), lambda: not self.conversation.active
                              and self.pages.currentIndex() == MENU, parent=self)
        self.warm_up.start()
        return self.warm_up

    def shutdown(self) -> None:
        """Stop timers and stop watching the application's input (before the window goes)."""
        QApplication.instance().removeEventFilter(self._watcher)
        if self.warm_up is not None:
            self.warm_up.stop()
        self.answer.shutdown()
        self.idle.stop()
        self._attract_timer.stop()
        self.allow_close = True

    # -- kiosk mode -----------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self.kiosk_mode and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_Tab):
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self.allow_close:
            event.accept()
        else:
            event.ignore()  # Alt+F4 and window-manager close do nothing in kiosk mode
