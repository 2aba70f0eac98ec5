"""The 3D avatar: a glTF/GLB head loaded at run time by Qt Quick 3D, driven by the same parameter
vector as the 2D rig (head angles -> node rotation, blink/brows/mouth -> morph target weights).

Qt Quick 3D needs an OpenGL (or other RHI) context: :func:`gl_available` checks for one, and
:func:`create_avatar_view` falls back to the 2D :class:`~kiosk.avatar.widget.AvatarWidget` when
there is none or the avatar pack has no ``model3d``.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, QUrl
from PySide6.QtGui import QColor, QImage, QVector3D

from kiosk.avatar.none_guard import protect_none
from kiosk.avatar.make_head import VISEME_MIX, read_glb_json
from kiosk.avatar.params import AvatarParams

log = logging.getLogger(__name__)

QML = b"""
import QtQuick
import QtQuick3D
import QtQuick3D.AssetUtils

View3D {
    id: view
    environment: SceneEnvironment {
        objectName: "env"
        clearColor: "#f3ead7"
        backgroundMode: SceneEnvironment.Color
        antialiasingMode: SceneEnvironment.MSAA
        antialiasingQuality: SceneEnvironment.High
    }
    PerspectiveCamera { position: Qt.vector3d(0, 0.15, 8.2); fieldOfView: 30; clipNear: 0.05; clipFar: 100 }
    DirectionalLight { eulerRotation.x: -32; eulerRotation.y: -28; brightness: 1.5 }
    DirectionalLight { eulerRotation.x: 15; eulerRotation.y: 150; brightness: 0.55; color: "#ffe9c4" }
    DirectionalLight { eulerRotation.x: -80; brightness: 0.35 }
    Node {
        id: pivot
        objectName: "pivot"
        y: -0.25
        RuntimeLoader { id: loader; objectName: "loader" }
    }
}
"""


def gl_available() -> bool:
    """True when an OpenGL context can be created on this platform (needs a QGuiApplication)."""
    from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

    if QGuiApplication.instance() is None or QGuiApplication.platformName() in ("offscreen", "minimal"):
        return False
    ctx = QOpenGLContext()
    if not ctx.create():
        return False
    surface = QOffscreenSurface()
    surface.create()
    ok = ctx.makeCurrent(surface)
    if ok:
        ctx.doneCurrent()
    return ok


def gl_renderer() -> str:
    """The OpenGL renderer string (e.g. "llvmpipe (LLVM 15...)"), or "" without GL."""
    from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

    if QGuiApplication.instance() is None or QGuiApplication.platformName() in ("offscreen", "minimal"):
        return ""
    ctx, surface = QOpenGLContext(), QOffscreenSurface()
    surface.create()
    if not ctx.create() or not ctx.makeCurrent(surface):
        return ""
    try:
        return str(ctx.functions().glGetString(0x1F01) or "")  # GL_RENDERER
    finally:
        ctx.doneCurrent()


def is_software_gl(renderer: str) -> bool:
    return any(name in renderer.lower() for name in ("llvmpipe", "softpipe", "swrast", "software"))


def morph_names(glb: str | Path) -> list[tuple[str, str]]:
    """``(mesh name, target name)`` for every morph target, in file order."""
    out = []
    for mesh in read_glb_json(glb).get("meshes", []):
        prim = mesh.get("primitives", [{}])[0]
        targets = prim.get("targets", [])
        names = (mesh.get("extras") or {}).get("targetNames") or [f"target{i}" for i in range(len(targets))]
        out += [(mesh.get("name", ""), n) for n in names[: len(targets)]]
    return out


def morph_weights(p: AvatarParams) -> dict[str, float]:
    """Morph target weights (by target name, ``blink`` split per eye) for a parameter vector."""
    mix = VISEME_MIX.get(p.viseme, VISEME_MIX["X"])
    return {
        "lids_l/blink": 1.0 - p.eye_l_open,
        "lids_r/blink": 1.0 - p.eye_r_open,
        "browUpL": max(0.0, p.brow_l_y) + 0.6 * p.surprised,
        "browUpR": max(0.0, p.brow_r_y) + 0.6 * p.surprised,
        "browSad": max(0.0, -p.brow_form),
        "jawOpen": max(mix["jawOpen"], 0.8 * p.mouth_open),
        "mouthWide": mix["mouthWide"],
        "mouthRound": mix["mouthRound"],
        "smile": max(0.0, p.mouth_form) * (1.0 - 0.5 * mix["mouthRound"]),
        "frown": max(0.0, -p.mouth_form),
    }


class Avatar3D(QObject):
    """A Qt Quick 3D window showing a GLB head; :meth:`set_params` poses it.

    Use :attr:`window` directly (tests, offscreen renders) or embed it in widgets with
    ``QWidget.createWindowContainer(avatar.window)``.
    """

    def __init__(
        self, glb: str | Path, size: QSize = QSize(540, 960), background: str = "#f3ead7", antialias: bool | None = None
    ) -> None:
        """``antialias`` None: 4x MSAA on a GPU, none on software GL (it costs 2-3x the frame time)."""
        super().__init__()
        from PySide6.QtQml import QQmlComponent, QQmlEngine
        from PySide6.QtQuick import QQuickWindow

        os.environ.setdefault("QSG_RHI_BACKEND", "opengl")
        self.glb = Path(glb)
        self.window = QQuickWindow()
        self.window.setColor(QColor(background))
        self.window.resize(size)
        self._engine = QQmlEngine()
        comp = QQmlComponent(self._engine)
        comp.setData(QML, QUrl("avatar3d.qml"))
        root = comp.create()
        if root is None:
            raise RuntimeError("Qt Quick 3D scene failed: " + "; ".join(e.toString() for e in comp.errors()))
        self._component, self._root = comp, root
        root.setParent(self.window.contentItem())
        root.setParentItem(self.window.contentItem())
        root.setProperty("width", size.width())
        root.setProperty("height", size.height())
        self.window.widthChanged.connect(lambda w: root.setProperty("width", w))
        self.window.heightChanged.connect(lambda h: root.setProperty("height", h))
        env = root.findChild(QObject, "env")
        env.setProperty("clearColor", QColor(background))
        self.gl_renderer = gl_renderer()
        if antialias is None:
            antialias = not is_software_gl(self.gl_renderer)
        if not antialias:
            env.setProperty("antialiasingMode", 0)  # SceneEnvironment.NoAA
        self._pivot = root.findChild(QObject, "pivot")
        self._loader = root.findChild(QObject, "loader")
        self._loader.setProperty("source", QUrl.fromLocalFile(str(self.glb.resolve())))
        self._targets: dict[str, list[QObject]] = {}
        self._pupils: QObject | None = None
        self._pupil_base: QVector3D | None = None
        self._bind_targets()

    @property
    def error(self) -> str:
        msg = str(self._loader.property("errorString") or "")
        return "" if msg in ("", "Success!") else msg

    def _bind_targets(self) -> None:
        """Match the loader's MorphTarget objects to the names stored in the GLB (same order)."""
        root = self._loader.findChild(QObject, "RuntimeLoaderRoot") or self._loader
        morphs = [c for c in root.children() if c.metaObject().className() == "QQuick3DMorphTarget"]
        names = morph_names(self.glb)
        if len(morphs) != len(names):
            log.warning("%s: %d morph targets in the scene, %d in the file", self.glb, len(morphs), len(names))
        for obj, (mesh, target) in zip(morphs, names):
            key = f"{mesh}/{target}" if target == "blink" else target
            self._targets.setdefault(key, []).append(obj)
        self._pupils = self._loader.findChild(QObject, "pupils")
        if self._pupils is not None:
            self._pupil_base = self._pupils.property("position")

    @property
    def target_names(self) -> list[str]:
        return sorted(self._targets)

    def set_params(self, p: AvatarParams) -> None:
        """Pose the head: rotation, breathing, eyes, blink, brows and mouth."""
        protect_none()
        self._pivot.setProperty("eulerRotation", QVector3D(-p.head_y, p.head_x + 0.3 * p.body_x, -p.head_z))
        self._pivot.setProperty("y", -0.25 + 0.03 * p.breath + 0.05 * p.body_y)
        for key, weight in morph_weights(p).items():
            for obj in self._targets.get(key, []):
                obj.setProperty("weight", max(0.0, min(1.0, weight)))
        if self._pupils is not None and self._pupil_base is not None:
            b = self._pupil_base
            self._pupils.setProperty("position", QVector3D(b.x() + 0.06 * p.eye_ball_x, b.y() + 0.05 * p.eye_ball_y, b.z()))
        self.window.update()

    def grab(self) -> QImage:
        """Render now and return the frame (shows the window: hidden windows render only once)."""
        if not self.window.isVisible():
            self.show()
        return self.window.grabWindow()

    def show(self, timeout_s: float = 3.0) -> bool:
        """Show the window and wait until it is exposed (renders only happen then)."""
        from PySide6.QtCore import QCoreApplication

        self.window.show()
        deadline = time.monotonic() + timeout_s
        while not self.window.isExposed() and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.005)
        QCoreApplication.processEvents()
        return self.window.isExposed()


