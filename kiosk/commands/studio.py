"""`kiosk studio` (the staff content editor) and `kiosk report` (visitor analytics as HTML)."""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path

from kiosk.commands.common import add_venue_option, load_site, venue_path


def register(sub: argparse._SubParsersAction) -> None:
    studio = sub.add_parser(
        "studio", help="staff editor for a venue pack: topics, places, flows, try it, publish",
        description="Open the staff studio on a venue pack: edit venue info, places, topics and flows with "
                    "errors shown beside each field, try questions against the edited pack, see the "
                    "questions visitors asked that were not answered, retrain, save (with a .bak of the "
                    "previous version) and publish a pack file.")
    add_venue_option(studio)
    studio.add_argument("--db", type=Path, default=None, help="analytics database (default: the kiosk's)")
    studio.add_argument("--screenshot", type=Path, default=None, metavar="PNG",
                        help="open, save a picture of the window to PNG and exit (for documentation)")
    studio.set_defaults(func=cmd_studio)

    report = sub.add_parser(
        "report", help="visitor analytics report as one HTML file (charts, unanswered questions)",
        description="Write a report of the recorded turns: visitors and questions per hour and day, top "
                    "topics, languages, answer rate, latency, and the unanswered questions grouped by "
                    "similarity. The page works offline. Old rows past the retention limit are purged first.")
    report.add_argument("--since", required=True, metavar="DATE",
                        help="start: YYYY-MM-DD, or a number of days back such as 7d")
    report.add_argument("--until", default=None, metavar="DATE", help="end (exclusive), YYYY-MM-DD (default: now)")
    report.add_argument("--out", type=Path, default=Path("report.html"), help="HTML file to write (default report.html)")
    report.add_argument("--png", type=Path, default=None, help="also render the report to this PNG image")
    report.add_argument("--db", type=Path, default=None, help="analytics database (default: the kiosk's)")
    report.add_argument("--all-venues", action="store_true", help="include every venue in the database")
    add_venue_option(report)
    report.set_defaults(func=cmd_report)


def parse_date(value: str, now: float | None = None) -> float:
    """``YYYY-MM-DD`` (local midnight) or ``Nd`` days back; raises ValueError with the reason."""
    now = now if now is not None else time.time()
    m = re.fullmatch(r"(\d+)d", value.strip())
    if m:
        return now - int(m.group(1)) * 86400
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a date like 2026-05-01 or a span like 7d") from None
    return time.mktime(day.timetuple())


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.analytics.queries import load_engagement, load_turns, open_db
    from kiosk.analytics.recorder import default_db_path, purge
    from kiosk.analytics.report import build_report, render_html

    try:
        since = parse_date(args.since)
        until = parse_date(args.until) if args.until else time.time()
    except ValueError as exc:
        print(f"kiosk report: {exc}", file=sys.stderr)
        return 2
    config = load_site(args)
    db = args.db or default_db_path()
    if not db.exists():
        print(f"kiosk report: no analytics recorded yet ({db} does not exist)", file=sys.stderr)
        return 1
    pack = _pack_or_none(args, config)
    venue = None if args.all_venues or pack is None else pack.id
    conn = open_db(db)
    try:
        purge(conn, config.privacy.retention_days)
        data = build_report(load_turns(conn, since, until, venue), load_engagement(conn, since, until, venue),
                            since, until, venue)
    finally:
        conn.close()
    lang = pack.languages[0] if pack else "en"
    html = render_html(data, (lambda tid: pack.title_of(tid, lang)) if pack else None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(html, encoding="utf-8")
    print(f"wrote {args.out}: {data.turns} questions, {data.visitors} visitors, answer rate "
          f"{100 * data.answer_rate:.0f}%, {len(data.unanswered)} groups of unanswered questions")
    if args.png:
        from kiosk.analytics.render import render_report_png

        render_report_png(html, args.png)
        print(f"wrote {args.png}")
    return 0


def _pack_or_none(args: argparse.Namespace, config):
    from kiosk.pack.loader import validate_pack

    pack, _ = validate_pack(venue_path(args, config))
    return pack


def cmd_studio(args: argparse.Namespace) -> int:
    from kiosk.studio.app import run_studio

    config = load_site(args)
    return run_studio(venue_path(args, config), config, db_path=args.db, screenshot=args.screenshot)
