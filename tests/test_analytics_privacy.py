"""Analytics never hold ID or phone numbers typed into a conversation; retention and opt-out work."""
from __future__ import annotations

import io
import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.analytics.queries import load_turns, open_db, venue_unanswered
from kiosk.analytics.recorder import Recorder, purge, scrub
from kiosk.cli import main as kiosk_main
from kiosk.dialog.engine import DialogEngine, Reply
from kiosk.pack.loader import load_pack
from kiosk.pipeline.events import EventBus, EventType

FIXTURE = Path(__file__).parent / "fixtures" / "mini-pack"
ID_NUMBER = "110101199003071234"
PHONE = "13812345678"
SECRETS = (ID_NUMBER, PHONE, "1101011990", "12345678", "0071234")


def _all_bytes(db: Path) -> bytes:
    """The database and its write-ahead log, as stored on disk."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_chat_record_never_stores_id_or_phone_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    lines = [f"我的身份证号是{ID_NUMBER}，丢了怎么补办", f"my phone is {PHONE}, call me back",
             "几点开门", f"身份证 {ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]} 过期了", "停车场在哪里可以停车"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert kiosk_main(["chat", "--venue", str(FIXTURE), "--record", "--lexical", "--json"]) == 0
    capsys.readouterr()
    db = tmp_path / "analytics.sqlite3"
    conn = open_db(db)
    turns = load_turns(conn)
    conn.close()
    assert len(turns) == len(lines)
    stored = _all_bytes(db)
    for secret in SECRETS:
        assert secret.encode() not in stored
    questions = [t.question for t in turns if t.question]
    assert questions, "unanswered questions are kept for staff (redacted)"
    assert all(ID_NUMBER not in q and PHONE not in q for q in questions)
    assert {t.outcome for t in turns} <= {"answered", "asking", "clarified", "rephrase", "handoff", "social"}
    assert all(t.input_mode == "text" and t.venue == "mini-hall" for t in turns)

    out = tmp_path / "report.html"
    assert kiosk_main(["report", "--since", "1d", "--venue", str(FIXTURE), "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html and "Questions to improve" in html
    for secret in SECRETS:
        assert secret not in html


def test_recorder_masks_numbers_the_dialog_redactor_would_miss(tmp_path: Path) -> None:
    engine = DialogEngine(load_pack(FIXTURE))
    reply = engine.new_session().handle("wifi password please")
    db = tmp_path / "a.sqlite3"
    with Recorder(db, "mini-hall") as rec:
        rec.record_turn(reply, "mini-hall", "voice", 12.5, question="my card 6222 0212 3456 7890 and code 98 76 54 32")
        rec.flush()
    conn = sqlite3.connect(db)
    question, mode, latency = conn.execute("SELECT question, input_mode, latency_ms FROM turns").fetchone()
    conn.close()
    assert "6222" not in question and "98 76" not in question and "[" in question
    assert (mode, latency) == ("voice", 12.5)
    assert scrub(f"ID {ID_NUMBER}") == "ID [ID]"


def test_answered_questions_are_not_kept_and_engagement_is_counted(tmp_path: Path) -> None:
    engine = DialogEngine(load_pack(FIXTURE))
    session = engine.new_session()
    db = tmp_path / "a.sqlite3"
    bus = EventBus()
    rec = Recorder(db, "mini-hall")
    unsubscribe = rec.attach(bus)
    bus.emit(EventType.VISITOR_NOTICED, distance_m=2.4, face_box=[1, 2, 3, 4])
    bus.emit(EventType.VISITOR_ENGAGED, distance_m=1.1)
    bus.emit(EventType.GAZE_TARGET, x=0.5)  # not an engagement count
    reply = session.handle("What are the opening hours?")
    rec.record_turn(reply, "mini-hall", "text", reply.latency_ms, question="What are the opening hours?")
    rec.flush()
    unsubscribe()
    rec.close()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT kind FROM engagement ORDER BY id").fetchall() == [("noticed",), ("engaged",)]
    assert conn.execute("SELECT topic, outcome, question FROM turns").fetchall() == [("opening-hours", "answered", None)]
    assert [c[1] for c in conn.execute("PRAGMA table_info(engagement)")] == ["id", "ts", "venue", "kind"]
    conn.close()


def test_retention_purges_old_rows_and_opt_out_writes_nothing(tmp_path: Path) -> None:
    reply = Reply("Please ask at the help desk.", None, 0.0, "en", "handoff")
    db = tmp_path / "a.sqlite3"
    now = time.time()
    with Recorder(db, "mini-hall", retention_days=30) as rec:  # purges as it writes
        rec.record_turn(reply, question="old question", when=now - 40 * 86400)
        rec.record_turn(reply, question="new question", when=now - 86400)
        rec.flush()
    conn = open_db(db)
    assert [t.question for t in load_turns(conn)] == ["new question"]
    conn.close()
    with Recorder(db, "mini-hall", retention_days=0) as rec:  # 0: keep everything
        rec.record_turn(reply, question="older question", when=now - 50 * 86400)
        rec.flush()
    conn = open_db(db)
    assert len(load_turns(conn)) == 2
    assert purge(conn, 30, now) == 1
    assert [t.question for t in load_turns(conn)] == ["new question"]
    conn.close()
    assert [g.representative for g in venue_unanswered("mini-hall", db)] == ["new question"]

    off = tmp_path / "off.sqlite3"
    with Recorder(off, "mini-hall", enabled=False) as rec:
        rec.record_turn(reply, question="anything")
        rec.flush()
    assert not off.exists()
