"""``kiosk selftest``: checks a kiosk's parts and prints a report a technician can read out.

Each check returns a :class:`Check` with a status: ``ok``, ``warn`` (works, but look at it),
``fail`` (the kiosk cannot do this), ``off`` (switched off in the site config) or ``n/a`` (the
part is not in this build). Checks import the kiosk's modules lazily and report a missing one as
``n/a``, so the self-test runs on any build. No camera frame or audio is written anywhere.
"""
from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from kiosk import paths
from kiosk.config import ConfigError, SiteConfig, load_config

OK, WARN, FAIL, OFF, NA = "ok", "warn", "fail", "off", "n/a"
LABELS = {OK: " OK ", WARN: "WARN", FAIL: "FAIL", OFF: "OFF ", NA: "N/A "}
DEFAULT_TIMEOUT_S = 60.0


@dataclass
class Check:
    name: str
    status: str
    detail: str
    seconds: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)


class CheckResult(Exception):
    """Raised inside a check to end it with a status (``fail`` unless told)."""

    def __init__(self, detail: str, status: str = FAIL, **data: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.data = status, detail, data


@dataclass
class Context:
    """What the checks share: the config, and what earlier checks found."""

    config: SiteConfig
    config_path: Path | None
    quick: bool = False
    pack: Any = None
    found: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    checks: list[Check]
    started: float = field(default_factory=time.time)
    config_path: str = ""

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAIL]

    @property
    def exit_code(self) -> int:
        """0: every check passed or only warned; 1: at least one failed."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "result": "fail" if self.failed else "ok",
            "exit_code": self.exit_code,
            "config": self.config_path,
            "build": build_info(),
            "checks": [asdict(c) for c in self.checks],
        }

    def format(self) -> str:
        info = build_info()
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.started))
        lines = [
            f"Kiosk self-test {when}  (kiosk {info['version']}, {info['kind']}, {info['platform']})",
            f"config: {self.config_path or '(none: defaults)'}",
        ]
        width = max((len(c.name) for c in self.checks), default=8)
        for c in self.checks:
            lines.append(f"  [{LABELS.get(c.status, c.status)}] {c.name:<{width}}  {c.detail}")
        warned = [c.name for c in self.checks if c.status == WARN]
        if self.failed:
            names = ", ".join(c.name for c in self.failed)
            lines.append(f"RESULT: FAIL - {len(self.failed)} problem(s): {names}. Exit code 1.")
        else:
            extra = f" ({len(warned)} warning(s): {', '.join(warned)})" if warned else ""
            lines.append(f"RESULT: OK{extra}. Exit code 0.")
        return "\n".join(lines)


def build_info() -> dict[str, str]:
    try:
        from importlib.metadata import version

        ver = version("kiosk")
    except Exception:  # noqa: BLE001 - a frozen build may carry no metadata
        ver = "0.1.0"
    return {
        "version": ver,
        "kind": "packaged build" if getattr(sys, "frozen", False) else "source checkout",
        "platform": f"{platform.system()} {platform.machine()}",
        "app_root": str(paths.app_root()),
    }


def optional_module(name: str) -> Any:
    """Import a kiosk module that may not be in this build; :class:`CheckResult` ``n/a`` if not."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise CheckResult(f"not available in this build ({name})", NA) from exc
        raise CheckResult(f"{name} needs a missing library: {exc.name}") from exc


