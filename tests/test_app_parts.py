"""Parts of the kiosk app without a window: routes, QR codes, PIN hashes, the conversation worker."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from kiosk.app.admin import CornerTaps, check_pin, hash_pin
from kiosk.app.conversation import Conversation, greeting
from kiosk.app.route import connectors, plan_route
from kiosk.dialog.factory import build_engine
from kiosk.pack.loader import load_pack
from kiosk.pipeline.events import EventBus, EventType
from tests.conftest import MINI_PACK, VENUES


def test_route_on_the_same_floor_is_an_l_path_from_the_kiosk():
    pack = load_pack(MINI_PACK)
    route = plan_route(pack, "restroom-1f")
    assert route.floors == ["1F"]
    assert route.legs[0].points == [(0.5, 0.8), (0.5, 0.2), (0.1, 0.2)]


LIFTS = """
  - id: lift-east
    kind: facility
    name: {zh: 东侧电梯, en: East lift}
    floor: 1F
    position: [0.9, 0.5]
  - id: lift-west
    kind: facility
    name: {zh: 西侧电梯, en: West lift}
    floor: 1F
    position: [0.2, 0.6]
"""


def test_route_to_another_floor_goes_through_the_nearest_lift(mini_pack_dir):
    with open(mini_pack_dir / "places.yaml", "a", encoding="utf-8") as f:
        f.write(LIFTS)
    pack = load_pack(mini_pack_dir)
    assert {p.id for p in connectors(pack, "1F")} == {"lift-east", "lift-west"}
    route = plan_route(pack, "window-a")  # on 2F at (0.3, 0.3)
    assert route.floors == ["1F", "2F"]
    assert route.legs[0].start == "kiosk" and route.legs[0].end == "lift-west"
    assert route.legs[1].points[0] == (0.2, 0.6) and route.legs[1].points[-1] == (0.3, 0.3)
    assert plan_route(pack, "no-such-place") is None


def test_route_without_lifts_shows_the_destination_floor():
    pack = load_pack(MINI_PACK)
    route = plan_route(pack, "window-a")
    assert route.floors == ["2F"] and route.legs[0].points == [(0.3, 0.3)]


def test_qr_code_decodes_to_the_answer_text(qtbot):
    cv2 = pytest.importorskip("cv2")
    from kiosk.app.qr import qr_image

    text = "Hall 2: Bronze Age. Open 9:00-17:00, closed on Mondays."
    image = qr_image(text, 400).convertToFormat(qr_image(text, 400).Format.Format_RGB888)
    arr = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    arr = arr[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()
    decoded, _points, _ = cv2.QRCodeDetector().detectAndDecode(arr)
    assert decoded == text


def test_qr_codes_of_repeated_answers_are_encoded_once(qtbot):
    from kiosk.app.qr import cached_matrix, qr_image

    text = "Restrooms: 1F next to Hall 2, and on every floor by the lifts."
    first = qr_image(text, 200)
    hits = cached_matrix.cache_info().hits
    assert qr_image(text, 200) == first
    assert cached_matrix.cache_info().hits == hits + 1


def test_warm_up_runs_one_step_per_tick_and_only_while_idle(qtbot):
    from kiosk.app.warmup import WarmUp

    ran: list[int] = []
    idle = {"now": False}
    warm = WarmUp(iter([lambda: ran.append(1), lambda: ran.append(2)]), lambda: idle["now"])
    warm._step()
    assert ran == [] and not warm.done  # a visitor is here: nothing runs
    idle["now"] = True
    warm._step()
    assert ran == [1] and not warm.done
    warm._step()
    warm._step()
    assert ran == [1, 2] and warm.done


def test_pin_hash_and_corner_gesture():
    value = hash_pin("4821", "abcd")
    assert value.startswith("sha256:abcd:") and len(value.split(":")[2]) == 64
    assert check_pin("4821", value, windowed=False)
    assert not check_pin("4820", value, windowed=False)
    assert check_pin("0000", "", windowed=True) and not check_pin("0000", "", windowed=False)
    taps = CornerTaps()
    assert [taps.tap(t) for t in (0, 0.5, 1, 1.5, 2)] == [False] * 4 + [True]
    assert [taps.tap(t) for t in (10, 11, 12, 13, 20)] == [False] * 5  # too slow


def test_conversation_runs_turns_off_the_calling_thread_and_publishes_events():
    engine, _ = build_engine(MINI_PACK, use_model=False)
    bus = EventBus()
    seen: list[tuple[EventType, str]] = []
    bus.subscribe(lambda e: seen.append((e.type, threading.current_thread().name)))
    conv = Conversation(engine, bus)
    try:
        reply = conv.submit_text("厕所在哪", None).result(5)
        assert reply.intent == "restroom" and reply.places == ["restroom-1f"]
        assert conv.submit_intent("ticket-price", "en").result(5).lang == "en"
        conv.reset("test").result(5)
        assert conv.session.context is None and not conv.active
    finally:
        conv.shutdown()
    types = [t for t, _ in seen]
    assert types[:3] == [EventType.SESSION_START, EventType.INTENT_START, EventType.INTENT_END]
    assert types[-1] == EventType.SESSION_RESET
    assert all(name.startswith("kiosk-dialog") for _, name in seen)
    ends = bus.history({EventType.INTENT_END})
    assert ends[0].turn_id != ends[1].turn_id


def test_greeting_names_venue_and_mascot():
    assert greeting("zh", "滨江市博物馆", "鼎鼎") == "您好，欢迎来到滨江市博物馆！我是鼎鼎，有什么可以帮您？"
    assert greeting("en", "Mini Hall") == "Hello, welcome to Mini Hall! How can I help you?"


def test_the_venue_names_its_mascot():
    from kiosk import paths
    from kiosk.app.launcher import default_avatar_for

    service = load_pack(VENUES / "binjiang-service-center")
    if not getattr(service.venue, "avatar", ""):
        pytest.skip("the service-hall pack names no avatar")
    assert default_avatar_for(service) == paths.avatars_dir() / service.venue.avatar
    assert default_avatar_for(load_pack(MINI_PACK)) == paths.default_avatar()


def test_cyclic_garbage_made_on_a_worker_is_collected_on_the_gui_thread(qtbot):
    """Qt objects must never be destroyed off the GUI thread: while a window lives, Python's cyclic
    collector runs only from a GUI-thread timer, never in a worker that happens to allocate."""
    import gc

    from kiosk.app.collector import collect_on_gui_thread

    collector = collect_on_gui_thread()
    assert collector is collect_on_gui_thread() and not gc.isenabled()
    freed_on: list[int] = []

    class Node:
        def __del__(self) -> None:
            freed_on.append(threading.get_ident())

    def make_garbage() -> None:
        for _ in range(3000):
            node = Node()
            node.me = node  # a cycle: only the cyclic collector frees it

    worker = threading.Thread(target=make_garbage)
    worker.start()
    worker.join()
    assert freed_on == []  # the worker allocated past every threshold and collected nothing
    qtbot.waitUntil(lambda: len(freed_on) == 3000, timeout=5000)
    assert set(freed_on) == {threading.get_ident()} and sum(collector.collections) >= 1
