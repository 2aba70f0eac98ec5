"""Identities frame to frame (nearest centroid) and the primary visitor, with hysteresis.

Identities are track numbers only: nothing about a face is kept once its track ends.
"""
from __future__ import annotations

import collections
import itertools
import math
import statistics
from dataclasses import dataclass, field

from kiosk.vision.filters import OneEuroFilter
from kiosk.vision.observation import Observation

MATCH_RADIUS = 1.2  # a face matches a track when its centre is within this many face sizes
MOUTH_WINDOW_S = 1.0
MOUTH_MOTION_STD = 0.025  # std of lip gap / mouth width over the window that counts as talking


@dataclass(frozen=True)
class TrackState:
    """The smoothed state of one tracked person at time ``t`` (source seconds)."""

    id: int
    t: float
    x: float  # face centre, frame pixels
    y: float
    size: float  # face size, frame pixels
    distance_m: float
    yaw: float | None
    pitch: float | None
    roll: float | None
    attention: bool
    mouth_open: float | None
    talking: bool
    age_s: float

    def to_dict(self) -> dict:
        r = lambda v, n=2: None if v is None else round(v, n)  # noqa: E731
        return {"visitor": self.id, "x": r(self.x, 1), "y": r(self.y, 1), "distance_m": r(self.distance_m),
                "yaw": r(self.yaw, 1), "pitch": r(self.pitch, 1), "roll": r(self.roll, 1),
                "attention": self.attention, "mouth_open": r(self.mouth_open, 3), "talking": self.talking}


def _filters() -> dict[str, OneEuroFilter]:
    return {
        "x": OneEuroFilter(min_cutoff=1.5, beta=0.02),
        "y": OneEuroFilter(min_cutoff=1.5, beta=0.02),
        "size": OneEuroFilter(min_cutoff=1.0, beta=0.02),
        "distance": OneEuroFilter(min_cutoff=0.8, beta=0.5),
        "yaw": OneEuroFilter(min_cutoff=1.5, beta=0.05),
        "pitch": OneEuroFilter(min_cutoff=1.5, beta=0.05),
        "roll": OneEuroFilter(min_cutoff=1.5, beta=0.05),
    }


@dataclass
class Track:
    """One person followed across frames."""

    id: int
    first_seen: float
    last_seen: float
    last: Observation
    state: TrackState | None = None
    filters: dict[str, OneEuroFilter] = field(default_factory=_filters)
    mouth: collections.deque = field(default_factory=collections.deque)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.last.box

    def update(self, obs: Observation, t: float, max_yaw: float, max_pitch: float) -> TrackState:
        self.last, self.last_seen = obs, t
        f = self.filters
        cx, cy = obs.center
        pose = obs.pose
        yaw = f["yaw"](pose.yaw, t) if pose else None
        pitch = f["pitch"](pose.pitch, t) if pose else None
        roll = f["roll"](pose.roll, t) if pose else None
        if obs.mouth_open is not None:
            self.mouth.append((t, obs.mouth_open))
        while self.mouth and self.mouth[0][0] < t - MOUTH_WINDOW_S:
            self.mouth.popleft()
        values = [m for _, m in self.mouth]
        talking = len(values) >= 4 and statistics.pstdev(values) >= MOUTH_MOTION_STD
        attention = pose is not None and abs(yaw) <= max_yaw and abs(pitch) <= max_pitch
        self.state = TrackState(self.id, t, f["x"](cx, t), f["y"](cy, t), f["size"](obs.size, t),
                                f["distance"](obs.distance_m, t), yaw, pitch, roll, attention,
                                obs.mouth_open, talking, t - self.first_seen)
        return self.state


