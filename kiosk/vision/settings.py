"""Checks on the ``[vision]`` site config section beyond types (ranges and consistency)."""
from __future__ import annotations

from pathlib import Path

from kiosk.config import ConfigError, VisionSection, _line_of


def vision_problems(section: VisionSection) -> list[tuple[str, str]]:
    """``(key, message)`` for every value that cannot work."""
    s, out = section, []
    positive = ("width", "height", "max_fps", "idle_detect_hz", "detect_hz", "max_faces", "fov_deg",
                "engage_distance_m", "notice_distance_m")
    for key in positive:
        if getattr(s, key) <= 0:
            out.append((key, f"must be positive, got {getattr(s, key)!r}"))
    for key in ("focal_length_px", "engage_hold_s", "leave_timeout_s", "cooldown_s", "notice_hold_s",
                "look_away_s", "switch_hold_s", "attention_yaw_deg", "attention_pitch_deg"):
        if getattr(s, key) < 0:
            out.append((key, f"must not be negative, got {getattr(s, key)!r}"))
    if not 0 <= s.hysteresis < 1:
        out.append(("hysteresis", f"must be between 0 and 1, got {s.hysteresis!r}"))
    if not 0 < s.min_face_confidence < 1:
        out.append(("min_face_confidence", f"must be between 0 and 1, got {s.min_face_confidence!r}"))
    if s.detect_zoom < 1:
        out.append(("detect_zoom", f"must be 1 (off) or more, got {s.detect_zoom!r}"))
    if s.fov_deg >= 180:
        out.append(("fov_deg", f"must be below 180, got {s.fov_deg!r}"))
    if s.engage_distance_m > s.notice_distance_m:
        out.append(("engage_distance_m", f"{s.engage_distance_m} is beyond notice_distance_m {s.notice_distance_m}"))
    return out


def check_vision(section: VisionSection, source: Path | None = None) -> None:
    """Raise :class:`ConfigError` naming file, line and key for every bad ``[vision]`` value."""
    problems = vision_problems(section)
    if not problems:
        return
    text = source.read_text(encoding="utf-8") if source and source.is_file() else ""
    where = str(source) if source else "site config"
    raise ConfigError("\n".join(f"{where}:{_line_of(text, 'vision', key)}: vision.{key}: {msg}"
                                for key, msg in problems))
