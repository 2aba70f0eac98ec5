"""`kiosk pack ...`: check venue content packs."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    pack = sub.add_parser("pack", help="check, publish and install venue content packs",
                          description="Work with venue content packs (folders under venues/).")
    pack_sub = pack.add_subparsers(dest="pack_command", metavar="ACTION")
    pack_sub.required = True
    v = pack_sub.add_parser("validate", help="check a pack and list every problem with file:line",
                            description="Check a venue pack against the schema. Prints every problem as "
                                        "file:line: field: message. Exit code 1 if there are errors.")
    v.add_argument("dir", type=Path, help="the pack folder, e.g. venues/binjiang-museum")
    v.set_defaults(func=cmd_validate)
    _register_publish(pack_sub)
    pack.set_defaults(pack_sub=pack_sub)


def _register_publish(pack_sub: argparse._SubParsersAction) -> None:
    pub = pack_sub.add_parser("publish", help="make one versioned pack file (for a USB stick or the installer)",
                              description="Validate a pack folder and write it as one versioned pack file "
                                          "(<venue>-v<version>.kpack) with a checksum for every file.")
    pub.add_argument("dir", type=Path, help="the pack folder")
    pub.add_argument("--out", type=Path, default=Path("."), metavar="FILE",
                     help="the pack file to write, or a folder for the default name (default: .)")
    pub.set_defaults(func=cmd_publish)
    ins = pack_sub.add_parser("install", help="check a pack file and make it this kiosk's pack (keeps the old one)",
                              description="Check a pack file (complete, untampered, valid) and switch this kiosk "
                                          "to it atomically. The previous version is kept for `kiosk pack "
                                          "rollback`. On any problem the installed pack stays as it was.")
    ins.add_argument("file", type=Path, help="a .kpack file made by `kiosk pack publish`")
    ins.add_argument("--allow-downgrade", action="store_true", help="install even if it is older than the installed one")
    ins.set_defaults(func=cmd_install)
    rb = pack_sub.add_parser("rollback", help="go back to the previously installed pack version",
                             description="Make the previously installed pack version current again.")
    rb.add_argument("--venue", default=None, help="venue id (default: the active one)")
    rb.set_defaults(func=cmd_rollback)


def cmd_validate(args: argparse.Namespace) -> int:
    from kiosk.pack.loader import validate_pack

    start = time.perf_counter()
    pack, problems = validate_pack(args.dir)
    elapsed = (time.perf_counter() - start) * 1000
    for p in problems:
        print(p)
    if problems or pack is None:
        print(f"{len(problems)} problem(s); the pack will not be loaded.", file=sys.stderr)
        return 1
    n_q = sum(len(q) for t in pack.topics for q in t.questions.values())
    print(f"OK: {pack.id} v{pack.venue.version}: {len(pack.topics)} topics, {len(pack.flows)} flows, "
          f"{len(pack.places)} places, {n_q} example questions, languages {', '.join(pack.languages)} "
          f"({elapsed:.0f} ms)")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from kiosk.pack.publish import PublishError, check_pack_file, publish

    try:
        out = publish(args.dir, args.out)
        info, _ = check_pack_file(out)
    except PublishError as exc:
        print(f"kiosk pack publish: {exc}", file=sys.stderr)
        return 1
    print(f"published {info.venue} v{info.version} ({len(info.files)} files) to {out}")
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    from kiosk.pack.publish import PublishError, install

    try:
        result = install(args.file, allow_downgrade=args.allow_downgrade)
    except PublishError as exc:
        print(f"kiosk pack install: not installed; the kiosk keeps its current pack.\n{exc}", file=sys.stderr)
        return 1
    if not result.changed:
        print(f"{result.venue} v{result.version} is already installed ({result.path})")
    else:
        print(f"installed {result.venue} v{result.version} in {result.path}; restart or reload the kiosk to use it")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from kiosk.pack.publish import PublishError, rollback

    try:
        result = rollback(args.venue)
    except PublishError as exc:
        print(f"kiosk pack rollback: {exc}", file=sys.stderr)
        return 1
    print(f"rolled back {result.venue} to v{result.version} ({result.path}); restart or reload the kiosk to use it")
    return 0
