"""The 2D avatar rig file (``rig.yaml``): parts, pivots, draw order, parameter bindings, swaps.

A rig is validated like a venue pack: every problem is reported as ``file:line: field: message``
and a broken rig never replaces one that works (see :class:`RigHolder`).

Format (all coordinates in canvas units, the shared drawing space of every part)::

    format: 1
    name: {zh: 鼎鼎, en: Dingding}
    canvas: [1000, 1400]
    art: dingding.svg                # default source: part ``id`` is an element id in this SVG
    background: ["#f6efe0", "#dcc9a3"]  # optional top/bottom colours of the stage
    parallax: [28, 20]               # canvas units a depth-1 part shifts at full yaw / pitch
    align: center                    # or bottom: where the canvas sits in a taller screen
    model3d: head.glb                # optional glTF head for the 3D view (same parameters)
    parts:                           # listed back to front: this is the draw order
      - id: head
        parent: body                 # moves with its parent
        pivot: [500, 760]            # rotation and scale centre
        depth: 0.3                   # parallax depth (children add their own)
        image: dingding.svg#head     # or a PNG file drawn at ``at: [x, y]``; omit for a group
        bind:                        # parameter -> property, gain or [[param, value], ...] keys
          - {param: head_z, rotate: 1.0}
          - {param: breath, scale_y: [[0, 1.0], [1, 1.015]]}
        show: {param: viseme, is: [A]}   # swap parts; a list means all must hold
"""
from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.avatar.params import NAMES, VISEMES

RIG_FILE = "rig.yaml"
PROPERTIES = ("rotate", "x", "y", "scale", "scale_x", "scale_y", "opacity")
SHOW_PARAMS = set(NAMES) | {"viseme"}


