"""The `kiosk` command: every task a visitor-facing site, staff or installer needs."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

# Each module defines register(subparsers); handlers import heavy libraries lazily.
COMMAND_MODULES = [
    "kiosk.commands.pack",
    "kiosk.commands.chat",
    "kiosk.commands.run",
    "kiosk.commands.vision",
    "kiosk.commands.deploy",
    "kiosk.commands.studio",
    "kiosk.commands.speech",
    "kiosk.commands.nlu",
    "kiosk.commands.avatar",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Offline digital-human service kiosk.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
