"""Putting the kiosk together: pack, dialog, speech, vision, avatar, window, heartbeat.

:func:`build_kiosk` returns a :class:`Kiosk` with its window shown but without running the Qt
event loop (tests, screenshots and the benchmark drive it); :func:`run` is ``kiosk run``.
"""
from __future__ import annotations

import gc
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk import paths
from kiosk.app.status import FAILED, OFF, OK, StatusBoard
from kiosk.config import SiteConfig
from kiosk.pipeline.events import EventBus, EventType

log = logging.getLogger(__name__)
# Worker threads running Python (dialog, QR codes, speech) keep the interpreter lock for 5 ms
# slices by default, and the GUI thread may wait for it after every Qt call that released it:
# showing one reply took 8-16 ms instead of 1-4 ms while a turn ran. Shorter slices bound the wait.
GIL_SWITCH_S = 0.001


@dataclass
class KioskOptions:
    venue: Path | None = None
    avatar: Path | None = None
    config: SiteConfig = field(default_factory=SiteConfig)
    windowed: bool = False
    size: tuple[int, int] | None = None  # window size; None: the screen (or 1080x1920 windowed)
    voice: bool = True  # start speech (TTS and, with a microphone and model, listening)
    vision: bool = True  # start the camera worker
    use_model: bool = True  # a trained intent model when one is current
    sink: Any = None  # a speech sink instead of the speaker (tests)
    audio_source: Any = None  # an audio source instead of the microphone (tests)
    frame_source: Any = None  # a frame source instead of the camera (tests)
    analytics: bool = True


@dataclass
class Kiosk:
    """Everything a running kiosk holds; :meth:`close` stops the workers."""

    app: Any
    window: Any
    bus: EventBus
    status: StatusBoard
    conversation: Any
    holder: Any
    options: KioskOptions
    bridge: Any = None
    voice: Any = None
    vision: Any = None
    heartbeat: Any = None
    recorder: Any = None
    avatar_folder: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    model_loaded: threading.Event = field(default_factory=threading.Event)  # the intent model tried
    _timers: list = field(default_factory=list)
    _switch_interval: float = 0.005  # the interpreter's, restored on close

    def __post_init__(self) -> None:
        """Short interpreter-lock slices while this kiosk runs (see :data:`GIL_SWITCH_S`)."""
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(GIL_SWITCH_S)

    def reload_pack(self) -> bool:
        """Reload the venue pack; a broken pack is reported and the working one stays."""
        from kiosk.dialog.factory import build_engine

        if not self.holder.reload():
            err = self.holder.last_error
            self.status.set("pack", FAILED, f"reload refused, kept v{self.holder.pack.venue.version}: "
                                            f"{str(err).splitlines()[1] if err else ''}")
            self.window.open_admin(self._info())
            return False
        engine, st = build_engine(self.holder.pack, self.options.config, self.options.use_model)
        self.conversation.replace_engine(engine).result(10)
        self.status.set("pack", OK, f"{engine.pack.id} v{engine.pack.venue.version}")
        self.status.set("intent", OK, st.message)
        if gc.get_freeze_count():  # free the old pack's cycles now (staff are waiting anyway), freeze the new
            gc.unfreeze()
            gc.collect()
            freeze_start_up_objects()
        self.window.apply_pack()
        self.window.start_warm_up()
        self.window.open_admin(self._info())
        return True

    def switch_avatar(self, folder: str) -> bool:
        """Show another avatar; a broken one is reported and the current one stays."""
        ok, message = self.window.avatar.load(Path(folder), self.bus) if folder else (False, "no avatar chosen")
        if not ok:
            self.status.set("avatar", FAILED, f"{message} (kept the current avatar)")
            self.window.admin.refresh()
            return False
        self.avatar_folder = Path(folder)
        self.conversation.mascot = self.window.avatar.display_name
        self.status.set("avatar", OK, f"{Path(folder).name}: {message}")
        self.window.admin.refresh()
        return True

    def set_volume(self, volume: float) -> None:
        if self.voice is not None:
            self.voice.set_volume(volume)

    def _info(self) -> str:
        pack = self.holder.pack
        return f"{pack.id} v{pack.venue.version} · {pack.root.name} · {len(pack.topics)} topics"

    def close(self) -> None:
        sys.setswitchinterval(self._switch_interval)
        gc.unfreeze()
        for timer in self._timers:
            timer.stop()
        if self.vision is not None:
            self.vision.stop(2.0)
        if self.voice is not None:
            self.voice.shutdown()
        self.conversation.shutdown()
        if self.recorder is not None:
            try:
                self.recorder.close()
            except Exception:  # noqa: BLE001
                pass
        if self.heartbeat is not None:
            self.heartbeat.stopping()
        self.window.avatar.close_avatar()
        if self.bridge is not None:
            self.bridge.close()
        self.window.shutdown()
        self.window.close()
        self.window.deleteLater()