def create_avatar_view(avatar_dir: str | Path | None = None, parent: Any = None, prefer_3d: bool = True) -> Any:
    """The kiosk's avatar widget: 3D when the pack has ``model3d`` and GL works, else 2D."""
    from PySide6.QtWidgets import QWidget

    from kiosk import paths
    from kiosk.avatar.rig import load_rig
    from kiosk.avatar.widget import AvatarWidget

    folder = Path(avatar_dir or paths.default_avatar())
    widget2d = AvatarWidget(folder, parent)
    rig = widget2d.rig
    if not (prefer_3d and rig and rig.model3d and gl_available()):
        return widget2d
    try:
        load_rig(folder)
        avatar3d = Avatar3D(folder / rig.model3d, background=(rig.background or ("#f3ead7",))[0])
    except Exception:  # noqa: BLE001 - any 3D failure falls back to the 2D avatar
        log.exception("3D avatar unavailable; using 2D")
        return widget2d
    container = QWidget.createWindowContainer(avatar3d.window, parent)
    container.avatar3d = avatar3d  # type: ignore[attr-defined]
    container.animator = widget2d.animator  # type: ignore[attr-defined]

    def tick() -> None:
        avatar3d.set_params(widget2d.animator.update(time.monotonic()))

    from PySide6.QtCore import QTimer

    timer = QTimer(container)
    timer.timeout.connect(tick)
    timer.start(16)
    container.timer = timer  # type: ignore[attr-defined]
    widget2d.hide()
    return container
