"""One frame at a time: detect, mesh, observe, track, pick the primary, run engagement.

:class:`VisionProcessor` is Qt-free and single-threaded; the worker (or a benchmark, or the
``kiosk watch`` command) feeds it frames. It decides its own rate (:meth:`VisionProcessor.wants`):
a low detection rate while nobody is there, every frame up to ``max_fps`` while someone is.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from kiosk.pipeline.events import EventBus
from kiosk.vision.detector import Detection, FaceDetector, FaceMeshTracker
from kiosk.vision.engagement import EngagementMachine, EngagementSettings, State, Transition
from kiosk.vision.observation import CameraModel, Observation, observe
from kiosk.vision.tracker import MATCH_RADIUS, PrimarySelector, Tracker, TrackState

DUPLICATE_RADIUS = 0.5  # two tracks closer than this many face sizes are one face


@dataclass
class FrameReport:
    """What one processed frame gave: no pixels, no landmarks."""

    t: float
    detected: bool  # the detector ran on this frame
    people: list[TrackState]
    primary: TrackState | None
    transitions: list[Transition]
    state: State
    ms: float = 0.0
    meshes: int = 0
    extra: dict = field(default_factory=dict)


class VisionProcessor:
    """Detector + per-face mesh + tracker + primary selection + engagement machine."""

    def __init__(self, config, bus: EventBus | None = None) -> None:
        """``config`` is a :class:`kiosk.config.VisionSection`."""
        self.cfg = config
        self.camera = CameraModel.from_fov(config.width, config.height, config.focal_length_px, config.fov_deg)
        self.detector = FaceDetector(full_range=True, min_confidence=config.min_face_confidence)
        self.tracker = Tracker(lost_after_s=0.5, max_yaw_deg=config.attention_yaw_deg,
                               max_pitch_deg=config.attention_pitch_deg)
        self.selector = PrimarySelector(switch_hold_s=config.switch_hold_s)
        self.machine = EngagementMachine(EngagementSettings.from_config(config), bus, self.camera,
                                         mirrored=config.mirrored)
        self._meshes: dict[int, FaceMeshTracker] = {}
        self._spare: list[FaceMeshTracker] = [FaceMeshTracker(config.min_face_confidence)]  # ready for the first face
        self._last_processed = -math.inf
        self._last_detect = -math.inf
        self._passes = 0

    # --- rate ---------------------------------------------------------------------------------
    @property
    def tracking(self) -> bool:
        return bool(self.tracker.tracks) or self.machine.state != State.IDLE

    def wants(self, t: float) -> bool:
        """Should the frame at source time ``t`` be processed (else skip it undecoded)?"""
        if self.tracking:
            return t - self._last_processed >= 1.0 / self.cfg.max_fps - 1e-3
        return t - self._last_detect >= 1.0 / self.cfg.idle_detect_hz - 1e-3

    def _detect_due(self, t: float) -> bool:
        if not self.tracker.tracks:
            return True
        return t - self._last_detect >= 1.0 / self.cfg.detect_hz - 1e-3

    # --- processing ---------------------------------------------------------------------------
    def process(self, bgr: np.ndarray, t: float) -> FrameReport:
        """Process one BGR frame at source time ``t``; the frame is not kept."""
        import cv2

        start = time.perf_counter()
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        self._scale_camera(rgb)
        self._last_processed = t
        seen: list[TrackState] = []
        meshed = 0
        # 1. follow the known faces with their mesh
        for tid, track in list(self.tracker.tracks.items()):
            mesh = self._meshes.get(tid)
            if mesh is None:
                continue
            points = mesh.landmarks(rgb, track.box)
            if points is not None:
                meshed += 1
                obs = self._observe(track.box, track.last.score, points)
                seen.append(self.tracker.update_track(tid, obs, t))
        # 2. look for faces (all of them at a low rate, or when nothing is followed)
        detected = self._detect_due(t)
        if detected:
            self._last_detect = t
            seen_ids = {s.id for s in seen}
            for det in self._detect(rgb):
                track = self._nearest_track(det)
                if track is not None and track.id in seen_ids:
                    continue  # the mesh already follows this face
                mesh = self._mesh_for(track.id if track else None)
                points = mesh.landmarks(rgb, det.box) if mesh else None
                meshed += points is not None
                obs = self._observe(det.box, det.score, points)
                state = self.tracker.update_track(track.id, obs, t) if track else self.tracker.new_track(obs, t)
                if track is None and mesh is not None:
                    self._meshes[state.id] = mesh
                elif mesh is not None and track is not None:
                    self._meshes.setdefault(track.id, mesh)
                seen_ids.add(state.id)
                seen.append(state)
        del rgb, bgr  # nothing of the image outlives this call
        for tid in self.tracker.prune(t) + self._duplicates():
            self._release(tid)
        people = self.tracker.current(t)
        primary = self.selector.select(people, t)
        transitions = self.machine.update(primary, t)
        return FrameReport(t, detected, people, primary, transitions, self.machine.state,
                           (time.perf_counter() - start) * 1000.0, meshed)

    def _detect(self, rgb: np.ndarray) -> list[Detection]:
        """Every other pass looks only at the frame's centre, which the detector then sees
        ``detect_zoom`` times larger: faces half the size (twice as far) are found there."""
        self._passes += 1
        zoom = self.cfg.detect_zoom
        if zoom <= 1.0 or self._passes % 2 == 1:
            return self.detector.detect(rgb)
        h, w = rgb.shape[:2]
        cw, ch = int(w / zoom), int(h / zoom)
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        found = self.detector.detect(np.ascontiguousarray(rgb[y0:y0 + ch, x0:x0 + cw]))
        return [Detection((x + x0, y + y0, bw, bh), d.score) for d in found for x, y, bw, bh in [d.box]]

    def _observe(self, box, score: float, points) -> Observation:
        return observe(self.camera, box, score, points, self.cfg.attention_yaw_deg, self.cfg.attention_pitch_deg)

    def _scale_camera(self, rgb: np.ndarray) -> None:
        """Keep the camera model in step with the actual frame size (focal length scales too)."""
        h, w = rgb.shape[:2]
        if w != self.camera.width:
            f = self.camera.focal_px * w / self.camera.width
            self.camera = CameraModel(w, h, f)
            self.machine.camera = self.camera

    def _nearest_track(self, det: Detection):
        best, best_d = None, MATCH_RADIUS
        for track in self.tracker.tracks.values():
            d = math.dist(det.center, track.last.center) / max(track.last.size, det.box[2], 1.0)
            if d <= best_d:
                best, best_d = track, d
        return best

    def _mesh_for(self, track_id: int | None) -> FaceMeshTracker | None:
        if track_id is not None and track_id in self._meshes:
            return self._meshes[track_id]
        if len(self._meshes) >= self.cfg.max_faces:
            return None
        return self._spare.pop() if self._spare else FaceMeshTracker(self.cfg.min_face_confidence)

    def _duplicates(self) -> list[int]:
        """Younger tracks sitting on the same face as an older one (meshes that converged)."""
        tracks = sorted(self.tracker.tracks.values(), key=lambda tr: tr.first_seen)
        dup = []
        for i, a in enumerate(tracks):
            for b in tracks[i + 1:]:
                if b.id not in dup and math.dist(a.last.center, b.last.center) < DUPLICATE_RADIUS * max(a.last.size, b.last.size):
                    dup.append(b.id)
        for tid in dup:
            self.tracker.drop(tid)
        return dup

    def _release(self, track_id: int) -> None:
        """Keep the ended track's mesh for the next face (building one takes ~0.1 s); its crop is
        always centred on a face, so its tracking state carries over harmlessly."""
        mesh = self._meshes.pop(track_id, None)
        if mesh is not None:
            self._spare.append(mesh)

    def close(self) -> None:
        for mesh in list(self._meshes.values()) + self._spare:
            mesh.close()
        self._meshes.clear()
        self._spare.clear()
        self.detector.close()
