"""The analytics recorder: one SQLite row per dialog turn, plus camera engagement counts.

Nothing personal is written: no audio, no frames, no faces, no reply text. The visitor's words
are kept only for turns the kiosk could not answer well (so staff can add them to a topic), and
only after :func:`scrub` has masked ID, phone and card numbers. Writes happen on a background
thread so a caller on the GUI thread never waits for the disk. Old rows are purged after the
site's retention limit (``[privacy] retention_days``).
"""
from __future__ import annotations

import logging
import queue
import re
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable

from kiosk import paths
from kiosk.dialog.privacy import redact
from kiosk.pipeline.events import EventType, PipelineEvent

log = logging.getLogger(__name__)

DB_NAME = "analytics.sqlite3"
SCHEMA_VERSION = 1
QUESTION_MAX_CHARS = 200
LOW_CONFIDENCE = 0.6  # answered turns below this keep their (redacted) question for review
KEEP_QUESTION_OUTCOMES = {"rephrase", "handoff", "clarified"}
ENGAGEMENT_KINDS = {
    EventType.VISITOR_NOTICED: "noticed",
    EventType.VISITOR_ENGAGED: "engaged",
    EventType.VISITOR_IDLE: "left",
    EventType.SESSION_START: "session",
}
INPUT_MODES = {"voice", "touch", "text"}
_STATE_OUTCOME = {"answered": "answered", "asking": "asking", "clarifying": "clarified",
                  "rephrase": "rephrase", "handoff": "handoff", "social": "social"}
