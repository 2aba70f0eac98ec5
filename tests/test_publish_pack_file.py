"""Publish -> install -> rollback of versioned pack files, and refusal of damaged pack files."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk_main
from kiosk.dialog.engine import DialogEngine
from kiosk.pack.loader import PackHolder, load_pack
from kiosk.pack.publish import PublishError, check_pack_file, install, installed_pack_dir, publish, rollback


@pytest.fixture
def pack_dir(mini_pack_dir: Path) -> Path:
    return mini_pack_dir


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "data"
    monkeypatch.setenv("KIOSK_DATA_DIR", str(target))
    return target


def _answer(holder: PackHolder, question: str) -> str:
    return DialogEngine(holder.pack).new_session().handle(question).text


def _new_version(pack_dir: Path, version: int, hours: str) -> None:
    venue = pack_dir / "venue.yaml"
    venue.write_text(venue.read_text(encoding="utf-8").replace("version: 1", f"version: {version}"), encoding="utf-8")
    topics = pack_dir / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("9:00 to 17:00", hours), encoding="utf-8")


def _rewrite_member(src: Path, dst: Path, name: str, transform) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, transform(data) if info.filename == name else data)


def test_publish_install_rollback_keeps_answering(pack_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    v1 = publish(pack_dir, tmp_path / "out")
    assert v1.name == "mini-hall-v1.kpack"
    info, contents = check_pack_file(v1)
    assert (info.venue, info.version) == ("mini-hall", 1)
    assert set(contents) == {"venue.yaml", "places.yaml", "topics.yaml", "flows.yaml", "lexicon.yaml"}

    first = install(v1)
    assert first.changed and installed_pack_dir() == first.path
    holder = PackHolder(load_pack(installed_pack_dir()))
    assert "9:00 to 17:00" in _answer(holder, "What are the opening hours?")

    _new_version(pack_dir, 2, "8:30 to 18:00")
    v2 = publish(pack_dir, tmp_path / "out")
    second = install(v2)
    assert second.previous == first.path and first.path.is_dir()
    # the running kiosk still answers from v1 until it reloads, then from v2
    assert "9:00 to 17:00" in _answer(holder, "What are the opening hours?")
    assert holder.reload(installed_pack_dir())
    assert "8:30 to 18:00" in _answer(holder, "What are the opening hours?")

    # a damaged file is refused and changes nothing
    tampered = tmp_path / "tampered.kpack"
    _rewrite_member(v2, tampered, "topics.yaml", lambda b: b.replace("8:30".encode(), b"7:30"))
    with pytest.raises(PublishError, match="topics.yaml: checksum mismatch"):
        install(tampered)
    assert installed_pack_dir() == second.path
    assert holder.reload(installed_pack_dir())
    assert "8:30 to 18:00" in _answer(holder, "What are the opening hours?")

    back = rollback()
    assert back.version == 1 and installed_pack_dir() == first.path
    assert holder.reload(installed_pack_dir())
    assert "9:00 to 17:00" in _answer(holder, "What are the opening hours?")
    # rolling back again returns to v2 (the versions swap)
    assert rollback().version == 2


def test_truncated_and_foreign_files_are_refused(pack_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    good = publish(pack_dir, tmp_path / "mini.kpack")
    install(good)
    before = installed_pack_dir()
    data = good.read_bytes()
    truncated = tmp_path / "truncated.kpack"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(PublishError, match="truncated"):
        install(truncated)
    not_zip = tmp_path / "notes.kpack"
    not_zip.write_text("hello", encoding="utf-8")
    with pytest.raises(PublishError, match="not a complete pack file"):
        install(not_zip)
    extra = tmp_path / "extra.kpack"
    shutil.copy(good, extra)
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("evil.yaml", "x: 1")
    with pytest.raises(PublishError, match="evil.yaml: file not listed"):
        install(extra)
    assert installed_pack_dir() == before


def test_a_broken_pack_is_neither_published_nor_installed(pack_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    topics = pack_dir / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("      en: A ticket costs 20 yuan.\n", ""), encoding="utf-8")
    with pytest.raises(PublishError, match=r"topics.yaml:\d+: topics\[2\].answer.en: missing"):
        publish(pack_dir, tmp_path / "bad.kpack")


def test_downgrade_needs_permission(pack_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    v1 = publish(pack_dir, tmp_path / "v1.kpack")
    _new_version(pack_dir, 2, "8:00 to 20:00")
    install(publish(pack_dir, tmp_path / "v2.kpack"))
    with pytest.raises(PublishError, match="older than the installed version"):
        install(v1)
    assert install(v1, allow_downgrade=True).version == 1


def test_cli_publish_install_rollback(pack_dir: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    assert kiosk_main(["pack", "publish", str(pack_dir), "--out", str(out)]) == 0
    assert kiosk_main(["pack", "install", str(out / "mini-hall-v1.kpack")]) == 0
    assert kiosk_main(["pack", "rollback"]) == 1  # nothing to go back to yet
    err = capsys.readouterr().err
    assert "no previous version" in err
    broken = tmp_path / "broken.kpack"
    broken.write_bytes((out / "mini-hall-v1.kpack").read_bytes()[:300])
    assert kiosk_main(["pack", "install", str(broken)]) == 1
    assert "keeps its current pack" in capsys.readouterr().err
