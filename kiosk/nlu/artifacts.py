"""The trained model's folder next to the pack (``<pack>/.model/``) and its checks.

Files: config.json + model.safetensors (``save_pretrained``), vocab.txt + tokenizer.json,
labels.json, meta.json (pack content hash, weights hash, training figures). The folder is never
part of the pack's content hash (that hashes only the pack's YAML files).
"""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODEL_DIR = ".model"
FORMAT = 2  # 2: English words stemmed with their silent e dropped (the n-gram features changed)
WEIGHTS = "model.safetensors"
REQUIRED = ("config.json", WEIGHTS, "vocab.txt", "tokenizer.json", "labels.json", "meta.json")


class ModelUnusable(Exception):
    """The trained model cannot be used (missing, stale or damaged); the message says why."""


@dataclass
class ModelInfo:
    folder: Path
    meta: dict[str, Any]
    labels: list[str]


def model_dir(pack_root: Path) -> Path:
    return Path(pack_root) / MODEL_DIR


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelUnusable(f"{path}: damaged ({exc})") from exc


def check_model(pack_root: Path, content_hash: str) -> ModelInfo:
    """The model folder's metadata if it is complete, intact and trained on this pack content."""
    folder = model_dir(pack_root)
    if not folder.is_dir():
        raise ModelUnusable(f"no trained model in {folder} (run: kiosk train --venue {pack_root})")
    missing = [n for n in REQUIRED if not (folder / n).is_file()]
    if missing:
        raise ModelUnusable(f"{folder}: incomplete, missing {', '.join(missing)} (retrain)")
    meta = _read_json(folder / "meta.json")
    labels = _read_json(folder / "labels.json")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelUnusable(f"{folder / 'meta.json'}: format: not a model of this kiosk version (retrain)")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise ModelUnusable(f"{folder / 'labels.json'}: damaged: expected a list of intent ids")
    if meta.get("content_hash") != content_hash:
        raise ModelUnusable(f"{folder}: stale: trained on other pack content than the pack now holds (retrain)")
    weights = folder / WEIGHTS
    if file_sha256(weights) != meta.get("weights_sha256"):
        raise ModelUnusable(f"{weights}: damaged: the weights do not match their recorded checksum (retrain)")
    return ModelInfo(folder, meta, labels)


def install_folder(new: Path, pack_root: Path) -> Path:
    """Swap a freshly written model folder in; the old one is removed only once the new one is in place."""
    target = model_dir(pack_root)
    old = target.with_name(MODEL_DIR + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    return target


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