_LEFTOVER_DIGITS = re.compile(r"\d(?:[\s-]?\d){5,}")
_MASK_EDGES = re.compile(r"(?:\d[\d \-]*)?\[(ID|CARD|PHONE|NUMBER|EMAIL)\](?:[\d \-]*\d)?")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    venue TEXT NOT NULL,
    lang TEXT,
    topic TEXT,
    confidence REAL,
    outcome TEXT NOT NULL,
    latency_ms REAL,
    input_mode TEXT,
    question TEXT
);
CREATE INDEX IF NOT EXISTS turns_ts ON turns (ts);
CREATE TABLE IF NOT EXISTS engagement (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    venue TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS engagement_ts ON engagement (ts);
"""


def default_db_path() -> Path:
    """``<data dir>/analytics.sqlite3`` (``KIOSK_DATA_DIR`` overrides the data dir)."""
    return paths.data_dir() / DB_NAME


def scrub(text: str) -> str:
    """Redact personal numbers, then mask digit runs the patterns missed (also the digits left
    beside a mask, as in a spaced card number); trim to a length."""
    clean = _MASK_EDGES.sub(r"[\1]", _LEFTOVER_DIGITS.sub("[NUMBER]", redact(text)))
    clean = " ".join(clean.split())
    return clean[:QUESTION_MAX_CHARS]


def outcome_of(state: str) -> str:
    """The analytics outcome of a dialog state (answered, asking, clarified, rephrase, handoff, social)."""
    return _STATE_OUTCOME.get(state, state or "unknown")


def connect(db_path: Path) -> sqlite3.Connection:
    """Open (and create or upgrade) the analytics database."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(db_path), check_same_thread=False, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    conn.commit()
    return conn


def purge(conn: sqlite3.Connection, retention_days: int, now: float | None = None) -> int:
    """Delete rows older than ``retention_days``; returns how many were deleted."""
    if retention_days <= 0:
        return 0
    cutoff = (now if now is not None else time.time()) - retention_days * 86400.0
    deleted = conn.execute("DELETE FROM turns WHERE ts < ?", (cutoff,)).rowcount
    deleted += conn.execute("DELETE FROM engagement WHERE ts < ?", (cutoff,)).rowcount
    conn.commit()
    return deleted


class Recorder:
    """Records turns and engagement events into SQLite on a background writer thread.

    The kiosk app creates one with :meth:`from_config` and calls :meth:`record_turn` after each
    reply and :meth:`record_engagement` for camera events (or :meth:`attach` it to the bus).
    """

    def __init__(self, db_path: str | Path | None = None, venue_id: str = "", retention_days: int = 90,
                 enabled: bool = True) -> None:
        self.db_path = Path(db_path) if db_path else default_db_path()
        self.venue_id = venue_id
        self.retention_days = retention_days
        self.enabled = enabled
        self._queue: queue.Queue[tuple[str, tuple[Any, ...]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._last_purge = 0.0
        self.errors = 0

    @classmethod
    def from_config(cls, config: Any, venue_id: str = "") -> "Recorder":
        """A recorder honouring the site config's ``[privacy]`` section."""
        privacy = config.privacy
        return cls(None, venue_id, privacy.retention_days, privacy.analytics)

    # -- the API the app calls ------------------------------------------------------------------
    def record_turn(self, reply: Any, venue_id: str | None = None, input_mode: str | None = None,
                    latency_ms: float | None = None, question: str | None = None,
                    when: float | None = None) -> None:
        """Record one answered (or not) turn. ``reply`` is a dialog ``Reply``; ``question`` the
        visitor's words (kept, redacted, only if the turn was not answered confidently)."""
        if not self.enabled:
            return
        outcome = outcome_of(getattr(reply, "state", ""))
        confidence = float(getattr(reply, "confidence", 0.0) or 0.0)
        mode = input_mode or getattr(reply, "mode", None) or "text"
        mode = mode if mode in INPUT_MODES else "text"
        latency = latency_ms if latency_ms is not None else getattr(reply, "latency_ms", None)
        keep = question and (outcome in KEEP_QUESTION_OUTCOMES
                             or (outcome == "answered" and confidence < LOW_CONFIDENCE))
        row = (when or time.time(), venue_id or self.venue_id, getattr(reply, "lang", None),
               getattr(reply, "intent", None), round(confidence, 4), outcome,
               None if latency is None else round(float(latency), 2), mode,
               scrub(question) if keep else None)
        self._put("turn", row)

    def record_engagement(self, event: PipelineEvent, venue_id: str | None = None) -> None:
        """Count a camera engagement event (noticed / engaged / left). Event data is not stored."""
        if not self.enabled:
            return
        kind = ENGAGEMENT_KINDS.get(event.type)
        if kind is not None:
            self._put("engagement", (event.wall_time, venue_id or self.venue_id, kind))

    def attach(self, bus: Any) -> Callable[[], None]:
        """Subscribe to an :class:`EventBus` for engagement events; returns the unsubscribe."""
        return bus.subscribe(self.record_engagement, set(ENGAGEMENT_KINDS))

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every queued row is written."""
        if self._thread is None:
            return
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- the writer thread ----------------------------------------------------------------------
    def _put(self, kind: str, row: tuple[Any, ...]) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
            self._thread.start()
        self._queue.put((kind, row))

    def _run(self) -> None:
        try:
            conn = connect(self.db_path)
        except sqlite3.Error as exc:
            log.warning("analytics disabled: cannot open %s: %s", self.db_path, exc)
            self._drain()
            return
        try:
            while True:
                item = self._queue.get()
                try:
                    if item is None:
                        return
                    self._write(conn, *item)
                finally:
                    self._queue.task_done()
        finally:
            conn.close()

    def _write(self, conn: sqlite3.Connection, kind: str, row: tuple[Any, ...]) -> None:
        try:
            if kind == "turn":
                conn.execute("INSERT INTO turns (ts, venue, lang, topic, confidence, outcome, latency_ms, "
                             "input_mode, question) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            else:
                conn.execute("INSERT INTO engagement (ts, venue, kind) VALUES (?, ?, ?)", row)
            conn.commit()
            if time.time() - self._last_purge > 3600:
                self._last_purge = time.time()
                purge(conn, self.retention_days)
        except sqlite3.Error as exc:
            self.errors += 1
            log.warning("analytics row not written: %s", exc)

    def _drain(self) -> None:
        while True:
            item = self._queue.get()
            self._queue.task_done()
            if item is None:
                return