class RigError(Exception):
    """One or more rig problems, each ``file:line: field: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Binding:
    param: str
    prop: str
    gain: float | None = None  # linear: value * gain
    keys: tuple[tuple[float, float], ...] = ()  # piecewise linear keyforms

    def evaluate(self, value: float) -> float:
        if not self.keys:
            return value * (self.gain or 0.0)
        if value <= self.keys[0][0]:
            return self.keys[0][1]
        for (x0, y0), (x1, y1) in zip(self.keys, self.keys[1:]):
            if value <= x1:
                t = (value - x0) / (x1 - x0) if x1 > x0 else 1.0
                return y0 + (y1 - y0) * t
        return self.keys[-1][1]


@dataclass(frozen=True)
class Condition:
    param: str
    is_: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None


@dataclass
class Part:
    id: str
    parent: str | None = None
    pivot: tuple[float, float] = (0.0, 0.0)
    depth: float = 0.0
    image: str | None = None  # "file.svg#element", "file.svg" or "file.png"; None: a group
    at: tuple[float, float] | None = None  # top-left for PNG parts (canvas units)
    size: tuple[float, float] | None = None  # drawn size for PNG parts (canvas units)
    opacity: float = 1.0
    bind: list[Binding] = field(default_factory=list)
    show: list[Condition] = field(default_factory=list)
    line: int = 0


@dataclass
class Rig:
    folder: Path
    name: dict[str, str]
    canvas: tuple[float, float]
    parts: list[Part]
    parallax: tuple[float, float] = (24.0, 18.0)
    background: tuple[str, str] | None = None
    model3d: str | None = None
    align: str = "center"  # where the canvas sits in a taller output: center or bottom

    def part(self, part_id: str) -> Part:
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)

    def display_name(self, lang: str = "en") -> str:
        return self.name.get(lang) or next(iter(self.name.values()), self.folder.name)


# --- YAML with line numbers -------------------------------------------------------------------


class _LineDict(dict):
    line: int = 0
    lines: dict[str, int]


class _LineList(list):
    line: int = 0
    lines: list[int]


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _LineDict:  # type: ignore[override]
        out = _LineDict(super().construct_mapping(node, deep=True))
        out.line = node.start_mark.line + 1
        out.lines = {str(self.construct_object(k, deep=True)): k.start_mark.line + 1 for k, _ in node.value}
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> _LineList:  # type: ignore[override]
        out = _LineList(super().construct_sequence(node, deep=True))
        out.line = node.start_mark.line + 1
        out.lines = [n.start_mark.line + 1 for n in node.value]
        return out


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


def _line(obj: Any, key: str | int | None = None) -> int:
    if key is not None:
        lines = getattr(obj, "lines", None)
        if isinstance(lines, dict) and key in lines:
            return lines[key]
        if isinstance(lines, list) and isinstance(key, int) and key < len(lines):
            return lines[key]
    return getattr(obj, "line", 1)


# --- validation ---------------------------------------------------------------------------------


class _Checker:
    """Collects problems while turning the YAML tree into a :class:`Rig`."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[str] = []
        self._svg_ids: dict[Path, set[str] | None] = {}

    def add(self, line: int, where: str, message: str) -> None:
        self.problems.append(f"{self.file}:{line}: {where}: {message}")

    def number(self, obj: Any, key: str, where: str, default: float | None = None) -> float | None:
        value = obj.get(key, default)
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return None if value is None else float(value)
        self.add(_line(obj, key), f"{where}.{key}", f"expected a number, got {value!r}")
        return default

    def pair(self, obj: Any, key: str, where: str) -> tuple[float, float] | None:
        value = obj.get(key)
        if value is None:
            return None
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        ):
            return float(value[0]), float(value[1])
        self.add(_line(obj, key), f"{where}.{key}", f"expected [x, y] numbers, got {value!r}")
        return None

    def unknown_keys(self, obj: dict, allowed: set[str], where: str) -> None:
        for key in obj:
            if key not in allowed:
                self.add(_line(obj, key), f"{where}.{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def image(self, folder: Path, ref: str, line: int, where: str) -> None:
        file, _, element = ref.partition("#")
        path = folder / file
        if not path.is_file():
            self.add(line, where, f"file not found: {file}")
            return
        suffix = path.suffix.lower()
        if suffix not in (".svg", ".png"):
            self.add(line, where, f"expected an .svg or .png part, got {file}")
        elif suffix == ".svg":
            ids = self._ids_of(path)
            if ids is None:
                self.add(line, where, f"{file} is not a readable SVG file")
            elif element and element not in ids:
                self.add(line, where, f"no element id={element!r} in {file}")
        elif element:
            self.add(line, where, "a PNG part cannot name an element (#...)")

    def _ids_of(self, path: Path) -> set[str] | None:
        if path not in self._svg_ids:
            try:
                root = ET.parse(path).getroot()
                self._svg_ids[path] = {e.get("id") for e in root.iter() if e.get("id")}
            except (ET.ParseError, OSError):
                self._svg_ids[path] = None
        return self._svg_ids[path]


def _parse_binding(ck: _Checker, raw: Any, line: int, where: str) -> Binding | None:
    if not isinstance(raw, dict):
        ck.add(line, where, "expected a mapping like {param: head_z, rotate: 1.0}")
        return None
    ck.unknown_keys(raw, {"param", *PROPERTIES}, where)
    param = raw.get("param")
    if param not in NAMES:
        ck.add(_line(raw, "param"), f"{where}.param", f"unknown parameter {param!r}")
        return None
    props = [k for k in raw if k in PROPERTIES]
    if len(props) != 1:
        ck.add(line, where, f"expected exactly one of {', '.join(PROPERTIES)}")
        return None
    prop, value = props[0], raw[props[0]]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Binding(param, prop, gain=float(value))
    ok = isinstance(value, list) and len(value) >= 2 and all(
        isinstance(k, list) and len(k) == 2 and all(isinstance(v, (int, float)) for v in k) for k in value
    )
    if not ok or any(a[0] >= b[0] for a, b in zip(value, value[1:])):
        ck.add(_line(raw, prop), f"{where}.{prop}", "expected a gain or keys [[param, value], ...] with rising params")
        return None
    return Binding(param, prop, keys=tuple((float(a), float(b)) for a, b in value))


def _parse_condition(ck: _Checker, raw: Any, line: int, where: str) -> Condition | None:
    if not isinstance(raw, dict):
        ck.add(line, where, "expected a mapping like {param: viseme, is: [A]}")
        return None
    ck.unknown_keys(raw, {"param", "is", "min", "max"}, where)
    param = raw.get("param")
    if param not in SHOW_PARAMS:
        ck.add(_line(raw, "param"), f"{where}.param", f"unknown parameter {param!r}")
        return None
    if param == "viseme":
        shapes = raw.get("is")
        if not isinstance(shapes, list) or not shapes or any(str(s) not in VISEMES for s in shapes):
            ck.add(_line(raw, "is"), f"{where}.is", f"expected a list of mouth shapes from {', '.join(VISEMES)}")
            return None
        return Condition(param, is_=tuple(str(s) for s in shapes))
    lo, hi = ck.number(raw, "min", where), ck.number(raw, "max", where)
    if lo is None and hi is None:
        ck.add(line, where, "expected min and/or max")
        return None
    return Condition(param, min=lo, max=hi)


def _parse_part(ck: _Checker, rig: _LineDict, raw: Any, line: int, index: int, art: str | None) -> Part | None:
    where = f"parts[{index}]"
    if not isinstance(raw, dict):
        ck.add(line, where, "expected a mapping with an id")
        return None
    ck.unknown_keys(raw, {"id", "parent", "pivot", "depth", "image", "at", "size", "opacity", "bind", "show"}, where)
    pid = raw.get("id")
    if not isinstance(pid, str) or not pid:
        ck.add(_line(raw, "id") if "id" in raw else line, f"{where}.id", "missing or not a name")
        return None
    where = f"parts[{index}] ({pid})"
    part = Part(id=pid, line=line)
    part.parent = raw.get("parent")
    part.pivot = ck.pair(raw, "pivot", where) or (0.0, 0.0)
    part.depth = ck.number(raw, "depth", where, 0.0) or 0.0
    part.opacity = ck.number(raw, "opacity", where, 1.0) or 0.0
    part.at = ck.pair(raw, "at", where)
    part.size = ck.pair(raw, "size", where)
    image = raw.get("image", f"{art}#{pid}" if art and "image" not in raw else None)
    if image is not None:
        if not isinstance(image, str):
            ck.add(_line(raw, "image"), f"{where}.image", "expected a file name")
        else:
            part.image = image
            ck.image(ck.file.parent, image, _line(raw, "image") if "image" in raw else line, f"{where}.image")
            if image.lower().endswith(".png") and part.at is None:
                ck.add(_line(raw, "image"), f"{where}.at", "a PNG part needs at: [x, y]")
    binds = raw.get("bind", [])
    if not isinstance(binds, list):
        ck.add(_line(raw, "bind"), f"{where}.bind", "expected a list")
        binds = []
    for i, b in enumerate(binds):
        bd = _parse_binding(ck, b, _line(binds, i), f"{where}.bind[{i}]")
        if bd:
            part.bind.append(bd)
    shows = raw.get("show", [])
    shows = shows if isinstance(shows, list) else [shows]
    for i, s in enumerate(shows):
        cond = _parse_condition(ck, s, _line(shows, i) if isinstance(shows, _LineList) else _line(raw, "show"), f"{where}.show")
        if cond:
            part.show.append(cond)
    return part


def _check_parents(ck: _Checker, parts: list[Part]) -> None:
    ids: dict[str, Part] = {}
    for p in parts:
        if p.id in ids:
            ck.add(p.line, f"parts ({p.id})", f"duplicate id (first at line {ids[p.id].line})")
        ids[p.id] = p
    for p in parts:
        if p.parent is not None and p.parent not in ids:
            ck.add(p.line, f"parts ({p.id}).parent", f"no part with id {p.parent!r}")
            p.parent = None
    for p in parts:
        seen, cur = {p.id}, p
        while cur.parent is not None:
            if cur.parent in seen:
                ck.add(p.line, f"parts ({p.id}).parent", "parents form a loop")
                p.parent = None
                break
            seen.add(cur.parent)
            cur = ids[cur.parent]


def load_rig(folder: str | Path) -> Rig:
    """Read and validate ``folder/rig.yaml``. Raises :class:`RigError` listing every problem."""
    folder = Path(folder)
    file = folder / RIG_FILE
    ck = _Checker(file)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RigError([f"{file}:1: file: cannot read ({exc.strerror or exc})"]) from exc
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RigError([f"{file}:{line}: yaml: {getattr(exc, 'problem', None) or exc}"]) from exc
    if not isinstance(data, dict):
        raise RigError([f"{file}:1: rig: expected a mapping with format, canvas and parts"])
    ck.unknown_keys(data, {"format", "name", "canvas", "art", "background", "parallax", "parts", "model3d", "align"}, "rig")
    if data.get("format") != 1:
        ck.add(_line(data, "format"), "format", f"expected 1, got {data.get('format')!r}")
    name = data.get("name", {})
    if isinstance(name, str):
        name = {"en": name}
    if not isinstance(name, dict):
        ck.add(_line(data, "name"), "name", "expected {zh: ..., en: ...}")
        name = {}
    canvas = ck.pair(data, "canvas", "rig")
    if canvas is None:
        ck.add(_line(data, "canvas"), "canvas", "missing [width, height]")
        canvas = (1000.0, 1000.0)
    art = data.get("art")
    if art is not None:
        if not isinstance(art, str):
            ck.add(_line(data, "art"), "art", "expected an SVG file name")
            art = None
        else:
            ck.image(folder, art, _line(data, "art"), "art")
    background = data.get("background")
    if background is not None and not (
        isinstance(background, list) and len(background) == 2 and all(isinstance(c, str) for c in background)
    ):
        ck.add(_line(data, "background"), "background", "expected two colours [top, bottom]")
        background = None
    model3d = data.get("model3d")
    if model3d is not None and not (isinstance(model3d, str) and (folder / model3d).is_file()):
        ck.add(_line(data, "model3d"), "model3d", f"file not found: {model3d}")
        model3d = None
    align = data.get("align", "center")
    if align not in ("center", "bottom"):
        ck.add(_line(data, "align"), "align", f"expected center or bottom, got {align!r}")
    raw_parts = data.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        ck.add(_line(data, "parts"), "parts", "expected a list of parts")
        raw_parts = _LineList()
    parts = [
        p for i, raw in enumerate(raw_parts) if (p := _parse_part(ck, data, raw, _line(raw_parts, i), i, art)) is not None
    ]
    _check_parents(ck, parts)
    if ck.problems:
        raise RigError(ck.problems)
    return Rig(
        folder=folder,
        name={str(k): str(v) for k, v in name.items()},
        canvas=canvas,
        parts=parts,
        parallax=ck.pair(data, "parallax", "rig") or (24.0, 18.0),
        background=tuple(background) if background else None,  # type: ignore[arg-type]
        model3d=model3d,
        align=align,
    )


class RigHolder:
    """Keeps the last good rig: a broken rig is reported and never replaces a working one."""

    def __init__(self, rig: Rig | None = None) -> None:
        self._rig = rig
        self._lock = threading.Lock()
        self.last_errors: list[str] = []

    @property
    def rig(self) -> Rig | None:
        with self._lock:
            return self._rig

    def load(self, folder: str | Path) -> list[str]:
        """Try to load a rig; on success it becomes current. Returns the problems (empty if fine)."""
        try:
            rig = load_rig(folder)
        except RigError as exc:
            self.last_errors = exc.problems
            return exc.problems
        with self._lock:
            self._rig = rig
        self.last_errors = []
        return []
