"""What the studio's forms show for each part of a pack, field by field."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from kiosk.pack.schema import PLACE_KINDS


@dataclass
class FieldSpec:
    """One field of a form. ``key`` may be nested ("kiosk.place"); ``kind`` picks the widget:
    id, str, int, bool, text, longtext, phrases, idlist, position, langs, group, kind, floor, place, list."""

    key: str
    kind: str
    label: str
    items: list["FieldSpec"] = field(default_factory=list)  # for kind "list"
    new_item: Callable[[list[str]], dict[str, Any]] | None = None
    item_label: str = "item"

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


def _blank(langs: list[str]) -> dict[str, str]:
    return {lang: "" for lang in langs}


FOLLOWUP = [
    FieldSpec("id", "id", "Id"),
    FieldSpec("questions", "phrases", "Questions"),
    FieldSpec("answer", "longtext", "Answer"),
    FieldSpec("see", "str", "Or: the answer of topic (id)"),
    FieldSpec("places", "idlist", "Places"),
]
TOPIC = [
    FieldSpec("id", "id", "Id"),
    FieldSpec("group", "group", "Menu group"),
    FieldSpec("title", "text", "Button title"),
    FieldSpec("questions", "phrases", "Questions (one per line)"),
    FieldSpec("answer", "longtext", "Answer"),
    FieldSpec("places", "idlist", "Places on the map"),
    FieldSpec("venue_wide", "bool", "About the whole venue"),  # its follow-ups need no topic named
    FieldSpec("urgent", "bool", "Urgent help"),  # answered as soon as it would be offered to touch
    FieldSpec("followups", "list", "Follow-ups", FOLLOWUP, item_label="follow-up",
              new_item=lambda langs: {"id": "new-followup", "questions": {l: [] for l in langs}, "answer": {}}),
]
CASE = [
    FieldSpec("id", "id", "Id"),
    FieldSpec("name", "text", "Name"),
    FieldSpec("keywords", "phrases", "Keywords (one per line)"),
    FieldSpec("answer", "longtext", "Answer"),
    FieldSpec("places", "idlist", "Places"),
]
FLOW = [
    FieldSpec("id", "id", "Id"),
    FieldSpec("group", "group", "Menu group"),
    FieldSpec("title", "text", "Button title"),
    FieldSpec("questions", "phrases", "Questions (one per line)"),
    FieldSpec("ask", "longtext", "Question asked back"),
    FieldSpec("places", "idlist", "Places on the map"),
    FieldSpec("cases", "list", "Cases", CASE, item_label="case",
              new_item=lambda langs: {"id": "new-case", "name": {}, "keywords": {l: [] for l in langs}, "answer": {}}),
]
PLACE = [
    FieldSpec("id", "id", "Id"),
    FieldSpec("kind", "kind", "Kind"),
    FieldSpec("name", "text", "Name"),
    FieldSpec("floor", "floor", "Floor"),
    FieldSpec("position", "position", "Map position x, y (0..1)"),
    FieldSpec("aliases", "phrases", "Other names (optional)"),
]
FLOOR = [
    FieldSpec("id", "str", "Id"),
    FieldSpec("name", "text", "Name"),
    FieldSpec("level", "int", "Level (B1 = -1)"),
]
GROUP = [
    FieldSpec("id", "id", "Id"),
    FieldSpec("title", "text", "Title"),
]
VENUE = [
    FieldSpec("id", "id", "Venue id"),
    FieldSpec("version", "int", "Version"),
    FieldSpec("languages", "langs", "Languages"),
    FieldSpec("name", "text", "Name"),
    FieldSpec("address", "text", "Address"),
    FieldSpec("kiosk.place", "place", "Kiosk stands at"),
    FieldSpec("kiosk.description", "text", "Kiosk location"),
    FieldSpec("hotline.number", "str", "Hotline"),
    FieldSpec("hotline.hours", "text", "Hotline hours"),
    FieldSpec("help_desk.place", "place", "Help desk place"),
    FieldSpec("help_desk.description", "text", "Help desk"),
    FieldSpec("fallback.rephrase", "longtext", "When nothing fits"),
    FieldSpec("fallback.clarify", "longtext", "Which one? ({a}, {b})"),
    FieldSpec("fallback.handoff", "longtext", "Hand-off"),
    FieldSpec("fallback.records", "longtext", "Own records asked (optional)"),
    FieldSpec("fallback.which", "longtext", "Asked without saying what (optional)"),
    FieldSpec("groups", "list", "Menu groups", GROUP, item_label="group",
              new_item=lambda langs: {"id": "new-group", "title": {}}),
]
FLOORS = [FieldSpec("floors", "list", "Floors", FLOOR, item_label="floor",
                    new_item=lambda langs: {"id": "new", "name": {}, "level": 1})]
KINDS = sorted(PLACE_KINDS)


def new_topic(langs: list[str], group: str, topic_id: str, question: str = "", lang: str = "") -> dict[str, Any]:
    questions: dict[str, list[str]] = {l: [] for l in langs}
    if question:
        questions[lang or langs[0]] = [question]
    return {"id": topic_id, "group": group, "title": {}, "questions": questions, "answer": {}}


def new_flow(langs: list[str], group: str, flow_id: str) -> dict[str, Any]:
    return {"id": flow_id, "group": group, "title": {}, "questions": {l: [] for l in langs}, "ask": {},
            "cases": [CASE_TEMPLATE(langs, "case-1"), CASE_TEMPLATE(langs, "case-2")]}


def CASE_TEMPLATE(langs: list[str], case_id: str) -> dict[str, Any]:  # noqa: N802
    return {"id": case_id, "name": {}, "keywords": {l: [] for l in langs}, "answer": {}}


def new_place(floor: str, place_id: str) -> dict[str, Any]:
    return {"id": place_id, "kind": "zone", "name": {}, "floor": floor, "position": [0.5, 0.5]}
