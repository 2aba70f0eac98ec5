"""The whole vision path on real faces: synthetic visitor videos written in the test from
scikit-image's astronaut photo, read back through the same sources a camera would use."""
from __future__ import annotations

import gc
import json
import subprocess
import sys

import cv2
import numpy as np
import pytest

import vision_fixtures as vf
from kiosk.config import VisionSection
from kiosk.pipeline.events import EventBus, EventType
from kiosk.vision.detector import FaceDetector, FaceMeshTracker
from kiosk.vision.processor import VisionProcessor
from kiosk.vision.sources import ImageFolderSource, SourceError, VideoFileSource, open_source
from kiosk.vision.worker import VisionWorker, run_source

FPS = 15.0
TOL = 0.45  # seconds: detection rate, smoothing lag and frame steps


def config(**over) -> VisionSection:
    values = dict(focal_length_px=vf.TEST_FOCAL_PX, notice_distance_m=3.0, engage_distance_m=1.5)
    values.update(over)
    return VisionSection(**values)


def rgb(faces) -> np.ndarray:
    return cv2.cvtColor(vf.compose(faces), cv2.COLOR_BGR2RGB)


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vision-videos")
    return {name: vf.write_video(folder / f"{name}.avi", getattr(vf, name)(), FPS)
            for name in ("approach_linger_leave", "turn_away", "two_visitors")}


def watch(path, cfg: VisionSection, bus: EventBus | None = None):
    processor = VisionProcessor(cfg, bus)
    reports = []
    source = open_source(str(path), cfg.width, cfg.height)
    try:
        run_source(source, processor, reports.append)
    finally:
        source.close()
        processor.close()
    transitions = [tr for r in reports for tr in r.transitions]
    return reports, transitions


# --- what MediaPipe sees on the astronaut ---------------------------------------------------------
@pytest.mark.parametrize("size", [130, 200, 300, 420])
def test_full_range_detector_finds_the_astronaut_at_kiosk_distances(size):
    det = FaceDetector()
    found = det.detect(rgb([vf.Face(300, 250, size)]))
    det.close()
    assert len(found) == 1
    cx, cy = found[0].center
    assert abs(cx - 300) < 0.15 * size and abs(cy - 250) < 0.25 * size
    assert 0.35 * size < found[0].box[2] < 0.7 * size


def test_no_face_on_an_empty_background_or_a_face_turned_edge_on():
    det = FaceDetector()
    assert det.detect(rgb([])) == []
    assert det.detect(rgb([vf.Face(320, 240, 300, 89.0)])) == []
    det.close()


def test_mesh_distance_falls_as_the_face_grows():
    from kiosk.vision.observation import CameraModel, observe

    cam = CameraModel(640, 480, vf.TEST_FOCAL_PX)
    distances = []
    for size in (150, 250, 400):
        frame = rgb([vf.Face(320, 240, size)])
        det, mesh = FaceDetector(), FaceMeshTracker()
        box = det.detect(frame)[0].box
        points = mesh.landmarks(frame, box)
        det.close(), mesh.close()
        assert points is not None and points.shape == (478, 3)
        distances.append(observe(cam, box, 1.0, points).distance_m)
    assert distances[0] > distances[1] > distances[2]
    assert distances[0] / distances[2] == pytest.approx(400 / 150, rel=0.2)
    # the fixture's size-to-distance rule agrees with the estimate
    assert distances[1] == pytest.approx(vf.DISTANCE_X_SIZE / 250, rel=0.12)


