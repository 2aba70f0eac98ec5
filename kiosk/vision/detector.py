"""MediaPipe face detection and face mesh (with iris), run on the vision worker thread.

Models come inside the mediapipe wheel (``mediapipe.solutions``); nothing is downloaded.
Images are RGB ``uint8`` arrays at working resolution.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

MESH_CROP_PX = 256  # the face mesh sees a square crop around each face, scaled to this size
MESH_CROP_SCALE = 2.0  # crop side / face size


@dataclass(frozen=True)
class Detection:
    """A face found by the detector: box (x, y, w, h) in frame pixels and its score."""

    box: tuple[float, float, float, float]
    score: float

    @property
    def center(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2


def _solutions():
    from mediapipe.python.solutions import face_detection, face_mesh

    return face_detection, face_mesh


class FaceDetector:
    """MediaPipe face detection: full range (to about 5 m) or short range (within 2 m).

    ``max_side`` downscales the frame first: the model sees 128 or 192 pixels anyway, and a
    smaller input costs less to convert.
    """

    def __init__(self, full_range: bool = True, min_confidence: float = 0.5, max_side: int = 640) -> None:
        face_detection, _ = _solutions()
        self._model = face_detection.FaceDetection(model_selection=1 if full_range else 0,
                                                   min_detection_confidence=min_confidence)
        self._max_side = max_side

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        import cv2

        h, w = rgb.shape[:2]
        image = rgb
        if max(h, w) > self._max_side:
            s = self._max_side / max(h, w)
            image = cv2.resize(rgb, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
        result = self._model.process(image)
        found = []
        for d in result.detections or []:
            b = d.location_data.relative_bounding_box
            found.append(Detection((b.xmin * w, b.ymin * h, b.width * w, b.height * h), float(d.score[0])))
        return found

    def close(self) -> None:
        self._model.close()


class FaceMeshTracker:
    """Face mesh (478 points with iris) on a crop that follows one face.

    One instance per tracked person: MediaPipe tracks the landmarks inside the crop between
    frames, and the crop is re-centred on the face each frame, so the face stays still in it.
    """

    def __init__(self, min_confidence: float = 0.5) -> None:
        _, face_mesh = _solutions()
        self._model = face_mesh.FaceMesh(static_image_mode=False, max_num_faces=1, refine_landmarks=True,
                                         min_detection_confidence=min_confidence,
                                         min_tracking_confidence=min_confidence)

    def landmarks(self, rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray | None:
        """Mesh points in frame pixels, shape (478, 3), or None when no face is found in the crop."""
        import cv2

        x, y, w, h = box
        side = max(w, h) * MESH_CROP_SCALE
        if side < 8:
            return None
        scale = MESH_CROP_PX / side
        cx, cy = x + w / 2, y + h / 2
        # frame -> crop: p' = scale * (p - (c - side/2))
        tx, ty = -scale * (cx - side / 2), -scale * (cy - side / 2)
        matrix = np.array([[scale, 0.0, tx], [0.0, scale, ty]], dtype=np.float64)
        crop = cv2.warpAffine(rgb, matrix, (MESH_CROP_PX, MESH_CROP_PX), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
        result = self._model.process(crop)
        if not result.multi_face_landmarks:
            return None
        lm = result.multi_face_landmarks[0].landmark
        pts = np.array([(p.x, p.y, p.z) for p in lm], dtype=np.float64) * MESH_CROP_PX
        pts[:, 0] = (pts[:, 0] - tx) / scale
        pts[:, 1] = (pts[:, 1] - ty) / scale
        pts[:, 2] = pts[:, 2] / scale
        return pts

    def close(self) -> None:
        self._model.close()
