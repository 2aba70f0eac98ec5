"""Pixel tests of the 2D avatars: mouth shapes, blinks, gaze, and the last good rig kept."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QImage

from kiosk import paths
from kiosk.avatar.drivers import Animator
from kiosk.avatar.params import AvatarParams
from kiosk.avatar.renderer2d import Renderer2D
from kiosk.avatar.rig import load_rig

AVATARS = [paths.avatars_dir() / "dingding", paths.avatars_dir() / "xiaobin"]
SIZE = QSize(360, 640)


def pixels(img: QImage, rect: QRect | None = None) -> np.ndarray:
    """RGB array of an image (or a region of it)."""
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    if rect is not None:
        img = img.copy(rect)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(np.int16).copy()


def region(renderer: Renderer2D, part: str, params: AvatarParams, grow: int = 6) -> QRect:
    return renderer.part_rect(part, params, SIZE).toAlignedRect().adjusted(-grow, -grow, grow, grow)


@pytest.fixture(params=AVATARS, ids=lambda p: p.name)
def renderer(request, qapp) -> Renderer2D:
    return Renderer2D(load_rig(request.param))


def test_mouth_region_differs_between_a_and_d(renderer: Renderer2D) -> None:
    a, d = AvatarParams(viseme="A"), AvatarParams(viseme="D")
    box = region(renderer, "mouth_D", d, grow=10)
    pa = pixels(renderer.render(a, SIZE), box)
    pd = pixels(renderer.render(d, SIZE), box)
    changed = (np.abs(pa - pd).sum(axis=2) > 60).mean()
    assert changed > 0.15, f"only {changed:.1%} of the mouth region changed"
    # outside the mouth nothing moves
    whole_a, whole_d = pixels(renderer.render(a, SIZE)), pixels(renderer.render(d, SIZE))
    diff = np.abs(whole_a - whole_d).sum(axis=2) > 60
    diff[box.top(): box.bottom() + 1, box.left(): box.right() + 1] = False
    assert diff.sum() == 0


def _white_fraction(img: QImage, box: QRect) -> float:
    px = pixels(img, box)
    return float(((px > 225).all(axis=2)).mean())


def test_eyes_closed_during_a_blink(renderer: Renderer2D) -> None:
    anim = Animator(seed=3)
    anim.idle._next_blink = 1e9  # no random blink: this test blinks on purpose
    open_params = anim.update(0.0)
    box_l = region(renderer, "eye_l", AvatarParams(), grow=4)
    box_r = region(renderer, "eye_r", AvatarParams(), grow=4)
    img_open = renderer.render(open_params, SIZE)
    anim.idle.blink_now(1.0)
    mid = anim.update(1.0 + anim.idle.BLINK_CLOSE_S + anim.idle.BLINK_HOLD_S / 2)
    assert mid.eye_l_open == 0.0 and mid.eye_r_open == 0.0
    img_blink = renderer.render(mid, SIZE)
    for box in (box_l, box_r):
        opened, closed = _white_fraction(img_open, box), _white_fraction(img_blink, box)
        assert opened > 0.04  # the eye whites show when open
        assert closed < 0.1 * opened  # and are gone mid-blink
    after = anim.update(2.0)
    assert after.eye_l_open == 1.0


def _dark_centroid_x(img: QImage, box: QRect) -> float:
    px = pixels(img, box)
    ys, xs = np.nonzero(px.sum(axis=2) < 200)  # pupils, lashes, brows in the eye band
    return float(xs.mean())


def test_head_turns_toward_gaze_target(renderer: Renderer2D) -> None:
    def looking(x: float) -> AvatarParams:
        anim = Animator(seed=5)
        anim.set_gaze(x, 0.0)
        for i in range(90):  # 1.5 s at 60 fps
            p = anim.update(i / 60)
        return p

    left, right = looking(-1.0), looking(1.0)
    assert left.head_x < -10 and right.head_x > 10
    assert left.eye_ball_x < -0.5 and right.eye_ball_x > 0.5
    eyes = region(renderer, "eye_l", AvatarParams()).united(region(renderer, "eye_r", AvatarParams()))
    band = eyes.adjusted(-40, -30, 40, 10)
    cx_left = _dark_centroid_x(renderer.render(left, SIZE), band)
    cx_right = _dark_centroid_x(renderer.render(right, SIZE), band)
    assert cx_right - cx_left > 4, (cx_left, cx_right)


def test_expression_frames_differ_from_neutral(renderer: Renderer2D) -> None:
    neutral = pixels(renderer.render(AvatarParams(), SIZE))
    for p in (AvatarParams(happy=1, mouth_form=1, cheek=1), AvatarParams(sad=1, brow_form=-1, mouth_form=-1),
              AvatarParams(thinking=1)):
        assert (np.abs(pixels(renderer.render(p, SIZE)) - neutral).sum(axis=2) > 60).mean() > 0.001


def test_broken_rig_keeps_last_good_avatar(qtbot, tmp_path: Path) -> None:
    from kiosk.avatar.widget import AvatarWidget

    broken = tmp_path / "broken"
    shutil.copytree(AVATARS[0], broken)
    rig_file = broken / "rig.yaml"
    lines = rig_file.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if "{param: body_x, x: 3}" in line)
    lines[n] = lines[n].replace("body_x", "body_q")
    rig_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    widget = AvatarWidget(AVATARS[1], seed=1)
    qtbot.addWidget(widget)
    widget.resize(SIZE)
    assert widget.wait_ready()
    good = widget.rig
    with qtbot.waitSignal(widget.avatarRejected) as blocker:
        problems = widget.load_avatar(broken)
    assert problems == blocker.args[0]
    assert problems == [f"{rig_file}:{n + 1}: parts[0] (shadow).bind[0].param: unknown parameter 'body_q'"]
    assert widget.rig is good
    widget.set_params(AvatarParams(viseme="D"))
    frame = pixels(widget.grab_frame())
    assert frame.std() > 20  # still drawing the good avatar, not a blank


def test_pose_cache_matches_exact_drawing(renderer: Renderer2D) -> None:
    from PySide6.QtGui import QPainter

    p = AvatarParams(arm_r=0.75, arm_l=0.5, head_z=12, head_x=-10, viseme="D")
    cached = pixels(renderer.render(p, SIZE))
    exact_img = QImage(SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(exact_img)
    renderer.paint(painter, SIZE, p, exact=True)
    painter.end()
    diff = np.abs(cached - pixels(exact_img)).sum(axis=2)
    assert diff.mean() < 5.0
    assert (diff > 120).mean() < 0.01  # only edge pixels may differ (rotation quantum, whole pixels)
