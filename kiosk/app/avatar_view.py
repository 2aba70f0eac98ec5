"""The avatar on screen: the rigged :class:`kiosk.avatar.widget.AvatarWidget` when present, else a
drawn mascot.

Both are driven the same way: a mode (attract, listening, thinking, speaking), pipeline events
(expressions and gaze), and a viseme timeline read against the speech player's clock.
"""
from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from kiosk.app.theme import Theme

log = logging.getLogger(__name__)

MOUTH_OPEN = {"A": 0.05, "B": 0.25, "C": 0.55, "D": 0.9, "E": 0.5, "F": 0.3, "G": 0.2, "H": 0.45, "X": 0.0}
ATTRACT, LISTENING, THINKING, SPEAKING, ENGAGED = "attract", "listening", "thinking", "speaking", "engaged"


def cues_to_timeline(cues: list[dict], tail_s: float = 0.25) -> list[tuple[float, float, str]]:
    """Viseme cues ``[{"t", "v"}]`` (each lasting until the next) as ``(start, end, shape)``."""
    starts = [(float(c["t"]), str(c["v"])) for c in cues]
    return [(t, starts[i + 1][0] if i + 1 < len(starts) else t + tail_s, v) for i, (t, v) in enumerate(starts)]


class AvatarView(QWidget):
    """Animates at up to 30 fps on the GUI thread; each frame is a handful of cached blits."""

    def __init__(self, theme: Theme, clock: Callable[[], float] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.clock = clock or (lambda: 0.0)  # seconds of the current reply heard
        self.playing: Callable[[], bool] = lambda: self.speaking
        self.rigged: Any = None  # the AvatarWidget, once an avatar folder loaded
        self.folder: Path | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.mode = ATTRACT
        self.cues: list[tuple[float, str]] = []
        self.speaking = False
        self.gaze = (0.0, 0.0)  # -1..1, screen right / up
        self._gaze_target = (0.0, 0.0)
        self._wave_until = 0.0
        self._t0 = time.monotonic()
        self.frames = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    # -- avatars --------------------------------------------------------------------------
    def load(self, folder: Path, bus: Any = None) -> tuple[bool, str]:
        """Show the avatar in ``folder``; a broken one keeps the current avatar. (ok, message)."""
        try:
            from kiosk.avatar.widget import AvatarWidget
        except ImportError as exc:
            return False, f"avatar widget unavailable ({exc}); drawn mascot"
        if self.rigged is None:
            widget = AvatarWidget(folder, parent=self)
            if widget.rig is None:
                widget.deleteLater()
                return False, f"{folder}: avatar not loaded"
            if bus is not None:
                self._unsubscribe = widget.connect_bus(bus)
            self._layout.addWidget(widget)
            widget.start()
            self.rigged = widget
            self._timer.stop()
        else:
            problems = self.rigged.load_avatar(folder)
            if problems:
                return False, "; ".join(problems[:3])
        self.folder = Path(folder)
        return True, self.rigged.rig.display_name("en")

    def display_name(self, lang: str) -> str:
        return self.rigged.rig.display_name(lang) if self.rigged is not None and self.rigged.rig else ""

    def close_avatar(self) -> None:
        if self.rigged is not None:
            self.rigged.stop()
            if getattr(self, "_unsubscribe", None):
                self._unsubscribe()

    # -- control --------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        if mode == ATTRACT:
            self.gaze_at(0.0, 0.0)

    def wave(self, seconds: float = 2.4) -> None:
        self._wave_until = time.monotonic() + seconds
        if self.rigged is not None:
            self.rigged.animator.expressions.pulse("wave", 1.0, min(seconds, 1.8))
            self.rigged.animator.expressions.pulse("happy", 0.8, seconds)

    def gaze_at(self, x: float, y: float) -> None:
        """Look toward a point: x, y in -1..1 (screen right, up)."""
        self._gaze_target = (max(-1.0, min(1.0, x)), max(-1.0, min(1.0, y)))

    def start_speaking(self, cues: list[dict] | None = None) -> None:
        self.speaking = True
        if cues:
            self.set_cues(cues)
        self.set_mode(SPEAKING)

    def set_cues(self, cues: list[dict]) -> None:
        self.cues = [(float(c["t"]), str(c["v"])) for c in cues]
        if self.rigged is not None and cues:
            self.rigged.play_visemes(cues_to_timeline(cues), lambda: self.clock() if self.playing() else None)

    def stop_speaking(self) -> None:
        self.speaking = False
        self.cues = []
        if self.rigged is not None:
            self.rigged.stop_speaking()
        if self.mode == SPEAKING:
            self.set_mode(ENGAGED)

    # -- animation ------------------------------------------------------------------------
    def _tick(self) -> None:
        if not self.isVisible() or self.rigged is not None:
            return
        gx, gy = self.gaze
        tx, ty = self._gaze_target
        self.gaze = (gx + (tx - gx) * 0.2, gy + (ty - gy) * 0.2)
        self.frames += 1
        self.update()

    def viseme_now(self) -> str:
        if not self.speaking:
            return "X"
        if not self.cues:
            t = time.monotonic() - self._t0
            return "C" if math.sin(t * 14) > 0.2 else "B"
        pos = self.clock()
        current = "X"
        for start, vis in self.cues:
            if start > pos:
                break
            current = vis
        return current

    def params(self) -> dict[str, float | str]:
        """This frame's avatar parameters (names of :class:`kiosk.avatar.params.AvatarParams`)."""
        t = time.monotonic() - self._t0
        viseme = self.viseme_now()
        blink = 0.0 if (t % 4.2) < 0.12 else 1.0
        waving = time.monotonic() < self._wave_until
        arm = 0.75 + 0.25 * math.sin(t * 9) if waving else 0.0
        thinking = 1.0 if self.mode == THINKING else 0.0
        return {
            "head_x": self.gaze[0] * 14 + math.sin(t * 0.6) * 2, "head_y": self.gaze[1] * 8 + thinking * 6,
            "head_z": math.sin(t * 0.45) * 2 + thinking * 6, "body_y": math.sin(t * 1.6) * 0.3,
            "breath": 0.5 + 0.5 * math.sin(t * 1.6), "eye_l_open": blink, "eye_r_open": blink,
            "eye_ball_x": self.gaze[0], "eye_ball_y": self.gaze[1] + thinking * 0.6,
            "mouth_open": MOUTH_OPEN.get(viseme, 0.0), "viseme": viseme,
            "mouth_form": 0.6 if self.mode in (ATTRACT, ENGAGED, SPEAKING) else 0.3,
            "arm_r": arm, "happy": 0.6 if waving else 0.3, "thinking": thinking,
            "brow_l_y": 0.3 if self.mode == LISTENING else 0.0, "brow_r_y": 0.3 if self.mode == LISTENING else 0.0,
        }

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        if self.rigged is not None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_mascot(painter, self.params())
        painter.end()

    def _paint_mascot(self, p: QPainter, v: dict[str, float | str]) -> None:
        """A friendly round guide drawn with QPainter (until a rig is available)."""
        w, h = self.width(), self.height()
        s = min(w / 1.0, h / 1.25) / 420.0
        cx, cy = w / 2, h / 2 + float(v["body_y"]) * 4 * s
        accent = self.theme.qcolor("accent")
        skin, ink = QColor("#FBE3CF"), QColor("#3B2F2A")
        # body
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(accent)
        body = QRectF(cx - 120 * s, cy + 60 * s, 240 * s, 230 * s)
        p.drawRoundedRect(body, 110 * s, 110 * s)
        # arms (right arm waves)
        p.setPen(QPen(accent, 34 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(cx - 105 * s, cy + 120 * s), QPointF(cx - 150 * s, cy + 220 * s))
        raise_ = float(v["arm_r"])
        angle = math.radians(60 - 150 * raise_)
        shoulder = QPointF(cx + 105 * s, cy + 120 * s)
        hand = QPointF(shoulder.x() + math.cos(angle) * 110 * s, shoulder.y() + math.sin(angle) * 110 * s)
        p.drawLine(shoulder, hand)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(skin)
        p.drawEllipse(hand, 22 * s, 22 * s)
        # head
        p.save()
        p.translate(cx + float(v["head_x"]) * 1.5 * s, cy - 40 * s - float(v["head_y"]) * 1.2 * s)
        p.rotate(float(v["head_z"]))
        p.setBrush(skin)
        p.drawEllipse(QPointF(0, 0), 130 * s, 122 * s)
        p.setBrush(accent.darker(140))
        hair = QPainterPath()
        hair.moveTo(-128 * s, -10 * s)
        hair.cubicTo(-120 * s, -150 * s, 120 * s, -150 * s, 128 * s, -10 * s)
        hair.cubicTo(60 * s, -70 * s, -60 * s, -70 * s, -128 * s, -10 * s)
        p.drawPath(hair)
        # eyes
        for side, open_key in ((-1, "eye_l_open"), (1, "eye_r_open")):
            ex, ey = side * 48 * s, 10 * s
            openness = float(v[open_key])
            p.setBrush(QColor("white"))
            p.drawEllipse(QPointF(ex, ey), 24 * s, 26 * s * max(0.08, openness))
            if openness > 0.3:
                p.setBrush(ink)
                p.drawEllipse(QPointF(ex + float(v["eye_ball_x"]) * 9 * s, ey - float(v["eye_ball_y"]) * 8 * s), 12 * s, 13 * s)
                p.setBrush(QColor("white"))
                p.drawEllipse(QPointF(ex + float(v["eye_ball_x"]) * 9 * s + 4 * s, ey - float(v["eye_ball_y"]) * 8 * s - 5 * s), 4 * s, 4 * s)
            p.setPen(QPen(ink, 5 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            brow = -30 * s - float(v["brow_l_y" if side < 0 else "brow_r_y"]) * 10 * s
            p.drawLine(QPointF(ex - 18 * s, brow), QPointF(ex + 18 * s, brow - 3 * s))
            p.setPen(Qt.PenStyle.NoPen)
        # cheeks
        p.setBrush(QColor(240, 130, 130, int(60 + 80 * float(v["happy"]))))
        p.drawEllipse(QPointF(-82 * s, 50 * s), 20 * s, 12 * s)
        p.drawEllipse(QPointF(82 * s, 50 * s), 20 * s, 12 * s)
        # mouth
        mouth_open = float(v["mouth_open"])
        if mouth_open > 0.04:
            p.setBrush(QColor("#8E2F2F"))
            p.drawEllipse(QPointF(0, 62 * s), 26 * s * (1.0 - 0.3 * (v["viseme"] in "EF")), 4 * s + 26 * s * mouth_open)
        else:
            p.setPen(QPen(ink, 5 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            smile = QPainterPath(QPointF(-24 * s, 58 * s))
            smile.quadTo(QPointF(0, 58 * s + 22 * s * float(v["mouth_form"])), QPointF(24 * s, 58 * s))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(smile)
        p.restore()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(420, 520)
