"""Training examples of a pack: (intent, lang, text) for every question, title and case name."""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.pack.model import VenuePack

NONE_INTENT = "__none__"  # the "I don't know" class of the model


@dataclass(frozen=True)
class Example:
    intent: str
    lang: str
    text: str


def pack_examples(pack: VenuePack) -> list[Example]:
    """Every example question, title and follow-up of the pack, plus "flow title + case name"."""
    return [Example(intent, lang, text) for intent, lang, text in pack.examples()]


def pack_intents(pack: VenuePack) -> list[str]:
    """Intent ids the model predicts, in pack order."""
    ids: list[str] = []
    for t in pack.topics:
        ids.append(t.id)
        ids += [f.id for f in t.followups]
    ids += [fl.id for fl in pack.flows]
    return ids
