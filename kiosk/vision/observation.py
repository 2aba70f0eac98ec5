"""Per-person geometry from face landmarks: distance, head pose, attention, mouth openness.

Landmark arrays are MediaPipe face mesh points (478 with iris) in frame pixels, shape (478, 3);
``z`` uses the same pixel scale as ``x`` (MediaPipe's convention), growing away from the camera.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

IRIS_DIAMETER_M = 0.0117  # human iris, nearly constant across adults
FACE_WIDTH_M = 0.145  # cheek to cheek (mesh points 234-454), adult average
DETECTION_BOX_WIDTH_M = 0.16  # width of a face detector box, when no mesh is available
IRIS_BLEND_PX = (3.0, 6.0)  # iris diameters over which distance moves from face width to iris

# Face mesh indices.
RIGHT_CHEEK, LEFT_CHEEK = 234, 454
FOREHEAD, CHIN = 10, 152
UPPER_LIP, LOWER_LIP = 13, 14
MOUTH_RIGHT, MOUTH_LEFT = 61, 291
IRIS_RINGS = ((469, 470, 471, 472), (474, 475, 476, 477))
# The forehead-chin line of the mesh leans back relative to the facing direction.
PITCH_OFFSET_DEG = 0.0


@dataclass(frozen=True)
class CameraModel:
    """Pinhole camera at working resolution; ``focal_px`` is calibratable per site."""

    width: int
    height: int
    focal_px: float

    @classmethod
    def from_fov(cls, width: int, height: int, focal_length_px: float = 0.0,
                 hfov_deg: float = 60.0) -> "CameraModel":
        """Use the calibrated focal length, or estimate it from the horizontal field of view."""
        if focal_length_px > 0:
            return cls(width, height, focal_length_px)
        return cls(width, height, (width / 2) / math.tan(math.radians(hfov_deg) / 2))

    def distance_m(self, size_px: float, size_m: float) -> float:
        return self.focal_px * size_m / max(size_px, 1e-6)

    def angles_deg(self, u: float, v: float) -> tuple[float, float]:
        """Horizontal/vertical angle of pixel (u, v) from the optical axis (right/down positive)."""
        return (math.degrees(math.atan((u - self.width / 2) / self.focal_px)),
                math.degrees(math.atan((v - self.height / 2) / self.focal_px)))


@dataclass(frozen=True)
class HeadPose:
    """Head rotation in degrees: yaw > 0 turned to image right, pitch > 0 up, roll > 0 clockwise."""

    yaw: float
    pitch: float
    roll: float


@dataclass(frozen=True)
class Observation:
    """One face in one frame; no pixels, no identity features."""

    box: tuple[float, float, float, float]  # x, y, w, h in frame pixels
    score: float
    distance_m: float
    distance_source: str  # "iris", "face" or "box"
    pose: HeadPose | None  # None: no mesh on this frame
    attention: bool  # facing the screen
    mouth_open: float | None  # lip gap / mouth width

    @property
    def center(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2

    @property
    def size(self) -> float:
        return max(self.box[2], self.box[3])


def _norm(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-9 else v


def iris_diameter_px(points: np.ndarray) -> float | None:
    """Mean iris diameter of both eyes; each eye takes its larger axis (turning shrinks one)."""
    if len(points) < 478:
        return None
    sizes = []
    for a, b, c, d in IRIS_RINGS:
        horizontal = float(np.linalg.norm(points[a, :2] - points[c, :2]))
        vertical = float(np.linalg.norm(points[b, :2] - points[d, :2]))
        sizes.append(max(horizontal, vertical))
    return float(np.mean(sizes))


def face_width_px(points: np.ndarray) -> float:
    """Cheek-to-cheek length in 3D, so turning the head barely changes it."""
    return float(np.linalg.norm(points[LEFT_CHEEK] - points[RIGHT_CHEEK]))


def head_pose(points: np.ndarray) -> HeadPose:
    """Head rotation from the mesh's own 3D axes (cheek line and forehead-chin line)."""
    ex = _norm(points[LEFT_CHEEK] - points[RIGHT_CHEEK])
    down = points[CHIN] - points[FOREHEAD]
    ey = _norm(down - float(np.dot(down, ex)) * ex)
    normal = -np.cross(ex, ey)  # out of the face, toward the camera when facing it
    yaw = math.degrees(math.atan2(normal[0], -normal[2]))
    pitch = math.degrees(math.atan2(-normal[1], math.hypot(normal[0], normal[2]))) - PITCH_OFFSET_DEG
    roll = math.degrees(math.atan2(ex[1], ex[0]))
    return HeadPose(yaw, pitch, roll)


def mouth_openness(points: np.ndarray) -> float:
    """Inner-lip gap divided by mouth width: about 0 closed, 0.3+ wide open."""
    gap = float(np.linalg.norm(points[UPPER_LIP, :2] - points[LOWER_LIP, :2]))
    width = float(np.linalg.norm(points[MOUTH_LEFT, :2] - points[MOUTH_RIGHT, :2]))
    return gap / max(width, 1e-6)


def landmark_box(points: np.ndarray) -> tuple[float, float, float, float]:
    x0, y0 = points[:, 0].min(), points[:, 1].min()
    x1, y1 = points[:, 0].max(), points[:, 1].max()
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


def estimate_distance(camera: CameraModel, points: np.ndarray | None,
                      box: tuple[float, float, float, float]) -> tuple[float, str]:
    """Distance in metres: iris when it is big enough, else face width, else the detector box.

    Between ``IRIS_BLEND_PX`` the two mesh estimates are blended, so the value does not jump.
    """
    if points is None:
        return camera.distance_m(box[2], DETECTION_BOX_WIDTH_M), "box"
    by_face = camera.distance_m(face_width_px(points), FACE_WIDTH_M)
    iris = iris_diameter_px(points)
    if iris is None:
        return by_face, "face"
    lo, hi = IRIS_BLEND_PX
    w = min(max((iris - lo) / (hi - lo), 0.0), 1.0)
    distance = w * camera.distance_m(iris, IRIS_DIAMETER_M) + (1 - w) * by_face
    return distance, "iris" if w >= 0.5 else "face"


def is_attentive(pose: HeadPose | None, max_yaw_deg: float, max_pitch_deg: float) -> bool:
    """Facing the screen: head turned less than the limits (no pose: not attentive)."""
    return pose is not None and abs(pose.yaw) <= max_yaw_deg and abs(pose.pitch) <= max_pitch_deg


def observe(camera: CameraModel, box: tuple[float, float, float, float], score: float,
            points: np.ndarray | None, max_yaw_deg: float = 25.0,
            max_pitch_deg: float = 20.0) -> Observation:
    """Build an observation from a detector box and (if found) the face mesh points."""
    if points is not None:
        box = landmark_box(points)
    distance, source = estimate_distance(camera, points, box)
    pose = head_pose(points) if points is not None else None
    mouth = mouth_openness(points) if points is not None else None
    return Observation(box, score, distance, source, pose, is_attentive(pose, max_yaw_deg, max_pitch_deg), mouth)
