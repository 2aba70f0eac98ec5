"""Shared test fixtures: the repo's folders and the small fixture pack."""
from __future__ import annotations

import gc
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI_PACK = REPO / "tests" / "fixtures" / "mini-pack"
VENUES = REPO / "venues"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _collection_back_to_python_after_each_test() -> Iterator[None]:
    """A test is one app run: a window moved cyclic collection onto the GUI thread
    (kiosk.app.collector); when the test ends, its garbage is collected here, on the GUI thread,
    and automatic collection is back on for tests without a window."""
    yield
    collector_module = sys.modules.get("kiosk.app.collector")
    app = sys.modules["PySide6.QtCore"].QCoreApplication.instance() if collector_module else None
    found = app.findChild(collector_module.GuiThreadCollector) if app is not None else None
    if found is not None:
        gc.collect()
        found.stop()


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test writes kiosk state (model store, analytics) into its own temporary folder."""
    if "KIOSK_DATA_DIR" not in os.environ or os.environ["KIOSK_DATA_DIR"].startswith(str(tmp_path_factory.getbasetemp())):
        monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path_factory.mktemp("kiosk-data")))


@pytest.fixture
def mini_pack_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture pack."""
    target = tmp_path / "mini-pack"
    shutil.copytree(MINI_PACK, target)
    return target


def add_where_followups(pack_dir: Path) -> list[str]:
    """Give the ticket price and refund topics of a copied fixture pack a 'where' follow-up each:
    two follow-ups of one kind, as "在哪里" could mean either. Their ids."""
    topics = pack_dir / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    for topic, answer in (("ticket-price", "售票处在北门。"), ("ticket-refund", "退票在服务台办。")):
        start = text.index(f"  - id: {topic}\n")
        end = text.find("\n  - id: ", start + 1)
        end = len(text) if end < 0 else end + 1
        block = text[start:end].rstrip("\n")
        if "followups:" not in block:
            block += "\n    followups:"
        block += (f"\n      - id: where\n        questions: {{zh: [在哪里, 在哪办], en: [where is it]}}\n"
                  f"        answer: {{zh: {answer}, en: At the desk.}}\n")
        text = text[:start] + block + text[end:]
    topics.write_text(text, encoding="utf-8")
    return ["ticket-price.where", "ticket-refund.where"]
