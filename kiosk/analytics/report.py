"""The visitor analytics report: statistics over a period, written as one HTML file.

Charts are inline SVG and the page has no scripts or external links, so it opens offline.
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import Callable

from kiosk.analytics.charts import bar_chart, column_chart
from kiosk.analytics.grouping import QuestionGroup
from kiosk.analytics.queries import Turn, unanswered_groups

ANSWERED = ("answered", "asking")
OUTCOME_LABELS = {"answered": "answered", "asking": "answered after asking the case", "clarified": "clarified",
                  "rephrase": "asked to rephrase", "handoff": "handed off", "social": "greeting / small talk"}


@dataclass
class ReportData:
    since: float
    until: float
    venue: str | None
    turns: int = 0
    visitors: int = 0  # engaged visitors counted by the camera
    noticed: int = 0
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    visitors_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_day: dict[str, int] = field(default_factory=dict)
    visitors_by_day: dict[str, int] = field(default_factory=dict)
    topics: Counter = field(default_factory=Counter)
    langs: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    modes: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    unanswered: list[QuestionGroup] = field(default_factory=list)

    @property
    def answer_rate(self) -> float:
        """Share of visitor questions (greetings excluded) answered from the pack."""
        asked = self.turns - self.outcomes["social"]
        return sum(self.outcomes[o] for o in ANSWERED) / asked if asked else 0.0

    def latency_percentile(self, q: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _day(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(ts))


def _days(since: float, until: float) -> list[str]:
    first = dt.date.fromtimestamp(since)
    last = dt.date.fromtimestamp(max(since, until - 1))
    span = min((last - first).days, 366)
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(span + 1)]


def build_report(turns: list[Turn], engagement: list[tuple[float, str]], since: float, until: float,
                 venue: str | None = None) -> ReportData:
    data = ReportData(since, until, venue)
    days = _days(since, until)
    data.by_day = dict.fromkeys(days, 0)
    data.visitors_by_day = dict.fromkeys(days, 0)
    for t in turns:
        data.turns += 1
        data.by_hour[time.localtime(t.ts).tm_hour] += 1
        data.by_day[_day(t.ts)] = data.by_day.get(_day(t.ts), 0) + 1
        if t.topic and t.outcome in ANSWERED:
            data.topics[t.topic.split(".")[0]] += 1
        data.langs[t.lang or "?"] += 1
        data.outcomes[t.outcome] += 1
        data.modes[t.input_mode or "?"] += 1
        if t.latency_ms is not None:
            data.latencies.append(float(t.latency_ms))
    for ts, kind in engagement:
        if kind == "engaged":
            data.visitors += 1
            data.visitors_by_hour[time.localtime(ts).tm_hour] += 1
            data.visitors_by_day[_day(ts)] = data.visitors_by_day.get(_day(ts), 0) + 1
        elif kind == "noticed":
            data.noticed += 1
    data.unanswered = unanswered_groups(turns)
    return data


def _ms(x: float) -> str:
    return f"{x:.1f} ms" if x < 10 else f"{x:.0f} ms"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _stat(label: str, value: str) -> str:
    return f'<td class="stat"><div class="v">{escape(value)}</div><div class="l">{escape(label)}</div></td>'


def _section(title: str, body: str) -> str:
    return f"<h2>{escape(title)}</h2>\n<div>{body}</div>\n"


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table cellspacing="0" cellpadding="4"><tr>{th}</tr>{trs}</table>'


CSS = """body{font-family:sans-serif;margin:24px;color:#222;max-width:960px}
h1{font-size:22px;margin-bottom:2px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}
.sub{color:#666}table.stats{width:auto;border-collapse:separate;border-spacing:8px 0}
.stat{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:100px}
.stat .v{font-size:22px;font-weight:bold}.stat .l{color:#666;font-size:12px}
table{border-collapse:collapse;width:100%}th{text-align:left;background:#f2f2f2}
td,th{border-bottom:1px solid #e5e5e5;vertical-align:top}.q{color:#555;font-size:12px}"""


def render_html(data: ReportData, title_of: Callable[[str], str] | None = None, generated: float | None = None) -> str:
    """The report page. ``title_of`` turns a topic id into its title (from the venue pack)."""
    title_of = title_of or (lambda tid: tid)
    period = f"{_day(data.since)} – {_day(data.until - 1)}"
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(generated or time.time()))
    parts = [f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Kiosk report {escape(period)}</title>'
             f"<style>{CSS}</style></head><body>",
             f"<h1>Visitor report{(' · ' + escape(data.venue)) if data.venue else ''}</h1>",
             f'<p class="sub">{escape(period)} · generated {escape(when)} · no personal data: '
             "ID and phone numbers are masked before anything is stored</p>"]
    stats = [_stat("visitors engaged", str(data.visitors)), _stat("questions", str(data.turns)),
             _stat("answer rate", _pct(data.answer_rate)),
             _stat("handed off", str(data.outcomes["handoff"])),
             _stat("median latency", _ms(data.latency_percentile(0.5))),
             _stat("90% latency", _ms(data.latency_percentile(0.9)))]
    parts.append('<table class="stats" cellpadding="8"><tr>' + "".join(stats) + "</tr></table>")
    hours = [f"{h:02d}" for h in range(24)]
    parts.append(_section("Visitors and questions per hour of day", column_chart(
        hours, [("questions", data.by_hour), ("visitors", data.visitors_by_hour)], label_every=2)))
    days = list(data.by_day)
    every = max(1, len(days) // 12)
    parts.append(_section("Visitors and questions per day", column_chart(
        [d[5:] for d in days], [("questions", [data.by_day[d] for d in days]),
                                ("visitors", [data.visitors_by_day.get(d, 0) for d in days])], label_every=every)))
    top = [(title_of(tid), n) for tid, n in data.topics.most_common(12)]
    parts.append(_section("Top topics", bar_chart(top) if top else "<p>No answered questions yet.</p>"))
    outcomes = [(OUTCOME_LABELS.get(o, o), n) for o, n in data.outcomes.most_common()]
    parts.append(_section(f"Answers (answer rate {_pct(data.answer_rate)})", bar_chart(outcomes) if outcomes else "<p>-</p>"))
    langs = [(lang, n) for lang, n in data.langs.most_common()]
    modes = [(m, n) for m, n in data.modes.most_common()]
    parts.append(_section("Languages and input", (bar_chart(langs) if langs else "") + (bar_chart(modes) if modes else "")))
    parts.append(_section("Latency", _latency(data)))
    parts.append(_section(f"Questions to improve ({len(data.unanswered)} groups)", _unanswered(data.unanswered)))
    parts.append("</body></html>")
    return "\n".join(parts)


def _latency(data: ReportData) -> str:
    if not data.latencies:
        return "<p>No turns.</p>"
    edges = [50, 100, 200, 500, 1000, 2000]
    counts = Counter()
    for v in data.latencies:
        counts[next((f"≤ {e} ms" for e in edges if v <= e), f"> {edges[-1]} ms")] += 1
    order = [f"≤ {e} ms" for e in edges] + [f"> {edges[-1]} ms"]
    mean = statistics.fmean(data.latencies)
    return (f"<p>mean {_ms(mean)} · median {_ms(data.latency_percentile(0.5))} · 90% {_ms(data.latency_percentile(0.9))}"
            f" · 99% {_ms(data.latency_percentile(0.99))} · max {_ms(max(data.latencies))}</p>"
            + column_chart(order, [("turns", [counts[o] for o in order])], height=180))


def _unanswered(groups: list[QuestionGroup], limit: int = 40) -> str:
    if not groups:
        return "<p>None: every question found an answer.</p>"
    rows = []
    for i, g in enumerate(groups[:limit], 1):
        others = ", ".join(f"{escape(q)} ×{n}" for q, n in g.questions[1:6])
        more = f" (+{len(g.questions) - 6} more)" if len(g.questions) > 6 else ""
        rows.append([str(i), f"<b>{escape(g.representative)}</b><div class='q'>{others}{more}</div>",
                     str(g.count), escape(g.lang), escape(time.strftime("%m-%d %H:%M", time.localtime(g.last_ts)))])
    return _table(["#", "question (and similar ones)", "times", "lang", "last asked"], rows)
