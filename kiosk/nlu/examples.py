"""Training examples of a pack: (intent, lang, text) for every question, title and case name."""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.pack.model import Phrases, VenuePack

NONE_INTENT = "__none__"  # the "I don't know" class of the model


@dataclass(frozen=True)
class Example:
    intent: str
    lang: str
    text: str


def pack_examples(pack: VenuePack) -> list[Example]:
    """Every example question, title and follow-up of the pack, plus "flow title + case name"."""
    out: list[Example] = []

    def add(intent: str, phrases: Phrases) -> None:
        for lang, items in phrases.items():
            out.extend(Example(intent, lang, str(q)) for q in items if str(q).strip())

    for t in pack.topics:
        add(t.id, t.questions)
        add(t.id, {k: [v] for k, v in t.title.items()})
        for f in t.followups:
            add(f.id, f.questions)
    for fl in pack.flows:
        add(fl.id, fl.questions)
        add(fl.id, {k: [v] for k, v in fl.title.items()})
        for case in fl.cases:
            add(fl.id, {k: [f"{fl.title[k]} {v}"] for k, v in case.name.items() if k in fl.title})
    return out


def pack_intents(pack: VenuePack) -> list[str]:
    """Intent ids the model predicts, in pack order."""
    ids: list[str] = []
    for t in pack.topics:
        ids.append(t.id)
        ids += [f.id for f in t.followups]
    ids += [fl.id for fl in pack.flows]
    return ids
