"""`kiosk chat --json` and `kiosk ask` as a visitor or a script uses them."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import MINI_PACK


def _chat(lines: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "chat", "--venue", str(MINI_PACK), "--json", *extra],
                          input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120)


def test_chat_json_one_line_per_utterance_with_reset() -> None:
    proc = _chat(["门票多少钱", "学生呢", "/reset", "学生呢", "where is the toilet", "我的电话是13812345678"])
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 6
    for row in rows:
        assert {"reply", "intent", "confidence", "lang", "state"} <= row.keys()
    assert rows[0]["intent"] == "ticket-price" and rows[0]["reply"] == "门票20元。"
    assert rows[1]["intent"] == "ticket-price.students" and rows[1]["state"] == "answered"
    assert rows[2]["state"] == "reset"
    assert rows[3]["intent"] != "ticket-price.students" or rows[3]["confidence"] < rows[1]["confidence"]
    assert rows[4]["intent"] == "restroom" and rows[4]["lang"] == "en"
    assert "13812345678" not in proc.stdout


def test_chat_on_a_broken_pack_fails_clearly(mini_pack_dir) -> None:
    (mini_pack_dir / "topics.yaml").write_text("topics:\n  - id: x\n    answer: [\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk", "chat", "--venue", str(mini_pack_dir), "--json"],
                          input="hi\n", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "topics.yaml:" in proc.stderr and "not valid YAML" in proc.stderr


def test_ask_answers_one_question() -> None:
    proc = subprocess.run([sys.executable, "-m", "kiosk", "ask", "--venue", str(MINI_PACK), "--json",
                           "身份证丢了怎么补办"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)
    assert row["intent"] == "id-card.lost"
    assert row["reply"] == "丢失补领请带户口簿，费用40元。"


def test_chat_lists_the_buttons_a_kiosk_would_show() -> None:
    """In text mode a question that asks the case lists the cases, numbered as the visitor may pick
    them ("第二个")."""
    proc = subprocess.run([sys.executable, "-m", "kiosk", "chat", "--venue", str(MINI_PACK), "--lexical"],
                          input="我要办身份证\n第二个\n", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "  1. 首次申领  2. 到期换领  3. 丢失补领" in lines
    assert "到期换领请带旧证，费用20元。" in lines
