"""The in-memory venue pack: plain dataclasses built from the validated YAML files."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

Text = dict[str, str]  # language code -> text
Phrases = dict[str, list[str]]  # language code -> phrases


@dataclass
class Floor:
    id: str
    name: Text
    level: int


@dataclass
class Place:
    id: str
    kind: str
    name: Text
    floor: str
    position: tuple[float, float]
    aliases: Phrases = field(default_factory=dict)


@dataclass
class Followup:
    id: str  # full id: "topic.followup"
    questions: Phrases
    answer: Text  # with ``see``: that topic's answer
    places: list[str] = field(default_factory=list)
    see: str = ""  # a topic whose answer this follow-up gives ("多少钱" after the exhibition: its tickets)


@dataclass
class Topic:
    id: str
    group: str
    title: Text
    questions: Phrases
    answer: Text
    places: list[str] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    venue_wide: bool = False  # about the venue itself: its follow-ups need no topic named ("周末你们开门不")
    urgent: bool = False  # help in an emergency: answered as soon as it would be offered to touch


@dataclass
class FlowCase:
    id: str  # full id: "flow.case"
    name: Text
    keywords: Phrases
    answer: Text
    places: list[str] = field(default_factory=list)


@dataclass
class Flow:
    id: str
    group: str
    title: Text
    questions: Phrases
    ask: Text
    cases: list[FlowCase]
    places: list[str] = field(default_factory=list)


@dataclass
class Group:
    id: str
    title: Text


@dataclass
class Venue:
    id: str
    version: int
    languages: list[str]
    name: Text
    address: Text
    kiosk_place: str
    kiosk_description: Text
    hotline: str
    hotline_hours: Text
    help_desk_place: str
    help_desk_description: Text
    groups: list[Group]
    fallback: dict[str, Text]  # rephrase / clarify / handoff
    avatar: str = ""  # the avatar pack folder name under avatars/ this venue uses by default


@dataclass
class VenuePack:
    root: Path
    venue: Venue
    floors: list[Floor]
    places: dict[str, Place]
    topics: list[Topic]
    flows: list[Flow]
    synonyms: Phrases  # lang -> flattened groups are in synonym_groups
    synonym_groups: dict[str, list[list[str]]]
    content_hash: str = ""
    # questions visitors ask here that the venue does not answer (outside.yaml): handed off
    outside: Phrases = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.venue.id

    @property
    def languages(self) -> list[str]:
        return self.venue.languages

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def flow(self, flow_id: str) -> Flow | None:
        return next((f for f in self.flows if f.id == flow_id), None)

    def followup(self, intent: str) -> Followup | None:
        """A topic's follow-up by its full id ("topic.followup")."""
        topic = self.topic(intent.split(".")[0]) if "." in intent else None
        return next((f for f in topic.followups if f.id == intent), None) if topic is not None else None

    def title_of(self, intent: str, lang: str) -> str:
        """Human label of an intent id (topic, follow-up, flow or case)."""
        base = intent.split(".")[0]
        item = self.topic(base) or self.flow(base)
        if item is None:
            return intent
        title = item.title.get(lang) or next(iter(item.title.values()))
        if "." in intent and isinstance(item, Flow):
            case = next((c for c in item.cases if c.id == intent), None)
            if case:
                title = f"{title} · {case.name.get(lang) or next(iter(case.name.values()))}"
        return title

    def examples(self) -> list[tuple[str, str, str]]:
        """(intent, lang, phrase) for every example question, title and follow-up question, plus
        "flow title + case name" ("身份证办理 丢失补领" names the flow and its case at once)."""
        out: list[tuple[str, str, str]] = []

        def add(intent: str, phrases: Phrases) -> None:
            for lang, items in phrases.items():
                out.extend((intent, lang, str(q)) for q in items if str(q).strip())

        for t in self.topics:
            add(t.id, t.questions)
            add(t.id, {k: [v] for k, v in t.title.items()})
            for f in t.followups:
                add(f.id, f.questions)
        for fl in self.flows:
            add(fl.id, fl.questions)
            add(fl.id, {k: [v] for k, v in fl.title.items()})
            for case in fl.cases:
                add(fl.id, {k: [f"{fl.title[k]} {v}"] for k, v in case.name.items() if k in fl.title})
        return out

    GRAMMAR_EXAMPLES = 10  # example questions per intent and language whose words feed the speech grammar

    def vocabulary(self, lang: str) -> set[str]:
        """Words and phrases of the pack in one language (for ASR grammars and lexicons). Only each
        intent's first GRAMMAR_EXAMPLES example questions count: every extra word of a speech
        grammar is one more thing a noisy sound can be heard as, so the grammar must not grow with
        every paraphrase staff add (put the most typical wording first)."""
        n = self.GRAMMAR_EXAMPLES
        texts: list[str] = []
        for t in self.topics:
            texts += t.questions.get(lang, [])[:n] + [t.title.get(lang, "")]
            for f in t.followups:
                texts += f.questions.get(lang, [])[:n]
        for fl in self.flows:
            texts += fl.questions.get(lang, [])[:n] + [fl.title.get(lang, "")]
            for c in fl.cases:
                texts += c.keywords.get(lang, [])
        for p in self.places.values():
            texts += [p.name.get(lang, "")] + p.aliases.get(lang, [])
        for group in self.synonym_groups.get(lang, []):
            texts += group
        words: set[str] = set()
        for text in texts:
            words.update(w.lower() for w in re.findall(r"[\w']+", text) if w)
        return words

    def wording(self, lang: str) -> list[str]:
        """Every text of the pack in one language: questions, titles, answers, places, lexicon."""
        texts = [text for _, code, text in self.examples() if code == lang]
        for t in self.topics:
            texts += [t.answer.get(lang, "")] + [f.answer.get(lang, "") for f in t.followups]
        for fl in self.flows:
            texts += [fl.ask.get(lang, "")] + [c.answer.get(lang, "") for c in fl.cases]
            texts += [k for c in fl.cases for k in c.keywords.get(lang, [])]
        for p in self.places.values():
            texts += [p.name.get(lang, "")] + p.aliases.get(lang, [])
        texts += [w for group in self.synonym_groups.get(lang, []) for w in group]
        texts += [self.venue.name.get(lang, ""), self.venue.address.get(lang, "")]
        return [t for t in texts if t]

    def group_items(self, group_id: str) -> list[Topic | Flow]:
        return [t for t in self.topics if t.group == group_id] + [f for f in self.flows if f.group == group_id]
