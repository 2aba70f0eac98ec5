"""Builds the dialog engine for a pack and a site config, choosing the best matcher available."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import SiteConfig
from kiosk.dialog.engine import DialogEngine
from kiosk.dialog.matching import Matcher
from kiosk.pack.loader import load_pack
from kiosk.pack.model import VenuePack

log = logging.getLogger(__name__)


@dataclass
class EngineStatus:
    matcher: str  # "lexical", "model+lexical", ...
    message: str  # for the staff status panel


def choose_matcher(pack: VenuePack, config: SiteConfig | None) -> tuple[Matcher | None, EngineStatus]:
    """A trained intent model next to the pack if it is current, else the lexical matcher."""
    try:
        from kiosk.nlu.runtime import load_matcher  # the trained model, when built
    except ImportError:
        return None, EngineStatus("lexical", "lexical matcher (no intent model support installed)")
    try:
        return load_matcher(pack, config)
    except Exception as exc:  # noqa: BLE001 - a broken model must never stop the kiosk
        log.warning("intent model not used: %s", exc)
        return None, EngineStatus("lexical", f"lexical matcher (intent model not used: {exc})")


def build_engine(pack_or_path: VenuePack | str | Path, config: SiteConfig | None = None,
                 use_model: bool = True) -> tuple[DialogEngine, EngineStatus]:
    pack = pack_or_path if isinstance(pack_or_path, VenuePack) else load_pack(pack_or_path)
    matcher, status = (choose_matcher(pack, config) if use_model
                       else (None, EngineStatus("lexical", "lexical matcher (model disabled)")))
    kwargs = {}
    if config is not None:
        kwargs = {"low_confidence": config.nlu.low_confidence, "min_margin": config.nlu.min_margin}
    return DialogEngine(pack, matcher, **kwargs), status
