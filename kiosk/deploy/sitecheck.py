"""``kiosk config check``: a site config is valid TOML with known keys, and what it names exists.

Problems come as ``file:line: section.key: message`` so a technician can open the file at the
line. A config with problems is never installed over a working one (``kiosk config install``).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from kiosk import paths
from kiosk.config import ConfigError, SiteConfig, _line_of, load_config

TEMPLATE = Path(__file__).resolve().parent / "templates" / "site.toml"
LANG_CODES = {"zh", "en", "ko", "ja", "fr", "de", "es", "ru", "ar", "pt", "it", "vi", "th"}


def template_text() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


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