def default_avatar_for(pack: Any) -> Path | None:
    """The venue's mascot (``avatar:`` in venue.yaml) when installed, else the default avatar."""
    name = getattr(pack.venue, "avatar", "") or ""
    if name and (paths.avatars_dir() / name).is_dir():
        return paths.avatars_dir() / name
    if name:
        log.warning("venue %s names avatar %r, which is not in %s", pack.id, name, paths.avatars_dir())
    return paths.default_avatar() if paths.default_avatar().is_dir() else None


def ensure_app() -> Any:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("kiosk")
    return app


def build_kiosk(options: KioskOptions) -> Kiosk:
    """Load the pack, start what exists of speech and vision, show the window. Raises PackError."""
    t0 = time.perf_counter()
    app = ensure_app()
    from kiosk.app.bridge import EventBridge
    from kiosk.app.conversation import Conversation
    from kiosk.app.theme import Theme, palette_for
    from kiosk.app.window import KioskWindow
    from kiosk.dialog.factory import build_engine
    from kiosk.pack.loader import PackHolder, load_pack

    cfg = options.config
    venue = options.venue or cfg.venue_path()
    pack = load_pack(venue)
    holder = PackHolder(pack)
    bus = EventBus()
    status = StatusBoard()
    status.set("pack", OK, f"{pack.id} v{pack.venue.version}")
    engine, engine_status = build_engine(pack, cfg, use_model=False)  # the model loads after the first frame
    status.set("intent", OK, engine_status.message)
    recorder = _recorder(cfg, pack.id, status) if options.analytics else None
    conversation = Conversation(engine, bus, recorder=recorder)
    bridge = EventBridge(bus)
    size = options.size or ((1080, 1920) if options.windowed else None)
    scale = min(size) / 1080 if size else 1.0
    theme = Theme(palette_for(pack.id), scale=scale)
    window = KioskWindow(conversation, bridge, status, theme, cfg.site.idle_timeout_s,
                         kiosk_mode=not options.windowed, pin_hash=cfg.site.admin_pin_hash)
    kiosk = Kiosk(app, window, bus, status, conversation, holder, options, bridge, recorder=recorder)
    _show(window, options, size)
    kiosk.timings["attract_s"] = time.perf_counter() - t0
    # the avatar, after the first frame: a rig rasterises in a few tens of ms
    avatar = options.avatar or cfg.avatar_path() or default_avatar_for(pack)
    if avatar is not None and not kiosk.switch_avatar(str(avatar)):
        log.warning("avatar %s not usable; the drawn mascot stands in", avatar)
    elif avatar is None:
        status.set("avatar", OFF, "no avatar folder; drawn mascot")
    window.reload_requested.connect(kiosk.reload_pack)
    window.avatar_requested.connect(kiosk.switch_avatar)
    window.volume_requested.connect(kiosk.set_volume)
    window.exit_requested.connect(app.quit)
    window.admin.set_avatars(kiosk.avatar_folder)
    window.admin.volume.setValue(int(cfg.speech.tts_volume * 100))
    window.start_warm_up()  # after the attract screen is up, a few ms per step
    _start_voice(kiosk)
    if options.use_model:
        _load_intent_model(kiosk)
    else:
        kiosk.model_loaded.set()
    _start_vision(kiosk)
    _start_heartbeat(kiosk)
    bus.emit(EventType.RUN_START, venue=pack.id, windowed=options.windowed)
    return kiosk


