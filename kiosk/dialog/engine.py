"""The dialog engine: one visitor session at a time, answering only from the venue pack.

Ladder when unsure: two close topics -> ask which one; nothing fits -> ask to rephrase once (with
the likeliest topics offered as buttons to touch, when any comes near), then hand off to the help
desk and hotline. Flows ask for the visitor's case first.
"""
from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from kiosk.dialog.kinds import ASKING_WORDS, KindWords, answer_holds, asked_kinds, names_days, place_pointed_back
from kiosk.dialog.matching import Candidate, LexicalMatcher, Matcher, calibrate, contains_words
from kiosk.dialog.privacy import contains_personal_data, redact, strip_masks
from kiosk.dialog.records import RecordQuestions
from kiosk.dialog.shared import SharedDialogs, load_shared_dialogs
from kiosk.dialog.text import asks, asks_usual_case, clauses, detect_lang, has_cjk, normalize, stemmed, switch_core
from kiosk.nlu.examples import NONE_INTENT
from kiosk.pack.model import Flow, Topic, VenuePack

ANSWERED, ASKING, CLARIFYING, REPHRASE, HANDOFF, SOCIAL = (
    "answered", "asking", "clarifying", "rephrase", "handoff", "social")
_ORDINALS = {
    0: ("第一", "前面", "前一个", "第一个", "first", "the first", "former", "첫"),
    1: ("第二", "后面", "后一个", "第二个", "second", "the second", "latter", "두"),
}


def _ordinal(norm: str) -> int | None:
    """Which option a short reply picks ("第一个", "the second one"); a longer sentence that only
    contains such a word ("第一次办身份证", "my first visit") picks none."""
    for index, words in _ORDINALS.items():
        for w in words:
            if w in norm:
                rest = norm.replace(w, "", 1).strip()
                short = len(rest.replace(" ", "")) <= 3 if has_cjk(rest + w) else len(rest.split()) <= 2
                if short:
                    return index
    return None


@dataclass
class Reply:
    text: str
    intent: str | None
    confidence: float
    lang: str
    state: str
    places: list[str] = field(default_factory=list)
    title: str | None = None
    options: list[str] = field(default_factory=list)  # intents offered when clarifying
    mode: str = "text"
    latency_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reply"] = d.pop("text")
        return d