def library(name: str) -> Any:
    """Import a third-party library; a clear ``fail`` if it is missing from the build."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise CheckResult(f"library {name} cannot be loaded: {exc}") from exc


# --- the checks ---------------------------------------------------------------------------------


def check_config(ctx: Context) -> tuple[str, str]:
    if ctx.config_path is None:
        return WARN, "no site config given (--config or KIOSK_CONFIG); using the defaults"
    cfg = ctx.config
    return OK, (f"{ctx.config_path}: venue {cfg.site.venue or '(default)'}, "
                f"languages {','.join(cfg.site.languages)}")


def check_data_dir(ctx: Context) -> tuple[str, str]:
    folder = paths.data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".selftest-", delete=True) as fh:
            fh.write(b"ok")
    except OSError as exc:
        raise CheckResult(f"{folder}: not writable ({exc.strerror})") from exc
    free_gb = shutil.disk_usage(folder).free / 1e9
    status = WARN if free_gb < 1.0 else OK
    return status, f"{folder} writable, {free_gb:.1f} GB free"


def check_pack(ctx: Context) -> tuple[str, str]:
    loader = optional_module("kiosk.pack.loader")
    root = ctx.config.venue_path()
    if not root.is_dir():
        raise CheckResult(f"{root}: venue pack folder not found (site.venue)")
    try:
        pack = loader.load_pack(root)
    except loader.PackError as exc:
        first = "; ".join(str(p) for p in exc.problems[:3])
        more = f" (+{len(exc.problems) - 3} more)" if len(exc.problems) > 3 else ""
        raise CheckResult(f"{root.name}: {len(exc.problems)} problem(s): {first}{more}") from exc
    ctx.pack = pack
    missing = [lang for lang in ctx.config.site.languages if lang not in pack.languages]
    detail = (f"{pack.id} v{getattr(pack.venue, 'version', '?')}: {len(pack.topics)} topics, "
              f"{len(pack.flows)} flows, languages {','.join(pack.languages)}")
    if missing:
        raise CheckResult(f"{detail}; site.languages asks for {','.join(missing)} which the pack lacks")
    return OK, detail


def _sample_question(pack: Any, lang: str) -> str | None:
    for topic in pack.topics:
        questions = topic.questions.get(lang) if isinstance(topic.questions, dict) else None
        if questions:
            return questions[0]
    return None


def check_dialog(ctx: Context) -> tuple[str, str]:
    """The dialog engine, built as the kiosk builds it, answers the pack's own example questions."""
    if ctx.pack is None:
        optional_module("kiosk.dialog.engine")
        raise CheckResult("skipped: no pack loaded", WARN)
    try:
        factory = importlib.import_module("kiosk.dialog.factory")
        engine, status = factory.build_engine(ctx.pack, ctx.config)
        matcher = status.matcher
    except ModuleNotFoundError:
        engine = optional_module("kiosk.dialog.engine").DialogEngine(ctx.pack)
        matcher = "default"
    answered = []
    for lang in ctx.config.site.languages:
        question = _sample_question(ctx.pack, lang)
        if question is None:
            continue
        session = engine.new_session()
        reply = session.handle(question, lang=lang, mode="text")
        session.reset()
        if reply.state != "answered":
            raise CheckResult(f"[{lang}] the pack's own question {question!r} got state {reply.state!r}")
        answered.append(f"{lang} {reply.confidence:.2f}")
    if not answered:
        raise CheckResult("the pack has no example questions to try", WARN)
    return OK, f"{matcher} matcher answers the pack's own questions ({', '.join(answered)})"


def check_avatar(ctx: Context) -> tuple[str, str]:
    rig_mod = optional_module("kiosk.avatar.rig")
    venue_avatar = getattr(getattr(ctx.pack, "venue", None), "avatar", None)
    folder = ctx.config.avatar_path() or (paths.avatars_dir() / venue_avatar if venue_avatar else paths.default_avatar())
    if not folder.exists():
        raise CheckResult(f"{folder}: avatar folder not found (site.avatar)")
    try:
        rig = rig_mod.load_rig(folder)
    except rig_mod.RigError as exc:
        first = "; ".join(exc.problems[:3])
        raise CheckResult(f"{folder.name}: {len(exc.problems)} problem(s): {first}") from exc
    return OK, f"{folder.name}: {rig.display_name('en')}, {len(rig.parts)} parts"


def bundled_model_dirs() -> list[Path]:
    """Vosk model folders shipped inside the build (``packaging/models/*`` at build time)."""
    folder = paths.app_root() / "models"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _model_lang(folder: Path) -> str | None:
    meta = folder / "kiosk-model.json"
    if meta.is_file():
        try:
            return json.loads(meta.read_text(encoding="utf-8")).get("lang")
        except (OSError, ValueError):
            return None
    try:
        from kiosk.speech.model_store import guess_lang
    except ImportError:
        return None
    return guess_lang(folder.name)


