"""The avatar parameter vector: the only interface between what drives the avatar and what draws it.

Names follow Live2D Cubism's standard parameters (ParamAngleX -> ``head_x`` ...) and VRM
expression presets for the emotions. Every numeric field has a range (see :data:`RANGES`);
``viseme`` is one of Rhubarb Lip Sync's mouth shapes A-H or X (rest).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable, Mapping

VISEMES = "ABCDEFGHX"


def _f(lo: float, hi: float, default: float = 0.0, doc: str = "") -> float:
    return field(default=default, metadata={"range": (lo, hi), "doc": doc})


@dataclass
class AvatarParams:
    """One frame's pose and expression. Angles in degrees, the rest normalised."""

    head_x: float = _f(-30, 30, doc="yaw: + turns to the avatar's left (screen right)")
    head_y: float = _f(-30, 30, doc="pitch: + looks up")
    head_z: float = _f(-30, 30, doc="roll: + tilts clockwise on screen")
    body_x: float = _f(-10, 10, doc="body sway angle")
    body_y: float = _f(-1, 1, doc="body bob: + up")
    breath: float = _f(0, 1, doc="breathing cycle 0 (out) .. 1 (in)")
    eye_l_open: float = _f(0, 1, 1.0, "left eye (screen left) openness")
    eye_r_open: float = _f(0, 1, 1.0, "right eye (screen right) openness")
    eye_ball_x: float = _f(-1, 1, doc="pupils: + to screen right")
    eye_ball_y: float = _f(-1, 1, doc="pupils: + up")
    brow_l_y: float = _f(-1, 1, doc="left brow height: + raised")
    brow_r_y: float = _f(-1, 1, doc="right brow height: + raised")
    brow_form: float = _f(-1, 1, doc="- worried (inner ends up) .. + stern")
    mouth_open: float = _f(0, 1, doc="jaw opening")
    mouth_form: float = _f(-1, 1, doc="- frown .. + smile")
    viseme: str = field(default="X", metadata={"doc": "mouth shape A-H or X (rest)"})
    arm_l: float = _f(-1, 1, doc="left arm raise")
    arm_r: float = _f(-1, 1, doc="right arm raise / wave")
    cheek: float = _f(0, 1, doc="blush")
    happy: float = _f(0, 1)
    sad: float = _f(0, 1)
    surprised: float = _f(0, 1)
    thinking: float = _f(0, 1)

    def copy(self, **changes: float | str) -> "AvatarParams":
        return dataclasses.replace(self, **changes)

    def clamped(self) -> "AvatarParams":
        """A copy with every value inside its range and a valid viseme."""
        out = dataclasses.replace(self)
        for name, (lo, hi) in RANGES.items():
            setattr(out, name, min(hi, max(lo, float(getattr(out, name)))))
        if out.viseme not in VISEMES:
            out.viseme = "X"
        return out

    def as_dict(self) -> dict[str, float | str]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, float | str]) -> "AvatarParams":
        """Build from a mapping; unknown names raise ``KeyError`` naming the key."""
        unknown = set(data) - set(NAMES) - {"viseme"}
        if unknown:
            raise KeyError(f"unknown avatar parameter(s): {', '.join(sorted(unknown))}")
        return cls(**{k: (str(v) if k == "viseme" else float(v)) for k, v in data.items()}).clamped()

    def value(self, name: str) -> float:
        """A numeric value by name; ``viseme`` gives its index in :data:`VISEMES`."""
        if name == "viseme":
            return float(VISEMES.index(self.viseme))
        return float(getattr(self, name))


RANGES: dict[str, tuple[float, float]] = {
    f.name: f.metadata["range"] for f in dataclasses.fields(AvatarParams) if "range" in f.metadata
}
NAMES: tuple[str, ...] = tuple(RANGES)
DEFAULTS = AvatarParams()


def lerp(a: AvatarParams, b: AvatarParams, t: float) -> AvatarParams:
    """Interpolate every numeric field; the viseme switches at the half-way point."""
    t = min(1.0, max(0.0, t))
    out = dataclasses.replace(a)
    for name in NAMES:
        va, vb = getattr(a, name), getattr(b, name)
        setattr(out, name, va + (vb - va) * t)
    out.viseme = b.viseme if t >= 0.5 else a.viseme
    return out


def blend(base: AvatarParams, layers: Iterable[tuple[Mapping[str, float | str], float]]) -> AvatarParams:
    """Apply driver layers in order: each is ``(values, weight)``; values override toward target.

    A layer moves only the fields it names, by ``weight`` (0..1) of the way from the current value.
    A viseme in a layer with weight >= 0.5 replaces the current one.
    """
    out = dataclasses.replace(base)
    for values, weight in layers:
        w = min(1.0, max(0.0, weight))
        if w <= 0:
            continue
        for name, v in values.items():
            if name == "viseme":
                if w >= 0.5:
                    out.viseme = str(v)
                continue
            cur = getattr(out, name)
            setattr(out, name, cur + (float(v) - cur) * w)
    return out.clamped()


def add(base: AvatarParams, deltas: Mapping[str, float]) -> AvatarParams:
    """Add offsets to numeric fields (used by additive drivers such as idle sway)."""
    out = dataclasses.replace(base)
    for name, d in deltas.items():
        setattr(out, name, getattr(out, name) + float(d))
    return out.clamped()
