"""The avatar on screen: a QWidget that animates at the display refresh rate.

Drivers run every frame on the GUI thread (they are cheap and never wait); rasterising parts for a
new size (10–35 ms) runs on a worker thread while the parts of the old size are drawn scaled.
Pipeline events reach the widget through :meth:`AvatarWidget.connect_bus`, which hops to the GUI
thread with a signal.
"""
from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from kiosk import paths
from kiosk.avatar.drivers import Animator, PositionFn, Viseme
from kiosk.avatar.mirror import face_params
from kiosk.avatar.none_guard import protect_none
from kiosk.avatar.params import AvatarParams
from kiosk.avatar.renderer2d import Renderer2D
from kiosk.avatar.rig import Rig, RigHolder
from kiosk.pipeline.events import ErrorCode, EventBus, PipelineEvent, error_event

log = logging.getLogger(__name__)
_RASTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="avatar-raster")


def _rasterised(rig: Rig, size: QSize) -> Renderer2D:
    """A renderer with every part rasterised for ``size`` (worker thread)."""
    renderer = Renderer2D(rig)
    try:
        renderer.prepare(size)
    finally:
        renderer.release_sources()  # Qt SVG objects are freed on the thread that made them
    return renderer


class _Bridge(QObject):
    event = Signal(object)


