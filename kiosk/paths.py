"""Where the kiosk finds its data folders, in a source checkout and in a packaged build."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def app_root() -> Path:
    """The folder holding `venues/`, `avatars/` and `dialogs/` (the bundle dir when frozen)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def venues_dir() -> Path:
    return app_root() / "venues"


def avatars_dir() -> Path:
    return app_root() / "avatars"


def dialogs_dir() -> Path:
    return app_root() / "dialogs"


def default_venue() -> Path:
    return venues_dir() / "binjiang-museum"


def default_avatar() -> Path:
    return avatars_dir() / "dingding"


def data_dir() -> Path:
    """Writable state: model store, analytics, installed packs. ``KIOSK_DATA_DIR`` overrides."""
    env = os.environ.get("KIOSK_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kiosk"
