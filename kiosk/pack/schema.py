"""The venue pack schema: checks every field and reports `file:line: field: message`."""
from __future__ import annotations

import re
from typing import Any

from kiosk.pack.model import (
    Flow, FlowCase, Floor, Followup, Group, Place, Phrases, Text, Topic, Venue,
)
from kiosk.pack.yamlsrc import Problem, SourceDoc

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACE_KINDS = {"hall", "window", "zone", "room", "facility", "entrance", "desk", "kiosk", "area", "exit"}
LANG_RE = re.compile(r"^[a-z]{2,3}$")
FALLBACK_KEYS = ("rephrase", "clarify", "handoff")
OPTIONAL_FALLBACK_KEYS = ("records", "which")  # dialogs/ has a default
MIN_QUESTIONS = 2


class Checker:
    """Collects problems for one file while reading typed values out of it."""

    def __init__(self, doc: SourceDoc, languages: list[str], problems: list[Problem]) -> None:
        self.doc = doc
        self.languages = languages
        self.problems = problems

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.doc.name, self.doc.line(path), path, message))

    def get(self, obj: dict[str, Any], path: str, key: str, kind: type | tuple[type, ...], required: bool = True) -> Any:
        full = f"{path}.{key}" if path else key
        if not isinstance(obj, dict) or key not in obj or obj[key] is None:
            if required:
                self.problem(full, "missing")
            return None
        value = obj[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.problem(full, f"expected {_kind_word(names)}, got {_describe(value)}")
            return None
        return value

    def ident(self, obj: dict[str, Any], path: str, key: str = "id") -> str | None:
        value = self.get(obj, path, key, (str, int))
        if value is None:
            return None
        value = str(value)
        if not ID_RE.match(value):
            self.problem(f"{path}.{key}", f"'{value}' is not a valid id (use lower-case letters, digits and '-')")
        return value

    def text(self, obj: dict[str, Any], path: str, key: str, required: bool = True) -> Text:
        full = f"{path}.{key}" if path else key
        value = self.get(obj, path, key, dict, required)
        if value is None or (not required and not any(str(v or "").strip() for v in value.values())):
            return {}  # an optional text left empty (a cleared form field) is absent
        out: Text = {}
        for lang in self.languages:
            item = value.get(lang)
            if item is None or (isinstance(item, str) and not item.strip()):
                self.problem(f"{full}.{lang}", "missing")
            elif not isinstance(item, (str, int, float)):
                self.problem(f"{full}.{lang}", f"expected text, got {_describe(item)}")
            else:
                out[lang] = str(item).strip()
        self._unknown_langs(value, full)
        return out

    def phrases(self, obj: dict[str, Any], path: str, key: str, minimum: int = 1, required: bool = True) -> Phrases:
        full = f"{path}.{key}" if path else key
        value = self.get(obj, path, key, dict, required)
        if value is None:
            return {}
        out: Phrases = {}
        for lang in self.languages:
            items = value.get(lang)
            if items is None:
                if minimum:
                    self.problem(f"{full}.{lang}", "missing")
                continue
            if isinstance(items, str):
                items = [items]
            if not isinstance(items, list):
                self.problem(f"{full}.{lang}", f"expected a list of phrases, got {_describe(items)}")
                continue
            clean = []
            for i, item in enumerate(items):
                if not isinstance(item, (str, int, float)) or not str(item).strip():
                    self.problem(f"{full}.{lang}[{i}]", "expected a phrase")
                else:
                    clean.append(str(item).strip())
            if len(clean) < minimum:
                self.problem(f"{full}.{lang}", f"needs at least {minimum} phrase(s), has {len(clean)}")
            out[lang] = clean
        self._unknown_langs(value, full)
        return out

    def id_list(self, obj: dict[str, Any], path: str, key: str) -> list[str]:
        value = self.get(obj, path, key, list, required=False)
        return [str(v) for v in value] if value else []

    def unknown_keys(self, obj: dict[str, Any], path: str, allowed: set[str]) -> None:
        if isinstance(obj, dict):
            for key in obj:
                if key not in allowed:
                    self.problem(f"{path}.{key}" if path else key, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def _unknown_langs(self, value: dict[str, Any], full: str) -> None:
        for lang in value:
            if lang not in self.languages:
                self.problem(f"{full}.{lang}", f"language '{lang}' is not in venue.yaml languages {self.languages}")


def _kind_word(name: str) -> str:
    return {"dict": "a mapping", "list": "a list", "str": "text", "int": "a whole number",
            "float": "a number", "str or int": "text",
            "bool": "true or false"}.get(name, name)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text '{value[:30]}'"
    return repr(value)


def check_venue(doc: SourceDoc, problems: list[Problem]) -> Venue | None:
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.name, 1, "", "expected a mapping of venue fields"))
        return None
    pre = Checker(doc, [], problems)
    languages = pre.get(data, "", "languages", list) or []
    for i, lang in enumerate(languages):
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            pre.problem(f"languages[{i}]", f"'{lang}' is not a language code such as zh, en, ko")
    languages = [str(lang) for lang in languages]
    if not languages:
        languages = ["zh", "en"]
    c = Checker(doc, languages, problems)
    c.unknown_keys(data, "", {"id", "version", "languages", "name", "address", "kiosk", "hotline",
                              "help_desk", "groups", "fallback", "avatar"})
    kiosk = c.get(data, "", "kiosk", dict) or {}
    hotline = c.get(data, "", "hotline", dict) or {}
    desk = c.get(data, "", "help_desk", dict) or {}
    groups = []
    for i, g in enumerate(c.get(data, "", "groups", list) or []):
        gid = c.ident(g, f"groups[{i}]")
        groups.append(Group(gid or "", c.text(g, f"groups[{i}]", "title")))
    fallback_raw = c.get(data, "", "fallback", dict) or {}
    fallback = {k: c.text(fallback_raw, "fallback", k) for k in FALLBACK_KEYS}
    fallback.update({k: c.text(fallback_raw, "fallback", k, required=False) for k in OPTIONAL_FALLBACK_KEYS})
    for lang, text in fallback.get("clarify", {}).items():
        if "{a}" not in text or "{b}" not in text:
            c.problem(f"fallback.clarify.{lang}", "must contain both {a} and {b} (the two topics offered)")
    version = c.get(data, "", "version", int)
    return Venue(
        id=c.ident(data, "") or "",
        version=version or 0,
        languages=languages,
        name=c.text(data, "", "name"),
        address=c.text(data, "", "address"),
        kiosk_place=str(c.get(kiosk, "kiosk", "place", str) or ""),
        kiosk_description=c.text(kiosk, "kiosk", "description"),
        hotline=str(c.get(hotline, "hotline", "number", (str, int)) or ""),
        hotline_hours=c.text(hotline, "hotline", "hours", required=False),
        help_desk_place=str(c.get(desk, "help_desk", "place", str) or ""),
        help_desk_description=c.text(desk, "help_desk", "description"),
        groups=groups,
        fallback=fallback,
        avatar=str(c.get(data, "", "avatar", str, required=False) or ""),
    )