def resolve_model(ctx: Context, lang: str) -> Path | None:
    """The model folder for ``lang``: ``speech.models[lang]`` as a path, else the speech model
    store's choice (``kiosk.speech.model_store.resolve_model``), else a model bundled in the build."""
    value = ctx.config.speech.models.get(lang, "")
    if value:
        as_path = ctx.config._resolve(value)
        if as_path.is_dir():
            return as_path
    try:
        store = importlib.import_module("kiosk.speech.model_store")
    except ImportError:
        store = None
    if store is not None:
        try:
            return Path(store.resolve_model(lang, ctx.config.speech.models))
        except store.ModelError as exc:
            missing = str(exc)
    else:
        missing = f"no speech model for {lang!r}"
    for folder in bundled_model_dirs():
        if folder.name == value or (not value and _model_lang(folder) == lang):
            return folder
    if value:
        raise CheckResult(f"speech.models.{lang} = {value!r}: not found ({missing})")
    return None


def check_models(ctx: Context) -> list[Check]:
    """One check per site language: its Vosk model is found and loads."""
    checks = []
    speech_on = ctx.config.speech.enabled
    for lang in ctx.config.site.languages:
        name = f"model:{lang}"
        start = time.monotonic()
        try:
            if not speech_on:
                raise CheckResult("speech is switched off (speech.enabled = false)", OFF)
            folder = resolve_model(ctx, lang)
            if folder is None:
                raise CheckResult(f"no speech model for {lang}: touch and text only "
                                  f"(add one with `kiosk models add <zip> --lang {lang}`)", WARN)
            if ctx.quick:
                checks.append(Check(name, OK, f"{folder} (not loaded: --quick)", time.monotonic() - start))
                continue
            vosk = library("vosk")
            vosk.SetLogLevel(-1)
            try:
                model = vosk.Model(str(folder))
            except Exception as exc:  # noqa: BLE001 - vosk raises a bare Exception
                raise CheckResult(f"{folder}: Vosk cannot load it ({exc})") from exc
            recognizer = vosk.KaldiRecognizer(model, 16000)
            recognizer.AcceptWaveform(b"\0\0" * 1600)
            ctx.found[f"vosk:{lang}"] = model
            checks.append(Check(name, OK, f"loads: {folder.resolve()}", time.monotonic() - start))
        except CheckResult as res:
            checks.append(Check(name, res.status, res.detail, time.monotonic() - start, res.data))
    return checks


def _is_media_file(value: str) -> bool:
    return not value.isdigit() and value not in ("default", "off", "") and Path(value).suffix != ""


def check_camera(ctx: Context) -> tuple[str, str]:
    """One frame from the configured camera (or test video/folder), through the kiosk's own
    frame source, and one pass of the face detector over it. The frame stays in memory."""
    spec = ctx.config.vision.camera.strip()
    if spec.lower() in ("off", "none", ""):
        raise CheckResult("switched off (vision.camera = \"off\")", OFF)
    if not spec.isdigit():
        spec = str(ctx.config._resolve(spec))
    kind = f"device {spec}" if spec.isdigit() else f"file {Path(spec).name}"
    try:
        sources = importlib.import_module("kiosk.vision.sources")
    except ImportError:
        frame = _read_one_frame(library("cv2"), int(spec) if spec.isdigit() else spec)
    else:
        try:
            source = sources.open_source(spec, ctx.config.vision.width, ctx.config.vision.height)
        except sources.SourceError as exc:
            raise CheckResult(f"{kind}: {exc}") from exc
        try:
            frame = source.retrieve() if source.grab() is not None else None
        finally:
            source.close()
    if frame is None:
        raise CheckResult(f"{kind}: no picture (is the camera plugged in and free?)")
    height, width = frame.shape[:2]
    return OK, f"{kind}: {width}x{height}, face detector {_count_faces(frame)}"