def _show(window: Any, options: KioskOptions, size: tuple[int, int] | None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QCursor
    from PySide6.QtWidgets import QApplication

    window.setWindowTitle("Kiosk")
    if size is None:
        screen = QApplication.primaryScreen()
        geometry = screen.geometry() if screen is not None else None
        portrait = geometry is None or geometry.height() >= geometry.width()
    else:
        portrait = size[1] >= size[0]
    window.set_orientation(portrait)  # before sizing: the portrait minimum is taller
    if options.windowed:
        window.resize(*size)
        window.show()
        return
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
    if size:
        window.resize(*size)
    window.showFullScreen()


def _recorder(cfg: SiteConfig, venue_id: str, status: StatusBoard) -> Any:
    try:
        from kiosk.analytics.recorder import Recorder
    except ImportError:
        status.set("analytics", OFF, "analytics package not installed")
        return None
    recorder = Recorder.from_config(cfg, venue_id)
    status.set("analytics", OK if recorder.enabled else OFF, str(recorder.db_path) if recorder.enabled else "disabled")
    return recorder


def _load_intent_model(kiosk: Kiosk) -> None:
    """Import the trained intent model (torch, transformers: seconds) on a worker thread once
    speech is up; the lexical matcher answers until then, and the running engine switches
    matcher so the visitor's session carries on."""
    from kiosk.dialog.factory import choose_matcher

    engine = kiosk.conversation.engine

    def load() -> None:
        voice = kiosk.voice
        deadline = time.monotonic() + 20.0  # speech first: both compete for the interpreter
        while voice is not None and time.monotonic() < deadline and not (
                voice.voice_ready.is_set() or voice.booted.is_set()):
            time.sleep(0.05)
        try:
            matcher, st = choose_matcher(engine.pack, kiosk.options.config)
        except Exception as exc:  # noqa: BLE001 - the lexical matcher keeps answering
            kiosk.status.set("intent", FAILED, f"lexical matcher (intent model failed: {exc})")
            return
        if matcher is not None and kiosk.conversation.engine is engine:
            _leave_a_core_for_the_screen()
            engine.matcher = matcher
        kiosk.status.set("intent", OK, st.message)
        kiosk.bus.emit(EventType.STATUS, component="intent", state=OK, detail=st.message)

    def work() -> None:
        try:
            load()
        finally:
            freeze_start_up_objects()
            kiosk.model_loaded.set()

    threading.Thread(target=work, name="kiosk-intent-model", daemon=True).start()


def freeze_start_up_objects() -> None:
    """Keep what start-up made (pack, models, Qt wrappers: about 450k objects) out of the cyclic
    garbage collector's full passes. A full pass over them holds the interpreter lock, and so
    the screen, for about 260 ms, at a moment set by allocations: in the middle of a turn."""
    gc.freeze()


def _leave_a_core_for_the_screen() -> None:
    """Model inference must not take every core from the GUI thread (a frame every 16 ms)."""
    torch = sys.modules.get("torch")
    if torch is not None:
        import os

        torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))


def _start_voice(kiosk: Kiosk) -> None:
    from kiosk.app.voice import VoiceService

    opts, window = kiosk.options, kiosk.window
    if not opts.voice:
        kiosk.status.set("tts", OFF, "voice disabled")
        kiosk.status.set("microphone", OFF, "voice disabled")
        return
    conv = kiosk.conversation
    voice = VoiceService(kiosk.bus, opts.config.speech, kiosk.status, conv.respond,
                         lambda: conv.engine.pack.languages, lambda lang: conv.engine.pack.vocabulary(lang),
                         sink=opts.sink, audio_source=opts.audio_source)
    conv.speaker = voice
    window.voice = voice
    window.avatar.playing = lambda: voice.speaking
    base_rate = opts.config.speech.tts_rate
    window.on_lang_change = voice.set_lang
    window.on_elderly_change = lambda on: voice.set_rate(base_rate * (0.8 if on else 1.0))
    kiosk.voice = voice
    voice.start(window.lang)


def _start_vision(kiosk: Kiosk) -> None:
    opts = kiosk.options
    if not opts.vision:
        kiosk.status.set("camera", OFF, "vision disabled")
        return
    try:
        from kiosk.vision.worker import VisionWorker
    except ImportError as exc:
        kiosk.status.set("camera", OFF, f"vision unavailable: {exc}")
        return
    worker = VisionWorker(opts.config.vision, kiosk.bus, source=opts.frame_source)
    if kiosk.recorder is not None and hasattr(kiosk.recorder, "attach"):
        kiosk.recorder.attach(kiosk.bus)
    kiosk.vision = worker
    if not worker.start():
        kiosk.status.set("camera", OFF, "camera = off")


def _start_heartbeat(kiosk: Kiosk) -> None:
    try:
        from kiosk.deploy.watchdog import Heartbeat
    except ImportError:
        kiosk.status.set("watchdog", OFF, "no watchdog module")
        return
    heartbeat = Heartbeat()
    kiosk.heartbeat = heartbeat
    kiosk._timers.append(heartbeat.start_qt_timer(kiosk.window))
    heartbeat.ready(f"kiosk {kiosk.holder.pack.id} ready")
    kiosk.status.set("watchdog", OK if heartbeat.enabled else OFF,
                     f"every {heartbeat.interval_s:.1f} s" if heartbeat.enabled else "no service manager")


def run(options: KioskOptions) -> int:
    """Build the kiosk and run the Qt event loop until staff exit."""
    kiosk = build_kiosk(options)
    try:
        return kiosk.app.exec()
    finally:
        kiosk.close()
