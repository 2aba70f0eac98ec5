"""The venue map: floors and places drawn from the pack, the destination and route highlighted."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.app.route import Route, plan_route
from kiosk.app.theme import Theme
from kiosk.pack.model import VenuePack

LABELLED_KINDS = {"hall", "zone", "window", "room", "entrance", "desk"}
KIND_COLORS = {"hall": "#8E7CC3", "zone": "#4A90D9", "window": "#4A90D9", "room": "#7FA37F",
               "facility": "#9AA5B1", "entrance": "#5B8C5A", "desk": "#D4A017", "kiosk": "#333333"}
YOU_ARE_HERE = {"zh": "您在这里", "en": "You are here", "ko": "현재 위치"}
TAKE_LIFT = {"zh": "乘电梯到", "en": "Lift to", "ko": "엘리베이터로"}


def _pick(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


class MapView(QWidget):
    """Paints one panel per floor of the route (or the kiosk's floor when there is none)."""

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.pack: VenuePack | None = None
        self.lang = "zh"
        self.route: Route | None = None
        self.destinations: list[str] = []
        self._taken: list[QRectF] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(200)

    def set_pack(self, pack: VenuePack) -> None:
        self.pack = pack
        self.clear()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.update()

    def show_places(self, place_ids: list[str], lang: str) -> Route | None:
        """Highlight places; the route goes to the first one. Returns the route drawn."""
        self.lang = lang
        self.destinations = [p for p in place_ids if self.pack and p in self.pack.places]
        self.route = plan_route(self.pack, self.destinations[0]) if self.pack and self.destinations else None
        self.update()
        return self.route

    def clear(self) -> None:
        self.route, self.destinations = None, []
        self.update()

    # -- painting -------------------------------------------------------------------------
    def _floors_to_draw(self) -> list[str]:
        if self.route:
            return self.route.floors
        if self.pack and self.pack.venue.kiosk_place in self.pack.places:
            return [self.pack.places[self.pack.venue.kiosk_place].floor]
        return [self.pack.floors[0].id] if self.pack and self.pack.floors else []

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        if not self.pack:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        floors = self._floors_to_draw()
        rect = QRectF(self.rect()).adjusted(4, 4, -4, -4)
        n = max(1, len(floors))
        side_by_side = rect.width() >= rect.height() * 0.9
        gap = self.theme.px(16)
        for i, floor in enumerate(floors):
            if side_by_side:
                w = (rect.width() - gap * (n - 1)) / n
                panel = QRectF(rect.left() + i * (w + gap), rect.top(), w, rect.height())
            else:
                h = (rect.height() - gap * (n - 1)) / n
                panel = QRectF(rect.left(), rect.top() + i * (h + gap), rect.width(), h)
            self._paint_floor(painter, panel, floor, step=i + 1 if n > 1 else 0)
        painter.end()

    def _paint_floor(self, p: QPainter, panel: QRectF, floor_id: str, step: int) -> None:
        t, pack = self.theme, self.pack
        floor = next((f for f in pack.floors if f.id == floor_id), None)
        title_h = t.px(40)
        p.setFont(t.font(24, bold=True))
        p.setPen(t.qcolor("text"))
        title = _pick(floor.name, self.lang) if floor else floor_id
        if step:
            title = f"{step}. {title}"
        p.drawText(QRectF(panel.left() + 6, panel.top(), panel.width(), title_h),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        area = panel.adjusted(0, title_h + 4, 0, 0)
        p.setPen(QPen(t.qcolor("muted"), 2))
        p.setBrush(t.qcolor("map_floor"))
        p.drawRoundedRect(area, t.px(16), t.px(16))
        inner = area.adjusted(t.px(22), t.px(22), -t.px(22), -t.px(22))

        def at(pos: tuple[float, float]) -> QPointF:
            return QPointF(inner.left() + pos[0] * inner.width(), inner.top() + pos[1] * inner.height())

        leg = next((leg for leg in (self.route.legs if self.route else []) if leg.floor == floor_id), None)
        if leg and len(leg.points) > 1:
            path = QPainterPath(at(leg.points[0]))
            for pt in leg.points[1:]:
                path.lineTo(at(pt))
            pen = QPen(t.qcolor("map_route"), t.px(9), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        places = [pl for pl in pack.places.values() if pl.floor == floor_id]
        small = t.font(15)
        self._taken: list[QRectF] = []
        here = pack.places.get(pack.venue.kiosk_place)
        for pl in [pack.places[d] for d in self.destinations] + ([here] if here else []):
            if pl.floor == floor_id:  # keep room for the two important labels
                c = at(pl.position)
                self._taken.append(QRectF(c.x() - t.px(90), c.y() - t.px(50), t.px(180), t.px(100)))
        for pl in places:
            c = at(pl.position)
            is_dest = pl.id in self.destinations
            is_here = pl.id == pack.venue.kiosk_place
            is_leg_end = bool(leg) and pl.id in (leg.start, leg.end)
            if is_dest or is_here:
                continue
            r = t.px(9 if is_leg_end else 6)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(KIND_COLORS.get(pl.kind, "#9AA5B1")))
            p.drawEllipse(c, r, r)
            if pl.kind in LABELLED_KINDS or is_leg_end:
                p.setFont(small)
                p.setPen(t.qcolor("muted") if not is_leg_end else t.qcolor("text"))
                self._label(p, c, _short(_pick(pl.name, self.lang)), inner, r + 3)
        self._taken = []
        if here and here.floor == floor_id:
            self._marker(p, at(here.position), t.qcolor("accent"), YOU_ARE_HERE.get(self.lang, YOU_ARE_HERE["en"]), inner)
        for pid in self.destinations:
            dest = pack.places[pid]
            if dest.floor == floor_id:
                self._marker(p, at(dest.position), t.qcolor("map_route"), _pick(dest.name, self.lang), inner, pin=True)
        if leg and self.route and len(self.route.legs) > 1:
            first = leg is self.route.legs[0]
            lift_at = at(leg.points[-1] if first else leg.points[0])
            self._lift_marker(p, lift_at)
            if first:
                nxt = self.route.legs[1]
                floor_name = next((_pick(f.name, self.lang) for f in pack.floors if f.id == nxt.floor), nxt.floor)
                p.setFont(t.font(20, bold=True))
                p.setPen(t.qcolor("map_route"))
                self._taken = [r for r in self._taken if not r.contains(lift_at)]
                self._label(p, lift_at, f"{TAKE_LIFT.get(self.lang, TAKE_LIFT['en'])} {floor_name}", inner,
                            t.px(18), above=True) or self._label(p, lift_at, f"{TAKE_LIFT.get(self.lang, TAKE_LIFT['en'])} "
                                                                 f"{floor_name}", inner, t.px(18))

    def _lift_marker(self, p: QPainter, c: QPointF) -> None:
        """A lift: a rounded square with up and down arrows."""
        t = self.theme
        r = t.px(15)
        p.setPen(QPen(QColor("white"), t.px(3)))
        p.setBrush(t.qcolor("map_route"))
        p.drawRoundedRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), t.px(5), t.px(5))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("white"))
        a = r * 0.55
        for sign in (-1, 1):
            tip = QPointF(c.x(), c.y() + sign * a * 1.1)
            p.drawPolygon([tip, QPointF(c.x() - a * 0.7, c.y() + sign * a * 0.2), QPointF(c.x() + a * 0.7, c.y() + sign * a * 0.2)])

    def _marker(self, p: QPainter, c: QPointF, color: QColor, text: str, bounds: QRectF, pin: bool = False) -> None:
        t = self.theme
        r = t.px(16 if pin else 13)
        p.setPen(QPen(QColor("white"), t.px(4)))
        p.setBrush(color)
        p.drawEllipse(c, r, r)
        p.setFont(t.font(20, bold=True))
        p.setPen(color.darker(130) if not t.elderly else color)
        self._label(p, c, text, bounds, r + 4, above=pin)

    def _label(self, p: QPainter, c: QPointF, text: str, bounds: QRectF, offset: float, above: bool = False) -> bool:
        """Draw a label next to a point unless it would overlap one already drawn."""
        fm = p.fontMetrics()
        w, h = fm.horizontalAdvance(text) + 4, fm.height()
        x = min(max(c.x() - w / 2, bounds.left() - 10), bounds.right() + 10 - w)
        y = c.y() - offset - h if above else c.y() + offset
        if not above and y + h > bounds.bottom() + 18:
            y = c.y() - offset - h
        rect = QRectF(x, y, w, h)
        if any(rect.intersects(r) for r in self._taken):
            return False
        self._taken.append(rect.adjusted(-4, -2, 4, 2))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return True


def _short(name: str, limit: int = 14) -> str:
    """Map labels stay short: the part before a colon / bracket, cut at ``limit`` characters."""
    for sep in ("「", ":", "（", "("):
        if sep in name and name.index(sep) > 1:
            name = name[: name.index(sep)]
    name = name.strip()
    return name if len(name) <= limit else name[: limit - 1] + "…"