def _read_one_frame(cv2: Any, source: Any) -> Any:
    """One frame, kept in memory only."""
    cap = cv2.VideoCapture(source)
    try:
        if not cap.isOpened():
            return None
        ok, frame = cap.read()
        return frame if ok else None
    finally:
        cap.release()


def _count_faces(frame: Any) -> str:
    """Runs the face detector once on the frame: proves MediaPipe's model files are there."""
    try:
        import cv2
    except ImportError as exc:
        return f"not loadable ({exc.name})"
    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    try:
        try:
            detector_mod = importlib.import_module("kiosk.vision.detector")
        except ImportError:
            import mediapipe as mp

            with mp.solutions.face_detection.FaceDetection(model_selection=1) as det:
                n = len(det.process(rgb).detections or [])
        else:
            detector = detector_mod.FaceDetector()
            try:
                n = len(detector.detect(rgb))
            finally:
                detector.close()
    except Exception as exc:  # noqa: BLE001 - report, do not crash the self-test
        return f"failed ({type(exc).__name__}: {exc})"
    return f"ok ({n} face{'s' if n != 1 else ''} in view)"


def check_microphone(ctx: Context) -> tuple[str, str]:
    """Listens through the kiosk's own audio source for a moment and reports the level; with a
    test file and a loaded model, also counts the words Vosk hears (the words are not shown)."""
    spec = ctx.config.speech.microphone.strip()
    if spec.lower() in ("off", "none", "") or not ctx.config.speech.enabled:
        raise CheckResult("switched off", OFF)
    is_file = _is_media_file(spec)
    if is_file:
        spec = str(ctx.config._resolve(spec))
    audio_mod = optional_module("kiosk.speech.audio_source")
    try:
        source = audio_mod.open_source(spec, 16000, 20, realtime=False) if is_file else audio_mod.open_source(spec)
    except audio_mod.AudioSourceError as exc:
        raise CheckResult(str(exc)) from exc
    seconds = 0.3 if ctx.quick else 1.0
    limit = None if is_file else int(seconds * 50)
    chunks: list[bytes] = []
    try:
        for frame in source.frames():
            chunks.append(frame)
            if limit is not None and len(chunks) >= limit:
                break
    finally:
        source.close()
    pcm = b"".join(chunks)
    if not pcm:
        raise CheckResult(f"{spec}: no audio arrived")
    level = _dbfs_pcm16(pcm)
    name = Path(spec).name if is_file else getattr(source, "device_name", spec)
    words = _count_words(ctx, pcm) if is_file else ""
    status = WARN if level < -70 else OK
    hint = " - silent: check the cable and mute switch" if status == WARN else ""
    return status, f"{name}: level {level:.0f} dBFS over {len(pcm) / 32000:.1f} s{hint}{words}"


def _dbfs_pcm16(pcm: bytes) -> float:
    import numpy as np

    x = np.frombuffer(pcm, dtype="<i2").astype("float64") / 32768.0
    rms = float(np.sqrt(np.mean(np.square(x)))) if x.size else 0.0
    return 20 * float(np.log10(max(rms, 1e-10)))


def _count_words(ctx: Context, pcm: bytes) -> str:
    """Recognise a test file with the first model that loaded; only the word count is reported."""
    loaded = [(k, v) for k, v in ctx.found.items() if k.startswith("vosk:")]
    if not loaded:
        return ""
    name, model = loaded[0]
    vosk = library("vosk")
    rec = vosk.KaldiRecognizer(model, 16000)
    rec.AcceptWaveform(pcm)
    text = json.loads(rec.FinalResult()).get("text", "")
    return f"; {name[5:]} model hears {len(text.split())} word(s)"


def check_speakers(ctx: Context) -> tuple[str, str]:
    source = ctx.config.speech.speaker.strip()
    if source == "off":
        raise CheckResult("switched off (speech.speaker = \"off\")", OFF)
    sd = library("sounddevice")
    device = _audio_device(sd, source, "output")
    return OK, f"{device['name']}: {device['max_output_channels']} ch (listen for the greeting to be sure)"