def check_places(doc: SourceDoc, languages: list[str], problems: list[Problem]) -> tuple[list[Floor], dict[str, Place]]:
    c = Checker(doc, languages, problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    if not isinstance(doc.data, dict):
        c.problem("", "expected a mapping with 'floors' and 'places'")
    c.unknown_keys(data, "", {"floors", "places"})
    floors: list[Floor] = []
    for i, f in enumerate(c.get(data, "", "floors", list) or []):
        path = f"floors[{i}]"
        c.unknown_keys(f, path, {"id", "name", "level"})
        fid = c.get(f, path, "id", (str, int))
        floors.append(Floor(str(fid or ""), c.text(f, path, "name"), c.get(f, path, "level", int) or 0))
    floor_ids = {f.id for f in floors}
    places: dict[str, Place] = {}
    for i, p in enumerate(c.get(data, "", "places", list) or []):
        path = f"places[{i}]"
        c.unknown_keys(p, path, {"id", "kind", "name", "floor", "position", "aliases"})
        pid = c.ident(p, path)
        kind = c.get(p, path, "kind", str)
        if kind and kind not in PLACE_KINDS:
            c.problem(f"{path}.kind", f"'{kind}' is not one of {', '.join(sorted(PLACE_KINDS))}")
        floor = c.get(p, path, "floor", (str, int))
        if floor is not None and str(floor) not in floor_ids:
            c.problem(f"{path}.floor", f"'{floor}' is not a floor id in floors ({', '.join(sorted(floor_ids))})")
        pos = c.get(p, path, "position", list)
        position = (0.5, 0.5)
        if pos is not None:
            if len(pos) != 2 or not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in pos):
                c.problem(f"{path}.position", "expected [x, y] with numbers from 0 to 1")
            else:
                position = (float(pos[0]), float(pos[1]))
        if pid in places:
            c.problem(f"{path}.id", f"duplicate place id '{pid}'")
        if pid:
            aliases = c.phrases(p, path, "aliases", minimum=0, required=False)
            places[pid] = Place(pid, kind or "", c.text(p, path, "name"), str(floor or ""), position, aliases)
    return floors, places


