"""Synthetic visitor videos for the vision tests, made from a real face.

The face is scikit-image's bundled ``data.astronaut()`` photo, cropped around the head and
composited onto a plain background; moving and scaling it over time gives approach, linger and
leave sequences; a perspective turn about the vertical axis turns it out of view.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

WIDTH, HEIGHT = 640, 480
# Measured with the face mesh on this crop: distance (m) = DISTANCE_X_SIZE * focal / 1400 / size.
DISTANCE_X_SIZE = 380.0
TEST_FOCAL_PX = 1400.0  # a narrow-angle kiosk camera, so that 640x480 faces reach 3 m


@dataclass(frozen=True)
class Face:
    """One face in a frame: centre (pixels), crop side (pixels) and head turn (degrees)."""

    cx: float
    cy: float
    size: float
    turn_deg: float = 0.0


def face_crop() -> np.ndarray:
    """The astronaut's head with some margin, RGB, 200x200."""
    from skimage import data

    return data.astronaut()[30:230, 125:325].copy()


def size_for_distance(distance_m: float, focal_px: float = TEST_FOCAL_PX) -> float:
    return DISTANCE_X_SIZE * focal_px / TEST_FOCAL_PX / distance_m


def background() -> np.ndarray:
    """A lobby-ish backdrop: a horizontal gradient with a darker floor band (RGB)."""
    bg = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    bg[:] = np.linspace(70, 170, WIDTH, dtype=np.float32)[None, :, None].astype(np.uint8)
    bg[int(HEIGHT * 0.8):] //= 2
    return bg


def turned(crop: np.ndarray, deg: float) -> np.ndarray:
    """The crop as a plane turned ``deg`` about its vertical axis (perspective)."""
    if abs(deg) < 0.5:
        return crop
    h, w = crop.shape[:2]
    a, f = math.radians(deg), 1.2 * w
    dst = []
    for x, y in [(0, 0), (w, 0), (w, h), (0, h)]:
        X, Z = (x - w / 2) * math.cos(a), (x - w / 2) * math.sin(a)
        s = f / (f + Z)
        dst.append((w / 2 + X * s, h / 2 + (y - h / 2) * s))
    m = cv2.getPerspectiveTransform(np.float32([(0, 0), (w, 0), (w, h), (0, h)]), np.float32(dst))
    return cv2.warpPerspective(crop, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def compose(faces: Sequence[Face], crop: np.ndarray | None = None, bg: np.ndarray | None = None) -> np.ndarray:
    """One BGR frame with the given faces pasted (clipped at the frame edges)."""
    crop = face_crop() if crop is None else crop
    frame = (background() if bg is None else bg).copy()
    for face in faces:
        side = int(round(face.size))
        if side < 4 or abs(face.turn_deg) >= 90:
            continue
        patch = cv2.resize(turned(crop, face.turn_deg), (side, side), interpolation=cv2.INTER_AREA)
        x0, y0 = int(round(face.cx - side / 2)), int(round(face.cy - side / 2))
        fx0, fy0 = max(x0, 0), max(y0, 0)
        fx1, fy1 = min(x0 + side, WIDTH), min(y0 + side, HEIGHT)
        if fx1 > fx0 and fy1 > fy0:
            frame[fy0:fy1, fx0:fx1] = patch[fy0 - y0:fy1 - y0, fx0 - x0:fx1 - x0]
    return cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)


Keyframe = tuple[float, Sequence[Face]]


def interpolate(keys: Sequence[Keyframe], t: float) -> list[Face]:
    """Faces at time ``t``, linear between keyframes; a face missing from a keyframe is absent
    for the whole segment. Faces are matched by position in the list."""
    if t <= keys[0][0]:
        return list(keys[0][1])
    for (t0, a), (t1, b) in zip(keys, keys[1:]):
        if t0 <= t <= t1:
            k = (t - t0) / (t1 - t0) if t1 > t0 else 1.0
            n = min(len(a), len(b))
            return [Face(*(va + (vb - va) * k for va, vb in zip(
                (fa.cx, fa.cy, fa.size, fa.turn_deg), (fb.cx, fb.cy, fb.size, fb.turn_deg))))
                for fa, fb in zip(a[:n], b[:n])]
    return list(keys[-1][1])


def frames(keys: Sequence[Keyframe], fps: float):
    """(t, BGR frame) for the whole keyframe timeline."""
    crop, bg = face_crop(), background()
    n = int(round(keys[-1][0] * fps)) + 1
    for i in range(n):
        t = i / fps
        yield t, compose(interpolate(keys, t), crop, bg)


