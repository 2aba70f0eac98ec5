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
