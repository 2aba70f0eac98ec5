"""Draws a 2D rig for one parameter vector with QPainter.

Every part is rasterised once per output scale (SVG through QSvgRenderer, PNG through QImage) and
kept as a premultiplied QImage, so a frame is only a few transformed image blits. Rendering into a
QImage needs no window and may run on any thread; one renderer must not be shared by threads.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QRadialGradient, QTransform
from PySide6.QtSvg import QSvgRenderer

from kiosk.avatar.params import AvatarParams
from kiosk.avatar.none_guard import protect_none
from kiosk.avatar.rig import Condition, Part, Rig

STROKE_PAD = 10.0  # canvas units of margin around an SVG element for strokes and soft edges
POSE_STEP = 0.004  # quantum of rotation/scale matrix entries for cached posed parts (~0.23 degrees)


@dataclass
class _Sprite:
    image: QImage
    origin: QPointF  # canvas position of the image's top-left pixel


@dataclass
class PartPose:
    """Where a part is drawn this frame."""

    world: QTransform
    opacity: float
    visible: bool


def _condition_holds(cond: Condition, params: AvatarParams) -> bool:
    if cond.param == "viseme":
        return params.viseme in cond.is_
    value = params.value(cond.param)
    return (cond.min is None or value >= cond.min) and (cond.max is None or value <= cond.max)


def local_transform(part: Part, params: AvatarParams, parallax: tuple[float, float]) -> tuple[QTransform, float]:
    """The part's transform relative to its parent, and its own opacity factor."""
    rotate = ox = oy = 0.0
    sx = sy = 1.0
    opacity = part.opacity
    for b in part.bind:
        v = b.evaluate(params.value(b.param))
        if b.prop == "rotate":
            rotate += v
        elif b.prop == "x":
            ox += v
        elif b.prop == "y":
            oy += v
        elif b.prop in ("scale", "scale_x", "scale_y"):
            f = v if b.keys else 1.0 + v
            if b.prop != "scale_y":
                sx *= f
            if b.prop != "scale_x":
                sy *= f
        elif b.prop == "opacity":
            opacity = opacity * v if b.keys else opacity + v
    if part.depth:
        ox += part.depth * parallax[0] * params.head_x / 30.0
        oy -= part.depth * parallax[1] * params.head_y / 30.0
    px, py = part.pivot
    m = QTransform.fromTranslate(-px, -py)
    m *= QTransform.fromScale(sx, sy)
    if rotate:
        m *= QTransform().rotate(rotate)
    m *= QTransform.fromTranslate(px + ox, py + oy)
    return m, max(0.0, min(1.0, opacity))


def solve_poses(rig: Rig, params: AvatarParams) -> dict[str, PartPose]:
    """World transform, opacity and visibility of every part (parents before children)."""
    poses: dict[str, PartPose] = {}
    by_id = {p.id: p for p in rig.parts}

    def pose_of(part: Part) -> PartPose:
        if part.id in poses:
            return poses[part.id]
        local, opacity = local_transform(part, params, rig.parallax)
        visible = all(_condition_holds(c, params) for c in part.show)
        if part.parent is not None:
            parent = pose_of(by_id[part.parent])
            local = local * parent.world
            opacity *= parent.opacity
            visible = visible and parent.visible
        poses[part.id] = PartPose(local, opacity, visible and opacity > 0.003)
        return poses[part.id]

    for part in rig.parts:
        pose_of(part)
    return poses


