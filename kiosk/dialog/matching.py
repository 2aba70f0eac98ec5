"""Intent matching interface, and the lexical matcher (character/word n-gram TF-IDF, kNN).

Any matcher (lexical, a trained model, a combination) implements :class:`Matcher`: it ranks the
pack's intents for one normalised utterance. Intent ids are a topic id, ``topic.followup`` or a
flow id; flow cases are found by :meth:`LexicalMatcher.match_case`.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.dialog.novelty import Novelty
from kiosk.dialog.text import en_stem, normalize, strip_fillers
from kiosk.pack.model import Flow, VenuePack


@dataclass(frozen=True)
class Candidate:
    intent: str
    score: float  # similarity 0..1 (matcher specific)
    confidence: float  # calibrated 0..1


class Matcher(Protocol):
    def rank(self, text: str, lang: str, context: str | None = None, top: int = 5) -> list[Candidate]:
        """Best intents for ``text`` (raw visitor text), given the intent of the previous turn."""
        ...

    def unnamed_followups(self, text: str, lang: str) -> list[str]:
        """Follow-ups of one kind the question asks without naming whose ("在哪里"), likeliest first."""
        ...


def calibrate(score: float, midpoint: float = 0.40, slope: float = 10.0) -> float:
    """Map a cosine similarity to a confidence with a logistic curve."""
    return 1.0 / (1.0 + math.exp(-slope * (score - midpoint)))


class Canonicalizer:
    """Replaces synonyms and known mis-hearings by the main word of their group, left to right,
    longest first, so a replacement is never replaced again ("housing fund" and "housing provident
    fund" both become "housing provident fund", not "housing housing provident fund")."""

    def __init__(self, groups: dict[str, list[list[str]]]) -> None:
        self._by_first: dict[str, dict[str, list[tuple[str, str]]]] = {}
        for lang, gs in groups.items():
            pairs = []
            for g in gs:
                main = normalize(g[0], lang)
                # the main word maps to itself: in English a variant may sit inside it ("provident fund")
                pairs += [(normalize(w, lang), main) for w in g if normalize(w, lang)]
            pairs.sort(key=lambda p: -len(p[0]))
            by_first: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for word, main in pairs:  # stays longest first within each first character (English: word)
                by_first[word.split()[0] if lang == "en" else word[0]].append((word, main))
            self._by_first[lang] = dict(by_first)

    def __call__(self, text: str, lang: str) -> str:
        by_first = self._by_first.get(lang)
        if not by_first:
            return text
        if lang == "en":
            return self._words(text.split(), by_first)
        out, i = [], 0
        while i < len(text):  # left-to-right longest match, so replacements never cascade
            for word, main in by_first.get(text[i], ()):
                if text.startswith(word, i):
                    out.append(main)
                    i += len(word)
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    @staticmethod
    def _words(words: list[str], by_first: dict[str, list[tuple[str, str]]]) -> str:
        """The same for English, a whole word at a time."""
        out, i = [], 0
        while i < len(words):
            for word, main in by_first.get(words[i], ()):
                n = word.count(" ") + 1
                if " ".join(words[i:i + n]) == word:
                    out.append(main)
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out)


def features(text: str, lang: str) -> dict[str, float]:
    """Weighted n-gram features of an already normalised, canonicalised utterance."""
    feats: dict[str, float] = {}
    core = strip_fillers(text, lang) or text
    if lang in ("zh", "ko", "ja"):
        s = core.replace(" ", "")
        for n, w in ((1, 0.5), (2, 1.0), (3, 1.0)):
            for i in range(len(s) - n + 1):
                feats[f"{n}:{s[i:i + n]}"] = w
        for word in re.findall(r"[a-z0-9]+", core):
            feats[f"w:{word}"] = 1.0
        if lang == "ko":
            for word in core.split():
                feats[f"w:{word}"] = 1.0
        return feats
    words = [en_stem(w) for w in core.split()]
    for w in words:
        feats[f"w:{w}"] = 1.0
        padded = f"<{w}>"
        for i in range(len(padded) - 2):
            feats.setdefault(f"c:{padded[i:i + 3]}", 0.3)
    for a, b in zip(words, words[1:]):
        feats[f"b:{a}_{b}"] = 0.8
    return feats


