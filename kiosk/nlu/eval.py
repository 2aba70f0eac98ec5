"""Evaluation of the intent model (`kiosk eval`): lexical only vs model only vs combined.

Two honest sources: k-fold cross-validation on the pack's own example questions (each fold
trains on the rest; generic out-of-domain questions are held out by fold too), and the dev set
of held-out visitor questions, which is never used for training.
"""
from __future__ import annotations

import copy
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.dialog.engine import ANSWERED, ASKING, DialogEngine
from kiosk.dialog.matching import LexicalMatcher
from kiosk.nlu.examples import NONE_INTENT, Example
from kiosk.nlu.runtime import CombinedMatcher, IntentRuntime, load_runtime
from kiosk.nlu.artifacts import ModelUnusable
from kiosk.nlu.train import TrainSettings, fit, load_encoder_for, negatives_for
from kiosk.pack.model import VenuePack

MATCHERS = ("lexical", "model", "combined")


@dataclass
class Prediction:
    q: str
    lang: str
    expect: str | None  # None: out of domain
    got: str | None  # None: not answered (rephrase / handoff)
    confidence: float


# -- metrics ----------------------------------------------------------------------------------
def metrics(preds: list[Prediction]) -> dict[str, Any]:
    """Accuracy, out-of-domain rejection, per-intent P/R/F1, confusion pairs, confidence histogram."""
    ind = [p for p in preds if p.expect]
    ood = [p for p in preds if not p.expect]
    tp, fp, fn = Counter(), Counter(), Counter()
    for p in preds:
        if p.got == p.expect and p.expect:
            tp[p.expect] += 1
            continue
        if p.got:
            fp[p.got] += 1
        if p.expect:
            fn[p.expect] += 1
    per_intent = {}
    for intent in sorted(set(tp) | set(fp) | set(fn)):
        prec = tp[intent] / (tp[intent] + fp[intent]) if tp[intent] + fp[intent] else 0.0
        rec = tp[intent] / (tp[intent] + fn[intent]) if tp[intent] + fn[intent] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_intent[intent] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                              "support": tp[intent] + fn[intent]}
    confusions = Counter((p.expect or "(out of domain)", p.got) for p in preds if p.got and p.got != p.expect)
    hist = {k: [0] * 10 for k in ("in_domain_right", "in_domain_wrong", "out_of_domain")}
    for p in preds:
        kind = "out_of_domain" if not p.expect else ("in_domain_right" if p.got == p.expect else "in_domain_wrong")
        hist[kind][min(9, int(p.confidence * 10))] += 1
    right = sum(p.got == p.expect for p in ind)
    rejected = sum(p.got is None for p in ood)
    return {
        "in_domain": f"{right}/{len(ind)}", "in_domain_rate": round(right / len(ind), 4) if ind else 1.0,
        "out_of_domain": f"{rejected}/{len(ood)}", "out_of_domain_rate": round(rejected / len(ood), 4) if ood else 1.0,
        "macro_f1": round(sum(v["f1"] for v in per_intent.values() if v["support"]) /
                          max(1, sum(1 for v in per_intent.values() if v["support"])), 4),
        "per_intent": per_intent,
        "confusions": [{"expect": a, "got": b, "count": n} for (a, b), n in confusions.most_common(20)],
        "confidence_histogram": hist,
    }


# -- the dev set ------------------------------------------------------------------------------
def engines_for(pack: VenuePack, runtime: IntentRuntime, config: Any = None) -> dict[str, DialogEngine]:
    kwargs = {}
    if config is not None:
        kwargs = {"low_confidence": config.nlu.low_confidence, "min_margin": config.nlu.min_margin}
    lexical = DialogEngine(pack, None, **kwargs)
    model = DialogEngine(pack, CombinedMatcher(pack, runtime, lexical.lexical, model_weight=1.0), **kwargs)
    combined = DialogEngine(pack, CombinedMatcher(pack, runtime, lexical.lexical), **kwargs)
    return {"lexical": lexical, "model": model, "combined": combined}