def test_roll_follows_an_in_plane_rotation():
    from kiosk.vision.observation import head_pose

    rolls = {}
    for angle in (-20, 0, 20):
        crop = vf.face_crop()
        m = cv2.getRotationMatrix2D((100, 100), angle, 1.0)
        rotated = cv2.warpAffine(crop, m, (200, 200), borderMode=cv2.BORDER_REFLECT)
        frame = cv2.cvtColor(vf.compose([vf.Face(320, 240, 300)], crop=rotated), cv2.COLOR_BGR2RGB)
        det, mesh = FaceDetector(), FaceMeshTracker()
        points = mesh.landmarks(frame, det.detect(frame)[0].box)
        det.close(), mesh.close()
        rolls[angle] = head_pose(points).roll
    # OpenCV turns counter-clockwise for positive angles; roll is clockwise-positive
    assert rolls[20] - rolls[0] == pytest.approx(-20, abs=6)
    assert rolls[-20] - rolls[0] == pytest.approx(20, abs=6)


# --- sequences ----------------------------------------------------------------------------------
def test_approach_linger_leave_events_in_order_and_on_time(videos):
    keys = vf.approach_linger_leave()
    bus = EventBus()
    reports, trs = watch(videos["approach_linger_leave"], config(), bus)
    assert [tr.state.value for tr in trs] == ["noticed", "engaged", "disengaging", "idle"]
    t = {tr.state.value: tr.t for tr in trs}
    assert t["noticed"] == pytest.approx(vf.crossing_time(keys, 3.0) + 0.3, abs=TOL)
    assert t["engaged"] == pytest.approx(vf.crossing_time(keys, 1.5) + 0.7, abs=TOL)
    assert t["disengaging"] == pytest.approx(vf.crossing_time(keys, 1.5 * 1.15, after=8.0, closer=False), abs=TOL)
    assert t["idle"] == pytest.approx(t["disengaging"] + 3.0, abs=0.1)
    assert trs[-1].data["farewell"] is True
    # lingering: one visitor, close and facing, all along
    linger = [r.primary for r in reports if 5.0 <= r.t <= 7.5]
    assert linger and all(p is not None and p.id == 1 and p.attention for p in linger)
    assert all(p.distance_m == pytest.approx(1.15, abs=0.15) for p in linger)
    # the same events reached the bus, with source time in the data
    bus_events = [e for e in bus.history() if e.type.value.startswith("visitor-")]
    assert [e.data["t"] for e in bus_events] == [round(tr.t, 3) for tr in trs]
    gaze = bus.history({EventType.GAZE_TARGET})
    assert gaze and all(0.0 <= g.data["x"] <= 1.0 for g in gaze if g.data["visitor"] is not None)


def test_low_rate_detection_while_nobody_is_there(videos):
    reports, _ = watch(videos["approach_linger_leave"], config(idle_detect_hz=2.0))
    empty_tail = [r for r in reports if r.t >= 12.5]  # idle, nobody in view
    assert empty_tail and not any(r.people for r in empty_tail)
    rate = len(empty_tail) / (16.0 - 12.5)
    assert rate == pytest.approx(2.0, abs=0.6)
    lingering = [r for r in reports if 5.0 <= r.t < 7.0]
    assert len(lingering) / 2.0 == pytest.approx(FPS, abs=1.0)  # every frame while someone is there


def test_face_turned_out_of_view_disengages_then_goes_idle(videos):
    keys = vf.turn_away()
    _, trs = watch(videos["turn_away"], config())
    assert [tr.state.value for tr in trs] == ["noticed", "engaged", "disengaging", "idle"]
    t = {tr.state.value: tr.t for tr in trs}
    assert t["engaged"] == pytest.approx(vf.crossing_time(keys, 1.5) + 0.7, abs=TOL)
    assert 6.0 < t["disengaging"] < 7.8  # during or just after the turn (6-7 s)
    assert t["idle"] == pytest.approx(t["disengaging"] + 3.0, abs=0.1)


