"""Tracking, primary visitor and the engagement state machine, fed with observation sequences.

The detector is exercised on real faces in test_vision_video.py; here the inputs are
observations and track states, so every timing rule can be checked exactly.
"""
from __future__ import annotations

import math

import pytest

from kiosk.pipeline.events import EventBus, EventType
from kiosk.vision.counts import HourlyVisitorCounts
from kiosk.vision.engagement import EngagementMachine, EngagementSettings, State
from kiosk.vision.observation import CameraModel, HeadPose, Observation
from kiosk.vision.tracker import PrimarySelector, Tracker, TrackState

DT = 1 / 15


def obs(cx: float, cy: float = 240, size: float = 100, distance: float = 1.2, yaw: float = 0.0,
        mouth: float | None = 0.05) -> Observation:
    return Observation((cx - size / 2, cy - size / 2, size, size), 0.9, distance, "iris",
                       HeadPose(yaw, 0.0, 0.0), abs(yaw) <= 25, mouth)


def person(pid: int, distance: float | None, attention: bool = True, x: float = 320) -> TrackState | None:
    if distance is None:
        return None
    return TrackState(pid, 0.0, x, 240, 100, distance, 0.0 if attention else 50.0, 0.0, 0.0, attention,
                      0.05, False, 1.0)


def run(machine: EngagementMachine, script, t0: float = 0.0) -> float:
    """``script``: list of (duration_s, primary-or-None); feeds it at 15 fps, returns end time."""
    n0, n = round(t0 / DT), 0
    for duration, p in script:
        for _ in range(round(duration / DT)):
            machine.update(p, (n0 + n) * DT)  # frame times without accumulated rounding
            n += 1
    return (n0 + n) * DT


SETTINGS = EngagementSettings(notice_distance_m=3.5, engage_distance_m=1.5, engage_hold_s=0.7,
                              leave_timeout_s=3.0, cooldown_s=10.0, notice_hold_s=0.3,
                              look_away_s=1.5, hysteresis=0.15)


def events(machine):
    return [(tr.state.value, round(tr.t, 2)) for tr in machine.transitions]


# --- tracker ------------------------------------------------------------------------------------
def test_tracker_keeps_identity_of_a_moving_face_and_gives_a_new_one_to_another():
    tracker = Tracker(lost_after_s=0.5)
    ids = set()
    for i in range(30):
        states, _ = tracker.update([obs(100 + 8 * i)], i * DT)
        ids |= {s.id for s in states}
    assert ids == {1}
    states, _ = tracker.update([obs(100 + 8 * 30), obs(560, size=60)], 30 * DT)
    assert sorted(s.id for s in states) == [1, 2]


def test_tracker_ends_a_track_after_the_face_is_gone():
    tracker = Tracker(lost_after_s=0.5)
    tracker.update([obs(300)], 0.0)
    _, ended = tracker.update([], 0.4)
    assert ended == []
    _, ended = tracker.update([], 0.6)
    assert ended == [1]
    states, _ = tracker.update([obs(300)], 0.7)
    assert states[0].id == 2  # no recognition: a returning face is a new track


def test_mouth_motion_marks_the_talking_visitor():
    tracker = Tracker()
    for i in range(30):
        t = i * DT
        talking_mouth = 0.05 + 0.15 * (1 + math.sin(2 * math.pi * 4 * t)) / 2
        states, _ = tracker.update([obs(150, mouth=talking_mouth), obs(480, mouth=0.05)], t)
    by_x = {round(s.x): s for s in states}
    assert by_x[150].talking and not by_x[480].talking


def test_smoothing_removes_jitter_from_distance():
    tracker = Tracker()
    values = []
    for i in range(60):
        states, _ = tracker.update([obs(300, distance=1.5 + (0.2 if i % 2 else -0.2))], i * DT)
        values.append(states[0].distance_m)
    assert max(values[30:]) - min(values[30:]) < 0.15