def _check_place_refs(c: Checker, path: str, ids: list[str], places: dict[str, Place]) -> None:
    for j, pid in enumerate(ids):
        if pid not in places:
            c.problem(f"{path}.places[{j}]", f"'{pid}' is not a place id in places.yaml")


def check_topics(doc: SourceDoc, venue: Venue, places: dict[str, Place], problems: list[Problem]) -> list[Topic]:
    c = Checker(doc, venue.languages, problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    c.unknown_keys(data, "", {"topics"})
    group_ids = {g.id for g in venue.groups}
    topics: list[Topic] = []
    seen: set[str] = set()
    pointers: list[tuple[str, Followup, str]] = []  # follow-ups that point to another topic, with their topic
    for i, t in enumerate(c.get(data, "", "topics", list) or []):
        path = f"topics[{i}]"
        if not isinstance(t, dict):
            c.problem(path, "expected a mapping")
            continue
        c.unknown_keys(t, path, {"id", "group", "title", "questions", "answer", "places", "followups", "venue_wide",
                                   "urgent"})
        tid = c.ident(t, path) or f"topic-{i}"
        if tid in seen:
            c.problem(f"{path}.id", f"duplicate topic id '{tid}'")
        seen.add(tid)
        group = c.get(t, path, "group", str) or ""
        if group and group not in group_ids:
            c.problem(f"{path}.group", f"'{group}' is not a group id in venue.yaml groups")
        place_ids = c.id_list(t, path, "places")
        _check_place_refs(c, path, place_ids, places)
        followups = []
        for j, f in enumerate(c.get(t, path, "followups", list, required=False) or []):
            fpath = f"{path}.followups[{j}]"
            c.unknown_keys(f, fpath, {"id", "questions", "answer", "places", "see"})
            fid = c.ident(f, fpath) or f"f{j}"
            fplaces = c.id_list(f, fpath, "places")
            _check_place_refs(c, fpath, fplaces, places)
            see = str(c.get(f, fpath, "see", str, required=False) or "")
            if see and isinstance(f, dict) and f.get("answer") is not None:
                c.problem(f"{fpath}.see", "give either an answer or see (another topic's answer), not both")
            answer = c.text(f, fpath, "answer", required=not see)
            followups.append(Followup(f"{tid}.{fid}", c.phrases(f, fpath, "questions"), answer, fplaces, see))
            if see:
                pointers.append((fpath, followups[-1], tid))
        venue_wide = c.get(t, path, "venue_wide", bool, required=False) is True
        urgent = c.get(t, path, "urgent", bool, required=False) is True
        topics.append(Topic(tid, group, c.text(t, path, "title"), c.phrases(t, path, "questions", MIN_QUESTIONS),
                            c.text(t, path, "answer"), place_ids, followups, venue_wide, urgent))
    _resolve_see(c, pointers, topics)
    return topics


def _resolve_see(c: Checker, pointers: list[tuple[str, Followup, str]], topics: list[Topic]) -> None:
    """A follow-up with ``see: topic`` gives that topic's answer and places (one fact, one place)."""
    by_id = {t.id: t for t in topics}
    for fpath, fu, own in pointers:
        target = by_id.get(fu.see)
        if target is None or fu.see == own:
            c.problem(f"{fpath}.see", f"'{fu.see}' is not the id of another topic")
            continue
        fu.answer = dict(target.answer)
        fu.places = fu.places or list(target.places)


def check_flows(doc: SourceDoc, venue: Venue, places: dict[str, Place], problems: list[Problem]) -> list[Flow]:
    c = Checker(doc, venue.languages, problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    c.unknown_keys(data, "", {"flows"})
    flows = []
    for i, f in enumerate(c.get(data, "", "flows", list) or []):
        path = f"flows[{i}]"
        c.unknown_keys(f, path, {"id", "group", "title", "questions", "ask", "places", "cases"})
        fid = c.ident(f, path) or f"flow-{i}"
        place_ids = c.id_list(f, path, "places")
        _check_place_refs(c, path, place_ids, places)
        group = c.get(f, path, "group", str) or ""
        if group and group not in {g.id for g in venue.groups}:
            c.problem(f"{path}.group", f"'{group}' is not a group id in venue.yaml groups")
        cases = []
        raw_cases = c.get(f, path, "cases", list) or []
        if raw_cases and len(raw_cases) < 2:
            c.problem(f"{path}.cases", "a flow needs at least 2 cases (otherwise make it a topic)")
        for j, case in enumerate(raw_cases):
            cpath = f"{path}.cases[{j}]"
            c.unknown_keys(case, cpath, {"id", "name", "keywords", "answer", "places"})
            cid = c.ident(case, cpath) or f"case-{j}"
            cplaces = c.id_list(case, cpath, "places")
            _check_place_refs(c, cpath, cplaces, places)
            cases.append(FlowCase(f"{fid}.{cid}", c.text(case, cpath, "name"), c.phrases(case, cpath, "keywords"),
                                  c.text(case, cpath, "answer"), cplaces))
        flows.append(Flow(fid, group, c.text(f, path, "title"), c.phrases(f, path, "questions", MIN_QUESTIONS),
                          c.text(f, path, "ask"), cases, place_ids))
    return flows


def check_lexicon(doc: SourceDoc | None, languages: list[str], problems: list[Problem]) -> dict[str, list[list[str]]]:
    if doc is None:
        return {}
    c = Checker(doc, languages, problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    c.unknown_keys(data, "", {"synonyms"})
    raw = c.get(data, "", "synonyms", dict, required=False) or {}
    out: dict[str, list[list[str]]] = {}
    for lang, groups in raw.items():
        if lang not in languages:
            c.problem(f"synonyms.{lang}", f"language '{lang}' is not in venue.yaml languages {languages}")
            continue
        if not isinstance(groups, list):
            c.problem(f"synonyms.{lang}", "expected a list of word lists")
            continue
        for i, group in enumerate(groups):
            if not isinstance(group, list) or len(group) < 2:
                c.problem(f"synonyms.{lang}[{i}]", "expected a list of at least two words")
                continue
            out.setdefault(lang, []).append([str(w) for w in group])
    return out


def check_outside(doc: SourceDoc, languages: list[str], examples: list[tuple[str, str, str]],
                  problems: list[Problem]) -> Phrases:
    """outside.yaml: questions the venue does not answer; none may also be one of the pack's
    ``examples`` (intent, lang, question: see :meth:`VenuePack.examples`)."""
    c = Checker(doc, languages, problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    if doc.data is not None and not isinstance(doc.data, dict):
        c.problem("", f"expected a mapping with 'questions', got {_describe(doc.data)}")
    c.unknown_keys(data, "", {"questions"})
    outside = c.phrases(data, "", "questions", minimum=0, required=False)
    answered = {(lang, _plain(q)): intent for intent, lang, q in examples}
    for lang, items in outside.items():
        for i, q in enumerate(items):
            owner = answered.get((lang, _plain(q)))
            if owner:
                c.problem(f"questions.{lang}[{i}]", f"'{q}' is also a question of '{owner}': "
                          "remove it here or there (the kiosk cannot both answer and hand it off)")
    return outside


def _plain(text: str) -> str:
    """Lower case, letters and digits only (for "is this the same question")."""
    return "".join(re.findall(r"\w+", text.lower()))


def check_cross(venue: Venue, places: dict[str, Place], docs: dict[str, SourceDoc], topics: list[Topic],
                flows: list[Flow], problems: list[Problem]) -> None:
    vdoc = docs["venue.yaml"]
    for key, pid in (("kiosk.place", venue.kiosk_place), ("help_desk.place", venue.help_desk_place)):
        if pid and pid not in places:
            problems.append(Problem(vdoc.name, vdoc.line(key), key, f"'{pid}' is not a place id in places.yaml"))
    topic_ids = {t.id for t in topics}
    if "flows.yaml" in docs:
        fdoc = docs["flows.yaml"]
        for i, f in enumerate(flows):
            if f.id in topic_ids:
                problems.append(Problem(fdoc.name, fdoc.line(f"flows[{i}].id"), f"flows[{i}].id",
                                        f"'{f.id}' is already a topic id in topics.yaml"))
