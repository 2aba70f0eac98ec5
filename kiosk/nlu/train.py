"""Training the per-venue intent model: `kiosk train --venue DIR`.

The pack's example questions plus generated variants (see :mod:`kiosk.nlu.augment`) and generic
questions of no venue (the "I don't know" class) train a small transformer from scratch, or a head
on a frozen local encoder. Artifacts go to ``<pack>/.model/`` with the pack's content hash.
"""
from __future__ import annotations

import logging
import math
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from kiosk.nlu.artifacts import FORMAT, WEIGHTS, file_sha256, install_folder, write_json
from kiosk.nlu.augment import Augmenter
from kiosk.nlu.examples import NONE_INTENT, Example, pack_examples, pack_intents
from kiosk.nlu.lookalikes import followup_lookalikes
from kiosk.nlu.model import IntentModel, pad_batch, small_config
from kiosk.nlu.negatives import GENERIC, near_domain
from kiosk.nlu.tokenizer import Tokenizer
from kiosk.pack.model import VenuePack

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]
NEAR_DOMAIN_SHARE = 4  # up to one near-domain question per 4 of the pack's own in a language
NONE_SHARE = 0.15  # "I don't know" rows (with their variants) are at least this share of the training rows


@dataclass
class TrainSettings:
    epochs: int = 10
    batch_size: int = 64
    lr: float = 2e-3
    hidden: int = 128
    layers: int = 2
    heads: int = 4
    max_len: int = 40
    ngram_buckets: int = 1 << 13
    sparse_dim: int = 64
    target_examples: int = 6000  # pack examples + variants, roughly
    max_variants: int = 8
    label_smoothing: float = 0.1
    dropout: float = 0.2  # on the hidden states: 0.2 answers more visitors' own wordings than 0.1 (three seeds each)
    max_seconds: float = 100.0  # stop early so a big pack still trains within the budget
    min_epochs: float = 3.0  # fewer passes than this (a very busy CPU) give a model not worth installing
    threads: int = 2
    seed: int = 13
    encoder: str = ""  # site config NluSection.encoder, "" = train from scratch


@dataclass
class Trained:
    """A trained model in memory, with what is needed to run it."""

    model: IntentModel
    tokenizer: Tokenizer
    labels: list[str]
    encoder: Any = None  # FrozenEncoder or None
    stats: dict[str, Any] = field(default_factory=dict)


class TrainingTooShort(Exception):
    """The time budget ran out before the model saw enough passes; nothing was installed."""


@dataclass
class TrainResult:
    folder: Path
    seconds: float
    examples: int
    variants: int
    negatives: int
    intents: int
    epochs: float
    final_loss: float


def _noop(fraction: float, message: str) -> None:  # noqa: ARG001
    pass