# --- primary visitor ----------------------------------------------------------------------------
def test_primary_is_the_closest_facing_person_with_hysteresis():
    sel = PrimarySelector(switch_hold_s=1.0, margin_m=0.3)
    a, b = person(1, 1.2), person(2, 2.5)
    assert sel.select([a, b], 0.0).id == 1
    # b comes closer than a: the switch waits for the hold time
    b = person(2, 0.8)
    assert sel.select([a, b], 0.1).id == 1
    assert sel.select([a, b], 0.9).id == 1
    assert sel.select([a, b], 1.15).id == 2
    # small differences never switch
    sel2 = PrimarySelector(1.0, 0.3)
    sel2.select([person(1, 1.2), person(2, 1.3)], 0.0)
    for i in range(40):
        assert sel2.select([person(1, 1.2), person(2, 1.05)], i * 0.1).id == 1


def test_a_facing_person_beats_a_closer_one_looking_away():
    sel = PrimarySelector(switch_hold_s=0.0)
    assert sel.select([person(1, 0.8, attention=False), person(2, 1.4)], 0.0).id == 2


# --- engagement state machine ---------------------------------------------------------------------
def test_approach_linger_leave_publishes_the_four_events_in_order_and_on_time():
    bus = EventBus()
    m = EngagementMachine(SETTINGS, bus)
    run(m, [(1.0, None), (1.0, person(1, 3.0)), (3.0, person(1, 1.2)), (1.0, person(1, 2.5)), (5.0, None)])
    got = events(m)
    assert [s for s, _ in got] == ["noticed", "engaged", "disengaging", "idle"]
    times = dict(got)
    assert times["noticed"] == pytest.approx(1.0 + 0.3, abs=DT + 1e-6)
    assert times["engaged"] == pytest.approx(2.0 + 0.7, abs=DT + 1e-6)
    assert times["disengaging"] == pytest.approx(5.0, abs=DT + 1e-6)
    assert times["idle"] == pytest.approx(times["disengaging"] + 3.0, abs=DT + 1e-6)
    published = [e for e in bus.history() if e.type != EventType.GAZE_TARGET]
    assert [e.type for e in published] == [EventType.VISITOR_NOTICED, EventType.VISITOR_ENGAGED,
                                           EventType.VISITOR_DISENGAGING, EventType.VISITOR_IDLE]
    assert published[-1].data["farewell"] and published[-1].data["session_ended"]
    assert published[1].data["visitor"] == 1 and published[1].data["t"] == pytest.approx(times["engaged"], abs=0.01)


def test_no_greeting_while_the_visitor_does_not_face_the_screen():
    m = EngagementMachine(SETTINGS)
    end = run(m, [(3.0, person(1, 1.0, attention=False))])
    assert [s for s, _ in events(m)] == ["noticed"]
    run(m, [(1.0, person(1, 1.0))], end)
    assert events(m)[-1] == ("engaged", pytest.approx(end + 0.7, abs=DT + 1e-6))


def test_glance_shorter_than_the_hold_is_not_a_greeting():
    m = EngagementMachine(SETTINGS)
    run(m, [(1.0, person(1, 1.0, attention=False)), (0.5, person(1, 1.0)), (1.0, person(1, 1.0, attention=False))])
    assert "engaged" not in [s for s, _ in events(m)]


def test_hovering_at_the_engage_distance_does_not_flap():
    m = EngagementMachine(SETTINGS)
    script = [(2.0, person(1, 1.2))]
    script += [(0.3, person(1, 1.45 + 0.1 * (i % 2))) for i in range(30)]  # 1.45 .. 1.55 m
    run(m, script)
    assert [s for s, _ in events(m)] == ["noticed", "engaged"]


def test_looking_away_while_engaged_starts_disengaging_after_the_grace_time():
    m = EngagementMachine(SETTINGS)
    end = run(m, [(2.0, person(1, 1.2)), (1.0, person(1, 1.2, attention=False))])
    assert events(m)[-1][0] == "engaged"  # a short look at the map is fine
    run(m, [(1.0, person(1, 1.2, attention=False))], end)
    assert events(m)[-1] == ("disengaging", pytest.approx(2.0 + 1.5, abs=DT + 1e-6))