def _audio_device(sd: Any, source: str, kind: str) -> dict[str, Any]:
    try:
        if source in ("", "default"):
            info = sd.query_devices(kind=kind)
        else:
            info = sd.query_devices(int(source) if source.isdigit() else source, kind=kind)
    except Exception as exc:  # noqa: BLE001 - PortAudio raises ValueError/PortAudioError
        raise CheckResult(f"no {kind} device {source!r} ({str(exc).splitlines()[0]})") from exc
    return dict(info)


VOICE_CODES = {"zh": {"zh", "cmn", "yue"}, "en": {"en"}, "ko": {"ko"}}


def _voice_lang(value: Any) -> str:
    """pyttsx3's espeak driver gives languages as bytes like ``b'\\x05cmn'``; take the code."""
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return "".join(ch for ch in text if ch.isprintable()).strip().lower()


def check_tts(ctx: Context) -> tuple[str, str]:
    """The kiosk's voice renders a sentence in each site language (in memory only)."""
    if not ctx.config.speech.enabled:
        raise CheckResult("switched off", OFF)
    try:
        tts = importlib.import_module("kiosk.speech.tts")
    except ImportError:
        return _check_voices_pyttsx3(ctx)
    synth = tts.Synthesizer(rate=ctx.config.speech.tts_rate, volume=ctx.config.speech.tts_volume)
    spoken, missing = [], []
    for lang in ctx.config.site.languages:
        text = _venue_name(ctx, lang) or "Hello"
        try:
            speech = synth.render(text, lang)
        except tts.TtsError as exc:
            missing.append(f"{lang} ({exc})")
            continue
        if speech.duration_s <= 0:
            missing.append(f"{lang} (no sound)")
        else:
            spoken.append(f"{lang} {speech.duration_s:.1f} s")
    if not spoken:
        raise CheckResult(f"no language can be spoken: {'; '.join(missing)}")
    tail = f"; cannot speak {'; '.join(missing)}" if missing else ""
    return (WARN if missing else OK), f"speaks {', '.join(spoken)}{tail}"


def _venue_name(ctx: Context, lang: str) -> str:
    venue = getattr(ctx.pack, "venue", None)
    names = getattr(venue, "name", None)
    return names.get(lang, "") if isinstance(names, dict) else ""


def _check_voices_pyttsx3(ctx: Context) -> tuple[str, str]:
    pyttsx3 = library("pyttsx3")
    try:
        engine = pyttsx3.init()
        voices = engine.getProperty("voices") or []
    except Exception as exc:  # noqa: BLE001 - driver errors are plain exceptions
        raise CheckResult(f"speech engine does not start ({exc}); is espeak-ng installed?") from exc
    have = set()
    for voice in voices:
        langs = [_voice_lang(x) for x in (getattr(voice, "languages", None) or [])]
        langs.append(str(voice.id).rsplit("/", 1)[-1].lower())
        for lang in ctx.config.site.languages:
            if any(code.split("-")[0] in VOICE_CODES.get(lang, {lang}) for code in langs):
                have.add(lang)
    missing = [lang for lang in ctx.config.site.languages if lang not in have]
    status = WARN if missing else OK
    tail = f"; no voice for {','.join(missing)}" if missing else ""
    return status, f"{len(voices)} voices, {','.join(sorted(have)) or 'none'} covered{tail}"


def check_display(ctx: Context) -> tuple[str, str]:
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        raise CheckResult(f"Qt cannot be loaded: {exc}") from exc
    app = QApplication.instance()
    if app is None and not _display_reachable():
        raise CheckResult("no display in this session (ssh?): run the self-test on the kiosk's screen "
                          "to check it; the service itself starts its own display (cage)", WARN)
    if app is None:
        app = QApplication(["kiosk-selftest"])  # widgets-capable, like the kiosk's own
        ctx.found["qt_app"] = app  # keep it alive for the other checks
    screens = app.screens()
    if not screens:
        raise CheckResult(f"platform {app.platformName()}: no screen")
    first = screens[0].size()
    status = WARN if app.platformName() in ("offscreen", "minimal") else OK
    note = " (no real display: fine for a test, not for a kiosk)" if status == WARN else ""
    return status, f"{app.platformName()}: {len(screens)} screen(s), {first.width()}x{first.height()}{note}"


