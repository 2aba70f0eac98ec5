"""Grouping of unanswered questions and the HTML report built from recorded turns."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from kiosk.analytics.grouping import group_questions
from kiosk.analytics.queries import load_engagement, load_turns, open_db
from kiosk.analytics.recorder import Recorder
from kiosk.analytics.report import build_report, render_html
from kiosk.commands.studio import parse_date
from kiosk.dialog.engine import DialogEngine
from kiosk.pack.loader import load_pack
from kiosk.pipeline.events import PipelineEvent, EventType

FIXTURE = Path(__file__).parent / "fixtures" / "mini-pack"


def test_similar_questions_group_together_in_each_language() -> None:
    now = time.time()
    rows = [(q, lang, now) for q, lang in [
        ("停车场在哪里", "zh"), ("停车场在哪", "zh"), ("哪里可以停车", "zh"), ("停车场在哪里", "zh"),
        ("有没有无线网络", "zh"), ("无线网络密码是多少", "zh"),
        ("Where can I park?", "en"), ("where can i park my car", "en"), ("Is there wifi?", "en")]]
    groups = group_questions(rows)
    by_rep = {g.representative: g for g in groups}
    parking = by_rep["停车场在哪里"]
    assert parking.count == 4 and {q for q, _ in parking.questions} >= {"停车场在哪", "哪里可以停车"}
    assert groups[0] is parking
    wifi_zh = next(g for g in groups if any("无线网络" in q for q, _ in g.questions))
    assert wifi_zh.count == 2 and wifi_zh.lang == "zh"
    park_en = next(g for g in groups if any("park" in q for q, _ in g.questions))
    assert park_en.count == 2 and park_en.lang == "en"
    assert not any("park" in q for q, _ in wifi_zh.questions)


def test_report_counts_turns_visitors_and_latency(tmp_path: Path) -> None:
    pack = load_pack(FIXTURE)
    engine = DialogEngine(pack)
    db = tmp_path / "a.sqlite3"
    base = time.mktime(time.strptime("2026-03-02 10:15", "%Y-%m-%d %H:%M"))
    questions = ["几点开门", "门票多少钱", "What are the opening hours?", "停车场在哪里可以停车", "哪里可以停车呢"]
    with Recorder(db, pack.id, retention_days=0) as rec:
        for i, q in enumerate(questions):
            session = engine.new_session()
            reply = session.handle(q)
            rec.record_turn(reply, pack.id, "voice" if i % 2 else "touch", 100.0 * (i + 1), question=q, when=base + 3600 * i)
            rec.record_engagement(PipelineEvent(EventType.VISITOR_ENGAGED, {}, None, 0.0, base + 3600 * i))
        rec.flush()
    conn = open_db(db)
    since, until = base - 3600, base + 86400
    data = build_report(load_turns(conn, since, until, pack.id), load_engagement(conn, since, until, pack.id), since, until, pack.id)
    conn.close()
    assert data.turns == 5 and data.visitors == 5
    assert data.by_hour[10] == 1 and data.by_hour[11] == 1 and sum(data.by_hour) == 5
    assert data.by_day["2026-03-02"] == 5
    assert data.topics["opening-hours"] == 2 and data.topics["ticket-price"] == 1
    assert data.langs == {"zh": 4, "en": 1}
    assert data.answer_rate == pytest.approx(3 / 5)
    assert data.latency_percentile(0.5) == 300.0
    assert len(data.unanswered) == 1 and data.unanswered[0].count == 2
    html = render_html(data, lambda tid: pack.title_of(tid, "en"))
    assert "Opening hours" in html and "停车" in html and html.count("<svg") >= 5
    assert not re.search(r"<script|https?://(?!www\.w3\.org/2000/svg)", html)


def test_parse_date() -> None:
    assert parse_date("7d", now=1_000_000.0) == 1_000_000.0 - 7 * 86400
    assert time.localtime(parse_date("2026-05-01")).tm_mday == 1
    with pytest.raises(ValueError, match="not a date"):
        parse_date("yesterday")
