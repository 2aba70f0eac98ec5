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
    pack.set_defaults(pack_sub=pack_sub)


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
