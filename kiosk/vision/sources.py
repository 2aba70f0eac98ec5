"""Frame sources: a camera, a video file or an image folder, behind one interface.

A source hands out frames in two steps, like ``cv2.VideoCapture``: :meth:`FrameSource.grab`
advances one frame and returns its timestamp (cheap: no decoding), and
:meth:`FrameSource.retrieve` decodes the grabbed frame as a BGR array at working resolution.
Skipped frames are never decoded. Timestamps are seconds: video time for files and folders,
``time.monotonic()`` for cameras. Frames are never written anywhere.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

import numpy as np

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp"}


class SourceError(Exception):
    """A source cannot be opened or read; the message names the device or file."""


class FrameSource(Protocol):
    name: str
    live: bool  # a device delivering frames in real time (not a file)

    def grab(self) -> float | None: ...
    def retrieve(self) -> np.ndarray | None: ...
    def close(self) -> None: ...


def fit(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Downscale (never upscale) to fit within width x height, keeping the aspect ratio."""
    import cv2

    h, w = frame.shape[:2]
    s = min(width / w, height / h)
    if s >= 1.0:
        return frame
    return cv2.resize(frame, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)


class _CaptureSource:
    """Common part of camera and video file: a ``cv2.VideoCapture``."""

    live = False

    def __init__(self, capture, name: str, width: int, height: int) -> None:
        self._cap = capture
        self.name = name
        self.width, self.height = width, height

    def retrieve(self) -> np.ndarray | None:
        ok, frame = self._cap.retrieve()
        return fit(frame, self.width, self.height) if ok and frame is not None else None

    def close(self) -> None:
        self._cap.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class CameraSource(_CaptureSource):
    """A camera by device index (OpenCV); asks the device for the working resolution."""

    live = True

    def __init__(self, index: int, width: int = 640, height: int = 480) -> None:
        import cv2

        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"camera {index}: cannot open the device (is it connected and free?)")
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        super().__init__(cap, f"camera {index}", width, height)

    def grab(self) -> float | None:
        return time.monotonic() if self._cap.grab() else None


class VideoFileSource(_CaptureSource):
    """A video file; timestamps are video time (frame index / fps)."""

    def __init__(self, path: str | Path, width: int = 640, height: int = 480) -> None:
        import cv2

        path = Path(path)
        if not path.is_file():
            raise SourceError(f"{path}: no such video file")
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            cap.release()
            raise SourceError(f"{path}: cannot open as a video (unknown format or damaged file)")
        fps = cap.get(cv2.CAP_PROP_FPS)
        if not fps or fps <= 0 or fps > 1000:
            cap.release()
            raise SourceError(f"{path}: the video has no valid frame rate")
        self.fps = float(fps)
        self._index = -1
        super().__init__(cap, str(path), width, height)

    def grab(self) -> float | None:
        if not self._cap.grab():
            return None
        self._index += 1
        return self._index / self.fps


class ImageFolderSource:
    """Images in a folder, in name order, shown at ``fps``; timestamps are index / fps."""

    live = False

    def __init__(self, folder: str | Path, fps: float = 10.0, width: int = 640, height: int = 480) -> None:
        folder = Path(folder)
        if not folder.is_dir():
            raise SourceError(f"{folder}: no such folder")
        if fps <= 0:
            raise SourceError(f"{folder}: fps must be positive, got {fps}")
        self.files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self.files:
            raise SourceError(f"{folder}: no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        self.name, self.fps = str(folder), fps
        self.width, self.height = width, height
        self._index = -1

    def grab(self) -> float | None:
        if self._index + 1 >= len(self.files):
            return None
        self._index += 1
        return self._index / self.fps

    def retrieve(self) -> np.ndarray | None:
        import cv2

        path = self.files[self._index]
        frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if frame is None:
            raise SourceError(f"{path}: cannot read the image")
        return fit(frame, self.width, self.height)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_source(spec: str, width: int = 640, height: int = 480, fps: float = 10.0) -> FrameSource | None:
    """Open what the site config's ``camera`` names: ``off`` (None), a device index, a video file
    or an image folder. Raises :class:`SourceError`."""
    spec = spec.strip()
    if spec.lower() in ("off", "none", ""):
        return None
    if spec.isdigit():
        return CameraSource(int(spec), width, height)
    path = Path(spec).expanduser()
    if path.is_dir():
        return ImageFolderSource(path, fps, width, height)
    return VideoFileSource(path, width, height)
