"""`kiosk train` and `kiosk eval`: the per-venue intent model and its honest evaluation."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.commands.common import add_venue_option, load_site, venue_path


def register(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser(
        "train", help="train the venue's intent model (offline, a minute or two on a kiosk CPU)",
        description="Trains the intent model of a venue pack from its example questions plus generated "
                    "variants (synonym and mis-hearing swaps, dropped particles, homophone slips, casing) and "
                    "writes it to <pack>/.model/ with the pack's content hash. The kiosk uses it with the "
                    "lexical matcher; when the pack changes it falls back to the lexical matcher until you "
                    "train again. A failed training keeps the previous model.")
    add_venue_option(train)
    train.add_argument("--epochs", type=int, default=None, help="training passes (default 10)")
    train.add_argument("--threads", type=int, default=2, help="CPU threads for training (default 2)")
    train.add_argument("--max-seconds", type=float, default=None,
                       help="stop training after this long (default 100; the model is saved either way)")
    train.add_argument("--json", action="store_true", help="print the result as JSON")
    train.set_defaults(func=cmd_train)

    ev = sub.add_parser(
        "eval", help="evaluate understanding: k-fold on the pack, the held-out dev set, HTML+JSON report",
        description="Scores the lexical matcher, the intent model and both combined: per-topic precision, "
                    "recall and F1, confusion pairs, a confidence histogram and the out-of-domain rejection "
                    "rate, on k-fold cross-validation of the pack's own examples and on the held-out dev set "
                    "(never used for training). Writes report.html and report.json.")
    add_venue_option(ev)
    ev.add_argument("--folds", type=int, default=3, metavar="K", help="cross-validation folds (0: skip; default 3)")
    ev.add_argument("--devset", type=Path, action="append", default=None, metavar="FILE",
                    help="dev set YAML, repeatable (default: every batch of tests/devsets/<venue id>*.yaml)")
    ev.add_argument("--out", type=Path, default=None, metavar="DIR", help="report folder (default: eval-<venue id>)")
    ev.add_argument("--threads", type=int, default=2, help="CPU threads for training the folds (default 2)")
    ev.add_argument("--json", action="store_true", help="print the summary as JSON")
    ev.set_defaults(func=cmd_eval)


def cmd_train(args: argparse.Namespace) -> int:
    from kiosk.nlu.encoder import EncoderError
    from kiosk.nlu.train import TrainingTooShort, TrainSettings, train_pack
    from kiosk.pack.loader import PackError

    config = load_site(args)
    root = venue_path(args, config)
    settings = TrainSettings(threads=args.threads)
    if args.epochs:
        settings.epochs = args.epochs
    if args.max_seconds:
        settings.max_seconds = args.max_seconds

    def progress(fraction: float, message: str) -> None:
        if not args.json:
            print(f"\r[{fraction:4.0%}] {message:60}", end="", file=sys.stderr, flush=True)

    try:
        result = train_pack(root, progress, config, settings)
    except PackError as exc:
        print(f"\nkiosk: the venue pack has errors, nothing trained:\n{exc}", file=sys.stderr)
        return 1
    except (EncoderError, OSError, TrainingTooShort) as exc:
        print(f"\nkiosk: training failed, the previous model is kept: {exc}", file=sys.stderr)
        return 1
    if not args.json:
        print(file=sys.stderr)
    summary = {"model": str(result.folder), "seconds": result.seconds, "intents": result.intents,
               "examples": result.examples, "variants": result.variants, "negatives": result.negatives,
               "epochs": result.epochs, "final_loss": result.final_loss}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"trained {result.intents} intents on {result.examples} examples + {result.variants} variants + "
              f"{result.negatives} out-of-domain questions in {result.seconds:.1f} s ({result.epochs} epochs); "
              f"saved in {result.folder}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from kiosk import paths
    from kiosk.dialog.evaluate import devset_paths
    from kiosk.nlu.eval import evaluate_venue
    from kiosk.nlu.report import write_report
    from kiosk.pack.loader import PackError, load_pack

    config = load_site(args)
    try:
        pack = load_pack(venue_path(args, config))
    except PackError as exc:
        print(f"kiosk: the venue pack has errors:\n{exc}", file=sys.stderr)
        return 1
    devsets = args.devset or devset_paths(paths.app_root() / "tests" / "devsets", pack.id)
    missing = [str(p) for p in devsets if not Path(p).is_file()]
    if missing:
        print(f"kiosk: {', '.join(missing)}: no such dev set file", file=sys.stderr)
        return 1

    def progress(message: str) -> None:
        if not args.json:
            print(f"  {message}", file=sys.stderr, flush=True)

    report = evaluate_venue(pack, config, folds=args.folds, devset_paths=devsets, threads=args.threads,
                            progress=progress)
    out = args.out or Path(f"eval-{pack.id}")
    html_path, json_path = write_report(report, out)
    if args.json:
        print(json.dumps(report["summary"], ensure_ascii=False, indent=2))
    else:
        for line in report["summary_lines"]:
            print(line)
        print(f"report: {html_path} and {json_path}")
    return 0
