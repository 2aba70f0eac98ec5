"""`kiosk chat` and `kiosk ask`: text conversations with a venue's guide."""
from __future__ import annotations

import argparse
import json
import sys

from kiosk.commands.common import add_venue_option, load_site, venue_path


def register(sub: argparse._SubParsersAction) -> None:
    chat = sub.add_parser(
        "chat", help="talk to the guide by typing (one utterance per line on stdin)",
        description="Reads visitor utterances, one per line, from stdin and answers each. The line "
                    "/reset ends the visitor's session (context and personal data wiped). With --json, "
                    "each utterance gets one JSON line with reply, intent, confidence, lang and state.")
    add_venue_option(chat)
    chat.add_argument("--json", action="store_true", help="one JSON object per utterance on stdout")
    chat.add_argument("--lexical", action="store_true", help="use only the lexical matcher (ignore a trained model)")
    chat.add_argument("--record", action="store_true",
                      help="record each turn in the analytics database (redacted; see `kiosk report`)")
    chat.set_defaults(func=cmd_chat)

    ask = sub.add_parser("ask", help="answer one question", description="Answer one question and exit.")
    add_venue_option(ask)
    ask.add_argument("question", help="the visitor's question")
    ask.add_argument("--json", action="store_true", help="print the reply as JSON")
    ask.add_argument("--lexical", action="store_true", help="use only the lexical matcher")
    ask.set_defaults(func=cmd_ask)


def _engine(args: argparse.Namespace):
    from kiosk.dialog.factory import build_engine
    from kiosk.pack.loader import PackError

    config = load_site(args)
    try:
        return build_engine(venue_path(args, config), config, use_model=not args.lexical)
    except PackError as exc:
        print(f"kiosk: the venue pack has errors and cannot be used:\n{exc}", file=sys.stderr)
        raise SystemExit(1) from exc


def _print(reply, as_json: bool, pack) -> None:
    if as_json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False), flush=True)
        return
    tag = f"[{reply.state}{' ' + reply.intent if reply.intent else ''} {reply.confidence:.2f}]"
    # the buttons a kiosk shows: typing the number's ordinal ("第二个", "the second one") picks one
    choices = "  ".join(f"{i}. {pack.title_of(o, reply.lang).split(' · ')[-1]}" for i, o in enumerate(reply.options, 1))
    print(f"{reply.text}\n  {tag}" + (f"\n  {choices}" if choices else ""), flush=True)


def cmd_chat(args: argparse.Namespace) -> int:
    engine, status = _engine(args)
    session = engine.new_session()
    recorder = _recorder(args, engine.pack.id)
    interactive = sys.stdin.isatty() and not args.json
    if interactive:
        name = engine.pack.venue.name
        print(f"{name.get('zh', '')} · {name.get('en', '')} — {status.message}. Type a question; /reset starts a new "
              f"visitor; Ctrl-D ends.", flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if line == "/reset":
            session.reset()
            if args.json:
                print(json.dumps({"reply": "", "intent": None, "confidence": 0.0, "lang": None, "state": "reset"}), flush=True)
            continue
        reply = session.handle(line)
        if recorder is not None:
            recorder.record_turn(reply, engine.pack.id, "text", reply.latency_ms, question=line)
        _print(reply, args.json, engine.pack)
    if recorder is not None:
        recorder.close()
    return 0


def _recorder(args: argparse.Namespace, venue_id: str):
    """The analytics recorder when ``--record`` is given (and analytics are on in the config)."""
    if not getattr(args, "record", False):
        return None
    from kiosk.analytics.recorder import Recorder

    return Recorder.from_config(load_site(args), venue_id)


def cmd_ask(args: argparse.Namespace) -> int:
    engine, _ = _engine(args)
    _print(engine.new_session().handle(args.question), args.json, engine.pack)
    return 0
