"""Mirror mode: MediaPipe face mesh on a real face (scikit-image's astronaut) drives the avatar."""
from __future__ import annotations

import numpy as np
import pytest

from kiosk.avatar.drivers import Animator
from kiosk.avatar.mirror import face_params

pytest.importorskip("mediapipe")
skdata = pytest.importorskip("skimage.data")
sktransform = pytest.importorskip("skimage.transform")


@pytest.fixture(scope="module")
def solver():
    from kiosk.avatar.mirror import FaceMeshSolver

    s = FaceMeshSolver(static_images=True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def face() -> np.ndarray:
    return np.ascontiguousarray(skdata.astronaut())


def test_real_face_gives_open_eyes_and_a_smile(solver, face) -> None:
    values = solver.solve(face)
    assert values is not None
    assert values["eye_l_open"] > 0.6 and values["eye_r_open"] > 0.6
    assert values["mouth_form"] > 0.3  # she is smiling
    assert abs(values["head_x"]) < 15 and abs(values["head_z"]) < 10


def test_mirror_flips_turn_and_tilt(solver, face) -> None:
    values = solver.solve(face)
    flipped = solver.solve(np.ascontiguousarray(face[:, ::-1]))
    assert np.sign(values["head_x"]) == -np.sign(flipped["head_x"])
    assert values["head_z"] == pytest.approx(-flipped["head_z"], abs=2.5)


def test_tilted_face_tilts_the_avatar(solver, face) -> None:
    base = solver.solve(face)["head_z"]
    for angle in (15, -15):
        rotated = (sktransform.rotate(face, angle, mode="edge") * 255).astype(np.uint8)  # counter-clockwise
        tilt = solver.solve(np.ascontiguousarray(rotated))["head_z"]
        # a counter-clockwise image turn is a clockwise (+) roll in the mirror
        assert np.sign(tilt - base) == np.sign(angle), (angle, base, tilt)
        assert abs(tilt - base) > 8


def test_closed_eyes_from_landmarks(solver, face) -> None:
    lm = solver.landmarks(face)
    shut = lm.copy()
    for upper, lower in ((159, 145), (386, 374)):
        shut[upper, :2] = shut[lower, :2] + (shut[upper, :2] - shut[lower, :2]) * 0.1
    values = face_params(shut, (face.shape[1], face.shape[0]))
    assert values["eye_l_open"] < 0.1 and values["eye_r_open"] < 0.1
    with pytest.raises(ValueError, match="face-mesh landmarks"):
        face_params(lm[:100], (512, 512))


def test_animator_blends_in_the_mirror(solver, face) -> None:
    values = solver.solve(face)
    anim = Animator(seed=1)
    anim.mirror_enabled = True
    anim.set_mirror_values(values, 0.0)
    for i in range(60):
        p = anim.update(i / 60)
    assert p.mouth_form == pytest.approx(values["mouth_form"], abs=0.1)
    assert p.viseme == values["viseme"]
