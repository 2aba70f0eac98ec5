"""Drivers: idle life, lip-sync clocked by the audio position, expressions from events, params."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.avatar.drivers import VISEME_OPEN, Animator, ExpressionDriver, IdleDriver, LipSyncDriver
from kiosk.avatar.params import RANGES, AvatarParams, blend, lerp
from kiosk.avatar.script import ScriptError, load_script
from kiosk.pipeline.events import EventBus, EventType, PipelineEvent

import random


def test_params_clamp_lerp_blend() -> None:
    p = AvatarParams.from_dict({"head_x": 99, "eye_l_open": -1, "viseme": "Q"})
    assert p.head_x == RANGES["head_x"][1] and p.eye_l_open == 0.0 and p.viseme == "X"
    with pytest.raises(KeyError, match="nose_length"):
        AvatarParams.from_dict({"nose_length": 1})
    a, b = AvatarParams(head_x=-10, viseme="A"), AvatarParams(head_x=10, viseme="D")
    assert lerp(a, b, 0.25).head_x == pytest.approx(-5) and lerp(a, b, 0.25).viseme == "A"
    assert lerp(a, b, 0.75).viseme == "D"
    out = blend(a, [({"head_x": 20}, 0.5), ({"viseme": "C"}, 1.0)])
    assert out.head_x == pytest.approx(5) and out.viseme == "C"


def test_idle_blinks_breathes_and_looks_around() -> None:
    idle = IdleDriver(random.Random(7))
    ts = [i / 60 for i in range(60 * 12)]
    blinks = [idle.blink_factor(t) for t in ts]
    closed_runs = sum(1 for a, b in zip(blinks, blinks[1:]) if a > 0 and b == 0)
    assert 2 <= closed_runs <= 10  # natural: every 2-6 s, some doubles
    breath = [idle.sample(t)["breath"] for t in ts]
    assert min(breath) < 0.05 and max(breath) > 0.95
    fresh = IdleDriver(random.Random(8))
    saccades = {fresh.sample(t)["eye_ball_x"] for t in ts}
    assert len(saccades) >= 4


def test_lipsync_follows_the_audio_position() -> None:
    lip = LipSyncDriver()
    pos = {"t": 0.0}
    lip.play([(0.0, 0.1, "A"), (0.1, 0.3, "D"), (0.3, 0.4, "F")], lambda: pos["t"])
    pos["t"] = 0.05
    assert lip.update(1 / 60)[0] == "A"
    pos["t"] = 0.2
    shape, _ = lip.update(1 / 60)
    assert shape == "D"
    for _ in range(10):
        shape, opened = lip.update(1 / 60)
    assert opened == pytest.approx(VISEME_OPEN["D"], abs=0.02)
    pos["t"] = 0.2  # audio stalls: the mouth holds the shape being heard
    assert lip.update(1 / 60)[0] == "D"
    pos["t"] = 0.5  # past the end
    assert lip.update(1 / 60) is None and not lip.speaking
    with pytest.raises(ValueError, match="unknown mouth shape"):
        lip.play([(0, 1, "Z")], lambda: 0.0)


def test_barge_in_stops_the_mouth() -> None:
    anim = Animator(seed=1)
    anim.play_visemes([(0.0, 5.0, "D")], lambda: 1.0)
    assert anim.update(0.0).viseme == "D"
    anim.on_event(PipelineEvent(EventType.BARGE_IN))
    assert anim.update(0.1).viseme == "X"


def _run(anim: Animator, t0: float, seconds: float) -> AvatarParams:
    p = anim.params
    for i in range(int(seconds * 60)):
        p = anim.update(t0 + i / 60)
    return p


def test_expressions_from_conversation_events() -> None:
    anim = Animator(seed=2)
    neutral = _run(anim, 0.0, 1.0)
    anim.on_event(PipelineEvent(EventType.VISITOR_ENGAGED))
    greeting = _run(anim, 1.0, 1.0)
    assert greeting.happy > 0.8 and greeting.mouth_form > neutral.mouth_form + 0.5 and greeting.arm_r > 0.5
    anim.on_event(PipelineEvent(EventType.INTENT_START, turn_id=1))
    thinking = _run(anim, 2.0, 1.0)
    assert thinking.thinking > 0.8 and thinking.happy < 0.2
    anim.on_event(PipelineEvent(EventType.INTENT_END, turn_id=1))
    anim.on_event(PipelineEvent(EventType.STATUS, {"state": "handoff"}, turn_id=1))
    sorry = _run(anim, 3.0, 1.0)
    assert sorry.sad > 0.8 and sorry.thinking < 0.2 and sorry.brow_form < -0.5 and sorry.mouth_form < 0
    anim.on_event(PipelineEvent(EventType.SESSION_RESET))
    calm = _run(anim, 4.0, 2.0)
    assert calm.sad < 0.05 and calm.happy < 0.05


def test_gaze_events_from_a_bus_turn_the_head() -> None:
    bus = EventBus()
    anim = Animator(seed=4)
    bus.subscribe(anim.on_event)
    bus.emit(EventType.GAZE_TARGET, x=-0.8, y=0.2)
    p = _run(anim, 0.0, 1.5)
    assert p.head_x < -12 and p.eye_ball_x < -0.4 and p.head_y > 0
    bus.emit(EventType.VISITOR_DISENGAGING)
    p = _run(anim, 1.5, 2.0)
    assert abs(p.head_x) < 5


def test_expression_pulses_expire() -> None:
    expr = ExpressionDriver()
    expr.on_event(PipelineEvent(EventType.VISITOR_NOTICED))
    levels = [expr.update(1 / 60)["surprised"] for _ in range(120)]
    assert max(levels) > 0.25 and levels[-1] < 0.05


def test_render_script_errors_name_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "s.json"
    f.write_text('{\n  "frames": [\n    {"name": "a", "set": {"head_q": 1}}\n  ],\n  "fps": -3\n}\n', encoding="utf-8")
    with pytest.raises(ScriptError) as err:
        load_script(f)
    text = str(err.value)
    assert f"{f}:3: frames[0].set.head_q: unknown parameter" in text
    assert f"{f}:5: fps: expected a positive number" in text
    f.write_text('{"frames": [}', encoding="utf-8")
    with pytest.raises(ScriptError, match=r":1: json:"):
        load_script(f)


def test_render_script_animation_runs_the_drivers(tmp_path: Path) -> None:
    f = tmp_path / "s.json"
    f.write_text(json.dumps({
        "duration": 1.0, "fps": 20,
        "keys": [{"t": 0.0, "set": {"body_x": 0}}, {"t": 1.0, "set": {"body_x": 8}}],
        "gaze": [{"t": 0.0, "x": 1.0, "y": 0.0}],
        "speech": {"start": 0.5, "visemes": [[0.0, 0.2, "D"]]},
    }), encoding="utf-8")
    frames = list(load_script(f).animation())
    assert len(frames) == 21
    params = dict(frames)
    assert params["frame_0010"].body_x == pytest.approx(4.0)
    assert params["frame_0012"].viseme == "D" and params["frame_0005"].viseme == "X"
    assert params["frame_0020"].head_x > 10
