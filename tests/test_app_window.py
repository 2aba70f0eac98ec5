"""The kiosk window driven offscreen with pytest-qt: touch, typing, map, QR, idle reset, staff panel."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton  # noqa: E402

from kiosk.app.launcher import KioskOptions, build_kiosk  # noqa: E402
from kiosk.config import SiteConfig  # noqa: E402
from kiosk.pipeline.events import EventType  # noqa: E402

from conftest import add_where_followups  # noqa: E402

pytestmark = pytest.mark.gui


def make_kiosk(venue: Path, size=(1080, 1920), idle_s: float = 90.0, windowed: bool = True):
    config = SiteConfig()
    config.site.idle_timeout_s = idle_s
    return build_kiosk(KioskOptions(venue=venue, config=config, windowed=windowed, size=size, voice=False,
                                    vision=False, use_model=False, analytics=False))


@pytest.fixture
def kiosk(qtbot, mini_pack_dir):
    k = make_kiosk(mini_pack_dir)
    yield k
    k.close()


def find(window, cls, name):
    widget = window.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def test_touch_a_suggested_question_shows_the_answer(qtbot, kiosk):
    w = kiosk.window
    assert w.pages.currentWidget() is w.menu
    button = find(w, QPushButton, "suggest-ticket-price")
    with qtbot.waitSignal(w.replied, timeout=5000) as got:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    reply = got.args[0]
    expected = kiosk.conversation.engine.answer_of("ticket-price", "zh")[0]
    assert reply["intent"] == "ticket-price" and reply["mode"] == "touch"
    assert find(w, QLabel, "subtitle").text() == expected
    assert w.pages.currentWidget() is w.answer
    assert find(w, QLabel, "answer-title").text() == kiosk.holder.pack.title_of("ticket-price", "zh")
    qtbot.waitUntil(lambda: not find(w, QLabel, "qr").pixmap().isNull(), timeout=3000)  # encoded off the GUI thread
    related = [b for b in w.answer._choice_buttons if b.isVisible()]
    assert related, "an answer without a place offers related questions"
    intent = related[0].objectName().removeprefix("choice-")
    with qtbot.waitSignal(w.replied, timeout=5000) as got:
        qtbot.mouseClick(related[0], Qt.MouseButton.LeftButton)
    assert got.args[0]["intent"] == intent and intent != "ticket-price"
    types = [e.type for e in kiosk.bus.history()]
    assert EventType.SESSION_START in types and EventType.INTENT_START in types and EventType.INTENT_END in types


def test_typed_question_shows_answer_and_route_on_map(qtbot, kiosk):
    w = kiosk.window
    qtbot.mouseClick(find(w, QPushButton, "lang-en"), Qt.MouseButton.LeftButton)
    assert w.lang == "en"
    qtbot.mouseClick(find(w, QPushButton, "keyboard-toggle"), Qt.MouseButton.LeftButton)
    assert w.keyboard.isVisible()
    field = find(w, QLineEdit, "ask-input")
    for ch in "where":  # typed on the on-screen keyboard
        qtbot.mouseClick(find(w.keyboard, QPushButton, f"key-{ch}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find(w.keyboard, QPushButton, "key-space"), Qt.MouseButton.LeftButton)
    assert field.text() == "where "
    field.setText("where is the toilet")
    with qtbot.waitSignal(w.replied, timeout=5000) as got:
        qtbot.mouseClick(find(w, QPushButton, "ask-send"), Qt.MouseButton.LeftButton)
    reply = got.args[0]
    assert reply["intent"] == "restroom" and reply["lang"] == "en"
    assert reply["places"] == ["restroom-1f"]
    assert find(w, QLabel, "heard").text().endswith("where is the toilet")
    map_view = w.answer.map
    assert map_view.isVisible() and map_view.destinations == ["restroom-1f"]
    route = map_view.route
    assert route is not None and route.floors == ["1F"]
    kiosk_pos = kiosk.holder.pack.places["kiosk"].position
    assert route.legs[0].points[0] == kiosk_pos and route.legs[0].points[-1] == (0.1, 0.2)
    image = map_view.grab().toImage()  # the route is drawn in the route colour
    route_color = w.theme.qcolor("map_route").rgb()
    assert any(image.pixel(x, y) == route_color for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))


def test_avatar_keeps_its_size_whatever_the_length_of_the_subtitle(qtbot, kiosk):
    """Every new avatar size re-rasterises its parts: long subtitles get smaller type instead."""
    w = kiosk.window
    qtbot.waitUntil(lambda: w.caption.isVisible() and w.avatar.height() > 0)
    w.layout().activate()
    size = w.avatar.size()
    subtitle = find(w, QLabel, "subtitle")
    texts = ["票价十元。", "门票成人十元，儿童、老人和学生凭证免费；团体请提前一天在公众号预约。" * 3,
             "Tickets are 10 yuan for adults; children, seniors and students with a card are free. " * 3]
    for n, text in enumerate(texts):
        with qtbot.waitSignal(w.replied, timeout=5000):
            kiosk.bus.emit(EventType.INTENT_END, 900 + n, reply={
                "reply": text, "intent": "ticket-price", "state": "answered", "lang": "zh", "places": [],
                "options": [], "title": None, "mode": "touch"})
        w.layout().activate()
        assert subtitle.text() == text
        assert w.avatar.size() == size
        assert subtitle.heightForWidth(subtitle.width()) <= subtitle.height()  # every line shows
    assert subtitle.font().pixelSize() < w.theme.font(34).pixelSize()


def test_answer_card_is_rehearsed_off_screen_while_nobody_is_there(qtbot, kiosk):
    w = kiosk.window
    replies = []
    w.replied.connect(replies.append)
    qtbot.waitUntil(lambda: w.warm_up.done, timeout=5000)
    assert w.pages.currentWidget() is w.menu and not replies and not kiosk.conversation.active
    assert w.answer.map.destinations == []
    button = find(w, QPushButton, "suggest-ticket-price")
    with qtbot.waitSignal(w.replied, timeout=5000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.answer
    assert find(w, QLabel, "answer-title").text() == kiosk.holder.pack.title_of("ticket-price", "zh")


def test_idle_timeout_wipes_the_session(qtbot, mini_pack_dir):
    kiosk = make_kiosk(mini_pack_dir, idle_s=1.0)
    try:
        w = kiosk.window
        with qtbot.waitSignal(w.replied, timeout=5000):
            kiosk.conversation.submit_text("where is the toilet", None)
        with qtbot.waitSignal(w.replied, timeout=5000):
            qtbot.mouseClick(find(w, QPushButton, "suggest-ticket-price"), Qt.MouseButton.LeftButton)
        qtbot.mouseClick(find(w, QPushButton, "elderly"), Qt.MouseButton.LeftButton)
        assert w.elderly and kiosk.conversation.session.context == "ticket-price"
        with qtbot.waitSignal(kiosk.bridge.event, timeout=5000,
                              check_params_cb=lambda e: e.type == EventType.SESSION_RESET):
            pass
        qtbot.waitUntil(lambda: w.pages.currentWidget() is w.menu, timeout=2000)
        session = kiosk.conversation.session
        assert session.context is None and session.turns == 0 and session.lang is None
        assert not kiosk.conversation.active and not w.elderly and w.last_reply is None
        assert w.lang == "zh" and "toilet" not in find(w, QLabel, "heard").text()
        assert find(w, QLabel, "subtitle").text().startswith("您可以问我")  # back to the attract loop
        reset = kiosk.bus.history({EventType.SESSION_RESET})[-1]
        assert reset.data["reason"] == "idle-timeout"
    finally:
        kiosk.close()


def test_visitor_leaving_resets_after_grace(qtbot, kiosk):
    w = kiosk.window
    w.idle.leave_grace_s = 0.2
    with qtbot.waitSignal(w.replied, timeout=5000):
        kiosk.conversation.submit_text("厕所在哪", None)
    kiosk.bus.emit(EventType.VISITOR_IDLE, reason="left")
    qtbot.waitUntil(lambda: bool(kiosk.bus.history({EventType.SESSION_RESET})), timeout=3000)
    assert kiosk.bus.history({EventType.SESSION_RESET})[-1].data["reason"] == "visitor-left"


def test_engaged_visitor_is_greeted(qtbot, kiosk):
    w = kiosk.window
    with qtbot.waitSignal(w.replied, timeout=5000) as got:
        kiosk.bus.emit(EventType.VISITOR_ENGAGED, reason="close")
    assert got.args[0]["mode"] == "greeting"
    assert "小小服务厅" in find(w, QLabel, "subtitle").text()
    assert kiosk.conversation.active


def test_landscape_layout_and_language_switch(qtbot, mini_pack_dir):
    kiosk = make_kiosk(mini_pack_dir, size=(1920, 1080))
    try:
        w = kiosk.window
        qtbot.waitUntil(lambda: w.width() == 1920)
        assert w.main.direction() == w.main.Direction.LeftToRight
        qtbot.waitUntil(lambda: w.avatar.geometry().right() < w.pages.geometry().left(), timeout=2000)
        qtbot.mouseClick(find(w, QPushButton, "lang-en"), Qt.MouseButton.LeftButton)
        labels = [b.text() for b in w.menu.buttons()]
        assert labels and all(b.isascii() for b in labels)
    finally:
        kiosk.close()


def test_hidden_gesture_and_pin_open_admin_and_bad_reload_keeps_pack(qtbot, kiosk, mini_pack_dir):
    w = kiosk.window
    corner = find(w, QPushButton, "admin-corner")
    for _ in range(5):
        qtbot.mouseClick(corner, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.pin_pad
    for key in "1111✓":
        qtbot.mouseClick(find(w, QPushButton, f"pin-{key}"), Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.pin_pad  # wrong PIN
    for key in "0000✓":
        qtbot.mouseClick(find(w, QPushButton, f"pin-{key}"), Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.admin
    assert "off" in find(w, QLabel, "status-camera").text()
    (mini_pack_dir / "topics.yaml").write_text("topics: [oops\n", encoding="utf-8")
    qtbot.mouseClick(find(w, QPushButton, "admin-reload"), Qt.MouseButton.LeftButton)
    assert kiosk.status.get("pack").state == "failed"
    assert "topics.yaml" in find(w, QLabel, "status-pack").text()
    with qtbot.waitSignal(w.replied, timeout=5000) as got:
        kiosk.conversation.submit_text("厕所在哪", None)
    assert got.args[0]["intent"] == "restroom"  # the last good pack still answers


def test_kiosk_mode_ignores_close_and_escape(qtbot, mini_pack_dir):
    kiosk = make_kiosk(mini_pack_dir, windowed=False)
    try:
        w = kiosk.window
        assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
        w.close()
        assert w.isVisible()
        qtbot.keyClick(w, Qt.Key.Key_Escape)
        assert w.isVisible()
    finally:
        from PySide6.QtWidgets import QApplication

        QApplication.restoreOverrideCursor()
        kiosk.close()


def test_which_one_shows_the_topics_as_buttons_and_a_touch_answers_that_topics_follow_up(qtbot, mini_pack_dir,
                                                                                          monkeypatch):
    """A first question that names nothing ("在哪办") is answered with "which one?": the buttons carry
    the topics' titles, and touching one answers that topic's follow-up (the model's reading is set
    here: this window runs the lexical matcher, which never asks which one by itself)."""
    where = add_where_followups(mini_pack_dir)
    k = make_kiosk(mini_pack_dir)
    try:
        w, engine = k.window, k.conversation.engine
        monkeypatch.setattr(engine.matcher, "unnamed_followups",
                            lambda text, lang: list(where) if text == "在哪办" else [])
        find(w, QLineEdit, "ask-input").setText("在哪办")
        with qtbot.waitSignal(w.replied, timeout=5000) as got:
            qtbot.mouseClick(find(w, QPushButton, "ask-send"), Qt.MouseButton.LeftButton)
        reply = got.args[0]
        assert reply["state"] == "clarifying" and reply["options"] == where
        assert find(w, QLabel, "subtitle").text() == engine.shared.text("which", "zh")
        buttons = [b for b in w.answer._choice_buttons if b.isVisible()]
        assert [b.text() for b in buttons] == [engine.pack.title_of(i, "zh") for i in where]
        with qtbot.waitSignal(w.replied, timeout=5000) as got:
            qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
        assert (got.args[0]["intent"], got.args[0]["reply"]) == ("ticket-refund.where", "退票在服务台办。")
    finally:
        k.close()
