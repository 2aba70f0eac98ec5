"""Drivers: what moves the avatar. Each produces part of the parameter vector; the
:class:`Animator` blends them into one :class:`AvatarParams` per frame.

* :class:`IdleDriver` - breathing, natural random blinks (Live2D auto-blink timing), saccades.
* :class:`GazeDriver` - head and eyes turned toward the engaged visitor (gaze target x, y in -1..1).
* :class:`LipSyncDriver` - mouth shapes from a viseme timeline, clocked by the audio playing.
* :class:`ExpressionDriver` - smile, thinking, apologetic... from pipeline events.
* mirror mode - the visitor's face copied from MediaPipe face-mesh landmarks (see ``mirror.py``).

All drivers are plain Python, cheap, and never wait: they run on the GUI thread every frame.
"""
from __future__ import annotations

import bisect
import math
import random
import threading
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from kiosk.avatar.params import VISEMES, AvatarParams
from kiosk.pipeline.events import EventType, PipelineEvent

Viseme = tuple[float, float, str]  # (start_s, end_s, shape A-H or X)
PositionFn = Callable[[], float | None]  # seconds into the audio playing now, None when stopped

# how far the jaw opens for each Rhubarb shape (drives mouth_open and the 3D jaw morph)
VISEME_OPEN = {"A": 0.0, "B": 0.22, "C": 0.55, "D": 1.0, "E": 0.5, "F": 0.3, "G": 0.18, "H": 0.45, "X": 0.0}


def smooth(current: float, target: float, dt: float, tau: float) -> float:
    """Exponential approach with time constant ``tau`` seconds (frame-rate independent)."""
    if tau <= 0 or dt <= 0:
        return target if tau <= 0 else current
    return target + (current - target) * math.exp(-dt / tau)


class IdleDriver:
    """Breathing, body sway, random blinks and small saccades."""

    BLINK_CLOSE_S, BLINK_HOLD_S, BLINK_OPEN_S = 0.07, 0.04, 0.11

    def __init__(self, rng: random.Random | None = None, blink_every_s: tuple[float, float] = (2.0, 6.0)) -> None:
        self.rng = rng or random.Random()
        self.blink_every_s = blink_every_s
        self._next_blink = self.rng.uniform(*blink_every_s) * 0.5
        self._blink_start = -10.0
        self._next_saccade = 0.0
        self._saccade = (0.0, 0.0)

    def blink_now(self, t: float) -> None:
        self._blink_start = t

    def blink_factor(self, t: float) -> float:
        """1 = open, 0 = closed; schedules the next blink (sometimes a double blink)."""
        if t >= self._next_blink:
            self._blink_start = t
            double = self.rng.random() < 0.15
            gap = 0.3 if double else self.rng.uniform(*self.blink_every_s)
            self._next_blink = t + gap
        u = t - self._blink_start
        c, h, o = self.BLINK_CLOSE_S, self.BLINK_HOLD_S, self.BLINK_OPEN_S
        if u < 0 or u > c + h + o:
            return 1.0
        if u < c:
            return 1.0 - u / c
        if u < c + h:
            return 0.0
        return (u - c - h) / o

    def saccade(self, t: float) -> tuple[float, float]:
        if t >= self._next_saccade:
            self._saccade = (self.rng.uniform(-0.25, 0.25), self.rng.uniform(-0.15, 0.15))
            self._next_saccade = t + self.rng.uniform(0.6, 2.4)
        return self._saccade

    def sample(self, t: float) -> dict[str, float]:
        sx, sy = self.saccade(t)
        return {
            "breath": 0.5 + 0.5 * math.sin(2 * math.pi * t / 3.8),
            "body_x": 1.6 * math.sin(2 * math.pi * t / 7.3),
            "body_y": 0.25 * math.sin(2 * math.pi * t / 3.8 + 1.0),
            "head_x": 2.5 * math.sin(2 * math.pi * t / 9.1),
            "head_y": 1.5 * math.sin(2 * math.pi * t / 6.3 + 0.7),
            "head_z": 2.0 * math.sin(2 * math.pi * t / 8.2 + 2.1),
            "eye_ball_x": sx,
            "eye_ball_y": sy,
        }