def _display_reachable() -> bool:
    """Qt aborts the process when it cannot open its platform: only try where one exists."""
    platform_name = os.environ.get("QT_QPA_PLATFORM", "")
    if platform_name.split(":")[0] in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def check_service(ctx: Context) -> tuple[str, str]:
    from kiosk.deploy.watchdog import Heartbeat

    hb = Heartbeat()
    if hb.socket_path:
        wd = f"watchdog every {hb.interval_s:.0f} s" if hb.watchdog_s else "no watchdog"
        return OK, f"under systemd (NOTIFY_SOCKET set, {wd})"
    return OK, "not started by the service manager (fine from a terminal)"


CHECKS: list[tuple[str, Callable[[Context], Any]]] = [
    ("config", check_config),
    ("data dir", check_data_dir),
    ("pack", check_pack),
    ("dialog", check_dialog),
    ("avatar", check_avatar),
    ("models", check_models),
    ("camera", check_camera),
    ("microphone", check_microphone),
    ("speakers", check_speakers),
    ("voice", check_tts),
    ("display", check_display),
    ("service", check_service),
]


def _run_one(name: str, func: Callable[[Context], Any], ctx: Context, timeout_s: float) -> list[Check]:
    """Run a check in a worker thread so a hung device cannot hang the report."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func(ctx)
        except CheckResult as res:
            box["value"] = Check(name, res.status, res.detail, data=res.data)
        except Exception as exc:  # noqa: BLE001 - any crash is a failed check, with its reason
            box["value"] = Check(name, FAIL, f"{type(exc).__name__}: {exc}")

    start = time.monotonic()
    if name == "display":  # Qt wants the thread that made its application object
        target()
    else:
        worker = threading.Thread(target=target, name=f"selftest-{name}", daemon=True)
        worker.start()
        worker.join(timeout_s)
        if worker.is_alive():
            return [Check(name, FAIL, f"no answer within {timeout_s:.0f} s (device hung?)", timeout_s)]
    elapsed = time.monotonic() - start
    value = box.get("value")
    if isinstance(value, list):
        return value
    if isinstance(value, Check):
        value.seconds = elapsed
        return [value]
    status, detail = value
    return [Check(name, status, detail, elapsed)]


def run_selftest(config_path: str | Path | None = None, *, only: list[str] | None = None,
                 skip: list[str] | None = None, quick: bool = False,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> Report:
    """Run every check (or ``only`` those, minus ``skip``) and return the report."""
    path = Path(config_path) if config_path else None
    report = Report([], config_path=str(path or ""))
    try:
        config = load_config(path)
    except ConfigError as exc:
        report.checks.append(Check("config", FAIL, str(exc).replace("\n", "; ")))
        config = SiteConfig()
        skip = [*(skip or []), "config"]
    ctx = Context(config=config, config_path=path, quick=quick)
    for name, func in CHECKS:
        if (only and name not in only) or (skip and name in skip):
            continue
        report.checks.extend(_run_one(name, func, ctx, timeout_s))
    return report


def check_names() -> list[str]:
    return [name for name, _ in CHECKS]


def default_config_path() -> Path | None:
    """``KIOSK_CONFIG``, else ``/etc/kiosk/site.toml`` (Linux) or ``%ProgramData%\\Kiosk\\site.toml``."""
    env = os.environ.get("KIOSK_CONFIG")
    if env:
        return Path(env)
    if sys.platform == "win32":
        candidate = Path(os.environ.get("ProgramData", r"C:\ProgramData")) / "Kiosk" / "site.toml"
    else:
        candidate = Path("/etc/kiosk/site.toml")
    return candidate if candidate.is_file() else None