class Tracker:
    """Nearest-centroid tracking; a track ends after ``lost_after_s`` without a face."""

    def __init__(self, lost_after_s: float = 0.5, max_yaw_deg: float = 25.0, max_pitch_deg: float = 25.0) -> None:
        self.lost_after_s = lost_after_s
        self.max_yaw, self.max_pitch = max_yaw_deg, max_pitch_deg
        self.tracks: dict[int, Track] = {}
        self._ids = itertools.count(1)

    def match(self, observations: list[Observation]) -> list[tuple[Track | None, Observation]]:
        """Pair each observation with the nearest free track within the match radius (or None)."""
        pairs = []
        for i, obs in enumerate(observations):
            for track in self.tracks.values():
                d = math.dist(obs.center, track.last.center) / max(track.last.size, obs.size, 1.0)
                if d <= MATCH_RADIUS:
                    pairs.append((d, i, track.id))
        pairs.sort()
        used_obs, used_tracks, out = set(), set(), {}
        for _, i, tid in pairs:
            if i not in used_obs and tid not in used_tracks:
                used_obs.add(i), used_tracks.add(tid)
                out[i] = self.tracks[tid]
        return [(out.get(i), obs) for i, obs in enumerate(observations)]

    def update(self, observations: list[Observation], t: float) -> tuple[list[TrackState], list[int]]:
        """Match, update and prune; returns the states of tracks seen now and the ids that ended."""
        states = []
        for track, obs in self.match(observations):
            if track is None:
                track = Track(next(self._ids), t, t, obs)
                self.tracks[track.id] = track
            states.append(track.update(obs, t, self.max_yaw, self.max_pitch))
        return states, self.prune(t)

    def update_track(self, track_id: int, obs: Observation, t: float) -> TrackState:
        return self.tracks[track_id].update(obs, t, self.max_yaw, self.max_pitch)

    def new_track(self, obs: Observation, t: float) -> TrackState:
        track = Track(next(self._ids), t, t, obs)
        self.tracks[track.id] = track
        return track.update(obs, t, self.max_yaw, self.max_pitch)

    def prune(self, t: float) -> list[int]:
        ended = [tid for tid, tr in self.tracks.items() if t - tr.last_seen > self.lost_after_s]
        for tid in ended:
            del self.tracks[tid]
        return ended

    def drop(self, track_id: int) -> None:
        self.tracks.pop(track_id, None)

    def current(self, t: float, max_age_s: float | None = None) -> list[TrackState]:
        """States of the live tracks (seen within ``lost_after_s``)."""
        limit = self.lost_after_s if max_age_s is None else max_age_s
        return [tr.state for tr in self.tracks.values() if tr.state and t - tr.last_seen <= limit]


def _better(a: TrackState, b: TrackState, margin_m: float) -> bool:
    """Is ``a`` a better primary than ``b``: facing the screen first, then closer by a margin."""
    if a.attention != b.attention:
        return a.attention
    return a.distance_m < b.distance_m - margin_m


class PrimarySelector:
    """The primary visitor: the closest person facing the screen, switching only after
    another person has been better for ``switch_hold_s``."""

    def __init__(self, switch_hold_s: float = 1.0, margin_m: float = 0.3) -> None:
        self.switch_hold_s = switch_hold_s
        self.margin_m = margin_m
        self.primary_id: int | None = None
        self._challenger: tuple[int, float] | None = None  # id, since

    def select(self, states: list[TrackState], t: float) -> TrackState | None:
        if not states:
            self.primary_id, self._challenger = None, None
            return None
        by_id = {s.id: s for s in states}
        best = min(states, key=lambda s: (not s.attention, s.distance_m))
        current = by_id.get(self.primary_id) if self.primary_id is not None else None
        if current is None:
            self.primary_id, self._challenger = best.id, None
            return best
        if best.id != current.id and _better(best, current, self.margin_m):
            if self._challenger is None or self._challenger[0] != best.id:
                self._challenger = (best.id, t)
            elif t - self._challenger[1] >= self.switch_hold_s:
                self.primary_id, self._challenger = best.id, None
                return best
        else:
            self._challenger = None
        return current
