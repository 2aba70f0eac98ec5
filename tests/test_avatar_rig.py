"""Rig files: validation with file:line errors, the last good rig kept, and the CLI."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import paths
from kiosk.avatar.rig import RigError, RigHolder, load_rig

DING = paths.avatars_dir() / "dingding"


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "ding"
    shutil.copytree(DING, dst)
    return dst


def _edit(folder: Path, old: str, new: str) -> int:
    """Replace text in rig.yaml; returns the 1-based line that changed."""
    f = folder / "rig.yaml"
    lines = f.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if old in line)
    lines[n] = lines[n].replace(old, new)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n + 1


@pytest.mark.parametrize("folder", ["dingding", "xiaobin"])
def test_shipped_avatars_are_valid(folder: str) -> None:
    rig = load_rig(paths.avatars_dir() / folder)
    ids = {p.id for p in rig.parts}
    for shape in "ABCDEFGHX":
        assert f"mouth_{shape}" in ids
    assert {"eye_l", "eye_r", "pupil_l", "pupil_r", "brow_l", "brow_r", "eye_l_closed", "eye_r_closed"} <= ids


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("{param: head_z, rotate: 0.7}", "{param: head_z, rotate: 0.7, wobble: 2}", "bind[0].wobble: unknown key"),
        ("pivot: [500, 860]", "pivot: [500]", "pivot: expected [x, y] numbers"),
        ("{id: leg_l, parent: ding}", "{id: leg_l, parent: dong}", "(leg_l).parent: no part with id 'dong'"),
        ("{id: mouth_A, parent: mouth, show: {param: viseme, is: [A]}}",
         "{id: mouth_A, parent: mouth, show: {param: viseme, is: [Q]}}", "show.is: expected a list of mouth shapes"),
        ("{id: body, parent: vessel}", "{id: body, parent: vessel, image: nowhere.svg#body}", "file not found: nowhere.svg"),
        ("{id: rim, parent: vessel, depth: 0.08}", "{id: rim, parent: vessel, image: dingding.svg#rimm}", "no element id='rimm'"),
        ("{param: breath, scale_x: [[0, 1.0], [1, 0.985]]}", "{param: breath, scale_x: [[1, 1.0], [0, 0.985]]}",
         "keys [[param, value], ...] with rising params"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    folder = _copy(tmp_path)
    line = _edit(folder, old, new)
    with pytest.raises(RigError) as err:
        load_rig(folder)
    assert len(err.value.problems) == 1, err.value.problems
    problem = err.value.problems[0]
    assert problem.startswith(f"{folder / 'rig.yaml'}:{line}: "), problem
    assert message in problem


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    line = _edit(folder, "  - {id: leg_back, parent: ding}", "  - {id: leg_back, parent: ding")
    with pytest.raises(RigError) as err:
        load_rig(folder)
    assert f"rig.yaml:{line}" in str(err.value) or f"rig.yaml:{line + 1}" in str(err.value)


def test_parent_loop_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "# whole figure: sways and breathes on its feet", "\n    parent: leg_l")
    with pytest.raises(RigError, match="parents form a loop"):
        load_rig(folder)


def test_holder_keeps_the_last_good_rig(tmp_path: Path) -> None:
    holder = RigHolder()
    assert holder.load(DING) == []
    good = holder.rig
    folder = _copy(tmp_path)
    _edit(folder, "format: 1", "format: 2")
    problems = holder.load(folder)
    assert problems and "format: expected 1" in problems[0]
    assert holder.rig is good and holder.last_errors == problems


def test_cli_validate(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "kiosk", "avatar", "validate", str(DING)],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "ok (Dingding" in ok.stdout
    folder = _copy(tmp_path)
    line = _edit(folder, "canvas: [1000, 1400]", "canvas: big")
    bad = subprocess.run([sys.executable, "-m", "kiosk", "avatar", "validate", str(folder)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert f"rig.yaml:{line}: rig.canvas: expected [x, y] numbers" in bad.stdout