class GazeDriver:
    """Turns head and eyes toward a target in screen terms (x right, y up, both -1..1)."""

    def __init__(self, head_yaw_deg: float = 22.0, head_pitch_deg: float = 12.0) -> None:
        self.head_yaw_deg = head_yaw_deg
        self.head_pitch_deg = head_pitch_deg
        self.target: tuple[float, float] | None = None
        self._head = [0.0, 0.0]
        self._eyes = [0.0, 0.0]
        self.weight = 0.0

    def set_target(self, x: float, y: float) -> None:
        self.target = (max(-1.0, min(1.0, x)), max(-1.0, min(1.0, y)))

    def clear(self) -> None:
        self.target = None

    def update(self, dt: float) -> dict[str, float]:
        tx, ty = self.target or (0.0, 0.0)
        self.weight = smooth(self.weight, 1.0 if self.target else 0.0, dt, 0.3)
        # eyes lead, the head follows (Live2D-style look-at)
        self._eyes = [smooth(self._eyes[0], tx, dt, 0.06), smooth(self._eyes[1], ty, dt, 0.06)]
        self._head = [smooth(self._head[0], tx, dt, 0.35), smooth(self._head[1], ty, dt, 0.35)]
        return {
            "head_x": self._head[0] * self.head_yaw_deg,
            "head_y": self._head[1] * self.head_pitch_deg,
            "eye_ball_x": self._eyes[0] * 0.9,
            "eye_ball_y": self._eyes[1] * 0.9,
        }