def test_two_visitors_tracked_and_primary_switches_with_hysteresis(videos):
    reports, trs = watch(videos["two_visitors"], config())
    early = [r for r in reports if 1.0 <= r.t <= 3.0]
    assert all(len(r.people) == 2 for r in early)
    assert all(r.primary.x < 320 for r in early)  # A (left, nearer) is the primary
    ids = {p.id for r in reports for p in r.people}
    assert len(ids) == 2  # two identities for the whole video
    late = [r for r in reports if r.t >= 8.0]
    assert all(r.primary.x > 320 for r in late)  # B, now nearest, took over
    states = [(tr.state.value, tr.reason) for tr in trs]
    assert states[:2] == [("noticed", "approach"), ("engaged", "facing-near")]
    assert ("idle", "handover") in states and states[-1] == ("engaged", "facing-near")
    greeted = [tr.visitor for tr in trs if tr.state.value == "engaged"]
    assert len(set(greeted)) == 2
    # the switch waited: B was nearer by a margin for a while before taking over
    switch = next(r.t for r in reports if r.primary and r.primary.x > 320)
    nearer = next(r.t for r in reports if len(r.people) == 2 and
                  min(r.people, key=lambda p: p.distance_m).x > 320)
    assert switch - nearer >= 0.9


def test_image_folder_source_goes_through_the_same_path(tmp_path):
    keys = vf.approach_linger_leave()
    folder = vf.write_folder(tmp_path / "frames", keys, fps=10.0)
    source = ImageFolderSource(folder, fps=10.0)
    processor = VisionProcessor(config())
    reports = []
    run_source(source, processor, reports.append)
    processor.close()
    assert [tr.state.value for r in reports for tr in r.transitions] == ["noticed", "engaged", "disengaging", "idle"]


def _frame_sized_arrays() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, np.ndarray) and o.ndim == 3 and o.shape[:2] == (480, 640))


def test_frames_are_not_kept_after_processing(videos):
    before = _frame_sized_arrays()  # whatever other tests may hold
    processor = VisionProcessor(config())
    source = VideoFileSource(videos["approach_linger_leave"])
    assert run_source(source, processor) > 100
    source.close()
    assert _frame_sized_arrays() <= before
    processor.close()


# --- worker, sources, command -------------------------------------------------------------------
def test_worker_thread_publishes_status_engagement_and_gaze(videos):
    bus = EventBus(history=5000)
    cfg = config()
    worker = VisionWorker(cfg, bus, source=VideoFileSource(videos["approach_linger_leave"]), realtime=False)
    assert worker.start()
    worker.join(60)
    assert not worker.is_running()
    kinds = [e.type for e in bus.history() if e.type != EventType.GAZE_TARGET]
    assert kinds == [EventType.STATUS, EventType.VISITOR_NOTICED, EventType.VISITOR_ENGAGED,
                     EventType.VISITOR_DISENGAGING, EventType.VISITOR_IDLE, EventType.STATUS]
    status = bus.history({EventType.STATUS})
    assert status[0].data["camera"] == "on" and status[-1].data["camera"] == "off"
    assert len(bus.history({EventType.GAZE_TARGET})) > 20
    assert worker.processed > 100


def test_camera_off_opens_nothing_and_says_so():
    bus = EventBus()
    worker = VisionWorker(VisionSection(camera="off"), bus)
    assert worker.start() is False
    assert not worker.is_running()
    (status,) = bus.history()
    assert status.type == EventType.STATUS and status.data["camera"] == "off"


def test_missing_camera_is_reported_on_the_bus_and_retried():
    bus = EventBus()
    worker = VisionWorker(VisionSection(camera="57"), bus)  # no such device
    assert worker.start()
    import time

    deadline = time.monotonic() + 20
    while not bus.history({EventType.ERROR}) and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.stop()
    (err, *_) = bus.history({EventType.ERROR})
    assert err.data["code"] == "no-camera" and "camera 57" in err.data["message"]


def test_bad_sources_name_the_file(tmp_path):
    with pytest.raises(SourceError, match="nothing.avi: no such video file"):
        open_source(str(tmp_path / "nothing.avi"))
    junk = tmp_path / "junk.avi"
    junk.write_bytes(b"not a video at all" * 10)
    with pytest.raises(SourceError, match="junk.avi"):
        open_source(str(junk))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="no images"):
        open_source(str(tmp_path / "empty"))
    assert open_source("off") is None