class DialogEngine:
    """Pack + matcher + thresholds; creates sessions. Safe to share between threads."""

    PLACE_IN_CONTEXT = 0.5  # a topic's own place at least this close to another place, by the question's words, is the one meant
    SUGGEST_FROM = 0.05  # a topic under the answer threshold but at least this confident is offered to touch
    MAX_SUGGESTIONS = 3
    FLOW_CASE_FROM = 0.2  # a flow this confident, with its case named in the case's keywords, is answered
    QUESTION_ALONE_FROM = 0.7  # a question told after a story, read alone this sure, is answered (_question_after_story)
    SURE_OVER_UNNAMED = 0.8  # a question of one kind naming no topic gets another answer only this sure

    def __init__(self, pack: VenuePack, matcher: Matcher | None = None, shared: SharedDialogs | None = None,
                 low_confidence: float = 0.45, min_margin: float = 0.06) -> None:
        self.pack = pack
        # a combined matcher already holds a lexical index of this pack: build it only once
        lexical = getattr(matcher, "lexical", None)
        self.lexical = lexical if isinstance(lexical, LexicalMatcher) and lexical.pack is pack else LexicalMatcher(pack)
        self.matcher: Matcher = matcher or self.lexical
        self.records = RecordQuestions(pack)
        self.kinds = KindWords(pack)
        self.shared = shared or load_shared_dialogs()
        self.low_confidence = low_confidence
        self.min_margin = min_margin

    def new_session(self) -> "Session":
        return Session(self)

    # -- wording ------------------------------------------------------------------------------
    def answer_of(self, intent: str, lang: str) -> tuple[str, list[str]] | None:
        base, _, sub = intent.partition(".")
        topic = self.pack.topic(base)
        if topic is not None:
            if not sub:
                return _pick(topic.answer, lang), list(topic.places)
            fu = self.pack.followup(intent)
            return (_pick(fu.answer, lang), list(fu.places or topic.places)) if fu else None
        flow = self.pack.flow(base)
        if flow is not None:
            if not sub:
                return _pick(flow.ask, lang), list(flow.places)
            case = next((c for c in flow.cases if c.id == intent), None)
            return (_pick(case.answer, lang), list(case.places or flow.places)) if case else None
        return None

    @property
    def runtime(self) -> Any:
        """The intent model the matcher runs (None for the lexical matcher alone)."""
        return getattr(self.matcher, "runtime", None)

    def followup_reading(self, text: str, lang: str) -> dict[str, float]:
        """How much ``text`` reads as each intent on its own: the intent model's probabilities, or the
        lexical scores without a model."""
        runtime = self.runtime
        return runtime.probabilities(text, lang) if runtime is not None else dict(self.lexical.scores(text, lang).ranked)

    def reading_in_context(self, text: str, lang: str, context: str) -> dict[str, float] | None:
        """How the intent model reads ``text`` with the topic or flow in context named in front; None
        without a model (word overlap reads every follow-up of the topic in context alike)."""
        read = getattr(self.matcher, "reading_in_context", None)
        return read(text, lang, context) if read is not None else None

    def pointed_to(self, intent: str) -> str:
        """The topic a follow-up with ``see`` gives the answer of (``intent`` itself otherwise)."""
        fu = self.pack.followup(intent)
        return fu.see if fu is not None and fu.see else intent

    def venue_values(self, lang: str) -> dict[str, str]:
        v = self.pack.venue
        desk = self.pack.places.get(v.help_desk_place)
        return {"venue": _pick(v.name, lang), "hotline": v.hotline,
                "desk": _pick(desk.name, lang) if desk else _pick(v.help_desk_description, lang)}

    def fallback_text(self, key: str, lang: str, **values: str) -> str:
        table = self.pack.venue.fallback.get(key)
        template = _pick(table, lang) if table else self.shared.text(key, lang)
        merged = {**self.venue_values(lang), **values}
        try:
            return template.format(**merged)
        except (KeyError, IndexError):
            return template

    def suggestions(self, lang: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """Touch menu: (group id, group title, [(intent, button label)]) in pack order."""
        out = []
        for g in self.pack.venue.groups:
            items = [(it.id, _pick(it.title, lang)) for it in self.pack.group_items(g.id)]
            if items:
                out.append((g.id, _pick(g.title, lang), items))
        return out


def _of_kind(topic: Topic, kind: tuple[str, ...]) -> list[str]:
    """The ids of ``topic``'s follow-ups of one kind (their short ids, see ASKING_WORDS)."""
    return [f.id for f in topic.followups if f.id.split(".", 1)[1] in kind]


def _floor_titled(pack: VenuePack, topic: Topic | None) -> str | None:
    """The floor ``topic`` is titled as ("三楼": the museum's floor-3f topic), if it is one."""
    titles = set(topic.title.values()) if topic is not None else set()
    return next((f.id for f in pack.floors if titles & set(f.name.values())), None)


def _pick(text: dict[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


class Session:
    """One visitor's conversation: context for follow-ups, pending flow or clarification."""

    def __init__(self, engine: DialogEngine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Wipe everything about the visitor: context, pending questions, language, counters."""
        self.context: str | None = None
        self.came_from: str | None = None  # what the conversation was about before it moved to another topic
        self.pending_flow: str | None = None
        self.options: list[str] = []
        self.asked_which = False  # the options are one kind of follow-up of several topics
        self.rephrased = 0
        self.asked_again = 0
        self.lang: str | None = None
        self.turns = 0

    # -- entry points -------------------------------------------------------------------------
    def handle(self, text: str, lang: str | None = None, mode: str = "text") -> Reply:
        """Answer one utterance (typed or recognised speech)."""
        start = time.perf_counter()
        with self._lock:
            clean = strip_masks(redact(text))
            languages = self.engine.pack.languages
            lang = lang if lang in languages else detect_lang(clean, languages)
            self.lang = lang
            self.turns += 1
            reply = self._understand(clean, lang)
            if contains_personal_data(text):
                reply.text = f"{self.engine.shared.text('privacy', lang)} {reply.text}".strip()
            reply.mode = mode
            reply.latency_ms = round((time.perf_counter() - start) * 1000, 3)
            return reply

    def select(self, intent: str, lang: str | None = None) -> Reply:
        """A touched button: the intent is known, answer it directly."""
        start = time.perf_counter()
        with self._lock:
            lang = lang or self.lang or self.engine.pack.languages[0]
            self.turns += 1
            reply = self._answer(intent, 1.0, lang)
            reply.mode = "touch"
            reply.latency_ms = round((time.perf_counter() - start) * 1000, 3)
            return reply

    # -- the ladder ---------------------------------------------------------------------------
    def _understand(self, text: str, lang: str) -> Reply:
        if not normalize(text, lang):
            return self._not_understood(lang)
        social = self.engine.shared.social_intent(text, lang)
        if social == "handoff":
            if not self._pack_answers(text, lang):
                return self._handoff(lang)
        elif social:
            return Reply(self.engine.shared.text(social, lang, **self.engine.venue_values(lang)), None, 1.0, lang, SOCIAL)
        if self.pending_flow:
            reply = self._continue_flow(text, lang)
            if reply:
                return reply
        if self.options:
            reply = self._resolve_clarification(text, lang)
            if reply:
                return reply
        ranked = self._rank(text, lang)
        # a flow already answered: naming another case switches case ("那过期了呢")
        if self.context and "." in self.context and self.engine.pack.flow(self.context.split(".")[0]):
            case = self.engine.lexical.match_case(self.context.split(".")[0], text, lang)
            top_conf = ranked[0].confidence if ranked else 0.0
            if case and case != self.context and top_conf < 0.9:
                return self._answer(case, max(top_conf, 0.8), lang)
        switched = self._usual_case_of(text, lang) or self._switched_to(text, lang) or self._titled_in_context(text, lang)
        if switched and (not ranked or ranked[0].intent.split(".")[0] != switched):
            return self._answer(switched, max([c.confidence for c in ranked if c.intent == switched] + [0.8]), lang)
        return self._decide(ranked, text, lang)

    def _topic_in_context(self) -> Topic | None:
        """The topic the conversation is about (None before one, or for a flow)."""
        return self.engine.pack.topic(self.context.split(".")[0]) if self.context else None

    def _switched_to(self, text: str, lang: str) -> str | None:
        """The topic a short "and X?" question names by its title ("那公交呢", "버스는요?", "what about
        buses?" after the metro: the bus), unless the topic in context has a follow-up whose own questions
        say X ("관광버스는요" after the parking is its coach follow-up), or X is the topic in context."""
        core = switch_core(text, lang)
        if not core:
            return None
        named = [t.id for t in self.engine.pack.topics if core == stemmed(t.title.get(lang, ""), lang)]
        ctx = self._topic_in_context()
        if len(named) != 1 or (ctx is not None and named[0] == ctx.id):
            return None
        if ctx is not None and any(core in normalize(q, lang) for f in ctx.followups for q in f.questions.get(lang, [])):
            return None
        return named[0]

    def _usual_case_of(self, text: str, lang: str) -> str | None:
        """The usual case asked after a special one: in the context of a topic that one other topic
        gives as a follow-up's answer (the summer late opening is the opening hours' 'summer'), a
        question about the usual days ("平时呢 平时几点停止进") is that other topic's follow-up of the kind
        just answered (the opening hours' last entry), else that topic."""
        ctx = self._topic_in_context()
        if ctx is None or not asks_usual_case(text, lang):
            return None
        usual = [t for t in self.engine.pack.topics if any(f.see == ctx.id for f in t.followups)]
        if len(usual) != 1:
            return None
        kind = self.context.partition(".")[2]
        same = self.engine.pack.followup(f"{usual[0].id}.{kind}") if kind else None
        return same.id if same is not None and not same.see else usual[0].id

    def _titled_in_context(self, text: str, lang: str) -> str | None:
        """In a topic's context, the other topic a question names by its whole title and the intent model
        reads it as on its own: "听说你们馆徽就是照它画的" after the bronze ding is the emblem (馆徽),
        though "它" points back to the ding. Not a topic the context's follow-ups read like ("能拍照吗"
        after the scroll is its photo follow-up, not the photography topic); never without a model."""
        runtime = self.engine.runtime
        ctx_id = self.context.split(".")[0] if self.context else None
        if runtime is None or ctx_id is None:
            return None
        reading = runtime.probabilities(text, lang)
        topic = self.engine.pack.topic(max(reading, key=lambda i: reading[i])) if reading else None
        if topic is None or topic.id == ctx_id:
            return None
        title = stemmed(topic.title.get(lang, ""), lang)
        said = stemmed(text, lang)
        if len(title) < 2 or not contains_words(f" {said} ", title, lang):
            return None
        if any(topic.id in alike for f, alike in runtime.lookalikes.items() if f.split(".")[0] == ctx_id):
            return None
        return topic.id

    def _pack_answers(self, text: str, lang: str) -> bool:
        """Whether a question that asks for a person is one of the pack's own, answered with
        confidence: "我要找工作人员" is the help desk's when the pack lists it there, "人工讲解多少钱"
        a guided tour's price. A request for a person that no topic answers is handed off."""
        ranked = self.engine.matcher.rank(text, lang, self.context)
        return bool(ranked) and ranked[0].confidence >= self.engine.low_confidence

    def _rank(self, text: str, lang: str) -> list[Candidate]:
        """Best intents in the conversation's context. After the conversation moved to another topic,
        by a follow-up that gave that topic's answer ("星期一开吗" → the closing days) or by a question
        about it ("표는 얼마예요?" after the special exhibition → its tickets), the first topic's
        follow-ups ("那暑假呢", "안에서 사진 찍어도 돼요?") stay in reach: read in that topic's context
        the question scores higher, and the conversation goes back there."""
        ranked = self.engine.matcher.rank(text, lang, self.context)
        if self.came_from:
            earlier = self.engine.matcher.rank(text, lang, self.came_from)
            if earlier and (not ranked or earlier[0].score > ranked[0].score) and not self._leads_here(earlier[0].intent) \
                    and not self._asked_of_this_topic_too(earlier[0].intent):
                self.context, self.came_from = self.came_from, None
                return earlier
        return ranked

    def _asked_of_this_topic_too(self, intent: str) -> bool:
        """Whether ``intent`` is a follow-up of a kind the topic in context has too ("要几天" after the
        passport, then the Hong Kong-Macau permit: the permit's how-long, not the passport's again)."""
        if self.context is None or "." not in intent:
            return False
        kind = intent.split(".", 1)[1]
        return self.engine.pack.followup(f"{self.context.split('.')[0]}.{kind}") is not None

    def _leads_here(self, intent: str) -> bool:
        """Whether ``intent`` gives the answer of the topic in context (a follow-up with ``see``):
        going back to the earlier topic for it would only say again what was just said."""
        return self.context is not None and self.engine.pointed_to(intent).split(".")[0] == self.context.split(".")[0]

    def _decide(self, ranked: list[Candidate], text: str, lang: str) -> Reply:
        if self.engine.records.unanswerable(text, lang, ranked[0].intent if ranked else None):
            return self._handoff(lang, "records")  # "我的公积金余额多少": no topic can know that
        again, which = self._unnamed(ranked, text, lang)
        if again:
            return self._answer(again, max(ranked[0].confidence if ranked else 0.0, 0.8), lang)
        if which:  # "在哪里" about nothing said before: where is what?
            return self._ask_which(which, lang)
        if not ranked or ranked[0].confidence < self.engine.low_confidence:
            named = self._named_case(ranked, text, lang) or self._urgent(ranked) \
                or self._own_place_offered(ranked, text, lang) or self._case_in_context_offered(ranked) \
                or self._agreed_offered(ranked, text, lang) or self._kind_read_elsewhere(text, lang) \
                or self._read_alike_offered(ranked, text, lang) \
                or self._question_after_story(self._suggestions(ranked)[:1], text, lang) or self._own_followup_offered(ranked)
            if named:
                return self._answer(named, ranked[0].confidence, lang)
            return self._not_understood(lang, self._suggestions(ranked))
        top = ranked[0]
        rival = next((c for c in ranked[1:] if not self._same_answer_family(c.intent, top.intent)), None)
        close = rival is not None and top.score - rival.score < self.engine.min_margin
        if close and self._leans_on_context(rival.intent) and rival.confidence >= self.engine.low_confidence:
            top, rival = rival, None  # "办下来要几天" after the transfer's tax: its how-long, not the ID card's
        if close and rival and not self._leans_on_context(top.intent) \
                and calibrate(rival.score) >= self.engine.low_confidence:
            told = self._question_after_story([top.intent, rival.intent], text, lang)
            return self._answer(told, top.confidence, lang) if told else self._clarify(top, rival, lang)
        if self.engine.pack.flow(top.intent) is not None:  # its case named too ("身份证丢了"), or asked next
            return self._answer(self._case_named_in(top.intent, text, lang), top.confidence, lang)
        place = self._place_pointed_back(top.intent, text, lang) \
            or self._place_in_context(top.intent, text, lang) or self._detail_asked(top.intent, text, lang) \
            or self._own_place_asked(top.intent, text, lang) or self._detail_told_next_door(top.intent, text, lang) \
            or self._days_told_in_context(top.intent, text, lang)
        return self._answer(place or self._wider_when_asked_again(top.intent, lang), top.confidence, lang)

    def _leans_on_context(self, intent: str) -> bool:
        """Whether ``intent`` is a follow-up of the topic in context: the conversation points to it,
        so another topic coming as near is not asked about."""
        return "." in intent and self.context is not None and intent.split(".")[0] == self.context.split(".")[0]

    def _same_answer_family(self, a: str, b: str) -> bool:
        """Whether two intents are one topic's, or one of them gives the other's topic answer (a
        follow-up with ``see``): "얼마예요" after the exhibition is its price follow-up and the tickets
        topic at once, one answer, so the kiosk does not ask which of the two."""
        family = {a.split(".")[0], self.engine.pointed_to(a).split(".")[0]}
        return b.split(".")[0] in family or self.engine.pointed_to(b).split(".")[0] in family

    def _is_place_topic(self, intent: str) -> bool:
        """Whether ``intent`` is a place the pack also answers about ("east-entrance", "hall-0")."""
        return intent in self.engine.pack.places and self.engine.pack.topic(intent) is not None

    def _place_in_context(self, intent: str, text: str, lang: str) -> str | None:
        """A place asked for in a topic's or flow's context that the question does not tell apart from
        that topic's own place is the topic's: "从哪个门进" after the group tour is the group entrance
        (east), not the main one the words alone point to; "在几楼啊" after the provident fund's
        home-purchase case is zone E; "北门在哪" names the north entrance and stays there. None when
        the answer stands."""
        pack = self.engine.pack
        if not self.context or not self._is_place_topic(intent):
            return None
        base = self.context.split(".")[0]
        found = self.engine.answer_of(base if pack.topic(base) else self.context, lang)  # a flow, or its case
        own = [p for p in (found[1] if found else []) if p != intent and self._is_place_topic(p)]
        if not own:
            return None
        lexical = dict(self.engine.lexical.scores(text, lang, self.context).ranked)
        best = max(own, key=lambda p: lexical.get(p, 0.0))
        return best if lexical.get(best, 0.0) >= self.engine.PLACE_IN_CONTEXT * lexical.get(intent, 0.0) > 0.0 else None

    def _place_pointed_back(self, intent: str, text: str, lang: str) -> str | None:
        """A question read as the topic in context, or as a hall or floor, that points back to the topic's
        hall or floor ("那个厅里还有别的啥" after the old town model, "what else is on that floor?" after the
        tapestry, read as 1F) is about that place: the hall's own topic, or the topic titled as the floor
        is named (the museum's "三楼"). None when the answer stands."""
        pack = self.engine.pack
        what = place_pointed_back(text, lang)
        if what is None or self.context is None:
            return None
        read_as, base = intent.split(".")[0], self.context.split(".")[0]
        if read_as != base and not self._is_place_topic(read_as) and _floor_titled(pack, pack.topic(read_as)) is None:
            return None  # read as another exhibit, the answer stands; as another hall or floor, the one pointed back to
        found = self.engine.answer_of(base, lang)
        places = [pack.places[p] for p in (found[1] if found else []) if p in pack.places]
        if len(places) != 1:
            return None
        if what == "hall":
            return places[0].id if self._is_place_topic(places[0].id) and places[0].id != base else None
        return next((t.id for t in pack.topics if _floor_titled(pack, t) == places[0].floor), None)

    def _own_place_asked(self, intent: str, text: str, lang: str) -> str | None:
        """Where the topic in context is, asked of a topic with no `where` follow-up: the answer about
        its one place (see :meth:`_place_answer`), which tells where it is and shows it on the map
        ("在哪个厅" after the children's workshop is hall 0). So is a question read as one of the topic's
        follow-ups that the model, with the topic named in front, reads as the topic itself: "在哪个厅"
        is the workshop's booking to the words ("在哪报名"). None when the answer stands."""
        base, _, kind = intent.partition(".")
        in_context = self.context is not None and base == self.context.split(".")[0]
        if not in_context or not self._asks_where_of(base, text, lang):
            return None
        if kind:  # "在哪个厅" read as the workshop's booking ("在哪报名"); with the workshop named, the workshop
            reading = self.engine.reading_in_context(text, lang, base)
            if reading is None or reading.get(intent, 0.0) >= reading.get(base, 0.0):
                return None
        return self._place_answer(base, lang)

    def _own_place_offered(self, ranked: list[Candidate], text: str, lang: str) -> str | None:
        """An unsure question that asks only where, after a topic with no `where` follow-up, whose
        readings close enough to offer include the answer about the topic's place: that answer ("那放哪儿"
        after the luggage size is the lockers' `where`). The conversation picks it among them."""
        base = self.context.split(".")[0] if self.context else ""
        place = self._place_answer(base, lang) if self._asks_where_of(base, text, lang) else None
        offered = {intent.split(".")[0] for intent in self._suggestions(ranked)}
        return place if place is not None and place.split(".")[0] in offered else None

    def _asks_where_of(self, topic_id: str, text: str, lang: str) -> bool:
        """Whether the question asks only where (see ASKING_WORDS), of a topic with no `where` follow-up."""
        return self.engine.pack.topic(topic_id) is not None and self.engine.pack.followup(f"{topic_id}.where") is None \
            and asked_kinds(text, lang) == [("where",)]

    def _place_answer(self, topic_id: str, lang: str) -> str | None:
        """What the pack answers about the topic's one place: the place's own topic ("hall-0"), else
        the one other topic about that place alone, by its `where` follow-up when it has one (the
        luggage size's place is the cloakroom: the lockers' `where`). None for a topic with no place
        or several, or a place no topic tells about."""
        found = self.engine.answer_of(topic_id, lang)
        places = [p for p in (found[1] if found else []) if p != topic_id]
        if len(places) != 1:
            return None
        if self._is_place_topic(places[0]):
            return places[0]
        about = [t for t in self.engine.pack.topics if t.id != topic_id and list(t.places) == places]
        if len(about) != 1:
            return None
        where = self.engine.pack.followup(f"{about[0].id}.where")
        return where.id if where is not None else about[0].id

    def _detail_told_next_door(self, intent: str, text: str, lang: str) -> str | None:
        """One kind of detail (see ASKING_WORDS) asked in a topic's context, which that topic neither has
        a follow-up for nor tells: the follow-up of that kind of the one other topic at the same place
        that has one. "how much does it cost" after the 20 May weddings is the marriage registration's
        fee; "要钱吗" after the luggage size, the lockers' price. None when the answer stands."""
        topic = self.engine.pack.topic(intent)
        kinds = asked_kinds(text, lang)
        if topic is None or not topic.places or self.context != intent or len(kinds) != 1:
            return None
        answer = topic.answer.get(lang, "")
        if _of_kind(topic, kinds[0]) or kinds[0] in self.engine.kinds.asked_by_topic(intent, lang) \
                or any(self.engine.kinds.carried_by(answer, kind, lang) for kind in kinds[0]):
            return None
        found = [f for t in self.engine.pack.topics if t.id != intent and t.places == topic.places
                 for f in _of_kind(t, kinds[0])]
        return found[0] if len(found) == 1 else None

    def _days_told_in_context(self, intent: str, text: str, lang: str) -> str | None:
        """A question about Saturday or the weekend in a topic's context, read as another topic, when the
        topic in context has no follow-up for that day and its answer names no day: the one follow-up of
        that topic whose answer names the days. "礼拜六能去领不" after the marriage registration's photos
        is the marriage office's hours ("周一到周五"), not the centre's Saturday services."""
        ctx = self._topic_in_context()
        weekend = ("saturday", "weekend")
        if ctx is None or intent.split(".")[0] == ctx.id or asked_kinds(text, lang) != [weekend] \
                or _of_kind(ctx, weekend) or names_days(ctx.answer.get(lang, ""), lang):
            return None
        telling = [f.id for f in ctx.followups if names_days((self.engine.answer_of(f.id, lang) or ("",))[0], lang)]
        return telling[0] if len(telling) == 1 else None

    def _detail_asked(self, intent: str, text: str, lang: str) -> str | None:
        """A question about a topic that asks one kind of detail (where it is, what it costs, how big it
        is, how long it takes: see ASKING_WORDS) is the topic's follow-up of that kind, as a pack files
        it ("铜鼎在哪" under the bronze ding's `where`, venues/README.md): "刻着神人兽面的那个玉器在哪"
        reads as the jade cong itself, its words describe the cong so well. Only when the question's
        own reading ranks that follow-up first among the topic's ("从哪里来的" of the lotus bowl is where
        it was found), and not for a topic whose own questions ask that kind alone: its answer is the
        one that tells. Out of a topic's context only: in one, its follow-ups are read as such already.
        A question read as one of the topic's follow-ups whose kind the words would tell and do not ask
        ("where's the Shen Zhou painting" read as who painted it) is the follow-up of the kind they ask,
        in a context too ("크기는요?" after where the old town model is: its size, not its place again)."""
        base, _, read_kind = intent.partition(".")
        topic = self.engine.pack.topic(base) if self.context is None or read_kind else None
        kinds = asked_kinds(text, lang) if topic is not None and topic.followups else []
        if len(kinds) != 1 or read_kind in kinds[0]:
            return None
        of_kind = _of_kind(topic, kinds[0])
        if len(of_kind) != 1 or kinds[0] in self.engine.kinds.asked_by_topic(topic.id, lang):
            return None
        if read_kind:  # the words tell that kind when they ask it, and ask another
            return of_kind[0] if any(read_kind in kind for kind in ASKING_WORDS) else None
        reading = self.engine.followup_reading(text, lang)
        return of_kind[0] if max(topic.followups, key=lambda f: reading.get(f.id, 0.0)).id == of_kind[0] else None

    def _case_named_in(self, intent: str, text: str, lang: str) -> str:
        """The case of flow ``intent`` that ``text`` names, else the case of it just answered (the visitor
        said which already: "一个月最多能取多少" after the provident fund's rent case), else ``intent``
        itself (a topic, or a flow whose case is still to ask)."""
        flow = self.engine.pack.flow(intent)
        case = self.engine.lexical.match_case(flow.id, text, lang) if flow is not None else None
        return case or self._case_in_context(intent) or intent

    def _case_in_context(self, flow_id: str) -> str | None:
        """The case just answered when it is one of flow ``flow_id``'s."""
        return self.context if self.context and "." in self.context and self.context.split(".")[0] == flow_id \
            and self.engine.pack.flow(flow_id) is not None else None

    def _case_in_context_offered(self, ranked: list[Candidate]) -> str | None:
        """An unsure question whose likeliest reading, close enough to offer, is the flow whose case was
        just answered: that case again, the conversation tells which."""
        offered = self._suggestions(ranked)
        return self._case_in_context(offered[0]) if offered else None

    def _agreed_offered(self, ranked: list[Candidate], text: str, lang: str) -> str | None:
        """An unsure first question whose likeliest reading, close enough to offer, is of the topic the
        words and the model both read it as (see ``words_and_model_agree``): that reading."""
        offered = self._suggestions(ranked)
        if self.context is not None or not offered:
            return None
        agreed = self.engine.matcher.words_and_model_agree(text, lang)
        return offered[0] if agreed is not None and offered[0].split(".")[0] == agreed else None

    def _read_alike_offered(self, ranked: list[Candidate], text: str, lang: str) -> str | None:
        """An unsure question in a topic's context whose likeliest reading, close enough to offer, is of
        another topic that the intent model reads it as first both on its own and with the topic in
        context named in front: that reading. "我儿子十岁 他也能办吗" after the Hong Kong-Macau permit is
        the children's permits; the words alone lean to the permit's fee."""
        runtime = self.engine.runtime
        offered = self._suggestions(ranked)
        if self.context is None or runtime is None or not offered:
            return None
        base = offered[0].split(".")[0]
        alone = runtime.probabilities(text, lang)
        named = self.engine.reading_in_context(text, lang, self.context) or {}
        firsts = {max(r, key=lambda i: r[i]).split(".")[0] for r in (alone, named) if r}
        return offered[0] if firsts == {base} and base != self.context.split(".")[0] else None

    def _own_followup_offered(self, ranked: list[Candidate]) -> str | None:
        """An unsure question in a topic's context whose likeliest reading, close enough to offer, is one
        of that topic's own follow-ups: that follow-up, as the conversation points to it (as it does in a
        close call). "我一个人能帮他们几个都约上不" after booking ahead is the booking's party size."""
        offered = self._suggestions(ranked)
        return offered[0] if offered and self._leans_on_context(offered[0]) else None

    def _question_after_story(self, among: list[str], text: str, lang: str) -> str | None:
        """A question told after a story ("我爸去年动了个手术 医药费能在这报吗") that is unsure, or a close
        call, as a whole: when the clauses before it are statements and the question read alone, without
        them, is sure and of a topic ``among`` the readings of the whole (the first offered, or the two
        close ones), that reading. The story's words ("手术", "我带我妈来的") lean elsewhere; the question
        asked does not. None when an earlier clause asks ("护照能加急不 下周就要出国": what follows is
        the reason, not the question)."""
        if not among:
            return None
        parts = clauses(text, lang)
        for k in range(1, len(parts)):
            if asks(parts[k - 1], lang):
                return None
            alone = self.engine.matcher.rank(" ".join(parts[k:]), lang, self.context)
            if alone and alone[0].confidence >= self.engine.low_confidence:
                sure = alone[0].confidence >= self.engine.QUESTION_ALONE_FROM
                of_whole = alone[0].intent.split(".")[0] in {intent.split(".")[0] for intent in among}
                return alone[0].intent if sure and of_whole else None
        return None

    def _kind_read_elsewhere(self, text: str, lang: str) -> str | None:
        """An unsure question in a topic's context that asks one kind of detail (see ASKING_WORDS) the
        topic has no follow-up for, nor own question asking it alone, which the intent model alone reads
        as another topic's follow-up of that kind before any other intent of the pack: that follow-up.
        "一天一共能进多少人" after how far ahead to book is the museum's daily number of visitors, the
        walk-in's capacity, even though the model is as likely to know nothing of it."""
        ctx = self._topic_in_context()
        runtime = self.engine.runtime
        kinds = asked_kinds(text, lang)
        if ctx is None or runtime is None or len(kinds) != 1 or _of_kind(ctx, kinds[0]) \
                or kinds[0] in self.engine.kinds.asked_by_topic(ctx.id, lang):
            return None
        reading = runtime.probabilities(text, lang)
        best = max((i for i in reading if i != NONE_INTENT), key=lambda i: reading[i], default="")
        base, _, kind = best.partition(".")
        return best if kind in kinds[0] and base != ctx.id else None

    def _wider_when_asked_again(self, intent: str, lang: str) -> str:
        """The follow-up just answered, asked again in other words ("where" right after the passport's
        processing time): its topic's whole answer when that holds the follow-up's too (the visitor
        hears it again, and more), else the same follow-up."""
        base = intent.split(".")[0]
        if intent != self.context or "." not in intent or self.engine.pack.topic(base) is None:
            return intent
        narrow, whole = self.engine.answer_of(intent, lang), self.engine.answer_of(base, lang)
        return base if narrow and whole and answer_holds(whole[0], narrow[0]) else intent

    def _named_case(self, ranked: list[Candidate], text: str, lang: str) -> str | None:
        """A flow that comes near, whose case the visitor named in that case's own words ("身分证洗衣服给
        洗坏了"), is understood: the case, else None."""
        if not ranked or ranked[0].confidence < self.engine.FLOW_CASE_FROM:
            return None
        flow = self.engine.pack.flow(ranked[0].intent)
        return self.engine.lexical.match_case(flow.id, text, lang) if flow is not None else None

    def _answer(self, intent: str, confidence: float, lang: str) -> Reply:
        asked, intent = intent, self.engine.pointed_to(intent)  # its follow-ups are what the visitor asks next
        found = self.engine.answer_of(intent, lang)
        if found is None:
            return self._not_understood(lang)
        flow = self.engine.pack.flow(intent)
        if flow is not None:  # a flow touched or named without its case
            return self._ask_case(flow, confidence, lang)
        text, places = found
        moved = self.context is not None and self.context.split(".")[0] != intent.split(".")[0]
        left = self.context if moved else None  # what the conversation was about before this answer
        self.context, self.pending_flow, self.options = intent, None, []
        self.came_from = asked if asked != intent else left
        self.rephrased = self.asked_again = 0
        return Reply(text, intent, round(confidence, 4), lang, ANSWERED, places, self.engine.pack.title_of(intent, lang))

    def _ask_case(self, flow: Flow, confidence: float, lang: str) -> Reply:
        self.pending_flow, self.options, self.context, self.came_from = flow.id, [], flow.id, None
        return Reply(_pick(flow.ask, lang), flow.id, round(confidence, 4), lang, ASKING, list(flow.places),
                     _pick(flow.title, lang), [c.id for c in flow.cases])

    def _continue_flow(self, text: str, lang: str) -> Reply | None:
        flow = self.engine.pack.flow(self.pending_flow or "")
        if flow is None:
            self.pending_flow = None
            return None
        case = self.engine.lexical.match_case(flow.id, text, lang)
        index = _ordinal(normalize(text, lang))  # "第二个": the cases are read out and shown in order
        if not case and index is not None and index < len(flow.cases):
            case = flow.cases[index].id
        if case:
            return self._answer(case, 0.9, lang)
        ranked = self.engine.matcher.rank(text, lang, self.context)
        if ranked and ranked[0].confidence >= self.engine.low_confidence and ranked[0].intent != flow.id:
            self.pending_flow = None  # the visitor moved on to something else
            return None
        if self.asked_again == 0:
            self.asked_again = 1
            return self._ask_case(flow, 0.5, lang)
        self.pending_flow = None
        return self._handoff(lang)

    def _clarify(self, a: Candidate, b: Candidate, lang: str) -> Reply:
        pack = self.engine.pack
        self.options, self.asked_which = [a.intent, b.intent], False
        text = self.engine.fallback_text("clarify", lang, a=pack.title_of(a.intent, lang), b=pack.title_of(b.intent, lang))
        return Reply(text, None, round(a.confidence, 4), lang, CLARIFYING, [], None, list(self.options))

    def _urgent(self, ranked: list[Candidate]) -> str | None:
        """The best intent when its topic is urgent help and it would be offered to touch: a visitor
        calling "快来人啊 这边有个老人晕倒了" is answered with the first aid, not asked to rephrase."""
        topic = self.engine.pack.topic(ranked[0].intent.split(".")[0]) if ranked else None
        return ranked[0].intent if topic is not None and topic.urgent \
            and ranked[0].confidence >= self.engine.SUGGEST_FROM else None

    def _unnamed(self, ranked: list[Candidate], text: str, lang: str) -> tuple[str | None, list[str]]:
        """For a question that names nothing and asks one kind of follow-up ("在哪里", "要多少钱"):
        (what to answer again, []) right after a flow case (a case has no follow-ups: its answer is
        the whole one, "工本费40元" for the lost ID card) or after a topic without that follow-up whose
        answer holds that kind of fact; else (None, the follow-ups to ask "which one?" about), only
        when the best answer would be one of them picked by chance or nothing is sure ("多少钱" at a
        museum is its admission topic: that is answered; at the service hall, where the ID card's
        words come just as near as the endorsement's, it asks whose fee)."""
        unnamed = self.engine.matcher.unnamed_followups(text, lang)
        if not unnamed:
            return None, []
        kind = unnamed[0].split(".", 1)[1]
        if self.context:
            base = self.context.split(".")[0]
            topic = self.engine.pack.topic(base)
            if self.engine.pack.followup(f"{base}.{kind}") is not None:
                return None, []  # the topic's own follow-up: read in context as usual
            if topic is None and "." in self.context:  # a flow case: its answer is the whole answer there is
                return self.context, []
            found = self.engine.answer_of(base, lang) if topic is not None else None
            if found and self.engine.kinds.carried_by(found[0], kind, lang):
                return base, []
            alike = [u for u in unnamed if self.engine.lexical.lends_kind(u, base, lang)]
            if len(alike) == 1:
                return None, []  # "要等多久" after replacing the social security card: the new card's time
        top = ranked[0] if ranked else None
        if top is None or top.confidence < self.engine.SURE_OVER_UNNAMED:
            return None, unnamed
        return None, (unnamed if top.intent.split(".")[0] in {u.split(".")[0] for u in unnamed} else [])

    def _ask_which(self, followups: list[str], lang: str) -> Reply:
        """Ask whose follow-up the visitor means; naming or touching one of those topics answers it."""
        self.options, self.pending_flow, self.asked_which = list(followups), None, True
        shown = followups[: self.engine.MAX_SUGGESTIONS]
        return Reply(self.engine.fallback_text("which", lang), None, 0.0, lang, CLARIFYING, [], None, shown)

    def _resolve_clarification(self, text: str, lang: str) -> Reply | None:
        options, self.options = self.options, []
        by_topic, self.asked_which = self.asked_which, False
        norm = normalize(text, lang)
        index = _ordinal(norm)
        if index is not None and index < len(options):
            return self._answer(options[index], 0.9, lang)
        ranked = self.engine.matcher.rank(text, lang, None, top=10)
        for cand in ranked:
            if cand.confidence < self.engine.low_confidence * 0.8:
                continue
            # the option itself, or (asked which topic's follow-up) the follow-up of the topic named
            chosen = next((o for o in options if o == cand.intent or
                           (by_topic and o.split(".")[0] == cand.intent.split(".")[0])), None)
            if chosen:  # "it's for rent" after the provident fund was offered: its rent case
                return self._answer(self._case_named_in(chosen, text, lang), cand.confidence, lang)
        for intent in options:  # the visitor repeated (part of) a title
            title = normalize(self.engine.pack.title_of(intent, lang), lang)
            if title and (title in norm or norm in title) and len(norm) >= 2:
                return self._answer(self._case_named_in(intent, text, lang), 0.9, lang)
        return None

    def _suggestions(self, ranked: list[Candidate]) -> list[str]:
        """Topics close enough to offer as buttons when no answer is sure (never answered by themselves)."""
        found = [c.intent for c in ranked if c.confidence >= self.engine.SUGGEST_FROM]
        return found[: self.engine.MAX_SUGGESTIONS]

    def _not_understood(self, lang: str, suggestions: list[str] | None = None) -> Reply:
        self.pending_flow, self.options = None, []
        if self.rephrased == 0:
            self.rephrased = 1
            self.options = list(suggestions or [])  # "the first one" or a touch picks one of them
            self.asked_which = False
            return Reply(self.engine.fallback_text("rephrase", lang), None, 0.0, lang, REPHRASE,
                         options=list(self.options))
        return self._handoff(lang)

    def _handoff(self, lang: str, message: str = "handoff") -> Reply:
        self.rephrased = 0
        self.pending_flow, self.options = None, []
        desk = self.engine.pack.venue.help_desk_place
        return Reply(self.engine.fallback_text(message, lang), None, 0.0, lang, HANDOFF, [desk] if desk else [])

