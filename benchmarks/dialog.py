"""Dialog benchmark: accuracy on the held-out dev sets, reply time per text turn, pack load time.

    .venv/bin/python benchmarks/dialog.py [--venue NAME ...] [--misses] [--train] [--by-batch]

Prints, per venue: in-domain answers right, "offered" (of the in-domain questions not answered,
how many got the right topic among the buttons offered with "please rephrase"; "carried": of the
right ones, how many got the topic whose answer carries the expected follow-up's answer, see
kiosk.dialog.evaluate.carries_answer), out-of-domain handed off, multi-turn dialogs right,
p50/p95 reply time per turn (ms) and the pack load time, for the lexical matcher alone, the
intent model alone and both combined (the model rows need `kiosk train --venue venues/NAME`
first, or --train to train one in memory, which also prints the training time). The dev set is
every batch file of the venue under tests/devsets/; --by-batch adds a row per batch, so a batch
written blind after tuning is read on its own.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.dialog.engine import DialogEngine  # noqa: E402
from kiosk.dialog.evaluate import devset_paths, evaluate, load_devset  # noqa: E402
from kiosk.pack.loader import load_pack  # noqa: E402

VENUES = ["binjiang-museum", "binjiang-service-center"]


def devset_for(name: str):
    return load_devset(*devset_paths(REPO / "tests" / "devsets", name))


def score_rows(engine: DialogEngine, devset, base: dict, show_misses: bool, by_batch: bool,
               reset=lambda: None) -> list[dict]:
    """One row for the whole dev set, then (with by_batch) one per batch; reset() runs before each timing."""
    rows = []
    parts = [("all", devset)] + ([(b, devset.only(b)) for b in devset.batches] if by_batch else [])
    for batch, part in parts:
        reset()
        result = evaluate(engine, part)
        row = {**base, "batch": batch, **result.summary()}
        if show_misses:
            row["misses"] = result.misses
        rows.append(row)
    return rows


def bench_venue(name: str, show_misses: bool, by_batch: bool) -> list[dict]:
    start = time.perf_counter()
    pack = load_pack(REPO / "venues" / name)
    load_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    engine = DialogEngine(pack)
    index_ms = (time.perf_counter() - start) * 1000
    devset = devset_for(name)
    evaluate(engine, devset)  # warm-up
    base = {"venue": name, "matcher": "lexical", "pack_load_ms": round(load_ms, 1), "index_ms": round(index_ms, 1)}
    return score_rows(engine, devset, base, show_misses, by_batch)


def bench_model(name: str, show_misses: bool, train: bool, by_batch: bool) -> list[dict]:
    """Model-only and combined rows, from the venue's trained model (or one trained in memory)."""
    import torch

    from kiosk.nlu.artifacts import ModelUnusable
    from kiosk.nlu.runtime import CombinedMatcher, IntentRuntime, load_runtime
    from kiosk.nlu.train import TrainSettings, fit

    pack = load_pack(REPO / "venues" / name)
    start = time.perf_counter()
    note = "installed model"
    try:
        runtime = load_runtime(pack)
    except ModelUnusable as exc:
        if not train:
            print(f"{name}: no model rows ({exc}); use --train", file=sys.stderr)
            return []
        trained = fit(pack, None, TrainSettings())
        torch.set_num_threads(1)
        runtime = IntentRuntime.from_trained(trained)
        note = f"trained in memory in {trained.stats['seconds']:.0f} s, {trained.stats['epochs']} epochs"
        if trained.stats["epochs"] < TrainSettings().min_epochs:
            note += " (too few epochs: the CPU was busy; `kiosk train` would not install this model)"
    load_ms = (time.perf_counter() - start) * 1000
    devset = devset_for(name)
    rows = []
    for label, weight in (("model", 1.0), ("combined", None)):
        engine = DialogEngine(pack)
        engine.matcher = CombinedMatcher(pack, runtime, engine.lexical, model_weight=weight)
        evaluate(engine, devset)  # warm-up; each timing empties the model's cache so every turn runs the model
        base = {"venue": name, "matcher": label, "pack_load_ms": round(load_ms, 1), "index_ms": 0.0, "note": note}
        rows += score_rows(engine, devset, base, show_misses, by_batch, reset=runtime.clear_cache)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venue", action="append", choices=VENUES, help="only this venue (repeatable)")
    parser.add_argument("--misses", action="store_true", help="list the dev questions answered wrongly")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--train", action="store_true", help="train a model in memory when a venue has no current one")
    parser.add_argument("--lexical-only", action="store_true", help="skip the intent model rows")
    parser.add_argument("--by-batch", action="store_true", help="also score each dev set batch on its own")
    args = parser.parse_args()
    rows = []
    for v in args.venue or VENUES:
        rows += bench_venue(v, args.misses, args.by_batch)
        if not args.lexical_only:
            rows += bench_model(v, args.misses, args.train, args.by_batch)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{'venue':26} {'matcher':9} {'batch':7} {'in-domain':>14} {'offered':>8} {'carried':>8} {'out-of-domain':>16} {'dialogs':>12} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'load ms':>8}")
    for r in rows:
        print(f"{r['venue']:26} {r['matcher']:9} {r['batch']:7} {r['in_domain']:>7} {r['in_domain_rate']:6.1%} "
              f"{r['offered']:>8} {r['carried']:>8} {r['out_of_domain']:>8} {r['out_of_domain_rate']:6.1%} {r['dialogs']:>5} {r['dialog_rate']:6.1%} "
              f"{r['p50_ms']:7.2f} {r['p95_ms']:7.2f} {r['pack_load_ms'] + r['index_ms']:8.0f}")
        for m in r.get("misses", []):
            print("   miss:", json.dumps(m, ensure_ascii=False))
    for r in rows:
        if r.get("note") and r["matcher"] == "model" and r["batch"] == "all":
            print(f"{r['venue']} {r['matcher']}: {r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
