"""`kiosk eval`: per-intent metrics, k-fold cross-validation, dev set scoring and the report."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk_main
from kiosk.nlu.eval import Prediction, metrics
from kiosk.nlu.report import bar_chart, render_html


def test_metrics_precision_recall_f1_and_confusions() -> None:
    preds = [
        Prediction("q1", "zh", "a", "a", 0.95),
        Prediction("q2", "zh", "a", "b", 0.70),
        Prediction("q3", "zh", "b", "b", 0.85),
        Prediction("q4", "en", "b", None, 0.20),
        Prediction("q5", "en", None, None, 0.10),
        Prediction("q6", "en", None, "a", 0.55),
    ]
    m = metrics(preds)
    assert m["in_domain"] == "2/4" and m["out_of_domain"] == "1/2"
    a, b = m["per_intent"]["a"], m["per_intent"]["b"]
    assert (a["precision"], a["recall"], a["support"]) == (0.5, 0.5, 2)
    assert (b["precision"], b["recall"]) == (0.5, 0.5) and b["f1"] == 0.5
    pairs = {(c["expect"], c["got"]): c["count"] for c in m["confusions"]}
    assert pairs == {("a", "b"): 1, ("(out of domain)", "a"): 1}
    hist = m["confidence_histogram"]
    assert hist["in_domain_right"][9] == 1 and hist["in_domain_right"][8] == 1
    assert sum(hist["in_domain_wrong"]) == 2 and hist["out_of_domain"][1] == 1 and hist["out_of_domain"][5] == 1


def test_bar_chart_is_inline_svg() -> None:
    svg = bar_chart(["in", "out"], {"lexical": [0.5, 1.0], "combined": [0.75, 0.9]})
    assert svg.startswith("<svg") and svg.count("<rect") == 4 + 2 and "75.0%" in svg


@pytest.mark.slow
def test_kiosk_eval_writes_html_and_json(mini_pack_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    devset = tmp_path / "dev.yaml"
    devset.write_text(
        "venue: mini-hall\n"
        "single:\n"
        "  - {q: 你们几点开门啊, expect: opening-hours}\n"
        "  - {q: where can i find a toilet, expect: restroom}\n"
        "  - {q: 票价多少, expect: ticket-price}\n"
        "  - {q: 明天会下雪吗, expect: null}\n"
        "dialogs:\n"
        "  - name: students\n"
        "    turns: [{q: 门票多少钱, expect: ticket-price}, {q: 学生呢, expect: ticket-price.students}]\n",
        encoding="utf-8")
    out = tmp_path / "report"
    code = kiosk_main(["eval", "--venue", str(mini_pack_dir), "--folds", "2", "--devset", str(devset),
                       "--out", str(out), "--json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary["devset"]) == {"lexical", "model", "combined"}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    cv = report["cross_validation"]
    assert cv["folds"] == 2 and cv["questions"] > 30
    for name in ("lexical", "model", "combined"):
        part = cv[name]
        right, total = map(int, part["in_domain"].split("/"))
        assert total == cv["questions"] and 0 <= right <= total
        assert sum(sum(v) for v in part["confidence_histogram"].values()) == cv["questions"] + cv["out_of_domain"]
    dev = report["devset"]["combined"]
    assert dev["in_domain"].endswith("/3") and dev["dialogs"].endswith("/1") and dev["p95_ms"] > 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "cross-validation" in html and "Per topic" in html
    assert "trained in memory" in report["model"]  # the fixture pack has no model: never trains on the dev set


def test_render_html_escapes_questions() -> None:
    part = {m: {"in_domain": "1/1", "in_domain_rate": 1.0, "out_of_domain": "0/0", "out_of_domain_rate": 1.0,
                "macro_f1": 1.0, "per_intent": {"a": {"precision": 1, "recall": 1, "f1": 1, "support": 1}},
                "confusions": [], "confidence_histogram": {"in_domain_right": [0] * 10}} for m in ("lexical", "model", "combined")}
    part["combined"]["misses"] = [{"q": "<script>x</script>", "expect": "a", "got": None, "state": "rephrase", "confidence": 0}]
    report = {"venue": "v", "version": 1, "languages": ["zh"], "created": "now", "model": "m", "encoder": "",
              "devset": {"file": "d.yaml", "questions": 1, "dialogs": 0, **part}}
    html = render_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html
