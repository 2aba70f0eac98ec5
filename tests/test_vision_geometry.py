"""Geometry and smoothing of the vision package: One Euro filter, distance, head pose, config checks."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

import vision_fixtures as vf
from kiosk.config import ConfigError, VisionSection, load_config
from kiosk.vision.filters import OneEuroFilter
from kiosk.vision.observation import (CameraModel, FACE_WIDTH_M, IRIS_DIAMETER_M, estimate_distance,
                                      face_width_px, head_pose, iris_diameter_px, is_attentive)
from kiosk.vision.settings import check_vision


# --- One Euro ----------------------------------------------------------------------------------
def test_one_euro_smooths_jitter_of_a_still_signal():
    rng = random.Random(4)
    f = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    raw, out = [], []
    for i in range(300):
        x = 10.0 + rng.gauss(0, 1.0)
        raw.append(x)
        out.append(f(x, i / 30))
    assert np.std(out[30:]) < np.std(raw[30:]) / 3
    assert abs(np.mean(out[30:]) - 10.0) < 0.3


def test_one_euro_speed_term_cuts_lag_on_a_ramp():
    slow, fast = OneEuroFilter(1.0, beta=0.0), OneEuroFilter(1.0, beta=1.0)
    for i in range(60):
        t = i / 30
        x = 100 * t
        a, b = slow(x, t), fast(x, t)
    assert abs(x - b) < abs(x - a) / 2


def test_one_euro_uses_real_timestamps():
    """The same step, sampled at 30 or 10 fps, settles in the same time."""
    results = []
    for fps in (30, 10):
        f = OneEuroFilter(1.0, 0.0)
        f(0.0, 0.0)
        v = None
        for i in range(1, fps + 1):
            v = f(1.0, i / fps)
        results.append(v)
    assert results[0] == pytest.approx(results[1], abs=0.1)
    assert 0.8 < results[0] <= 1.0


def test_one_euro_ignores_repeated_timestamps():
    f = OneEuroFilter()
    f(1.0, 0.5)
    assert f(5.0, 0.5) == 1.0


# --- camera and distance ------------------------------------------------------------------------
def test_focal_length_from_field_of_view_or_calibration():
    assert CameraModel.from_fov(640, 480, 0.0, 60.0).focal_px == pytest.approx(554.26, abs=0.01)
    assert CameraModel.from_fov(640, 480, 900.0, 60.0).focal_px == 900.0
    cam = CameraModel(640, 480, 600.0)
    assert cam.distance_m(60.0, 0.15) == pytest.approx(1.5)
    ax, ay = cam.angles_deg(320 + 600, 240)
    assert ax == pytest.approx(45.0) and ay == pytest.approx(0.0)


@pytest.fixture(scope="module")
def astronaut_points() -> np.ndarray:
    """Real face mesh points of the astronaut, 300 px crop centred in a 640x480 frame."""
    import cv2

    from kiosk.vision.detector import FaceDetector, FaceMeshTracker

    frame = cv2.cvtColor(vf.compose([vf.Face(320, 240, 300)]), cv2.COLOR_BGR2RGB)
    det = FaceDetector()
    found = det.detect(frame)
    assert len(found) == 1
    mesh = FaceMeshTracker()
    points = mesh.landmarks(frame, found[0].box)
    det.close(), mesh.close()
    assert points is not None and points.shape == (478, 3)
    return points


def _rotate(points: np.ndarray, yaw: float = 0.0, pitch: float = 0.0) -> np.ndarray:
    """Turn the mesh about its centre: yaw to image right, pitch up (degrees)."""
    a, b = math.radians(yaw), math.radians(pitch)
    ry = np.array([[math.cos(a), 0, -math.sin(a)], [0, 1, 0], [math.sin(a), 0, math.cos(a)]])
    rx = np.array([[1, 0, 0], [0, math.cos(b), math.sin(b)], [0, -math.sin(b), math.cos(b)]])
    c = points.mean(axis=0)
    return (points - c) @ (rx @ ry).T + c


@pytest.mark.parametrize("yaw,pitch", [(30, 0), (-40, 0), (0, 20), (0, -15), (25, 10)])
def test_head_pose_follows_a_turned_mesh(astronaut_points, yaw, pitch):
    base = head_pose(astronaut_points)
    pose = head_pose(_rotate(astronaut_points, yaw, pitch))
    assert pose.yaw - base.yaw == pytest.approx(yaw, abs=4)
    assert pose.pitch - base.pitch == pytest.approx(pitch, abs=4)


def test_face_width_hardly_changes_when_the_head_turns(astronaut_points):
    w0 = face_width_px(astronaut_points)
    assert face_width_px(_rotate(astronaut_points, 40, 0)) == pytest.approx(w0, rel=0.02)


def test_distance_blends_iris_and_face_width(astronaut_points):
    cam = CameraModel(640, 480, 1400.0)
    iris = iris_diameter_px(astronaut_points)
    assert 8 < iris < 20  # a 300 px crop: iris comfortably measurable
    d, source = estimate_distance(cam, astronaut_points, (0, 0, 1, 1))
    assert source == "iris" and d == pytest.approx(cam.distance_m(iris, IRIS_DIAMETER_M))
    small = astronaut_points * 0.3  # the same face far away: iris about 3-5 px
    d_small, _ = estimate_distance(cam, small, (0, 0, 1, 1))
    by_face = cam.distance_m(face_width_px(small), FACE_WIDTH_M)
    by_iris = cam.distance_m(iris_diameter_px(small), IRIS_DIAMETER_M)
    assert min(by_face, by_iris) - 1e-9 <= d_small <= max(by_face, by_iris) + 1e-9
    _, box_source = estimate_distance(cam, None, (0, 0, 80, 80))
    assert box_source == "box"


def test_attention_needs_a_pose_within_limits():
    from kiosk.vision.observation import HeadPose

    assert is_attentive(HeadPose(10, -5, 0), 25, 25)
    assert not is_attentive(HeadPose(40, 0, 0), 25, 25)
    assert not is_attentive(HeadPose(0, -30, 0), 25, 25)
    assert not is_attentive(None, 25, 25)


# --- config -------------------------------------------------------------------------------------
def test_vision_config_range_errors_name_file_line_and_key(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text("[site]\nvenue = \"\"\n\n[vision]\nnotice_distance_m = 1.0\n"
                    "engage_distance_m = 2.0\nidle_detect_hz = 0.0\n", encoding="utf-8")
    cfg = load_config(site)
    with pytest.raises(ConfigError) as err:
        check_vision(cfg.vision, cfg.source)
    msg = str(err.value)
    assert f"{site}:6: vision.engage_distance_m:" in msg
    assert f"{site}:7: vision.idle_detect_hz: must be positive" in msg


def test_default_vision_config_is_valid():
    check_vision(VisionSection())