OUTSIDE = "(outside)"  # the label of outside.yaml's questions in their own index


@dataclass
class LexicalScores:
    ranked: list[tuple[str, float]]  # (intent, score), best first
    novelty: float  # the factor for words the pack never uses or outside questions, already in the scores
    context_weights: dict[str, float]  # the conversation's weights, already in the scores
    named_cases: list[str] = field(default_factory=list)  # flows whose subject and one of whose cases the question names


@dataclass
class _Example:
    intent: str
    lang: str
    weights: dict[str, float]


class LexicalMatcher:
    """Nearest-example matching on TF-IDF weighted n-grams, no segmentation needed."""

    FOLLOWUP_IN_CONTEXT = 1.7
    FOLLOWUP_OUT_OF_CONTEXT = 0.55
    COSINE_SHARE = 0.75  # the rest is the share of the question an example explains (chosen on the first two dev batches)
    CASE_BOOST_FROM = 0.2
    CASE_BOOST = 0.25
    ANSWER_WEIGHT = 0.5
    PROFILE_SHARE = 0.3
    MARGIN_WEIGHT = 1.0
    PARENT_NAMED = 0.25  # a topic's own similarity from which its follow-ups count out of context
    POINTING_BACK_OTHERS = 0.4
    OUTSIDE_POWER = 2.0
    OTHER_SUBJECT = 0.4  # a likely topic about a thing the question does not name, when it names another's
    SUBJECT_RIVALS = 5  # how many of the likeliest intents are weighed for that

    def __init__(self, pack: VenuePack) -> None:
        self.pack = pack
        self.canon = Canonicalizer(pack.synonym_groups)
        raw = [(intent, lang, features(self.prepare(q, lang), lang)) for intent, lang, q in pack.examples()]
        self.idf = self._idf(raw)
        # a word the pack never uses counts like a rare word, not more: visitors add words freely
        self._unseen_idf = max(self.idf.values(), default=1.0)
        self.examples, self.postings = self._index(raw)
        outside = [(OUTSIDE, lang, features(self.prepare(q, lang), lang)) for lang, qs in pack.outside.items() for q in qs]
        self.outside_examples, self.outside_postings = self._index(outside)
        self._case_keywords = self._build_case_keywords(pack.flows)
        self._subjects, self._nameable, self._subject_phrases = self._build_subjects(pack)
        self._followup_ids = {f.id for t in pack.topics for f in t.followups}
        # follow-ups of a topic about the venue itself, with their own answer: "周末你们开门不" needs no topic named
        self._venue_wide = {f.id for t in pack.topics if t.venue_wide for f in t.followups if not f.see}
        # (topic, language) -> its follow-ups' own questions, prepared: the subjects the topic's follow-ups speak of
        self._followup_wording = {(t.id, lang): " " + " ".join(self.prepare(q, lang) for f in t.followups
                                                               for q in f.questions.get(lang, [])) + " "
                                  for t in pack.topics for lang in pack.languages}
        self.profile_postings = self._build_profiles(pack, raw)
        self.novelty = Novelty({lang: pack.wording(lang) for lang in pack.languages}, self.prepare)

    def _index(self, raw: list[tuple[str, str, dict[str, float]]]) -> tuple[list[_Example], dict[str, list[tuple[int, float]]]]:
        """Examples with their TF-IDF weights, and the postings (feature -> examples using it)."""
        examples: list[_Example] = []
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for intent, lang, feats in raw:
            weights = self._weigh(feats)
            if not weights:
                continue
            for f, w in weights.items():
                postings[f].append((len(examples), w))
            examples.append(_Example(intent, lang, weights))
        return examples, postings

    def _build_profiles(self, pack: VenuePack, raw: list[tuple[str, str, dict[str, float]]]) -> dict[str, list[tuple[str, float]]]:
        """Every feature an intent's questions use (weight 1) or its answer uses (weight ANSWER_WEIGHT)."""
        profiles: dict[str, dict[str, float]] = defaultdict(dict)
        for intent, _, feats in raw:
            profiles[intent].update(dict.fromkeys(feats, 1.0))
        answers: list[tuple[str, dict[str, str]]] = []
        for t in pack.topics:
            answers.append((t.id, t.answer))
            answers += [(f.id, f.answer) for f in t.followups]
        for intent, texts in answers:
            for lang, text in texts.items():
                for f in features(self.prepare(text, lang), lang):
                    profiles[intent].setdefault(f, self.ANSWER_WEIGHT)
        postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for intent, feats in profiles.items():
            for f, w in feats.items():
                postings[f].append((intent, w))
        return postings

    def prepare(self, text: str, lang: str) -> str:
        return self.canon(normalize(text, lang), lang)

    @staticmethod
    def _idf(raw: list[tuple[str, str, dict[str, float]]]) -> dict[str, float]:
        """Inverse topic frequency of each feature (a topic and its follow-ups count once)."""
        by_feature: dict[str, set[str]] = defaultdict(set)
        intents = {intent.split(".")[0] for intent, _, _ in raw}
        for intent, _, feats in raw:
            topic = intent.split(".")[0]
            for f in feats:
                by_feature[f].add(topic)
        n = max(len(intents), 1)
        return {f: math.log((n + 1) / (len(s) + 0.5)) for f, s in by_feature.items()}

    def _weigh(self, feats: dict[str, float]) -> dict[str, float]:
        weights = {f: w * self.idf.get(f, self._unseen_idf) for f, w in feats.items()}
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        return {f: v / norm for f, v in weights.items() if v > 0}

    def query(self, text: str, lang: str) -> dict[str, float]:
        """The weighted features of a visitor's raw text, as the examples have theirs."""
        return self._query_of(self.prepare(text, lang), lang)

    def _query_of(self, prepared: str, lang: str) -> dict[str, float]:
        return self._weigh(features(prepared, lang))

    def similarities(self, text: str, lang: str) -> dict[str, float]:
        """Best similarity per intent over its examples (see :meth:`similarities_of`)."""
        return self.similarities_of(self.query(text, lang))

    def similarities_of(self, q: dict[str, float]) -> dict[str, float]:
        """Best similarity per intent for the query ``q``.

        Similarity blends the cosine with the share of the query the example explains, so a
        one-word question ("票") still reaches the topics that contain that word.
        """
        best = self._nearest(q, self.examples, self.postings)
        profile: dict[str, float] = defaultdict(float)
        for f, w in q.items():
            for intent, pw in self.profile_postings.get(f, ()):
                profile[intent] += w * w * pw
        return {i: (1 - self.PROFILE_SHARE) * best.get(i, 0.0) + self.PROFILE_SHARE * profile[i]
                for i in set(best) | set(profile)}

    def _nearest(self, q: dict[str, float], examples: list[_Example],
                 postings: dict[str, list[tuple[int, float]]]) -> dict[str, float]:
        """Best blended similarity (cosine and the share of the query explained) per intent."""
        dot: dict[int, float] = defaultdict(float)
        cover: dict[int, float] = defaultdict(float)
        for f, w in q.items():
            for idx, ew in postings.get(f, ()):
                dot[idx] += w * ew
                cover[idx] += w * w
        best: dict[str, float] = {}
        for idx, d in dot.items():
            sim = self.COSINE_SHARE * d + (1 - self.COSINE_SHARE) * cover[idx]
            intent = examples[idx].intent
            if sim > best.get(intent, 0.0):
                best[intent] = sim
        return best

    def outside_factor(self, q: dict[str, float], sims: dict[str, float]) -> float:
        """Below 1 when the query ``q`` reads more like a question the venue does not answer
        (outside.yaml) than like any of its own: (best own / best outside) ** OUTSIDE_POWER."""
        outside = self._nearest_outside(q)
        own = max(sims.values(), default=0.0)
        return 1.0 if outside <= own else (own / outside) ** self.OUTSIDE_POWER

    def _nearest_outside(self, q: dict[str, float]) -> float:
        """Similarity of the query ``q`` to the nearest outside.yaml question (0 when there is none)."""
        return self._nearest(q, self.outside_examples, self.outside_postings).get(OUTSIDE, 0.0)

    def plain_match(self, text: str, lang: str) -> tuple[str | None, float, float]:
        """The intent the words alone come nearest (no factors, no context), that similarity, and the
        nearest outside question's."""
        q = self._query_of(self.prepare(text, lang), lang)
        sims = self.similarities_of(q)
        best = max(sims, key=lambda i: (sims[i], i), default=None)
        return best, sims.get(best, 0.0) if best else 0.0, self._nearest_outside(q)

    def words_and_model_agree(self, text: str, lang: str) -> str | None:  # noqa: ARG002
        """Never any: with no model there is nothing to agree with."""
        return None

    def rank(self, text: str, lang: str, context: str | None = None, top: int = 5) -> list[Candidate]:
        scored = self.scores(text, lang, context).ranked
        return [Candidate(i, round(s, 4), round(self._confidence(i, s, scored), 4)) for i, s in scored[:top]]

    def unnamed_followups(self, text: str, lang: str) -> list[str]:  # noqa: ARG002
        """Never any: word overlap cannot tell a question that names no topic (the model can)."""
        return []

    def scores(self, text: str, lang: str, context: str | None = None) -> "LexicalScores":
        """Every intent's score, best first, with the factors applied (for other matchers too)."""
        prepared = self.prepare(text, lang)  # once: every flow's keywords and subject are looked up in it
        q = self._query_of(prepared, lang)
        sims = self.similarities_of(q)
        named_cases = []
        for flow_id in self._case_keywords:  # "身份证丢了": a named case makes its flow likelier
            if not self._case_in(flow_id, prepared, lang):
                continue
            subject = self._names_subject(flow_id, prepared, lang)
            if subject:
                named_cases.append(flow_id)
            if subject or sims.get(flow_id, 0.0) >= self.CASE_BOOST_FROM:
                sims[flow_id] = min(1.0, sims.get(flow_id, 0.0) + self.CASE_BOOST)
        ctx_topic = context.split(".")[0] if context else None
        # words the pack never uses, or a question the venue lists as not its own: about something else.
        # Judged on the question's own words, before the topic in context lends its title below: "Can I
        # also apply for a US visa here?" after the Taiwan permit is as much the outside list's then.
        novel = self.novelty.factor(text, lang) * self.outside_factor(q, sims)
        if ctx_topic:  # "在哪个展厅" after the bronze ding: read it as "铜鼎 在哪个展厅" too
            title = self.pack.title_of(ctx_topic, lang)
            for intent, sim in self.similarities(f"{title} {text}", lang).items():
                if "." in intent and intent.split(".")[0] == ctx_topic and sim > sims.get(intent, 0.0):
                    sims[intent] = sim
        scored = []
        named = self._named_subjects({i.split(".")[0] for i in sims}, prepared, lang)
        context_weights = self.context_weights(sims, text, lang, ctx_topic, named)
        for intent, s in sims.items():
            if "." in intent:  # a follow-up leans on the previous topic
                factor = self.FOLLOWUP_IN_CONTEXT if intent.split(".")[0] == ctx_topic else self.FOLLOWUP_OUT_OF_CONTEXT
                s = min(1.0, s * factor)
            scored.append((intent, s * novel * context_weights.get(intent, 1.0)))
        scored = self._fade_other_subjects(scored, named, lang, ctx_topic)
        # follow-ups raised to the cap in context keep their order by likeness ("在哪" after the bronze
        # ding is its 'where', not its age); other ties by id: the same answer in every run
        scored.sort(key=lambda p: (-p[1], -sims.get(p[0], 0.0), p[0]))
        return LexicalScores(scored, novel, context_weights, named_cases)

    def _named_subjects(self, bases: set[str], prepared: str, lang: str) -> set[str]:
        """The topics and flows among ``bases`` whose subject, from the lexicon, the question names."""
        return {b for b in bases if (b, lang) in self._nameable and self._names_subject(b, prepared, lang)}

    def _fade_other_subjects(self, scored: list[tuple[str, float]], named_subjects: set[str], lang: str,
                             ctx_topic: str | None) -> list[tuple[str, float]]:
        """Among the likeliest intents, when the question names what some are about, those about
        another thing fade: "my id card needs replacing" shares "card" and "replace" with the social
        security card's replacement, but names the ID card, not the social security card. Only
        subjects the lexicon names count (a title is no subject a visitor says word for word); the
        topic in context keeps its score. ``named_subjects``: see :meth:`_named_subjects`."""
        likeliest = {i.split(".")[0] for i, _ in sorted(scored, key=lambda p: -p[1])[:self.SUBJECT_RIVALS]}
        named = likeliest & named_subjects
        if not named:
            return scored

        def other(intent: str) -> bool:
            base = intent.split(".")[0]
            return (base, lang) in self._nameable and base not in named and base != ctx_topic

        return [(i, s * self.OTHER_SUBJECT if other(i) else s) for i, s in scored]

    def context_weights(self, sims: dict[str, float], text: str, lang: str, ctx_topic: str | None,
                        named_subjects: set[str] | None = None) -> dict[str, float]:
        """Weights from the conversation so far, beside the follow-up factors.

        A follow-up of a topic not in context needs that topic named ("铜鼎有多高": by words like the
        topic's own, or by its subject in the lexicon, "护照从申请到拿到手得几天"), else it
        fades ("是哪一年的" after the lotus bowl is not the old town model's year), unless its topic
        is about the venue itself and no other topic is in context ("周末你们开门不" asked first is
        the venue's weekend hours; "周六呢" after the opening hours is not the ticket cut-off's), or it
        answers a kind the topic in context lacks and both topics are about the same thing (see
        :meth:`lends_kind`); a question
        that points back ("where can I find it") fades every topic but the one in context and those
        about the same thing ("can you mail it to me?" after the ID card renewal is the ID card
        delivery: both are about the ID card). ``named_subjects``: see :meth:`_named_subjects`,
        worked out here when not given.
        """
        if named_subjects is None:
            named_subjects = self._named_subjects({i.split(".")[0] for i in sims}, self.prepare(text, lang), lang)
        weights: dict[str, float] = {}
        for intent in sims:
            base = intent.split(".")[0]
            if "." in intent and base != ctx_topic and (ctx_topic or intent not in self._venue_wide):
                named = base in named_subjects or self.lends_kind(intent, ctx_topic, lang)
                weights[intent] = 1.0 if named else min(1.0, sims.get(base, 0.0) / self.PARENT_NAMED)
        if ctx_topic and points_back(text, lang):
            about = self._subjects.get((ctx_topic, lang), frozenset())
            for intent in sims:
                base = intent.split(".")[0]
                if base != ctx_topic and not about & self._subjects.get((base, lang), frozenset()):
                    weights[intent] = weights.get(intent, 1.0) * self.POINTING_BACK_OTHERS
        return weights

    def _confidence(self, intent: str, score: float, scored: list[tuple[str, float]]) -> float:
        """Calibrated confidence: the score, raised or lowered by its lead over the best other topic."""
        base = intent.split(".")[0]
        other = next((s for i, s in scored if i.split(".")[0] != base), 0.0)
        return calibrate(score + self.MARGIN_WEIGHT * (score - other))

    # -- flow cases -------------------------------------------------------------------------
    def _build_case_keywords(self, flows: list[Flow]) -> dict[str, list[tuple[str, str, str]]]:
        table: dict[str, list[tuple[str, str, str]]] = {}
        for fl in flows:
            rows = []
            for case in fl.cases:
                for lang, words in case.keywords.items():
                    rows += [(case.id, lang, self.prepare(w, lang)) for w in words]
                for lang, name in case.name.items():
                    rows.append((case.id, lang, self.prepare(name, lang)))
            rows.sort(key=lambda r: -len(r[2]))
            table[fl.id] = rows
        return table

    def _build_subjects(self, pack: VenuePack) -> tuple[dict[tuple[str, str], frozenset[str]], set[tuple[str, str]],
                                                        dict[tuple[str, str], str]]:
        """(topic or flow id, language) -> what it is about: the main words of the lexicon groups its
        title uses ("居民身份证办理" -> 身份证, "Housing provident fund withdrawal" -> housing provident fund),
        else the title itself; the (id, language) whose subject comes from the lexicon; and a short
        phrase naming it: the subject's words in the title's order (a word inside a longer one left out:
        "特展门票", not "特展 特展门票 门票"), else the shortest of its own
        questions that its title holds and that is at least half the title ("빈장 옛 시가지 모형": "시가지
        모형"; "14 February" is too little of "Marriage on 20 May and 14 February" to name it)."""
        mains = {lang: {self.prepare(g[0], lang) for g in groups if g} for lang, groups in pack.synonym_groups.items()}
        subjects: dict[tuple[str, str], frozenset[str]] = {}
        nameable: set[tuple[str, str]] = set()
        phrases: dict[tuple[str, str], str] = {}
        for item in [*pack.topics, *pack.flows]:
            for lang, title in item.title.items():
                prepared = f" {self.prepare(title, lang)} "
                found = frozenset(m for m in mains.get(lang, ()) if m and contains_words(prepared, m, lang))
                subjects[(item.id, lang)] = found or frozenset([prepared.strip()])
                if found:
                    nameable.add((item.id, lang))
                    phrases[(item.id, lang)] = " ".join(sorted(_outermost(found), key=prepared.find))
                elif own := self._own_name(item.questions.get(lang, []), prepared, lang):
                    phrases[(item.id, lang)] = own
        return subjects, nameable, phrases

    def _own_name(self, questions: list[str], prepared_title: str, lang: str) -> str | None:
        """The shortest of a topic's own questions that its (prepared, spaced) title holds, at least half of it."""
        own = [q for q in (self.prepare(q, lang) for q in questions)
               if q and 2 * len(q) >= len(prepared_title.strip()) and contains_words(prepared_title, q, lang)]
        return min(own, key=len) if own else None

    def subject_of(self, intent_id: str, lang: str) -> str | None:
        """A short phrase naming the topic or flow: what it is about in the lexicon's main words, in its
        title's order, else a question of its own that is most of its title; None when neither is."""
        return self._subject_phrases.get((intent_id, lang))

    def names_subject(self, intent_id: str, text: str, lang: str) -> bool:
        """Whether ``text`` names what the topic or flow is about, in any of the lexicon's words for it."""
        return self._names_subject(intent_id, self.prepare(text, lang), lang)

    def _names_subject(self, intent_id: str, prepared: str, lang: str) -> bool:
        """:meth:`names_subject` on already prepared text."""
        padded = f" {prepared} "
        return any(contains_words(padded, s, lang) for s in self._subjects.get((intent_id, lang), ()))

    def names_subject_in_context(self, intent_id: str, text: str, lang: str, ctx_topic: str | None) -> bool:
        """:meth:`names_subject`, with "one" read as the noun of the topic in context (see :func:`one_as`):
        "and the taiwan one, how long for that" after the Hong Kong permit names the Taiwan permit."""
        head = (self.subject_of(ctx_topic, lang) or "").split()[-1:] if ctx_topic else []
        return self.names_subject(intent_id, one_as(text, lang, head[0]) if head else text, lang)

    def same_subject(self, one: str, other: str, lang: str) -> bool:
        """Whether two topics are about the same thing in the lexicon's words (replacing and applying for
        the social security card)."""
        if (one, lang) not in self._nameable or (other, lang) not in self._nameable:
            return False
        return bool(self._subjects[(one, lang)] & self._subjects[(other, lang)])

    def lends_kind(self, followup: str, ctx_topic: str | None, lang: str) -> bool:
        """Whether the follow-up's topic is about the same thing as the topic in context and answers a
        kind that topic has no follow-up of: "要等多久" after replacing the social security card is the
        new card's time; "몇 명까지 돼요?" after the group tour stays the group tour's own."""
        base, _, kind = followup.partition(".")
        return (ctx_topic is not None and f"{ctx_topic}.{kind}" not in self._followup_ids
                and self.same_subject(base, ctx_topic, lang))

    def followups_speak_of(self, topic_id: str, other_id: str, lang: str) -> bool:
        """Whether the topic's follow-ups' own questions name what ``other_id`` is about: the permit's
        "签注多少钱" is its fee follow-up's question, though 签注 is the endorsement's subject."""
        wording = self._followup_wording.get((topic_id, lang), "")
        subjects = self._subjects.get((other_id, lang), ()) if (other_id, lang) in self._nameable else ()
        return any(contains_words(wording, s, lang) for s in subjects)

    def match_case(self, flow_id: str, text: str, lang: str) -> str | None:
        """The case of ``flow_id`` named in ``text`` (longest keyword wins), or None."""
        return self._case_in(flow_id, self.prepare(text, lang), lang)

    def _case_in(self, flow_id: str, prepared: str, lang: str) -> str | None:
        """:meth:`match_case` on already prepared text."""
        stemmed = _stem_words(prepared) if lang == "en" else prepared
        for case_id, klang, kw in self._case_keywords.get(flow_id, []):
            if not kw or klang != lang:
                continue
            hit = _stem_words(kw) in stemmed if lang == "en" else kw in prepared
            if hit:
                return case_id
        return None


