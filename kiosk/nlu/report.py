"""The evaluation report: report.json (everything) and report.html (tables, inline SVG charts)."""
from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from kiosk.nlu.eval import MATCHERS

COLORS = {"lexical": "#718096", "model": "#dd6b20", "combined": "#2b6cb0",
          "in_domain_right": "#38a169", "in_domain_wrong": "#e53e3e", "out_of_domain": "#805ad5"}


def write_report(report: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / "report.json"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    html_path = folder / "report.html"
    html_path.write_text(render_html(report), encoding="utf-8")
    return html_path, json_path


def bar_chart(groups: list[str], series: dict[str, list[float]], width: int = 640, height: int = 200,
              percent: bool = True) -> str:
    """Grouped vertical bars (values 0..1 when ``percent``), no script, no network."""
    left, bottom, top, right = 40, 36, 24, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = 1.0 if percent else max([max(v) for v in series.values() if v] + [1])
    slot = plot_w / max(len(groups), 1)
    bar = slot * 0.8 / max(len(series), 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">']
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        label = f"{frac:.0%}" if percent else f"{peak * frac:.0f}"
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
                   f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{label}</text>')
    for i, group in enumerate(groups):
        for s, (name, values) in enumerate(series.items()):
            v = values[i] if i < len(values) else 0.0
            h = plot_h * v / peak
            x = left + i * slot + slot * 0.1 + s * bar
            shown = f"{v:.1%}" if percent else f"{v:.0f}"
            out.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                       f'fill="{COLORS.get(name, "#2b6cb0")}"><title>{escape(name)} {escape(group)}: {shown}</title></rect>')
        out.append(f'<text x="{left + (i + 0.5) * slot:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                   f'fill="#333">{escape(group)}</text>')
    for s, name in enumerate(series):
        out.append(f'<rect x="{left + s * 110}" y="4" width="10" height="10" fill="{COLORS.get(name, "#2b6cb0")}"/>'
                   f'<text x="{left + s * 110 + 14}" y="13">{escape(name.replace("_", " "))}</text>')
    out.append("</svg>")
    return "".join(out)


def _rates_chart(part: dict[str, Any]) -> str:
    groups = ["in-domain right", "out-of-domain refused", "macro F1"] + (["dialogs right"] if "dialog_rate" in part["lexical"] else [])
    keys = ["in_domain_rate", "out_of_domain_rate", "macro_f1"] + (["dialog_rate"] if "dialog_rate" in part["lexical"] else [])
    return bar_chart(groups, {m: [float(part[m].get(k, 0.0)) for k in keys] for m in MATCHERS})


def _histogram(part: dict[str, Any], matcher: str) -> str:
    hist = part[matcher]["confidence_histogram"]
    groups = [f"{i / 10:.1f}" for i in range(10)]
    return bar_chart(groups, {k: [float(v) for v in vals] for k, vals in hist.items()}, percent=False, height=180)


def _table(rows: list[list[str]], head: list[str]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{th}</tr>{body}</table>"


def _section(title: str, part: dict[str, Any]) -> str:
    html = [f"<h2>{escape(title)}</h2>", _rates_chart(part)]
    rows = []
    for m in MATCHERS:
        r = part[m]
        rows.append([m, f"{r['in_domain']} ({r['in_domain_rate']:.1%})", f"{r['out_of_domain']} ({r['out_of_domain_rate']:.1%})",
                     f"{r['macro_f1']:.3f}", f"{r.get('dialogs', '-')}", f"{r.get('p50_ms', '-')}", f"{r.get('p95_ms', '-')}"])
    html.append(_table(rows, ["matcher", "in-domain right", "out-of-domain refused", "macro F1", "dialogs right",
                              "p50 ms", "p95 ms"]))
    html.append("<h3>Confidence of the top answer (combined)</h3>" + _histogram(part, "combined"))
    conf = part["combined"]["confusions"]
    if conf:
        html.append("<h3>Most frequent confusions (combined)</h3>")
        html.append(_table([[c["expect"], c["got"], c["count"]] for c in conf], ["expected", "answered", "times"]))
    per = part["combined"]["per_intent"]
    worst = sorted(per.items(), key=lambda kv: (kv[1]["f1"], -kv[1]["support"]))
    html.append("<h3>Per topic (combined), weakest first</h3>")
    html.append(_table([[k, v["support"], f"{v['precision']:.2f}", f"{v['recall']:.2f}", f"{v['f1']:.2f}"] for k, v in worst],
                       ["intent", "questions", "precision", "recall", "F1"]))
    misses = part["combined"].get("misses")
    if misses:
        html.append("<h3>Dev set questions answered wrongly (combined)</h3>")
        html.append(_table([[m.get("dialog", ""), m["q"], m["expect"], m["got"], m["state"], m["confidence"]] for m in misses],
                           ["dialog", "question", "expected", "got", "state", "confidence"]))
    return "".join(html)


def render_html(report: dict[str, Any]) -> str:
    parts = [f"<h1>Understanding report: {escape(report['venue'])} v{report['version']}</h1>",
             f"<p>{escape(report['created'])} · languages {escape(', '.join(report['languages']))} · "
             f"model: {escape(report['model'])}{' · encoder ' + escape(report['encoder']) if report['encoder'] else ''}</p>"]
    if "devset" in report:
        d = report["devset"]
        parts.append(_section(f"Dev set {d['file']}: {d['questions']} held-out questions, {d['dialogs']} dialogs "
                              f"(never trained on)", d))
    if "cross_validation" in report:
        cv = report["cross_validation"]
        parts.append(_section(f"{cv['folds']}-fold cross-validation on the pack's {cv['questions']} example questions "
                              f"and {cv['out_of_domain']} generic out-of-domain questions", cv))
    style = ("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}"
             "td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}th{background:#f3f3f3}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Understanding report {escape(report['venue'])}"
            f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")
