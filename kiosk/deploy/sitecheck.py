"""``kiosk config check``: a site config is valid TOML with known keys, and what it names exists.

Problems come as ``file:line: section.key: message`` so a technician can open the file at the
line. A config with problems is never installed over a working one (``kiosk config install``).
"""
from __future__ import annotations

import dataclasses
import inspect
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from kiosk import config as config_module
from kiosk import paths
from kiosk.config import ConfigError, SiteConfig, _line_of, load_config

LANG_CODES = {"zh", "en", "ko", "ja", "fr", "de", "es", "ru", "ar", "pt", "it", "vi", "th"}

HEADER = """\
# Kiosk site configuration: one file per kiosk, chosen at install.
#   Linux:   /etc/kiosk/site.toml            Windows: %ProgramData%\\Kiosk\\site.toml
# Check it after every edit:   kiosk config check /etc/kiosk/site.toml
# Then test the whole kiosk:   kiosk selftest
# Relative paths are taken from this file's folder first, then from the kiosk's install folder.
# Every key is optional: the value shown is the default.
"""
# Notes for the technician; keys without one here take the comment next to them in kiosk/config.py.
NOTES = {
    "site.venue": 'venue pack folder; "" = the bundled venues/binjiang-museum',
    "site.avatar": 'avatar folder; "" = the venue\'s default avatar',
    "site.languages": "first one is the default; each needs answers in the pack",
    "site.admin_pin_hash": '"sha256:<salt>:<hex>"; "" = no admin panel in full-screen mode',
    "site.idle_timeout_s": "back to the welcome screen after this long without a visitor",
    "site.fullscreen": "false only for testing at a desk",
    "speech.enabled": "false: touch and text only",
    "speech.microphone": 'device name or index, "off", or a WAV/FLAC file (testing)',
    "speech.speaker": 'device name or index, or "off"',
    "vision.camera": 'device index, "off", or a video file / image folder (testing)',
    "vision.engage_distance_m": "greet a visitor who comes this close",
    "vision.notice_distance_m": "look at a visitor from this far",
    "privacy.debug_recording": "staff only: keeps audio and camera frames on disk. Leave off.",
    "privacy.retention_days": "analytics older than this are deleted",
    "privacy.analytics": "anonymous counts of topics asked (no faces, no numbers)",
}
TABLE_EXAMPLES = {
    "speech.models": [
        "# language -> Vosk model: a name in the model store (kiosk models list) or a folder",
        '# zh = "vosk-model-small-cn-0.22"     # added with: kiosk models add <zip> --lang zh',
        '# ko = "/opt/kiosk/models/vosk-model-small-ko-0.22"',
    ],
}


def _source_comments(section_cls: type) -> dict[str, str]:
    """``name: type = default  # comment`` lines of a config dataclass (empty in a frozen build)."""
    try:
        source = inspect.getsource(section_cls)
    except (OSError, TypeError):
        return {}
    found = {}
    for line in source.splitlines():
        m = re.match(r"\s+(\w+)\s*:.*?#\s*(.+)$", line)
        if m:
            found[m.group(1)] = m.group(2).strip()
    return found


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def template_text() -> str:
    """A commented site.toml with every key of every section and its default, always in step
    with :mod:`kiosk.config`."""
    defaults = SiteConfig()
    out = [HEADER]
    for section in dataclasses.fields(SiteConfig):
        value = getattr(defaults, section.name)
        if not dataclasses.is_dataclass(value):
            continue
        comments = _source_comments(type(value))
        out.append(f"\n[{section.name}]")
        tables = []
        for key in dataclasses.fields(value):
            default = getattr(value, key.name)
            if isinstance(default, dict):
                tables.append(key.name)
                continue
            note = NOTES.get(f"{section.name}.{key.name}") or comments.get(key.name, "")
            line = f"{key.name} = {_toml_value(default)}"
            out.append(f"{line:<32} # {note}" if note else line)
        for key in tables:
            out.append(f"\n[{section.name}.{key}]")
            out.extend(TABLE_EXAMPLES.get(f"{section.name}.{key}", []))
    return "\n".join(out) + "\n"


