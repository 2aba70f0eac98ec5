"""Engagement state machine: idle -> noticed -> engaged -> disengaging -> idle.

Driven by the primary visitor's smoothed state, it publishes ``VISITOR_NOTICED``,
``VISITOR_ENGAGED`` (greet), ``VISITOR_DISENGAGING`` and ``VISITOR_IDLE`` (farewell and session
reset when an engaged session ends) on the pipeline bus, plus ``GAZE_TARGET`` for the avatar.
Every event's data carries ``t``, the source time in seconds (video time for files).
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from kiosk.pipeline.events import EventBus, EventType, PipelineEvent
from kiosk.vision.observation import CameraModel
from kiosk.vision.tracker import TrackState


class State(str, enum.Enum):
    IDLE = "idle"
    NOTICED = "noticed"
    ENGAGED = "engaged"
    DISENGAGING = "disengaging"


STATE_EVENTS = {
    State.IDLE: EventType.VISITOR_IDLE,
    State.NOTICED: EventType.VISITOR_NOTICED,
    State.ENGAGED: EventType.VISITOR_ENGAGED,
    State.DISENGAGING: EventType.VISITOR_DISENGAGING,
}


@dataclass(frozen=True)
class EngagementSettings:
    notice_distance_m: float = 3.5
    engage_distance_m: float = 1.5
    engage_hold_s: float = 0.7
    leave_timeout_s: float = 3.0
    cooldown_s: float = 10.0
    notice_hold_s: float = 0.3
    look_away_s: float = 1.5
    hysteresis: float = 0.15
    gaze_hz: float = 10.0

    @classmethod
    def from_config(cls, section) -> "EngagementSettings":
        """From a :class:`kiosk.config.VisionSection`."""
        names = cls.__dataclass_fields__.keys()
        return cls(**{n: getattr(section, n) for n in names if hasattr(section, n)})


@dataclass(frozen=True)
class Transition:
    """One state change: the new state, when (source seconds), why, and for whom."""

    state: State
    t: float
    reason: str
    visitor: int | None
    data: dict

    def to_dict(self) -> dict:
        return {"event": self.state.value, "t": round(self.t, 3), "reason": self.reason,
                "visitor": self.visitor, **self.data}


class EngagementMachine:
    """Decides when to greet and when to say goodbye; publishes the decisions on ``bus``."""

    def __init__(self, settings: EngagementSettings, bus: EventBus | None = None,
                 camera: CameraModel | None = None, mirrored: bool = False) -> None:
        self.s = settings
        self.bus = bus
        self.camera = camera
        self.mirrored = mirrored
        self.state = State.IDLE
        self.since = 0.0  # time of the last transition
        self.cooldown_until = -math.inf
        self.visitor: int | None = None  # the track greeted in this session
        self.transitions: list[Transition] = []
        self._cond_since: dict[str, float] = {}  # condition name -> first time it held
        self._last_gaze = -math.inf
        self._gaze_visitor: int | None = None

    # --- conditions with memory -------------------------------------------------------------
    def _held(self, name: str, condition: bool, t: float) -> float:
        """How long ``condition`` has held without a break (0 when false now)."""
        if not condition:
            self._cond_since.pop(name, None)
            return 0.0
        start = self._cond_since.setdefault(name, t)
        return t - start

    def _within(self, p: TrackState | None, limit: float, staying: bool) -> bool:
        if p is None:
            return False
        factor = 1 + self.s.hysteresis if staying else 1.0
        return p.distance_m <= limit * factor

    # --- the machine --------------------------------------------------------------------------
    def update(self, primary: TrackState | None, t: float) -> list[Transition]:
        """Feed the primary visitor (or None) at source time ``t``; returns new transitions."""
        out: list[Transition] = []
        step = getattr(self, f"_from_{self.state.value}")
        result = step(primary, t)
        if result is not None:
            out.append(self._enter(*result, primary=primary, t=t))
        self._gaze(primary, t)
        return out

    def _from_idle(self, p: TrackState | None, t: float):
        if self._held("in-range", self._within(p, self.s.notice_distance_m, False), t) >= self.s.notice_hold_s:
            return State.NOTICED, "approach", {}
        return None

    def _from_noticed(self, p: TrackState | None, t: float):
        ready = self._within(p, self.s.engage_distance_m, False) and p.attention
        if self._held("ready", ready, t) >= self.s.engage_hold_s and t >= self.cooldown_until:
            return State.ENGAGED, "facing-near", {}
        gone = not self._within(p, self.s.notice_distance_m, True)
        if self._held("gone", gone, t) >= min(1.0, self.s.leave_timeout_s):
            return State.IDLE, "left" if p is None else "far", {"farewell": False}
        return None

    def _from_engaged(self, p: TrackState | None, t: float):
        if p is None:
            return State.DISENGAGING, "lost", {}
        if not self._within(p, self.s.engage_distance_m, True):
            return State.DISENGAGING, "far", {}
        if self._held("looking-away", not p.attention, t) >= self.s.look_away_s:
            return State.DISENGAGING, "looking-away", {}
        return None

    def _from_disengaging(self, p: TrackState | None, t: float):
        back = self._within(p, self.s.engage_distance_m, True) and p.attention
        if back and p.id == self.visitor:
            return State.ENGAGED, "returned", {"resumed": True}
        if back:  # someone else stepped up while the visitor left: end that session, greet anew
            return State.IDLE, "handover", {"farewell": True, "session_ended": True}
        if t - self.since >= self.s.leave_timeout_s:
            self.cooldown_until = t + self.s.cooldown_s
            return State.IDLE, "left", {"farewell": True, "session_ended": True}
        return None

    def _enter(self, state: State, reason: str, data: dict, primary: TrackState | None, t: float) -> Transition:
        self.state, self.since = state, t
        self._cond_since.clear()
        visitor = primary.id if primary else None
        if state in (State.DISENGAGING, State.IDLE) and self.visitor is not None:
            visitor = self.visitor  # the farewell is for the visitor of the session
        info = dict(data)
        if primary is not None and primary.id == visitor:
            info.update(distance_m=round(primary.distance_m, 2), attention=primary.attention)
        if state == State.ENGAGED:
            self.visitor = visitor
        elif state == State.IDLE:
            self.visitor = None
        tr = Transition(state, t, reason, visitor, info)
        self.transitions.append(tr)
        if self.bus is not None:
            self.bus.publish(PipelineEvent(STATE_EVENTS[state], {"t": round(t, 3), "reason": reason,
                                                                  "visitor": tr.visitor, **info}))
        return tr

    # --- gaze ---------------------------------------------------------------------------------
    def gaze_target(self, p: TrackState) -> dict:
        """Where the primary visitor's face is, in screen terms as the visitor sees the screen.

        ``x``/``y`` run 0..1 from the screen's left/top; ``yaw_deg``/``pitch_deg`` are the angles
        the avatar turns to look at the face (right/up positive, as the visitor sees it);
        ``talking`` says the visitor's mouth is moving (a hint for speech in noise).
        """
        cam = self.camera or CameraModel.from_fov(640, 480)
        u, v = p.x / cam.width, p.y / cam.height
        x = u if self.mirrored else 1.0 - u  # the camera looks out: its left is the screen's right
        ax, ay = cam.angles_deg(p.x, p.y)
        return {"visitor": p.id, "x": round(x, 3), "y": round(v, 3),
                "yaw_deg": round(ax if self.mirrored else -ax, 1), "pitch_deg": round(-ay, 1),
                "distance_m": round(p.distance_m, 2), "attention": p.attention, "talking": p.talking}

    def _gaze(self, p: TrackState | None, t: float) -> None:
        if self.bus is None:
            return
        if p is None:
            if self._gaze_visitor is not None:
                self._gaze_visitor = None
                self.bus.publish(PipelineEvent(EventType.GAZE_TARGET, {"t": round(t, 3), "visitor": None}))
            return
        if t - self._last_gaze >= 1.0 / self.s.gaze_hz or p.id != self._gaze_visitor:
            self._last_gaze, self._gaze_visitor = t, p.id
            self.bus.publish(PipelineEvent(EventType.GAZE_TARGET, {"t": round(t, 3), **self.gaze_target(p)}))
