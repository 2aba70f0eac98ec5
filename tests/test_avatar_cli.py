"""`kiosk render` writes PNG frames offscreen; bad scripts get file:line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk import paths


def _kiosk(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=300, env=env)


def test_render_writes_still_and_animated_frames(tmp_path: Path) -> None:
    script = tmp_path / "s.json"
    script.write_text(json.dumps({
        "frames": [{"name": "hello", "set": {"happy": 1, "mouth_form": 1}}],
        "duration": 0.4, "fps": 10,
        "events": [{"t": 0.0, "type": "visitor-engaged"}],
        "speech": {"start": 0.1, "visemes": [[0.0, 0.2, "D"]]},
    }), encoding="utf-8")
    out = tmp_path / "frames"
    run = _kiosk("render", "--avatar", str(paths.avatars_dir() / "xiaobin"), "--script", str(script),
                 "--out", str(out), "--size", "180x320")
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == ["frame_0000.png", "frame_0001.png", "frame_0002.png", "frame_0003.png", "frame_0004.png", "hello.png"]
    from PySide6.QtGui import QImage

    img = QImage(str(out / "hello.png"))
    assert (img.width(), img.height()) == (180, 320)
    assert QImage(str(out / "frame_0002.png")) != QImage(str(out / "frame_0000.png"))


def test_render_reports_bad_script_and_size(tmp_path: Path) -> None:
    script = tmp_path / "s.json"
    script.write_text('{\n  "frames": [{"name": "x", "set": {"viseme": "Z"}}]\n}\n', encoding="utf-8")
    run = _kiosk("render", "--script", str(script), "--out", str(tmp_path / "o"))
    assert run.returncode == 1
    assert f"{script}:2: frames[0].set.viseme: expected one of" in run.stderr
    run = _kiosk("render", "--script", str(script), "--out", str(tmp_path / "o"), "--size", "big")
    assert run.returncode != 0 and "--size" in run.stderr


def test_help_lists_avatar_commands() -> None:
    run = _kiosk("--help")
    assert "render" in run.stdout and "avatar" in run.stdout
    run = _kiosk("avatar", "make-head", "--help")
    assert run.returncode == 0 and "--out" in run.stdout
