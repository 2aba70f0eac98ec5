"""Reading the analytics database: turns, engagement counts and unanswered questions."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.analytics.grouping import QuestionGroup, group_questions
from kiosk.analytics.recorder import connect, default_db_path

UNANSWERED_OUTCOMES = ("rephrase", "handoff", "clarified")


@dataclass
class Turn:
    ts: float
    venue: str
    lang: str | None
    topic: str | None
    confidence: float
    outcome: str
    latency_ms: float | None
    input_mode: str | None
    question: str | None


def open_db(db_path: str | Path | None = None) -> sqlite3.Connection:
    return connect(Path(db_path) if db_path else default_db_path())


def _where(since: float | None, until: float | None, venue: str | None) -> tuple[str, list]:
    clauses, args = [], []
    if since is not None:
        clauses.append("ts >= ?")
        args.append(since)
    if until is not None:
        clauses.append("ts < ?")
        args.append(until)
    if venue:
        clauses.append("venue = ?")
        args.append(venue)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def load_turns(conn: sqlite3.Connection, since: float | None = None, until: float | None = None,
               venue: str | None = None) -> list[Turn]:
    where, args = _where(since, until, venue)
    rows = conn.execute("SELECT ts, venue, lang, topic, confidence, outcome, latency_ms, input_mode, question "
                        f"FROM turns{where} ORDER BY ts", args).fetchall()
    return [Turn(*row) for row in rows]


def load_engagement(conn: sqlite3.Connection, since: float | None = None, until: float | None = None,
                    venue: str | None = None) -> list[tuple[float, str]]:
    """``(ts, kind)`` rows: kind is noticed, engaged, left or session."""
    where, args = _where(since, until, venue)
    return conn.execute(f"SELECT ts, kind FROM engagement{where} ORDER BY ts", args).fetchall()


def needs_review(turn: Turn) -> bool:
    """Turns whose question staff should see: not answered, or answered with low confidence."""
    return bool(turn.question) and (turn.outcome in UNANSWERED_OUTCOMES or turn.outcome == "answered")


def unanswered_groups(turns: list[Turn], threshold: float = 0.35) -> list[QuestionGroup]:
    rows = [(t.question or "", t.lang or "", t.ts) for t in turns if needs_review(t)]
    return group_questions(rows, threshold)


def venue_unanswered(venue: str | None, db_path: str | Path | None = None, since: float | None = None) -> list[QuestionGroup]:
    """The unanswered list the studio shows (empty when there is no database yet)."""
    path = Path(db_path) if db_path else default_db_path()
    if not path.exists():
        return []
    conn = open_db(path)
    try:
        return unanswered_groups(load_turns(conn, since, None, venue))
    finally:
        conn.close()