def devset_predictions(engine: DialogEngine, devset: Any) -> list[Prediction]:
    out = []
    for item in devset.single:
        reply = engine.new_session().handle(item.q)
        got = reply.intent if reply.state in (ANSWERED, ASKING) else None
        out.append(Prediction(item.q, reply.lang, item.expect, got, reply.confidence))
    return out


def evaluate_devset(engines: dict[str, DialogEngine], paths: list[Path]) -> dict[str, Any]:
    from kiosk.dialog.evaluate import evaluate, load_devset

    devset = load_devset(*paths)
    out: dict[str, Any] = {"file": ", ".join(p.name for p in paths), "questions": len(devset.single),
                           "dialogs": len(devset.dialogs)}
    for name, engine in engines.items():
        evaluate(engine, devset)  # warm-up (lazy imports, allocator)
        runtime = getattr(engine.matcher, "runtime", None)
        if runtime is not None:
            runtime.clear_cache()  # timed turns must run the model, not hit its cache
        result = evaluate(engine, devset)
        preds = devset_predictions(engine, devset)
        out[name] = {**result.summary(), **{k: v for k, v in metrics(preds).items() if k not in ("in_domain", "in_domain_rate", "out_of_domain", "out_of_domain_rate")},
                     "misses": result.misses[:60]}
    return out


# -- k-fold cross-validation -------------------------------------------------------------------
def _question_items(pack: VenuePack) -> list[tuple[str, str, str, str]]:
    """(intent, lang, text, context) for every example question (titles stay in training)."""
    items = []
    for t in pack.topics:
        items += [(t.id, lang, q, "") for lang, qs in t.questions.items() for q in qs]
        for f in t.followups:
            items += [(f.id, lang, q, t.id) for lang, qs in f.questions.items() for q in qs]
    for fl in pack.flows:
        items += [(fl.id, lang, q, "") for lang, qs in fl.questions.items() for q in qs]
    return items


def _without(pack: VenuePack, held: set[tuple[str, str, str]]) -> VenuePack:
    """A copy of the pack without the held-out (intent, lang, question) examples."""
    reduced = copy.deepcopy(pack)

    def keep(intent: str, phrases: dict[str, list[str]]) -> dict[str, list[str]]:
        return {lang: [q for q in qs if (intent, lang, q) not in held] for lang, qs in phrases.items()}

    for t in reduced.topics:
        t.questions = keep(t.id, t.questions)
        for f in t.followups:
            f.questions = keep(f.id, f.questions)
    for fl in reduced.flows:
        fl.questions = keep(fl.id, fl.questions)
    return reduced


def _decide(ranked: list[Any], low: float) -> tuple[str | None, float]:
    if not ranked:
        return None, 0.0
    top = ranked[0]
    return (top.intent if top.confidence >= low else None), top.confidence


def cross_validate(pack: VenuePack, folds: int, settings: TrainSettings, low: float, encoder: Any = None,
                   progress: Callable[[str], None] = print) -> dict[str, Any]:
    """k-fold CV: per fold, model and lexical matcher are built without the held-out questions."""
    rng = random.Random(settings.seed)
    items = _question_items(pack)
    by_intent: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_intent[item[0]].append(i)
    fold_of = {}
    offset = 0
    for idxs in by_intent.values():
        rng.shuffle(idxs)
        for j, i in enumerate(idxs):
            fold_of[i] = (offset + j) % folds
        offset += len(idxs)
    negatives = negatives_for(pack)
    rng.shuffle(negatives)
    preds: dict[str, list[Prediction]] = {m: [] for m in MATCHERS}
    seconds = []
    for f in range(folds):
        held_items = [items[i] for i in range(len(items)) if fold_of[i] == f]
        held = {(a, b, c) for a, b, c, _ in held_items}
        held_neg = negatives[f::folds]
        reduced = _without(pack, held)
        progress(f"fold {f + 1}/{folds}: training without {len(held_items)} questions")
        start = time.perf_counter()
        trained = fit(reduced, None, settings, encoder=encoder, negatives_exclude={(e.lang, e.text) for e in held_neg})
        seconds.append(time.perf_counter() - start)
        runtime = IntentRuntime.from_trained(trained)
        lexical = LexicalMatcher(reduced)
        matchers = {"lexical": lexical, "model": CombinedMatcher(reduced, runtime, lexical, model_weight=1.0),
                    "combined": CombinedMatcher(reduced, runtime, lexical)}
        tests = [(intent, lang, q, ctx) for intent, lang, q, ctx in held_items] + \
                [(None, e.lang, e.text, "") for e in held_neg]
        for name, matcher in matchers.items():
            for intent, lang, q, ctx in tests:
                got, conf = _decide(matcher.rank(q, lang, ctx or None, top=2), low)
                preds[name].append(Prediction(q, lang, intent, got, conf))
    out = {"folds": folds, "questions": len(items), "out_of_domain": len(negatives),
           "train_seconds_per_fold": round(sum(seconds) / max(len(seconds), 1), 1)}
    for name in MATCHERS:
        out[name] = metrics(preds[name])
    return out