def test_kiosk_watch_json_prints_events_and_seconds(videos, tmp_path):
    site = tmp_path / "site.toml"
    site.write_text("[vision]\nfocal_length_px = 1400.0\nnotice_distance_m = 3.0\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kiosk", "watch", "--video", str(videos["approach_linger_leave"]),
                          "--config", str(site), "--json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    events = [d for d in lines if "event" in d]
    assert [e["event"] for e in events] == ["noticed", "engaged", "disengaging", "idle"]
    assert all(isinstance(e["t"], float) for e in events) and events[1]["t"] < events[2]["t"]
    seconds = [d for d in lines if "event" not in d]
    assert [int(d["t"]) for d in seconds] == list(range(16))
    lingering = [d for d in seconds if 5 <= d["t"] < 8]
    assert all(d["primary"]["attention"] and d["primary"]["distance_m"] < 1.5 for d in lingering)


def test_kiosk_watch_reports_a_bad_video_and_bad_config(tmp_path):
    out = subprocess.run([sys.executable, "-m", "kiosk", "watch", "--video", str(tmp_path / "x.avi")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "x.avi: no such video file" in out.stderr
    site = tmp_path / "site.toml"
    site.write_text("[vision]\nengage_distance_m = 5.0\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kiosk", "watch", "--video", str(tmp_path / "x.avi"),
                          "--config", str(site)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and f"{site}:2: vision.engage_distance_m" in out.stderr


def test_centre_zoom_finds_a_visitor_too_small_for_the_full_frame(tmp_path):
    """At 640x480 with a 60 degree lens, a face 2.5 m away is about 25 px wide: the full-range
    detector misses it on the whole frame but finds it in the zoomed centre."""
    keys = [(0.0, [vf.Face(330, 215, 60)]), (3.0, [vf.Face(330, 215, 60)])]
    folder = vf.write_folder(tmp_path / "far", keys, fps=10.0)
    results = {}
    for zoom in (1.0, 2.0):
        processor = VisionProcessor(VisionSection(detect_zoom=zoom))  # default 60 degree camera
        reports = []
        run_source(ImageFolderSource(folder, fps=10.0), processor, reports.append)
        processor.close()
        results[zoom] = reports
    assert not any(r.people for r in results[1.0])
    seen = [r.primary for r in results[2.0] if r.primary is not None]
    assert seen and all(2.0 < p.distance_m < 3.5 for p in seen)
    assert [tr.state.value for r in results[2.0] for tr in r.transitions] == ["noticed"]


def test_moving_mouth_marks_the_talking_visitor(tmp_path):
    """Two visitors side by side; the left one's jaw opens and closes three times a second."""
    crop = vf.face_crop()
    mouths = [vf.open_mouth(crop, px) for px in (0, 4, 8, 12)]
    cycle = [0, 1, 2, 3, 2, 1]  # 15 fps / 6 frames = 2.5 openings a second

    def frame(i: int) -> np.ndarray:
        left = vf.compose([vf.Face(170, 240, 260)], crop=mouths[cycle[i % len(cycle)]])
        right = vf.compose([vf.Face(470, 240, 260)], crop=crop)
        left[:, 320:] = right[:, 320:]
        return left

    path = vf.write_frames(tmp_path / "talk.avi", (frame(i) for i in range(45)), FPS)
    reports, _ = watch(path, config())
    last = [r for r in reports if r.t >= 1.5]
    assert last and all(len(r.people) == 2 for r in last)
    by_side = {p.x < 320: p for p in last[-1].people}
    assert by_side[True].talking and not by_side[False].talking
    openness = [p.mouth_open for r in reports for p in r.people if p.x < 320]
    assert max(openness) - min(openness) > 0.1
