"""Site configuration: one TOML file per kiosk, chosen at install.

Each section is a dataclass; unknown keys and wrong types are reported with file, line and key.
"""
from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk import paths


class ConfigError(Exception):
    """A site configuration problem: ``file:line: key: message``."""


@dataclass
class SiteSection:
    venue: str = ""  # empty: the embedded museum pack
    avatar: str = ""  # empty: the venue's default avatar
    languages: list[str] = field(default_factory=lambda: ["zh", "en"])
    admin_pin_hash: str = ""  # "sha256:<salt>:<hex>"; empty: admin panel PIN 0000 only in windowed mode
    idle_timeout_s: float = 90.0
    fullscreen: bool = True


@dataclass
class SpeechSection:
    enabled: bool = True
    microphone: str = "default"  # device name/index, "off", or a WAV/FLAC file
    speaker: str = "default"
    models: dict[str, str] = field(default_factory=dict)  # lang -> model name in the store, or a path
    vad_preset: str = "default"
    tts_rate: float = 1.0
    tts_volume: float = 1.0


@dataclass
class VisionSection:
    camera: str = "0"  # device index, "off", or a video file / image folder
    width: int = 640
    height: int = 480
    focal_length_px: float = 0.0  # 0: estimated from the field of view
    engage_distance_m: float = 1.5
    notice_distance_m: float = 3.5
    engage_hold_s: float = 0.7
    leave_timeout_s: float = 3.0
    cooldown_s: float = 10.0
    fov_deg: float = 60.0  # horizontal field of view, used when focal_length_px is 0
    mirrored: bool = False  # the camera already delivers a mirror image
    max_fps: float = 30.0  # processing rate while someone is tracked
    idle_detect_hz: float = 2.0  # detection rate while nobody is there
    detect_hz: float = 4.0  # detection rate (new faces) while someone is tracked
    max_faces: int = 3  # faces followed with a face mesh at once
    detect_zoom: float = 2.0  # every other detection looks at the centre zoomed in (1: off)
    min_face_confidence: float = 0.5
    attention_yaw_deg: float = 25.0  # facing the screen: head turned less than this
    attention_pitch_deg: float = 25.0
    notice_hold_s: float = 0.3
    look_away_s: float = 1.5  # an engaged visitor looking away this long starts disengaging
    hysteresis: float = 0.15  # distance thresholds widen by this fraction once crossed
    switch_hold_s: float = 1.0  # another person must be the better primary this long


@dataclass
class NluSection:
    encoder: str = ""  # optional local Hugging Face model folder (frozen encoder + trained head)
    low_confidence: float = 0.45
    min_margin: float = 0.06  # top-2 similarity margin below which the kiosk asks which one


@dataclass
class PrivacySection:
    debug_recording: bool = False  # staff-only: keeps audio/frames on disk for debugging
    retention_days: int = 90
    analytics: bool = True


@dataclass
class SiteConfig:
    site: SiteSection = field(default_factory=SiteSection)
    speech: SpeechSection = field(default_factory=SpeechSection)
    vision: VisionSection = field(default_factory=VisionSection)
    nlu: NluSection = field(default_factory=NluSection)
    privacy: PrivacySection = field(default_factory=PrivacySection)
    source: Path | None = None

    def venue_path(self) -> Path:
        """The configured pack; else the pack installed with `kiosk pack install`; else the museum."""
        if self.site.venue:
            return self._resolve(self.site.venue)
        from kiosk.pack.publish import installed_pack_dir

        return installed_pack_dir() or paths.default_venue()

    def avatar_path(self) -> Path | None:
        return self._resolve(self.site.avatar) if self.site.avatar else None

    def _resolve(self, value: str) -> Path:
        p = Path(os.path.expanduser(value))
        if p.is_absolute():
            return p
        base = self.source.parent if self.source else Path.cwd()
        for candidate in (base / p, paths.app_root() / p):
            if candidate.exists():
                return candidate
        return base / p


def _line_of(text: str, section: str, key: str | None) -> int:
    lines = text.splitlines()
    in_section = section == ""
    for i, line in enumerate(lines, 1):
        s = line.strip()
        if s.startswith("[") and s.endswith("]"):
            in_section = s.strip("[]").strip() == section
            if key is None and in_section:
                return i
            continue
        if in_section and key and re.match(rf"^{re.escape(key)}\s*=", s):
            return i
    return 1


def _check_type(value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(default))


def load_config(path: str | Path | None) -> SiteConfig:
    """Load a site config; ``None`` gives the defaults. Raises :class:`ConfigError`."""
    cfg = SiteConfig()
    if path is None:
        return cfg
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    cfg.source = path
    problems: list[str] = []
    for section_name, values in data.items():
        section = getattr(cfg, section_name, None)
        if section is None or not dataclasses.is_dataclass(section) or not isinstance(values, dict):
            problems.append(f"{path}:{_line_of(text, section_name, None)}: [{section_name}]: unknown section")
            continue
        defaults = {f.name: getattr(section, f.name) for f in dataclasses.fields(section)}
        for key, value in values.items():
            line = _line_of(text, section_name, key)
            if key not in defaults:
                problems.append(f"{path}:{line}: {section_name}.{key}: unknown key")
            elif not _check_type(value, defaults[key]):
                want = type(defaults[key]).__name__
                problems.append(f"{path}:{line}: {section_name}.{key}: expected {want}, got {value!r}")
            else:
                setattr(section, key, float(value) if isinstance(defaults[key], float) else value)
    if problems:
        raise ConfigError("\n".join(problems))
    return cfg
