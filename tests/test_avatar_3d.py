"""The 3D head: GLB structure, and Qt Quick 3D renders driven by the parameter vector (needs GL:
runs under Xvfb with Mesa, in a subprocess on the xcb platform)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kiosk import paths
from kiosk.avatar.make_head import VISEME_MIX, make_head, read_glb_json
from kiosk.avatar.scene3d import morph_names, morph_weights
from kiosk.avatar.params import AvatarParams


def test_generated_head_is_valid_gltf_with_morph_targets(tmp_path: Path) -> None:
    glb = make_head(tmp_path / "head.glb")
    doc = read_glb_json(glb)
    assert doc["asset"]["version"] == "2.0"
    names = morph_names(glb)
    assert ("lids_l", "blink") in names and ("lids_r", "blink") in names
    for target in ("jawOpen", "mouthWide", "mouthRound", "smile", "browUpL", "browUpR", "browSad"):
        assert any(t == target for _, t in names), target
    for mesh in doc["meshes"]:
        prim = mesh["primitives"][0]
        count = doc["accessors"][prim["attributes"]["POSITION"]]["count"]
        for target in prim.get("targets", []):
            acc = doc["accessors"][target["POSITION"]]
            assert acc["count"] == count and "min" in acc and "max" in acc
    shipped = paths.default_avatar() / "head.glb"
    assert _same_head(shipped, glb), "avatars/dingding/head.glb is stale: run kiosk avatar make-head"


_COMPONENTS = {5121: np.uint8, 5123: np.uint16, 5125: np.uint32, 5126: np.float32}
_WIDTHS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


def _accessors(glb: Path) -> list[np.ndarray]:
    """Every accessor's values of a GLB file, read through its buffer view."""
    doc, data = read_glb_json(glb), glb.read_bytes()
    blob = data[20 + int.from_bytes(data[12:16], "little") + 8:]
    arrays = []
    for acc in doc["accessors"]:
        view = doc["bufferViews"][acc["bufferView"]]
        start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
        arrays.append(np.frombuffer(blob, _COMPONENTS[acc["componentType"]], acc["count"] * _WIDTHS[acc["type"]], start))
    return arrays


def _same_head(shipped: Path, made: Path) -> bool:
    """The same glTF head: the same document and integer data, and positions that differ by no more than
    float32 rounding (the generator's sines and cosines differ in the last bit from one CPU to another)."""
    a, b = read_glb_json(shipped), read_glb_json(made)
    for doc in (a, b):
        for acc in doc["accessors"]:
            acc.pop("min", None), acc.pop("max", None)  # the same rounding: checked with the data below
    if a != b:
        return False
    return all(x.dtype == y.dtype and x.shape == y.shape and np.allclose(x, y, rtol=0, atol=1e-6)
               for x, y in zip(_accessors(shipped), _accessors(made)))


def test_morph_weights_follow_visemes_and_blinks() -> None:
    d = morph_weights(AvatarParams(viseme="D", eye_l_open=0.0))
    assert d["jawOpen"] == VISEME_MIX["D"]["jawOpen"] and d["lids_l/blink"] == 1.0 and d["lids_r/blink"] == 0.0
    f = morph_weights(AvatarParams(viseme="F"))
    assert f["mouthRound"] == 1.0 and f["jawOpen"] < d["jawOpen"]


def _img(path: Path) -> np.ndarray:
    from PySide6.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return arr.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(np.int16)


def _diff_box(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int]:
    ys, xs = np.nonzero(np.abs(a - b).sum(axis=2) > 40)
    return float(xs.mean()) if len(xs) else -1, float(ys.mean()) if len(ys) else -1, len(xs)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display with GLX (./setup.sh test runs Xvfb)")
def test_qtquick3d_renders_blink_mouth_and_turn(tmp_path: Path, qapp) -> None:
    script = tmp_path / "s.json"
    script.write_text(json.dumps({"frames": [
        {"name": "neutral", "set": {}},
        {"name": "blink", "set": {"eye_l_open": 0, "eye_r_open": 0}},
        {"name": "open", "set": {"viseme": "D"}},
        {"name": "left", "set": {"head_x": -25}},
        {"name": "right", "set": {"head_x": 25}},
    ]}), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", QSG_RHI_BACKEND="opengl")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "kiosk", "render", "--3d", "--avatar", str(paths.default_avatar()),
         "--script", str(script), "--out", str(out), "--size", "270x480"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    if run.returncode == 2:
        pytest.skip(f"no OpenGL here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    neutral = _img(out / "neutral.png")
    assert neutral.std() > 15  # a head, not an empty clear colour
    _, blink_y, blink_n = _diff_box(neutral, _img(out / "blink.png"))
    _, mouth_y, mouth_n = _diff_box(neutral, _img(out / "open.png"))
    assert blink_n > 200 and mouth_n > 100
    assert blink_y < mouth_y  # the eyes close above where the mouth opens
    dark = lambda a: np.nonzero(a.sum(axis=2) < 120)[1].mean()  # noqa: E731 - pupils and mouth
    assert dark(_img(out / "right.png")) - dark(_img(out / "left.png")) > 5