class Renderer2D:
    """Renders a :class:`Rig` at any output size; caches rasterised parts per scale."""

    def __init__(self, rig: Rig, cache_mb: int = 160) -> None:
        self.rig = rig
        self._svgs: dict[Path, QSvgRenderer] = {}
        self._scale = 0.0
        self._sprites: dict[str, _Sprite] = {}
        self._background: QImage | None = None
        self._posed_cache: OrderedDict[tuple, tuple[QImage, float, float]] = OrderedDict()
        self._posed_bytes = 0
        self.cache_bytes = cache_mb * 1024 * 1024

    # --- layout -------------------------------------------------------------------------------
    def view_transform(self, size: QSize) -> tuple[float, QTransform]:
        """Scale and placement of the canvas in an output of ``size`` (fit, centred)."""
        cw, ch = self.rig.canvas
        s = min(size.width() / cw, size.height() / ch)
        dx = (size.width() - cw * s) / 2
        dy = (size.height() - ch * s) / (1 if self.rig.align == "bottom" else 2)
        return s, QTransform(s, 0, 0, s, dx, dy)

    def prepare(self, size: QSize) -> None:
        """Rasterise every part for an output of ``size`` (no-op when already done)."""
        s, _ = self.view_transform(size)
        if not self._sprites or abs(s - self._scale) > 1e-6:
            self._scale = s
            self._posed_cache.clear()
            self._posed_bytes = 0
            self._sprites = {p.id: sp for p in self.rig.parts if p.image and (sp := self._rasterise(p, s))}
        if self._background is None or self._background.size() != size:
            self._background = self._paint_background(size)

    def release_sources(self) -> None:
        """Free the parsed SVG files (the rasterised parts stay); they are parsed again if needed."""
        self._svgs.clear()

    def _svg(self, path: Path) -> QSvgRenderer:
        if path not in self._svgs:
            r = QSvgRenderer(str(path))
            if not r.isValid():
                raise ValueError(f"{path}: not a valid SVG file")
            self._svgs[path] = r
        return self._svgs[path]

    def _rasterise(self, part: Part, s: float) -> _Sprite | None:
        file, _, element = (part.image or "").partition("#")
        path = self.rig.folder / file
        if path.suffix.lower() == ".png":
            return self._rasterise_png(part, path, s)
        svg = self._svg(path)
        if element:
            bounds = svg.transformForElement(element).mapRect(svg.boundsOnElement(element))
        else:
            vb = svg.viewBoxF()
            bounds = vb if not vb.isEmpty() else QRectF(0, 0, *self.rig.canvas)
        if bounds.isEmpty():
            return None
        pad = STROKE_PAD
        outer = bounds.adjusted(-pad, -pad, pad, pad)
        w, h = max(1, math.ceil(outer.width() * s)), max(1, math.ceil(outer.height() * s))
        img = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = QRectF(pad * s, pad * s, bounds.width() * s, bounds.height() * s)
        if element:
            svg.render(p, element, target)
        else:
            svg.render(p, target)
        p.end()
        return _Sprite(img, outer.topLeft())

    def _rasterise_png(self, part: Part, path: Path, s: float) -> _Sprite | None:
        src = QImage(str(path))
        if src.isNull():
            raise ValueError(f"{path}: not a readable PNG file")
        at = part.at or (0.0, 0.0)
        w_c, h_c = part.size or (float(src.width()), float(src.height()))
        img = src.scaled(
            max(1, round(w_c * s)), max(1, round(h_c * s)),
            Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation,
        ).convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        return _Sprite(img, QPointF(*at))

    def _paint_background(self, size: QSize) -> QImage:
        img = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        top, bottom = self.rig.background or ("#f4f1ea", "#d8d2c4")
        p = QPainter(img)
        g = QLinearGradient(0, 0, 0, size.height())
        g.setColorAt(0, QColor(top))
        g.setColorAt(1, QColor(bottom))
        p.fillRect(img.rect(), g)
        glow = QRadialGradient(QPointF(size.width() / 2, size.height() * 0.42), max(size.width(), size.height()) * 0.45)
        glow.setColorAt(0, QColor(255, 255, 255, 110))
        glow.setColorAt(1, QColor(255, 255, 255, 0))
        p.fillRect(img.rect(), glow)
        p.end()
        return img

    # --- drawing --------------------------------------------------------------------------------
    @property
    def prepared_scale(self) -> float:
        return self._scale

    def is_prepared(self, size: QSize) -> bool:
        return bool(self._sprites) and abs(self.view_transform(size)[0] - self._scale) <= 1e-6

    def paint(
        self,
        painter: QPainter,
        size: QSize,
        params: AvatarParams,
        background: bool = True,
        prepare: bool = True,
        exact: bool = False,
    ) -> None:
        """Draw one frame into ``painter`` whose device is ``size`` pixels.

        With ``prepare=False`` nothing is rasterised: parts cached for another size are scaled
        (a GUI thread uses this while a worker prepares the new size). ``exact`` transforms every
        rotated part while drawing instead of using the quantised pose cache (slower).
        """
        protect_none()  # PySide6 6.12 on CPython 3.11 leaks a None reference per void call
        if prepare:
            self.prepare(size)
        if background and self._background is None:
            self._background = self._paint_background(size)
        if background and self._background is not None:
            mode = painter.compositionMode()
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)  # a plain copy
            if self._background.size() == size:
                painter.drawImage(0, 0, self._background)
            else:
                painter.drawImage(QRectF(0, 0, size.width(), size.height()), self._background)
            painter.setCompositionMode(mode)
        if not self._sprites:
            return
        s, view = self.view_transform(size)
        poses = solve_poses(self.rig, params)
        inv = 1.0 / self._scale
        for part in self.rig.parts:
            sprite = self._sprites.get(part.id)
            pose = poses[part.id]
            if sprite is None or not pose.visible:
                continue
            t = QTransform(inv, 0, 0, inv, sprite.origin.x(), sprite.origin.y()) * pose.world * view
            image, x, y = self._posed(part.id, sprite, t, exact)
            painter.setOpacity(pose.opacity)
            if image is None:  # exact mode: transform while drawing
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.setTransform(t)
                painter.drawImage(0, 0, sprite.image)
                painter.setTransform(QTransform())
            else:  # a plain blit at whole pixels
                painter.drawImage(QPointF(round(x), round(y)), image)
        painter.setOpacity(1.0)

    def _posed(self, part_id: str, sprite: _Sprite, t: QTransform, exact: bool) -> tuple[QImage | None, float, float]:
        """The sprite as drawn under ``t`` and where its top-left goes.

        Rotations and scales are quantised (:data:`POSE_STEP`, about 0.23 degrees) and the
        transformed images kept in a bounded LRU cache, so the idle sway and head tilt cost blits.
        """
        if t.type().value <= QTransform.TransformationType.TxTranslate.value:
            return sprite.image, t.dx(), t.dy()
        if exact:
            return None, 0.0, 0.0
        q = [round(v / POSE_STEP) for v in (t.m11(), t.m12(), t.m21(), t.m22())]
        key = (part_id, *q)
        hit = self._posed_cache.get(key)
        if hit is None:
            lin = QTransform(q[0] * POSE_STEP, q[1] * POSE_STEP, q[2] * POSE_STEP, q[3] * POSE_STEP, 0, 0)
            img = sprite.image.transformed(lin, Qt.TransformationMode.SmoothTransformation)
            true = QImage.trueMatrix(lin, sprite.image.width(), sprite.image.height())
            hit = (img, true.dx(), true.dy())
            self._posed_cache[key] = hit
            self._posed_bytes += img.sizeInBytes()
            while self._posed_bytes > self.cache_bytes and len(self._posed_cache) > 1:
                _, (old, _, _) = self._posed_cache.popitem(last=False)
                self._posed_bytes -= old.sizeInBytes()
        else:
            self._posed_cache.move_to_end(key)
        img, ox, oy = hit
        return img, t.dx() - ox, t.dy() - oy

    def render(self, params: AvatarParams, size: QSize, background: bool = True) -> QImage:
        """One frame as a new QImage of ``size``."""
        img = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(0)
        p = QPainter(img)
        self.paint(p, size, params, background)
        p.end()
        return img

    def part_rect(self, part_id: str, params: AvatarParams, size: QSize) -> QRectF:
        """Where a part lands in the output (pixels) for ``params``: for tests and hit areas."""
        self.prepare(size)
        sprite = self._sprites[part_id]
        _, view = self.view_transform(size)
        pose = solve_poses(self.rig, params)[part_id]
        rect = QRectF(sprite.origin, QSize(sprite.image.width(), sprite.image.height()).toSizeF() / self._scale)
        return (pose.world * view).mapRect(rect)