class LipSyncDriver:
    """Mouth shapes from ``[(start_s, end_s, viseme), ...]`` clocked by ``position()``.

    ``position`` is read every frame from the audio output (seconds played), so the mouth follows
    what is heard even when playback starts late, stalls or is cut short (barge-in).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._timeline: list[Viseme] = []
        self._starts: list[float] = []
        self._position: PositionFn | None = None
        self.mouth_open = 0.0

    def play(self, timeline: Sequence[Viseme], position: PositionFn) -> None:
        cues = sorted((float(s), float(e), str(v).upper()) for s, e, v in timeline)
        bad = [v for _, _, v in cues if v not in VISEMES]
        if bad:
            raise ValueError(f"unknown mouth shape(s) {sorted(set(bad))}: expected one of {VISEMES}")
        with self._lock:
            self._timeline = cues
            self._starts = [c[0] for c in cues]
            self._position = position

    def stop(self) -> None:
        with self._lock:
            self._timeline, self._starts, self._position = [], [], None

    @property
    def speaking(self) -> bool:
        return self._position is not None

    def viseme_at(self, pos: float) -> str:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and self._timeline[i][0] <= pos < self._timeline[i][1]:
            return self._timeline[i][2]
        return "X"

    def update(self, dt: float) -> tuple[str, float] | None:
        """Current ``(viseme, mouth_open)``, or None when nothing is playing."""
        with self._lock:
            position = self._position
            if position is None:
                self.mouth_open = smooth(self.mouth_open, 0.0, dt, 0.05)
                return None
            try:
                pos = position()
            except Exception:  # noqa: BLE001 - an audio backend hiccup must not stop the frame
                pos = None
            if pos is None or (self._timeline and pos >= self._timeline[-1][1]):
                self._timeline, self._starts, self._position = [], [], None
                return None
            shape = self.viseme_at(pos)
        self.mouth_open = smooth(self.mouth_open, VISEME_OPEN[shape], dt, 0.035)
        return shape, self.mouth_open


@dataclass
class _Pulse:
    name: str
    level: float
    until: float  # monotonic time (driver clock) when it ends; inf = until cleared


class ExpressionDriver:
    """Emotions from conversation events, eased in and out.

    VISITOR_ENGAGED / SESSION_START: smile and wave; INTENT_START: thinking until INTENT_END;
    a handoff (STATUS state=handoff, or INTENT_END with handoff) or an ERROR: apologetic;
    STT_VAD_START: attentive brows; VISITOR_IDLE / SESSION_RESET: back to neutral.
    """

    EMOTIONS = ("happy", "sad", "surprised", "thinking", "attentive", "wave")

    def __init__(self) -> None:
        self._pulses: dict[str, _Pulse] = {}
        self._levels = {e: 0.0 for e in self.EMOTIONS}
        self._lock = threading.Lock()
        self.now = 0.0
        self.base_smile = 0.25

    def pulse(self, name: str, level: float = 1.0, duration_s: float = math.inf) -> None:
        with self._lock:
            self._pulses[name] = _Pulse(name, level, self.now + duration_s)

    def clear(self, *names: str) -> None:
        with self._lock:
            for n in names or tuple(self._pulses):
                self._pulses.pop(n, None)

    def on_event(self, event: PipelineEvent) -> None:
        t, d = event.type, event.data
        if t in (EventType.VISITOR_ENGAGED, EventType.SESSION_START):
            self.clear("sad", "thinking")
            self.pulse("happy", 1.0, 2.6)
            self.pulse("wave", 1.0, 1.8)
        elif t == EventType.VISITOR_NOTICED:
            self.pulse("surprised", 0.35, 0.7)
        elif t in (EventType.STT_VAD_START, EventType.WAKE_END):
            self.pulse("attentive", 1.0, 4.0)
        elif t == EventType.INTENT_START:
            self.clear("attentive", "happy")
            self.pulse("thinking", 1.0, 8.0)
        elif t == EventType.INTENT_END:
            self.clear("thinking")
            if d.get("handoff") or d.get("state") == "handoff":
                self.pulse("sad", 1.0, 3.5)
        elif t == EventType.STATUS and d.get("state") == "handoff":
            self.clear("thinking", "happy")
            self.pulse("sad", 1.0, 3.5)
        elif t == EventType.ERROR:
            self.clear("thinking")
            self.pulse("sad", 0.7, 2.0)
        elif t in (EventType.TTS_START, EventType.PLAYBACK_START):
            self.clear("thinking", "attentive")
        elif t in (EventType.VISITOR_IDLE, EventType.SESSION_RESET):
            self.clear()

    def update(self, dt: float) -> dict[str, float]:
        self.now += dt
        with self._lock:
            for name in [n for n, p in self._pulses.items() if p.until <= self.now]:
                del self._pulses[name]
            targets = {e: (self._pulses[e].level if e in self._pulses else 0.0) for e in self.EMOTIONS}
        for e in self.EMOTIONS:
            tau = 0.12 if e in ("surprised", "wave") else 0.3
            self._levels[e] = smooth(self._levels[e], targets[e], dt, tau)
        return dict(self._levels)

    def apply(self, levels: Mapping[str, float], now: float) -> dict[str, float]:
        """Parameter offsets for emotion levels (added to the idle pose)."""
        happy, sad, surprised = levels["happy"], levels["sad"], levels["surprised"]
        thinking, attentive, wave = levels["thinking"], levels["attentive"], levels["wave"]
        return {
            "happy": happy,
            "sad": sad,
            "surprised": surprised,
            "thinking": thinking,
            "mouth_form": self.base_smile + 0.9 * happy - 1.1 * sad - 0.2 * thinking,
            "cheek": 0.6 * happy,
            "brow_form": -0.9 * sad - 0.15 * thinking,
            "brow_l_y": 0.3 * happy + 0.35 * attentive - 0.25 * thinking + 0.5 * surprised,
            "brow_r_y": 0.3 * happy + 0.35 * attentive + 0.5 * thinking + 0.5 * surprised,
            "eye_ball_x": 0.55 * thinking,
            "eye_ball_y": 0.6 * thinking - 0.25 * sad,
            "head_z": 7.0 * thinking - 4.0 * sad,
            "head_y": 4.0 * thinking - 6.0 * sad,
            "arm_r": wave * (0.8 + 0.2 * math.sin(now * 2 * math.pi * 2.2)),
        }


class Animator:
    """Blends every driver into one parameter vector per frame. Call :meth:`update` with a clock."""

    def __init__(self, seed: int | None = None) -> None:
        self.idle = IdleDriver(random.Random(seed))
        self.gaze = GazeDriver()
        self.lipsync = LipSyncDriver()
        self.expressions = ExpressionDriver()
        self._mirror: dict[str, float] | None = None
        self._mirror_t = -1.0
        self._mirror_weight = 0.0
        self.mirror_enabled = False
        self._last_t: float | None = None
        self.overrides: dict[str, float | str] = {}  # fixed values (staff preview, render scripts)
        self.params = AvatarParams()

    # --- inputs -------------------------------------------------------------------------------
    def set_gaze(self, x: float, y: float) -> None:
        self.gaze.set_target(x, y)

    def clear_gaze(self) -> None:
        self.gaze.clear()

    def play_visemes(self, timeline: Sequence[Viseme], position: PositionFn) -> None:
        self.lipsync.play(timeline, position)

    def stop_speaking(self) -> None:
        self.lipsync.stop()

    def on_event(self, event: PipelineEvent) -> None:
        if event.type == EventType.GAZE_TARGET and "x" in event.data:
            self.set_gaze(float(event.data["x"]), float(event.data.get("y", 0.0)))
        elif event.type in (EventType.VISITOR_DISENGAGING, EventType.VISITOR_IDLE, EventType.SESSION_RESET):
            self.clear_gaze()
        elif event.type == EventType.BARGE_IN:
            self.stop_speaking()
        self.expressions.on_event(event)

    def set_mirror_values(self, values: Mapping[str, float | str] | None, t: float | None = None) -> None:
        """Values solved from the visitor's face (``mirror.face_params``); None: face lost."""
        self._mirror = dict(values) if values else None  # type: ignore[arg-type]
        if t is not None:
            self._mirror_t = t

    # --- output -------------------------------------------------------------------------------
    def update(self, t: float) -> AvatarParams:
        dt = 0.0 if self._last_t is None else max(0.0, min(0.25, t - self._last_t))
        self._last_t = t
        values: dict[str, float | str] = {name: 0.0 for name in ("head_x", "head_y", "head_z")}
        idle = self.idle.sample(t)
        gaze = self.gaze.update(dt)
        levels = self.expressions.update(dt)
        expr = self.expressions.apply(levels, t)
        for src in (idle, expr):
            for k, v in src.items():
                values[k] = float(values.get(k, 0.0)) + v  # type: ignore[arg-type]
        gw = self.gaze.weight
        for k in ("eye_ball_x", "eye_ball_y"):  # gaze replaces saccades while it holds a target
            values[k] = float(values[k]) * (1 - 0.7 * gw) + gaze[k]
        for k in ("head_x", "head_y"):
            values[k] = float(values[k]) + gaze[k]
        blink = self.idle.blink_factor(t)
        values["eye_l_open"] = values["eye_r_open"] = blink
        speech = self.lipsync.update(dt)
        if speech:
            values["viseme"], values["mouth_open"] = speech
        else:
            values["viseme"], values["mouth_open"] = "X", self.lipsync.mouth_open
        self._mirror_weight = smooth(self._mirror_weight, 1.0 if (self.mirror_enabled and self._mirror) else 0.0, dt, 0.2)
        if self._mirror and self._mirror_weight > 0.01:
            w = self._mirror_weight
            for k, v in self._mirror.items():
                if k == "viseme":
                    if w > 0.5 and not speech:
                        values[k] = v
                elif k in ("eye_l_open", "eye_r_open"):
                    values[k] = float(values[k]) * (1 - w) + float(v) * w
                else:
                    values[k] = float(values.get(k, 0.0)) * (1 - w) + float(v) * w  # type: ignore[arg-type]
        values.update(self.overrides)
        self.params = AvatarParams.from_dict(values)
        return self.params
