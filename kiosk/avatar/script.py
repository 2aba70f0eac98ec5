"""Render scripts for ``kiosk render``: a JSON timeline of poses, events, gaze and visemes.

Two forms (both may be combined)::

    {"frames": [{"name": "mouth-A", "set": {"viseme": "A"}}, ...]}   # still frames, one PNG each

    {"duration": 3.0, "fps": 25, "seed": 1,                           # an animation through the
     "keys":    [{"t": 0.0, "set": {"head_x": 0}}, {"t": 1.0, "set": {"head_x": 20}}],  # drivers
     "events":  [{"t": 0.2, "type": "visitor-engaged", "data": {}}],
     "gaze":    [{"t": 0.5, "x": -0.8, "y": 0.1}, {"t": 2.0, "clear": true}],
     "speech":  {"start": 0.8, "visemes": [[0.0, 0.12, "B"], [0.12, 0.3, "D"]]}}

Keys are held/interpolated values that override the drivers; ``set`` takes parameter names from
:class:`~kiosk.avatar.params.AvatarParams`. Errors name the file, line and field.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from kiosk.avatar.drivers import Animator
from kiosk.avatar.params import NAMES, VISEMES, AvatarParams
from kiosk.pipeline.events import EventType, PipelineEvent


class ScriptError(Exception):
    """Problems in a render script, one ``file:line: field: message`` per line."""


@dataclass
class RenderScript:
    frames: list[tuple[str, dict[str, float | str]]] = field(default_factory=list)
    duration: float = 0.0
    fps: float = 25.0
    seed: int = 1
    keys: list[tuple[float, dict[str, float | str]]] = field(default_factory=list)
    events: list[tuple[float, EventType, dict[str, Any]]] = field(default_factory=list)
    gaze: list[tuple[float, tuple[float, float] | None]] = field(default_factory=list)
    speech_start: float = 0.0
    visemes: list[tuple[float, float, str]] = field(default_factory=list)

    def still_frames(self) -> Iterator[tuple[str, AvatarParams]]:
        for name, values in self.frames:
            yield name, AvatarParams.from_dict(values)

    def animation(self) -> Iterator[tuple[str, AvatarParams]]:
        """``(frame name, params)`` for every frame of the animated part, run through the drivers."""
        if self.duration <= 0:
            return
        anim = Animator(self.seed)
        clock = {"t": 0.0}
        if self.visemes:
            anim.play_visemes(self.visemes, lambda: clock["t"] - self.speech_start)  # < 0: not yet
        events, gaze = list(self.events), list(self.gaze)
        n = int(round(self.duration * self.fps))
        for i in range(n + 1):
            t = i / self.fps
            clock["t"] = t
            while events and events[0][0] <= t:
                _, etype, data = events.pop(0)
                anim.on_event(PipelineEvent(etype, data))
            while gaze and gaze[0][0] <= t:
                target = gaze.pop(0)[1]
                anim.set_gaze(*target) if target else anim.clear_gaze()
            anim.overrides = self.keys_at(t)
            yield f"frame_{i:04d}", anim.update(t)

    def keys_at(self, t: float) -> dict[str, float | str]:
        """Key values at ``t``: linear between keys, held after the last one."""
        out: dict[str, float | str] = {}
        names = {k for _, vals in self.keys for k in vals}
        for name in names:
            pts = [(kt, v[name]) for kt, v in self.keys if name in v]
            before = [p for p in pts if p[0] <= t]
            after = [p for p in pts if p[0] > t]
            if not before:
                continue
            t0, v0 = before[-1]
            if not after or isinstance(v0, str):
                out[name] = v0
                continue
            t1, v1 = after[0]
            out[name] = float(v0) + (float(v1) - float(v0)) * (t - t0) / (t1 - t0)
        return out


def _line_of(text: str, needle: str, start: int = 0) -> int:
    pos = text.find(needle, start)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 1


def _quoted(key: str) -> str:
    return json.dumps(key)


def _check_set(values: Any, where: str, problems: list[str], line: int) -> dict[str, float | str]:
    if not isinstance(values, dict):
        problems.append(f"{line}: {where}: expected an object of parameter values")
        return {}
    out: dict[str, float | str] = {}
    for k, v in values.items():
        if k == "viseme":
            if v not in list(VISEMES):
                problems.append(f"{line}: {where}.viseme: expected one of {', '.join(VISEMES)}, got {v!r}")
            else:
                out[k] = v
        elif k not in NAMES:
            problems.append(f"{line}: {where}.{k}: unknown parameter")
        elif not isinstance(v, (int, float)) or isinstance(v, bool):
            problems.append(f"{line}: {where}.{k}: expected a number, got {v!r}")
        else:
            out[k] = float(v)
    return out


def load_script(path: str | Path) -> RenderScript:
    """Read and check a render script. Raises :class:`ScriptError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise ScriptError(f"{path}: cannot read: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ScriptError(f"{path}:{exc.lineno}: json: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise ScriptError(f"{path}:1: script: expected a JSON object")
    problems: list[str] = []
    script = RenderScript()
    allowed = {"frames", "duration", "fps", "seed", "keys", "events", "gaze", "speech"}
    for k in data:
        if k not in allowed:
            problems.append(f"{_line_of(text, _quoted(k))}: {k}: unknown key (allowed: {', '.join(sorted(allowed))})")
    pos = 0
    for i, frame in enumerate(data.get("frames", [])):
        pos = text.find('"set"', pos) + 1
        line = _line_of(text, '"set"', max(0, pos - 1))
        name = str(frame.get("name", f"frame_{i:04d}")) if isinstance(frame, dict) else ""
        if not re.fullmatch(r"[\w.-]+", name or "-"):
            problems.append(f"{line}: frames[{i}].name: use letters, digits, '-', '_' or '.'")
        script.frames.append((name, _check_set(frame.get("set", {}) if isinstance(frame, dict) else None, f"frames[{i}].set", problems, line)))
    for key, cast in (("duration", float), ("fps", float), ("seed", int)):
        if key in data:
            v = data[key]
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0 or (key == "fps" and v == 0):
                problems.append(f"{_line_of(text, _quoted(key))}: {key}: expected a positive number, got {v!r}")
            else:
                setattr(script, key, cast(v))
    for i, key in enumerate(data.get("keys", [])):
        line = _line_of(text, '"keys"')
        if not isinstance(key, dict) or not isinstance(key.get("t"), (int, float)):
            problems.append(f"{line}: keys[{i}].t: expected a time in seconds")
            continue
        script.keys.append((float(key["t"]), _check_set(key.get("set", {}), f"keys[{i}].set", problems, line)))
    script.keys.sort(key=lambda k: k[0])
    types = {e.value: e for e in EventType}
    for i, ev in enumerate(data.get("events", [])):
        line = _line_of(text, '"events"')
        etype = types.get(ev.get("type")) if isinstance(ev, dict) else None
        if etype is None or not isinstance(ev.get("t"), (int, float)):
            problems.append(f"{line}: events[{i}]: expected {{t, type}} with a known event type, got {ev!r}")
            continue
        script.events.append((float(ev["t"]), etype, dict(ev.get("data", {}))))
    script.events.sort(key=lambda e: e[0])
    for i, g in enumerate(data.get("gaze", [])):
        line = _line_of(text, '"gaze"')
        if isinstance(g, dict) and isinstance(g.get("t"), (int, float)) and g.get("clear"):
            script.gaze.append((float(g["t"]), None))
        elif isinstance(g, dict) and all(isinstance(g.get(k), (int, float)) for k in ("t", "x", "y")):
            script.gaze.append((float(g["t"]), (float(g["x"]), float(g["y"]))))
        else:
            problems.append(f"{line}: gaze[{i}]: expected {{t, x, y}} or {{t, clear: true}}")
    script.gaze.sort(key=lambda g: g[0])
    speech = data.get("speech")
    if speech is not None:
        line = _line_of(text, '"speech"')
        if not isinstance(speech, dict):
            problems.append(f"{line}: speech: expected {{start, visemes}}")
        else:
            script.speech_start = float(speech.get("start", 0.0))
            for i, cue in enumerate(speech.get("visemes", [])):
                ok = isinstance(cue, list) and len(cue) == 3 and all(isinstance(c, (int, float)) for c in cue[:2])
                if not ok or cue[2] not in list(VISEMES) or cue[1] <= cue[0]:
                    problems.append(f"{line}: speech.visemes[{i}]: expected [start_s, end_s, A-H or X], got {cue!r}")
                else:
                    script.visemes.append((float(cue[0]), float(cue[1]), str(cue[2])))
    if not script.frames and script.duration <= 0 and not problems:
        problems.append("1: script: nothing to render: give frames or a duration")
    if problems:
        raise ScriptError("\n".join(f"{path}:{p}" for p in problems))
    return script