# -- everything -------------------------------------------------------------------------------
def evaluate_venue(pack: VenuePack, config: Any = None, folds: int = 3, devset_paths: list[Path] | None = None,
                   threads: int = 2, progress: Callable[[str], None] = print) -> dict[str, Any]:
    settings = TrainSettings(threads=threads)
    if config is not None:
        settings.encoder = config.nlu.encoder
    low = config.nlu.low_confidence if config is not None else 0.45
    base = config.source.parent if config is not None and getattr(config, "source", None) else None
    encoder = load_encoder_for(settings.encoder, base)
    report: dict[str, Any] = {"venue": pack.id, "version": pack.venue.version, "languages": pack.languages,
                              "encoder": settings.encoder, "created": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    try:
        runtime = load_runtime(pack, config)
        report["model"] = "the installed model (.model/, current for this pack content)"
    except ModelUnusable as exc:
        progress(f"installed model not usable ({exc}); training one in memory for this evaluation")
        runtime = IntentRuntime.from_trained(fit(pack, None, settings, encoder=encoder))
        report["model"] = f"trained in memory for this evaluation ({exc})"
    if devset_paths:
        progress(f"dev set {', '.join(Path(p).name for p in devset_paths)}: lexical, model, combined")
        report["devset"] = evaluate_devset(engines_for(pack, runtime, config), [Path(p) for p in devset_paths])
    if folds >= 2:
        report["cross_validation"] = cross_validate(pack, folds, settings, low, encoder, progress)
    report["summary"] = summarize(report)
    report["summary_lines"] = summary_lines(report)
    return report


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"venue": report["venue"]}
    for part in ("devset", "cross_validation"):
        if part in report:
            out[part] = {m: {k: report[part][m].get(k) for k in
                             ("in_domain", "in_domain_rate", "out_of_domain", "out_of_domain_rate", "macro_f1",
                              "dialogs", "dialog_rate", "p50_ms", "p95_ms") if k in report[part][m]}
                         for m in MATCHERS}
    return out


def summary_lines(report: dict[str, Any]) -> list[str]:
    lines = [f"{report['venue']} v{report['version']}: {report['model']}"]
    for part, title in (("devset", "dev set (held out)"), ("cross_validation", "k-fold on the pack's examples")):
        if part not in report:
            continue
        lines.append(f"{title}:")
        lines.append(f"  {'matcher':9} {'in-domain':>15} {'out-of-domain':>15} {'macro F1':>9} {'dialogs':>14} {'p95 ms':>7}")
        for m in MATCHERS:
            r = report[part][m]
            dialogs = f"{r['dialogs']} {r['dialog_rate']:.1%}" if "dialogs" in r else "-"
            p95 = f"{r['p95_ms']:.2f}" if "p95_ms" in r else "-"
            lines.append(f"  {m:9} {r['in_domain']:>8} {r['in_domain_rate']:6.1%} {r['out_of_domain']:>7} "
                         f"{r['out_of_domain_rate']:6.1%} {r['macro_f1']:9.3f} {dialogs:>14} {p95:>7}")
    return lines


__all__ = ["evaluate_venue", "cross_validate", "evaluate_devset", "metrics", "Prediction", "NONE_INTENT", "Example"]