class AvatarWidget(QWidget):
    """Draws a 2D avatar pack and brings it to life.

    Public API: :meth:`load_avatar`, :meth:`set_params`, :meth:`set_gaze`, :meth:`clear_gaze`,
    :meth:`play_visemes`, :meth:`stop_speaking`, :meth:`on_event`, :meth:`connect_bus`,
    :meth:`set_mirror`, :meth:`feed_landmarks`, :meth:`grab_frame`.
    """

    avatarChanged = Signal(str)  # folder of the avatar now shown
    avatarRejected = Signal(list)  # problems of a rig that was not loaded

    def __init__(
        self,
        avatar_dir: str | Path | None = None,
        parent: QWidget | None = None,
        seed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        bus: EventBus | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(120, 160)
        self.animator = Animator(seed)
        self._clock = clock
        self._holder = RigHolder()
        self._renderer: Renderer2D | None = None
        self._fixed: AvatarParams | None = None
        self._pending: tuple[QSize, Future] | None = None  # the rasterisation under way
        self._bus = bus
        self._bridge = _Bridge()
        self._bridge.event.connect(self.on_event, Qt.ConnectionType.QueuedConnection)
        self.params = AvatarParams()
        self.frame_count = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.tick)
        self._collect_timer = QTimer(self)  # looks for the worker's parts; owned, so it dies with us
        self._collect_timer.setInterval(5)
        self._collect_timer.timeout.connect(self._collect)
        problems = self.load_avatar(avatar_dir or paths.default_avatar())
        if problems:
            log.error("avatar not loaded:\n%s", "\n".join(problems))

    # --- avatar packs -----------------------------------------------------------------------------
    @property
    def rig(self) -> Rig | None:
        return self._holder.rig

    def load_avatar(self, folder: str | Path) -> list[str]:
        """Load an avatar pack; a broken one is reported and the current avatar stays."""
        problems = self._holder.load(folder)
        if problems:
            self.avatarRejected.emit(problems)
            if self._bus is not None:
                self._bus.publish(error_event(ErrorCode.AVATAR_INVALID, problems[0], problems=problems))
            return problems
        rig = self._holder.rig
        assert rig is not None
        if self._renderer is None:  # the background shows until the parts are ready
            self._renderer = Renderer2D(rig)
        if self._pending is not None:  # parts of the previous avatar are not wanted any more
            self._pending[1].cancel()
            self._pending = None
        self._request_prepare(self.size() if self.width() > 0 else QSize(540, 960))
        self.avatarChanged.emit(str(folder))
        self.update()
        return []

    def _request_prepare(self, size: QSize) -> None:
        """Rasterise parts for ``size`` on a worker thread; :meth:`_collect` swaps renderers.

        Rasterising takes 10–35 ms per size, a skipped frame or two on the GUI thread. No signal
        crosses threads: the worker only fills a Future, which this widget's own timer polls, so
        a widget deleted meanwhile is never called back.
        """
        rig = self._holder.rig
        if rig is None or size.isEmpty():
            return
        if self._pending is not None:
            if self._pending[0] == size:
                return
            self._pending[1].cancel()  # superseded; a started one finishes and is ignored
        self._pending = (QSize(size), _RASTER.submit(_rasterised, rig, QSize(size)))
        self._collect_timer.start()

    def _collect(self) -> None:
        """Adopt the worker's renderer once it is ready (GUI thread)."""
        if self._pending is None:
            self._collect_timer.stop()
            return
        size, future = self._pending
        if not future.done():
            return
        self._pending = None
        self._collect_timer.stop()
        try:
            renderer = future.result()
        except Exception:  # noqa: BLE001 - a bad part must not take the kiosk down
            log.exception("avatar rasterisation failed")
            return
        self._adopt_renderer(renderer, size)
        if self._renderer is not None and not self._renderer.is_prepared(self.size()):
            self._request_prepare(self.size())  # resized again while the worker ran

    def _adopt_renderer(self, renderer: Renderer2D, size: QSize) -> None:
        current = self._renderer
        fits = renderer.is_prepared(self.size())
        if renderer.rig is self._holder.rig and (
            fits or current is None or current.rig is not renderer.rig or not current.is_prepared(self.size())
        ):
            self._renderer = renderer  # parts for an old size never replace fitting ones
        self.update()

    def wait_ready(self, timeout_s: float = 10.0) -> bool:
        """Process events until parts for the current size are ready (tests, offscreen renders)."""
        from PySide6.QtCore import QCoreApplication

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.ready():
                return True
            r = self._renderer
            if r is not None and self._pending is None:
                self._request_prepare(self.size())
            QCoreApplication.processEvents()
            self._collect()
            time.sleep(0.005)
        return self.ready()

    def ready(self) -> bool:
        """The current avatar's parts are rasterised for the widget's size."""
        r = self._renderer
        return r is not None and r.rig is self._holder.rig and r.is_prepared(self.size())

    # --- driving --------------------------------------------------------------------------------
    def start(self) -> None:
        """Animate at the screen's refresh rate."""
        screen = self.screen()
        hz = screen.refreshRate() if screen is not None else 60.0
        self._timer.start(max(4, int(1000 / (hz if hz > 1 else 60.0))))

    def stop(self) -> None:
        self._timer.stop()

    def tick(self) -> None:
        """Advance the drivers to now and schedule a repaint."""
        protect_none()
        self.params = self._fixed or self.animator.update(self._clock())
        self.update()

    def set_params(self, params: AvatarParams | None) -> None:
        """Show exactly these parameters (drivers paused); None gives control back to the drivers."""
        self._fixed = params.clamped() if params is not None else None
        if params is not None:
            self.params = self._fixed  # type: ignore[assignment]
        self.update()

    def set_gaze(self, x: float, y: float) -> None:
        self.animator.set_gaze(x, y)

    def clear_gaze(self) -> None:
        self.animator.clear_gaze()

    def play_visemes(self, timeline: Sequence[Viseme], position: PositionFn) -> None:
        """Lip-sync ``[(start_s, end_s, 'A'..'H'|'X'), ...]`` to ``position()`` of the audio playing."""
        self.animator.play_visemes(timeline, position)

    def stop_speaking(self) -> None:
        self.animator.stop_speaking()

    def on_event(self, event: PipelineEvent) -> None:
        """React to a pipeline event (GUI thread). Use :meth:`connect_bus` from other threads."""
        self.animator.on_event(event)

    def connect_bus(self, bus: EventBus) -> Callable[[], None]:
        """Subscribe to a bus; events published on any thread are handled on the GUI thread."""
        self._bus = bus
        return bus.subscribe(self._bridge.event.emit)

    def set_mirror(self, enabled: bool) -> None:
        self.animator.mirror_enabled = enabled

    def feed_landmarks(self, landmarks: Any | None, image_size: tuple[int, int] = (640, 480)) -> None:
        """Face-mesh landmarks of the engaged visitor (any thread); None when the face is lost."""
        values = face_params(landmarks, image_size) if landmarks is not None else None
        self.animator.set_mirror_values(values, self._clock())

    # --- drawing --------------------------------------------------------------------------------
    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._renderer is not None and not self._renderer.is_prepared(self.size()):
            self._request_prepare(self.size())

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        if self._renderer is None:
            painter.fillRect(self.rect(), Qt.GlobalColor.black)
        else:
            self._renderer.paint(painter, self.size(), self.params, prepare=False)
        painter.end()
        self.frame_count += 1

    def grab_frame(self) -> Any:
        """The current frame as a QImage (for tests and screenshots)."""
        return self.grab().toImage()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(540, 960)