def write_template(path: str | Path) -> Path:
    path = Path(path)
    path.write_text(template_text(), encoding="utf-8")
    return path


def _is_file_source(value: str) -> bool:
    return not value.isdigit() and value not in ("", "default", "off") and Path(value).suffix != ""


def check_config_file(path: str | Path) -> tuple[SiteConfig | None, list[str], list[str]]:
    """The loaded config (None if unreadable), every problem found, and warnings."""
    path = Path(path)
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        return None, str(exc).splitlines(), []
    text = path.read_text(encoding="utf-8")
    problems: list[str] = []
    warnings: list[str] = []

    def add(section: str, key: str, message: str, warn: bool = False) -> None:
        (warnings if warn else problems).append(f"{path}:{_line_of(text, section, key)}: {section}.{key}: {message}")

    if cfg.site.venue and not cfg.venue_path().is_dir():
        add("site", "venue", f"venue pack folder not found: {cfg.venue_path()}")
    if cfg.site.avatar and not cfg.avatar_path().is_dir():  # type: ignore[union-attr]
        add("site", "avatar", f"avatar folder not found: {cfg.avatar_path()}")
    if not cfg.site.languages:
        add("site", "languages", "at least one language is needed")
    for lang in cfg.site.languages:
        if lang not in LANG_CODES:
            add("site", "languages", f"unknown language code {lang!r}")
    if cfg.site.admin_pin_hash and not _valid_pin_hash(cfg.site.admin_pin_hash):
        add("site", "admin_pin_hash", 'expected "sha256:<salt>:<64 hex digits>"')
    for lang, value in cfg.speech.models.items():
        if not isinstance(value, str):
            problems.append(f"{path}:{_line_of(text, 'speech.models', lang)}: speech.models.{lang}: expected a string")
        elif _looks_like_path(value) and not cfg._resolve(value).is_dir():
            problems.append(f"{path}:{_line_of(text, 'speech.models', lang)}: speech.models.{lang}: "
                            f"model folder not found: {cfg._resolve(value)}")
    for section, key, value in (("speech", "microphone", cfg.speech.microphone),
                                ("vision", "camera", cfg.vision.camera)):
        if _is_file_source(value) and not cfg._resolve(value).exists():
            add(section, key, f"test file not found: {cfg._resolve(value)}")
    if cfg.privacy.retention_days < 1:
        add("privacy", "retention_days", "must be at least 1")
    if cfg.privacy.debug_recording:
        add("privacy", "debug_recording", "is on: audio and camera frames are kept on disk (staff debugging only)",
            warn=True)
    if not 0 < cfg.nlu.low_confidence < 1:
        add("nlu", "low_confidence", "must be between 0 and 1")
    if cfg.vision.engage_distance_m >= cfg.vision.notice_distance_m:
        add("vision", "engage_distance_m", "must be smaller than notice_distance_m")
    return cfg, problems, warnings


def _looks_like_path(value: str) -> bool:
    return "/" in value or "\\" in value or value.startswith(".")


def _valid_pin_hash(value: str) -> bool:
    parts = value.split(":")
    return len(parts) == 3 and parts[0] == "sha256" and len(parts[2]) == 64 and all(
        c in "0123456789abcdef" for c in parts[2].lower())


def install_config(source: str | Path, target: str | Path) -> list[str]:
    """Copy a checked config over ``target`` atomically; on any problem the old one stays."""
    _, problems, _ = check_config_file(source)
    if problems:
        return problems
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".site-", suffix=".toml")
    os.close(fd)
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return []


def default_install_target() -> Path:
    if os.name == "nt":
        return Path(os.environ.get("ProgramData", r"C:\ProgramData")) / "Kiosk" / "site.toml"
    return Path("/etc/kiosk/site.toml")


def bundled_models() -> list[Path]:
    folder = paths.app_root() / "models"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