def negatives_for(pack: VenuePack, lexical: Any = None) -> list[Example]:
    """Out-of-venue questions in the pack's languages: generic ones, minus any the pack itself
    answers, near-domain ones about places and documents the pack never mentions, and the
    questions staff list in outside.yaml as not answered here."""
    from kiosk.dialog.matching import LexicalMatcher

    lexical = lexical or LexicalMatcher(pack)
    own = Counter(code for _, code, _ in pack.examples())  # the pack's own examples per language
    out = []
    for lang in pack.languages:
        for q in GENERIC.get(lang, []):
            ranked = lexical.rank(q, lang, None, top=1)
            if not ranked or ranked[0].score < 0.4:
                out.append(Example(NONE_INTENT, lang, q))
        near = near_domain(lang, pack_text(pack, lang))
        random.Random(f"{pack.id}/{lang}").shuffle(near)  # a spread of entities and frames, reproducibly
        outside = pack.outside.get(lang, [])  # the staff's own near-domain questions take the place of templated ones
        out += [Example(NONE_INTENT, lang, q) for q in near[:max(0, max(150, own[lang] // NEAR_DOMAIN_SHARE) - len(outside))]]
        out += [Example(NONE_INTENT, lang, q) for q in outside]
    return out


def pack_text(pack: VenuePack, lang: str) -> str:
    """All of the pack's wording in one language, lower case, words spaced (for "does it say X")."""
    return " " + " ".join(" ".join(re.findall(r"[\w']+", t.lower())) for t in pack.wording(lang)) + " "


def build_training_set(pack: VenuePack, examples: list[Example], settings: TrainSettings,
                       negatives_exclude: set[tuple[str, str]] | None = None,
                       lexical: Any = None) -> tuple[list[Example], dict[str, int]]:
    """Examples, their variants, and negatives (with a few of their variants); ``negatives_exclude``
    holds (lang, text) of generic questions kept out (held out by cross-validation); ``lexical``:
    the pack's lexical matcher, if one is built already."""
    augmenter = Augmenter(pack, settings.seed)
    # variants per example: more for a small pack; a pack past the target still gets one (ASR noise)
    per = max(1, min(settings.max_variants, settings.target_examples // max(len(examples), 1) - 1))
    variants = [v for ex in examples for v in augmenter.variants(ex, per)]
    negatives = [e for e in negatives_for(pack, lexical) if (e.lang, e.text) not in (negatives_exclude or set())]
    # a bigger pack must not drown its "I don't know" class: keep it a steady share of the rows
    wanted = NONE_SHARE * (len(examples) + len(variants)) / max(1, len(negatives))
    neg_variants = [v for ex in negatives for v in augmenter.variants(ex, max(2, min(6, math.ceil(wanted) - 1)))]
    data = examples + variants + negatives + neg_variants
    return data, {"examples": len(examples), "variants": len(variants), "negatives": len(negatives) + len(neg_variants)}


def _encode_all(data: list[Example], tok: Tokenizer) -> tuple[list[list[int]], list[list[int]]]:
    return [tok.encode(e.text, e.lang) for e in data], [tok.ngrams(e.text, e.lang) for e in data]


def fit(pack: VenuePack, examples: list[Example] | None = None, settings: TrainSettings | None = None,
        progress: Progress = _noop, encoder: Any = None,
        negatives_exclude: set[tuple[str, str]] | None = None) -> Trained:
    """Train on ``examples`` (default: all the pack's) and return the model in memory."""
    settings = settings or TrainSettings()
    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, settings.threads))
    try:
        return _fit(pack, examples, settings, progress, encoder, negatives_exclude)
    finally:
        torch.set_num_threads(threads)


def _fit(pack: VenuePack, examples: list[Example] | None, settings: TrainSettings, progress: Progress,
         encoder: Any, negatives_exclude: set[tuple[str, str]] | None) -> Trained:
    start = time.perf_counter()
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    examples = pack_examples(pack) if examples is None else examples
    labels = pack_intents(pack) + [NONE_INTENT]
    label_index = {k: i for i, k in enumerate(labels)}
    progress(0.02, "generating training variants")
    from kiosk.dialog.matching import LexicalMatcher

    lexical = LexicalMatcher(pack)  # for the negatives and the follow-up look-alikes: built once
    data, counts = build_training_set(pack, examples, settings, negatives_exclude, lexical)
    data = [e for e in data if e.intent in label_index]
    tok = Tokenizer.build([(e.text, e.lang) for e in data], settings.max_len, settings.ngram_buckets)
    ids, grams = _encode_all(data, tok)
    y = torch.tensor([label_index[e.intent] for e in data])
    features = None
    if encoder is not None:
        progress(0.05, f"embedding {len(data)} examples with the frozen encoder")
        features = encoder.embed([e.text for e in data])
    config = small_config(len(tok), labels, settings.ngram_buckets, settings.max_len, settings.hidden,
                          settings.layers, settings.heads, encoder.dim if encoder is not None else 0,
                          settings.encoder, settings.sparse_dim, settings.dropout)
    model = IntentModel(config)
    model.train()
    # fused: one kernel for every parameter instead of a loop over them, a quarter less time per step
    opt = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=0.01, fused=True)
    steps_per_epoch = math.ceil(len(data) / settings.batch_size)
    total = steps_per_epoch * settings.epochs
    budget = max(1e-3, settings.max_seconds - (time.perf_counter() - start))  # what data preparation left
    loss_fn = nn.CrossEntropyLoss(label_smoothing=settings.label_smoothing)
    lengths = [len(r) for r in ids]
    step, loss_value, epochs_done, done = 0, float("nan"), 0, 0.0
    train_start = time.perf_counter()
    for epoch in range(settings.epochs):
        running, batches = 0.0, 0
        for idx in _length_batches(lengths, settings.batch_size, rng):
            # cosine decay over whichever runs out first: the planned steps or the time budget
            done = max(step / total, (time.perf_counter() - train_start) / budget)
            if done >= 1.0:
                break
            for group in opt.param_groups:
                group["lr"] = settings.lr * min(1.0, (step + 1) / max(1, total // 16)) * 0.5 * (1 + math.cos(math.pi * done))
            loss = loss_fn(model(**_batch(idx, ids, grams, features, tok.pad_id)), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            batches += 1
            running += loss.item()
        if batches:
            loss_value = running / batches
            epochs_done = epoch + (1 if batches == steps_per_epoch else batches / steps_per_epoch)
        progress(0.08 + 0.9 * min(1.0, max(done, step / total)), f"epoch {epoch + 1}/{settings.epochs}, loss {loss_value:.3f}")
        if done >= 1.0:
            break
    budget_hit = step < total
    if budget_hit:
        log.warning("training shortened to %d of %d steps to fit the time budget of %.0f s", step, total, settings.max_seconds)
    model.eval()
    lookalikes = followup_lookalikes(examples, lexical)
    stats = {**counts, "intents": len(labels) - 1, "epochs": round(epochs_done, 2), "epochs_planned": settings.epochs,
             "final_loss": round(loss_value, 4), "seconds": round(time.perf_counter() - start, 2),
             "time_budget_hit": budget_hit, "training_rows": len(data), "vocab": len(tok),
             "lookalikes": lookalikes}
    return Trained(model, tok, labels, encoder, stats)


def _length_batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (less padding), in shuffled order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = size * 16
    batches = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c:c + chunk], key=lambda i: lengths[i])
        batches += [part[b:b + size] for b in range(0, len(part), size)]
    rng.shuffle(batches)
    return batches


def _batch(idx: list[int], ids: list[list[int]], grams: list[list[int]], features: torch.Tensor | None,
           pad_id: int) -> dict[str, torch.Tensor]:
    ngram_ids = pad_batch([grams[i] for i in idx])
    if features is not None:
        return {"ngram_ids": ngram_ids, "features": features[idx]}
    input_ids = pad_batch([ids[i] for i in idx], pad_id)
    return {"ngram_ids": ngram_ids, "input_ids": input_ids, "attention_mask": (input_ids != pad_id).long()}


def load_encoder_for(name: str, base: Path | None = None) -> Any:
    """The frozen encoder named in the site config, or None for a model trained from scratch."""
    if not name:
        return None
    from kiosk.nlu.encoder import FrozenEncoder, resolve_encoder

    return FrozenEncoder(resolve_encoder(name, base))


def save(trained: Trained, pack: VenuePack, folder: Path, settings: TrainSettings) -> None:
    trained.model.save_pretrained(str(folder), safe_serialization=True)
    trained.tokenizer.save(folder)
    write_json(folder / "labels.json", trained.labels)
    meta = {
        "format": FORMAT, "pack_id": pack.id, "pack_version": pack.venue.version,
        "content_hash": pack.content_hash, "weights_sha256": file_sha256(folder / WEIGHTS),
        "languages": pack.languages, "encoder": settings.encoder,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "torch": torch.__version__, "settings": asdict(settings), **trained.stats,
    }
    write_json(folder / "meta.json", meta)


def train_pack(root: str | Path, progress: Progress | None = None, config: Any = None,
               settings: TrainSettings | None = None) -> TrainResult:
    """Train on the pack at ``root`` and install the model in ``<root>/.model/``.

    Raises :class:`kiosk.pack.loader.PackError` for a broken pack; a failed training leaves the
    previous model in place.
    """
    from kiosk.pack.loader import load_pack

    progress = progress or _noop
    root = Path(root)
    pack = load_pack(root)
    settings = settings or TrainSettings()
    if config is not None and getattr(config, "nlu", None) is not None:
        settings.encoder = config.nlu.encoder
    base = config.source.parent if config is not None and getattr(config, "source", None) else None
    encoder = load_encoder_for(settings.encoder, base)
    trained = fit(pack, None, settings, progress, encoder)
    if trained.stats["epochs"] < settings.min_epochs:
        raise TrainingTooShort(f"only {trained.stats['epochs']} of {settings.epochs} passes fitted in "
                               f"{settings.max_seconds:.0f} s (is the CPU busy?); the previous model is kept, "
                               f"retry later or with a larger --max-seconds")
    tmp = Path(tempfile.mkdtemp(prefix=".model.new-", dir=root))
    try:
        save(trained, pack, tmp, settings)
        folder = install_folder(tmp, root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress(1.0, f"model saved in {folder.name}")
    s = trained.stats
    return TrainResult(folder, s["seconds"], s["examples"], s["variants"], s["negatives"], s["intents"], s["epochs"],
                       s["final_loss"])


def default_threads() -> int:
    return min(2, os.cpu_count() or 1)
