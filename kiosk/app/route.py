"""Routes on the venue map: from the kiosk to a place, on one floor or through a lift."""
from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.pack.model import Place, VenuePack

LIFT_WORDS = ("elevator", "lift", "电梯", "升降梯", "엘리베이터")
STAIR_WORDS = ("escalator", "stair", "扶梯", "楼梯", "계단")

Point = tuple[float, float]


@dataclass
class Leg:
    """One floor's part of a route: points in map units (0..1), from start to end."""

    floor: str
    points: list[Point]
    start: str  # place id where this leg starts
    end: str  # place id where it ends (the destination, or a lift)


@dataclass
class Route:
    destination: str
    legs: list[Leg] = field(default_factory=list)

    @property
    def floors(self) -> list[str]:
        return [leg.floor for leg in self.legs]


def _is_connector(place: Place, words: tuple[str, ...]) -> bool:
    text = " ".join([place.id, place.kind, *place.name.values(), *(a for v in place.aliases.values() for a in v)])
    return any(w in text.lower() for w in words)


def connectors(pack: VenuePack, floor: str) -> list[Place]:
    """Lifts on a floor, else stairs and escalators (a lift first: step-free for everyone)."""
    on_floor = [p for p in pack.places.values() if p.floor == floor]
    lifts = [p for p in on_floor if _is_connector(p, LIFT_WORDS)]
    return lifts or [p for p in on_floor if _is_connector(p, STAIR_WORDS)]


def _dist(a: Point, b: Point) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def walk(a: Point, b: Point) -> list[Point]:
    """An L-shaped path along the corridors (first along y, then along x)."""
    if abs(a[0] - b[0]) < 0.02 or abs(a[1] - b[1]) < 0.02:
        return [a, b]
    return [a, (a[0], b[1]), b]


def plan_route(pack: VenuePack, destination: str, origin: str | None = None) -> Route | None:
    """Route from ``origin`` (default: where the kiosk stands) to ``destination``; None if unknown."""
    origin = origin or pack.venue.kiosk_place
    start, end = pack.places.get(origin), pack.places.get(destination)
    if start is None or end is None:
        return None
    route = Route(destination)
    if start.floor == end.floor:
        route.legs.append(Leg(start.floor, walk(start.position, end.position), start.id, end.id))
        return route
    here = connectors(pack, start.floor)
    if not here:  # no lift or stairs on the map: show the destination floor only
        route.legs.append(Leg(end.floor, [end.position], end.id, end.id))
        return route
    lift = min(here, key=lambda p: _dist(start.position, p.position) + _dist(p.position, end.position))
    there = connectors(pack, end.floor)
    # a lift shaft stands at the same spot on every floor when the map marks it on one floor only
    arrive = min(there, key=lambda p: _dist(lift.position, p.position)) if there else lift
    route.legs.append(Leg(start.floor, walk(start.position, lift.position), start.id, lift.id))
    route.legs.append(Leg(end.floor, walk(arrive.position, end.position), arrive.id, end.id))
    return route