def test_visitor_returning_while_disengaging_resumes_without_a_new_greeting():
    bus = EventBus()
    m = EngagementMachine(SETTINGS, bus)
    run(m, [(2.0, person(1, 1.2)), (1.5, None), (2.0, person(1, 1.2))])
    assert [s for s, _ in events(m)] == ["noticed", "engaged", "disengaging", "engaged"]
    assert m.transitions[-1].data.get("resumed") is True
    assert m.transitions[-1].reason == "returned"


def test_cooldown_stops_a_second_greeting_of_someone_hovering():
    m = EngagementMachine(SETTINGS)
    end = run(m, [(2.0, person(1, 1.2)), (3.5, person(1, 2.5))])
    # still in view at 2.5 m after the farewell: noticed again (the avatar may glance) ...
    assert [s for s, _ in events(m)] == ["noticed", "engaged", "disengaging", "idle", "noticed"]
    idle_t = events(m)[3][1]
    run(m, [(12.0, person(1, 1.2))], end)
    later = events(m)[5:]
    # ... but stepping up again is greeted only once the cooldown is over
    assert [s for s, _ in later] == ["engaged"]
    assert later[0][1] == pytest.approx(idle_t + SETTINGS.cooldown_s, abs=2 * DT)


def test_someone_else_stepping_up_while_disengaging_ends_the_session_first():
    m = EngagementMachine(SETTINGS)
    run(m, [(2.0, person(1, 1.2)), (0.5, person(1, 2.5)), (3.0, person(2, 1.1))])
    got = [(tr.state.value, tr.visitor, tr.reason) for tr in m.transitions]
    assert got[:4] == [("noticed", 1, "approach"), ("engaged", 1, "facing-near"), ("disengaging", 1, "far"),
                       ("idle", 1, "handover")]
    assert got[4:] == [("noticed", 2, "approach"), ("engaged", 2, "facing-near")]


def test_gaze_target_is_in_screen_terms_and_rate_limited():
    bus = EventBus()
    cam = CameraModel(640, 480, 554.0)
    m = EngagementMachine(SETTINGS, bus, cam)
    run(m, [(1.0, person(1, 1.2, x=100)), (0.2, None)])
    gaze = [e.data for e in bus.history({EventType.GAZE_TARGET})]
    assert 9 <= len(gaze) <= 12  # 10 per second, then one "nobody"
    first = gaze[0]
    # the face is on the camera image's left, so on the screen's right as the visitor sees it
    assert first["x"] == pytest.approx(1 - 100 / 640, abs=1e-3) and first["yaw_deg"] > 0
    assert gaze[-1]["visitor"] is None
    mirrored = EngagementMachine(SETTINGS, None, cam, mirrored=True).gaze_target(person(1, 1.2, x=100))
    assert mirrored["x"] == pytest.approx(100 / 640, abs=1e-3) and mirrored["yaw_deg"] < 0


def test_settings_come_from_the_site_config():
    from kiosk.config import VisionSection

    s = EngagementSettings.from_config(VisionSection(engage_distance_m=1.1, cooldown_s=4.0))
    assert s.engage_distance_m == 1.1 and s.cooldown_s == 4.0 and s.notice_distance_m == 3.5


def test_analytics_get_only_hourly_counts():
    bus = EventBus()
    counts = HourlyVisitorCounts(bus)
    m = EngagementMachine(SETTINGS, bus)
    run(m, [(2.0, person(7, 1.2)), (1.0, None), (1.0, person(7, 1.2)), (5.0, None)])
    snap = counts.snapshot()
    assert len(snap) == 1
    assert snap[0]["noticed"] == 1 and snap[0]["engaged"] == 1  # the resumed session is not counted twice
    assert set(snap[0]) == {"hour", "noticed", "engaged"}
    counts.close()