def write_video(path: Path, keys: Sequence[Keyframe], fps: float = 15.0) -> Path:
    """Write the timeline as an MJPG AVI (decodable by OpenCV everywhere)."""
    return write_frames(path, (frame for _, frame in frames(keys, fps)), fps)


def write_frames(path: Path, bgr_frames, fps: float = 15.0) -> Path:
    """Write BGR 640x480 frames as an MJPG AVI."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (WIDTH, HEIGHT))
    assert writer.isOpened(), f"cannot write {path}"
    for frame in bgr_frames:
        writer.write(frame)
    writer.release()
    return path


def write_folder(folder: Path, keys: Sequence[Keyframe], fps: float = 10.0) -> Path:
    """Write the timeline as numbered PNG images (an image-folder source)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, (_, frame) in enumerate(frames(keys, fps)):
        cv2.imwrite(str(folder / f"frame{i:05d}.png"), frame)
    return folder


# --- scenarios -----------------------------------------------------------------------------
FAR, NEAR = size_for_distance(3.8), size_for_distance(1.15)


def approach_linger_leave() -> list[Keyframe]:
    """Empty 1 s; walk up from 3.8 m to 1.15 m (1-4 s); linger facing (4-8 s); walk away and out
    of the picture (8-10 s); empty until 16 s."""
    return [
        (0.0, []), (0.99, []),
        (1.0, [Face(150, 220, FAR)]), (4.0, [Face(320, 240, NEAR)]),
        (8.0, [Face(320, 240, NEAR)]), (10.0, [Face(600, 220, FAR * 0.8)]),
        (10.01, []), (16.0, []),
    ]


def turn_away() -> list[Keyframe]:
    """Walk up (0-3 s), face the kiosk (3-6 s), turn the head out of view (6-7 s), stay turned
    away (7-14 s)."""
    return [
        (0.0, [Face(320, 240, FAR)]), (3.0, [Face(320, 240, NEAR)]),
        (6.0, [Face(320, 240, NEAR, 0.0)]), (7.0, [Face(320, 240, NEAR, 89.0)]),
        (14.0, [Face(320, 240, NEAR, 89.0)]),
    ]


def timeline_sampler(keys: Sequence[Keyframe]) -> Callable[[float], list[Face]]:
    return lambda t: interpolate(keys, t)


def two_visitors() -> list[Keyframe]:
    """Visitor A stands near on the left facing the kiosk; visitor B walks up on the right and
    comes closer than A, who steps back (the primary visitor switches from A to B)."""
    a_near, a_back = size_for_distance(1.3), size_for_distance(2.4)
    b_far, b_near = size_for_distance(3.6), size_for_distance(1.2)
    return [
        (0.0, [Face(170, 240, a_near), Face(480, 200, b_far)]),
        (3.0, [Face(170, 240, a_near), Face(480, 200, b_far)]),
        (5.0, [Face(150, 240, a_back), Face(470, 240, b_near)]),
        (10.0, [Face(150, 240, a_back), Face(470, 240, b_near)]),
    ]


def crossing_time(keys: Sequence[Keyframe], distance_m: float, face: int = 0, after: float = 0.0,
                  closer: bool = True, step: float = 0.005) -> float:
    """First time after ``after`` when face number ``face`` comes closer than (``closer``) or
    goes beyond ``distance_m``, judged by its pasted size."""
    target = size_for_distance(distance_m)
    t, end = after, keys[-1][0]
    while t <= end:
        faces = interpolate(keys, t)
        size = faces[face].size if len(faces) > face else 0.0
        if (size >= target) if closer else (size < target):
            return t
        t += step
    raise AssertionError(f"face {face} never crosses {distance_m} m")


LIP_LINE_Y, MOUTH_X = 117, (80, 118)  # in face_crop(), from the face mesh (points 13/14, 61/291)


def open_mouth(crop: np.ndarray, px: int) -> np.ndarray:
    """The face with the jaw dropped by ``px`` crop pixels: everything below the lip line moves
    down, the gap shows a dark mouth between the lips and skin beside it."""
    if px <= 0:
        return crop
    out = crop.copy()
    h = crop.shape[0]
    out[LIP_LINE_Y + px:] = crop[LIP_LINE_Y:h - px]
    out[LIP_LINE_Y:LIP_LINE_Y + px] = crop[LIP_LINE_Y - 1]  # skin colour beside the mouth
    x0, x1 = MOUTH_X
    out[LIP_LINE_Y:LIP_LINE_Y + px, x0:x1] = (70, 25, 30)
    return out