# Words that point back to the thing just talked about ("it", "它", "그거").
POINTERS = {"en": {"it", "its", "it's", "they", "them", "this one", "that one"}, "zh": {"它", "这件", "那件"},
            "ko": {"그거", "그것", "거기", "그건"}}


def _outermost(words: frozenset[str]) -> list[str]:
    """``words`` less those inside a longer one of them."""
    return [w for w in words if not any(w != other and w in other for other in words)]


def points_back(text: str, lang: str) -> bool:
    words = normalize(text, lang)
    pointers = POINTERS.get(lang, set())
    if lang == "zh":
        return any(p in words for p in pointers)
    if lang == "ko":  # with a particle attached: 그건, 거기에
        return any(w.startswith(p) for w in words.split() for p in pointers)
    # "where do I get one": a sentence ending in "one" (not "this one", "which one") points back too
    ends_in_one = words.endswith(" one") and not re.search(r"\b(?:which|what|any|every|no|each|some)\s+one$", words)
    return ends_in_one or any(f" {p} " in f" {words} " for p in pointers)


def one_as(text: str, lang: str, head: str) -> str:
    """English "the taiwan one" with ``head`` (the noun of what was just said) for "one": after the
    Hong Kong permit it is "the taiwan permit". Other languages and other texts are returned as they are."""
    if lang != "en" or not head:
        return text
    return re.sub(r"\b(the|a|an|this|that)\s+([a-z][a-z'-]*)\s+one\b", rf"\1 \2 {head}", text, flags=re.IGNORECASE)


def contains_words(padded: str, words: str, lang: str) -> bool:
    """Whether space-padded, prepared text holds ``words`` (whole words in English)."""
    return f" {words} " in padded if lang == "en" else words in padded


def _stem_words(text: str) -> str:
    return " " + " ".join(en_stem(w) for w in text.split()) + " "
