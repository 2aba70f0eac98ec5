"""Mirror mode: the avatar copies the visitor's face from MediaPipe face-mesh landmarks.

The formulas follow the ideas of Kalidokit's face solver (head plane from four face points, eye
openness from lid distance over eye width, mouth from lip gap over face height), written anew here.
Everything is computed as seen in a mirror: the visitor turning to their right turns the avatar
toward screen right, and their right eye drives the avatar's eye on screen right.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

# MediaPipe face-mesh indices (subject's right = image left on an unflipped camera frame)
FOREHEAD, CHIN, CHEEK_R, CHEEK_L = 10, 152, 234, 454
EYE_R = {"upper": 159, "lower": 145, "outer": 33, "inner": 133, "brow": 105}
EYE_L = {"upper": 386, "lower": 374, "outer": 263, "inner": 362, "brow": 334}
LIP_UPPER, LIP_LOWER, MOUTH_R, MOUTH_L = 13, 14, 61, 291
IRIS_FIRST = 468


def _clamp(v: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, v))


def _eye_open(p: np.ndarray, eye: dict[str, int]) -> float:
    width = np.linalg.norm(p[eye["outer"], :2] - p[eye["inner"], :2]) or 1.0
    ratio = np.linalg.norm(p[eye["upper"], :2] - p[eye["lower"], :2]) / width
    return _clamp((ratio - 0.09) / (0.22 - 0.09))


def _brow(p: np.ndarray, eye: dict[str, int], face_h: float) -> float:
    ratio = np.linalg.norm(p[eye["brow"], :2] - p[eye["upper"], :2]) / face_h
    return _clamp((ratio - 0.085) / 0.03, -1.0, 1.0)


def _eyeball(p: np.ndarray) -> tuple[float, float]:
    """Pupil offset (-1..1, x right, y up) averaged over both eyes, from the iris landmarks."""
    if len(p) < IRIS_FIRST + 10:
        return 0.0, 0.0
    irises = p[IRIS_FIRST:IRIS_FIRST + 10, :2]
    offsets = []
    for eye in (EYE_R, EYE_L):
        a, b = p[eye["outer"], :2], p[eye["inner"], :2]
        centre, half = (a + b) / 2, (np.linalg.norm(a - b) / 2) or 1.0
        iris = irises[np.argmin(np.linalg.norm(irises - centre, axis=1))]
        offsets.append((iris - centre) / half)
    dx, dy = np.mean(offsets, axis=0)
    return _clamp(float(dx) * 2.2, -1.0, 1.0), _clamp(-float(dy) * 3.0, -1.0, 1.0)


def _viseme(open_: float, width_ratio: float) -> str:
    if open_ < 0.08:
        return "X"
    if width_ratio < 0.34:
        return "F" if open_ < 0.35 else "E"
    if open_ > 0.6:
        return "D"
    return "C" if open_ > 0.3 else "B"


def face_params(landmarks: Any, image_size: tuple[int, int]) -> dict[str, float | str]:
    """Avatar parameters from one face: ``landmarks`` is (N>=468, 3) normalised MediaPipe points
    (x, y in 0..1 of the image, z in image-width units); ``image_size`` is (width, height)."""
    lm = np.asarray(landmarks, dtype=np.float64)
    if lm.ndim != 2 or lm.shape[0] < 468 or lm.shape[1] < 3:
        raise ValueError(f"expected face-mesh landmarks of shape (468 or 478, 3), got {lm.shape}")
    w, h = image_size
    p = np.empty_like(lm[:, :3])
    p[:, 0] = (1.0 - lm[:, 0]) * w  # mirror: flip horizontally
    p[:, 1] = lm[:, 1] * h
    p[:, 2] = lm[:, 2] * w
    x_axis = p[CHEEK_R] - p[CHEEK_L]  # screen-left to screen-right after the flip
    y_axis = p[CHIN] - p[FOREHEAD]  # forehead to chin (down)
    normal = np.cross(x_axis, y_axis)
    if normal[2] > 0:  # make it point toward the camera (-z)
        normal = -normal
    normal /= np.linalg.norm(normal) or 1.0
    yaw = math.degrees(math.atan2(normal[0], -normal[2]))
    pitch = math.degrees(math.atan2(-normal[1], -normal[2]))
    roll = math.degrees(math.atan2(x_axis[1], x_axis[0]))
    face_h = float(np.linalg.norm(y_axis[:2])) or 1.0
    face_w = float(np.linalg.norm(x_axis[:2])) or 1.0
    gap = float(np.linalg.norm(p[LIP_UPPER, :2] - p[LIP_LOWER, :2])) / face_h
    width_ratio = float(np.linalg.norm(p[MOUTH_R, :2] - p[MOUTH_L, :2])) / face_w
    mouth_open = _clamp((gap - 0.01) / 0.11)
    ex, ey = _eyeball(p)
    return {
        "head_x": _clamp(yaw * 1.2, -30, 30),
        "head_y": _clamp(pitch * 1.2, -30, 30),
        "head_z": _clamp(roll, -30, 30),
        "eye_r_open": _eye_open(p, EYE_R),  # subject's right eye: screen right in the mirror
        "eye_l_open": _eye_open(p, EYE_L),
        "eye_ball_x": ex,
        "eye_ball_y": ey,
        "brow_r_y": _brow(p, EYE_R, face_h),
        "brow_l_y": _brow(p, EYE_L, face_h),
        "mouth_open": mouth_open,
        "mouth_form": _clamp((width_ratio - 0.40) / 0.08, -1.0, 1.0),
        "viseme": _viseme(mouth_open, width_ratio),
    }


class FaceMeshSolver:
    """Runs MediaPipe Face Mesh (bundled model, offline) on RGB frames and solves the parameters.

    For staff previews and tests; the kiosk's vision stage may pass its own landmarks straight to
    :func:`face_params` instead.
    """

    def __init__(self, static_images: bool = False) -> None:
        import mediapipe as mp  # heavy: imported on use

        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=static_images, max_num_faces=1, refine_landmarks=True,
            min_detection_confidence=0.5, min_tracking_confidence=0.5,
        )

    def landmarks(self, rgb: np.ndarray) -> np.ndarray | None:
        result = self._mesh.process(rgb)
        if not result.multi_face_landmarks:
            return None
        return np.array([(q.x, q.y, q.z) for q in result.multi_face_landmarks[0].landmark])

    def solve(self, rgb: np.ndarray) -> dict[str, float | str] | None:
        lm = self.landmarks(rgb)
        return None if lm is None else face_params(lm, (rgb.shape[1], rgb.shape[0]))

    def close(self) -> None:
        self._mesh.close()
