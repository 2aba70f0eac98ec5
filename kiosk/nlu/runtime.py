"""Running the trained intent model at the kiosk, combined with the lexical matcher.

:func:`load_matcher` is what the dialog factory calls: it checks the model next to the pack
(present, intact, trained on this pack content) and returns a :class:`CombinedMatcher`; any
problem gives ``(None, EngineStatus("lexical", why))`` so the kiosk keeps answering lexically.
"""
from __future__ import annotations

import logging
import math
from collections import OrderedDict
from pathlib import Path
from typing import Any

import torch

from kiosk.dialog.matching import Candidate, LexicalMatcher
from kiosk.nlu.artifacts import ModelInfo, ModelUnusable, check_model
from kiosk.nlu.examples import NONE_INTENT
from kiosk.nlu.model import IntentModel
from kiosk.nlu.tokenizer import Tokenizer
from kiosk.pack.model import VenuePack

log = logging.getLogger(__name__)


class IntentRuntime:
    """Single-utterance inference with a small cache of recent utterances."""

    CACHE = 256

    def __init__(self, model: IntentModel, tokenizer: Tokenizer, labels: list[str], encoder: Any = None,
                 lookalikes: dict[str, list[str]] | None = None) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.labels = labels
        self.encoder = encoder
        self.lookalikes = lookalikes or {}  # follow-up -> topics its questions read like (kiosk.nlu.lookalikes)
        self._cache: OrderedDict[tuple[str, str], dict[str, float]] = OrderedDict()

    @classmethod
    def from_trained(cls, trained: Any) -> "IntentRuntime":
        return cls(trained.model, trained.tokenizer, trained.labels, trained.encoder, trained.stats.get("lookalikes"))

    @classmethod
    def load(cls, info: ModelInfo, encoder: Any = None) -> "IntentRuntime":
        try:
            model = IntentModel.from_pretrained(str(info.folder), local_files_only=True)
            tokenizer = Tokenizer.load(info.folder)
        except Exception as exc:  # noqa: BLE001 - any damage is reported, never raised at the visitor
            raise ModelUnusable(f"{info.folder}: damaged, cannot load ({type(exc).__name__}: {exc})") from exc
        if len(tokenizer) != model.config.vocab_size:
            raise ModelUnusable(f"{info.folder / 'vocab.txt'}: damaged: {len(tokenizer)} tokens, the model has "
                                f"{model.config.vocab_size} (retrain)")
        labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        if labels != info.labels:
            raise ModelUnusable(f"{info.folder / 'labels.json'}: does not match the model's labels (retrain)")
        if model.uses_encoder and encoder is None:
            raise ModelUnusable(f"{info.folder}: trained on a frozen encoder that is not available (retrain)")
        lookalikes = info.meta.get("lookalikes")
        return cls(model, tokenizer, labels, encoder, lookalikes if isinstance(lookalikes, dict) else None)

    def probabilities(self, text: str, lang: str) -> dict[str, float]:
        """Softmax over the pack's intents and ``__none__`` for one utterance."""
        key = (text, lang)
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        probs = self._infer(text, lang)
        self._cache[key] = probs
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)
        return probs

    def clear_cache(self) -> None:
        self._cache.clear()

    @torch.inference_mode()
    def _infer(self, text: str, lang: str) -> dict[str, float]:
        grams = self.tokenizer.ngrams(text, lang) or [0]
        kwargs: dict[str, torch.Tensor] = {"ngram_ids": torch.tensor([grams])}
        if self.model.uses_encoder:
            kwargs["features"] = self.encoder.embed([text])
        else:
            ids = torch.tensor([self.tokenizer.encode(text, lang)])
            kwargs.update(input_ids=ids, attention_mask=torch.ones_like(ids))
        probs = torch.softmax(self.model(**kwargs)[0], dim=-1).tolist()
        return dict(zip(self.labels, probs))


class CombinedMatcher:
    """Model probability and lexical similarity blended into one score, then one calibrated
    confidence (logistic); the engine applies the two thresholds (low confidence, top-2 margin)."""

    MODEL_WEIGHT = 0.6  # weight chosen by 3-fold cross-validation on the museum pack
    # midpoint chosen on the first two dev batches (never the third) after the packs listed their
    # outside questions: the answer threshold sits at a combined score of about 0.28
    MIDPOINT = 0.28
    SLOPE = 14.0
    FOLLOWUP_IN_CONTEXT = 1.25
    FOLLOWUP_OUT_OF_CONTEXT = 0.55
    SURE_READING = 0.4  # read with the topic in context named, another topic this sure,
    FADED_READING = 0.25  # and the plain reading's topic down to this share of itself: the context changed it
    NAMED_CASE_BOOST = 0.25  # a flow whose subject and case the question names: this much more,
    NAMED_CASE_LEAD = 0.1  # and at least this far ahead of every other intent
    NAMED_BY_MODEL = 0.5  # a follow-up the model gives this much, and this share of its kind's mass,
    NAMED_SHARE = 0.8  # counts as named by the question (see _named_by_model)
    FOLLOWUP_OVER_TOPIC = 1.0  # out of context a follow-up gets its family's mass when the model likes it this much more than the topic
    # a question the model reads as one kind of follow-up (at least this mass) with no topic's even twice
    # as likely as the next (lead) names no topic: the dialog engine asks which one, or answers the topic
    # in context again (both chosen on the first two dev batches, where no in-domain question comes near)
    UNNAMED_MASS = 0.5
    UNNAMED_LEAD = 2.0
    # a Chinese question longer than this many characters has its score raised in proportion: its
    # own question is told among more words (a story around it), which lowers the scores of right and
    # wrong topics alike, but long outside questions seldom come near any topic (chosen on the dev
    # set; English and Korean questions gained about as many answers as they lost outside questions)
    PLAIN_LENGTH = {"zh": 10}
    WORDS_SURE = 0.5  # see words_and_model_agree
    OUTSIDE_SHARE = 0.7

    def __init__(self, pack: VenuePack, runtime: IntentRuntime, lexical: LexicalMatcher | None = None,
                 model_weight: float | None = None) -> None:
        self.pack = pack
        self.runtime = runtime
        self.lexical = lexical or LexicalMatcher(pack)
        self.model_weight = self.MODEL_WEIGHT if model_weight is None else model_weight
        self.intents = [label for label in runtime.labels if label != NONE_INTENT]
        self.pack_followups = {f.id for t in pack.topics for f in t.followups}

    def model_scores(self, text: str, lang: str, context: str | None,
                     weights: dict[str, float] | None = None) -> dict[str, float]:
        """Model probabilities with follow-ups read in context: "学生呢" after a topic gives that
        topic's follow-up the mass of every follow-up of the same name (and of the topics its questions
        read like). Out of context a topic and its follow-ups pool their mass (see :meth:`_pool_family`;
        ``weights``: the lexical matcher's conversation weights)."""
        return self._weighed_model_scores(text, lang, context, weights)[0]

    def _weighed_model_scores(self, text: str, lang: str, context: str | None,
                              weights: dict[str, float] | None) -> tuple[dict[str, float], set[str]]:
        """:meth:`model_scores`, and the follow-ups whose score already holds their weight (those
        given their family's mass, which counts each member only as far as the question names it)."""
        probs = self.runtime.probabilities(text, lang)
        ctx_topic = context.split(".")[0] if context else None
        scores = {i: probs.get(i, 0.0) for i in self.intents}
        if ctx_topic:
            unnamed = self._unnamed_mass(scores, ctx_topic, weights or {})
            for intent in self.intents:
                base, _, short = intent.partition(".")
                if short and base == ctx_topic:
                    same = sum(p for i, p in unnamed.items() if "." in i and i.split(".", 1)[1] == short)
                    alike = set(self.runtime.lookalikes.get(intent, ()))
                    # "可以拍照不" after the scroll: the photography topic's own mass (not its follow-ups') is the scroll's
                    if alike:
                        same = max(same, scores[intent] + sum(p for i, p in probs.items() if i in alike))
                    scores[intent] = max(scores[intent], same)
        families: dict[str, list[str]] = {}
        for intent in self.intents:
            base, _, short = intent.partition(".")
            if not short:
                continue
            if base == ctx_topic:
                scores[intent] = min(1.0, scores[intent] * self.FOLLOWUP_IN_CONTEXT)
            elif base in scores:
                families.setdefault(base, []).append(intent)
        self._lend_to_lookalikes(scores, probs, families, weights or {})
        weighed = {self._pool_family(scores, probs, base, followups, weights or {}) for base, followups in families.items()}
        if not ctx_topic:
            weighed |= self._kind_of_named_topic(scores, probs, weights or {})
        else:
            self._read_again_in_context(scores, probs, text, lang, ctx_topic)
        return scores, weighed - {None}

    @staticmethod
    def _unnamed_mass(scores: dict[str, float], ctx_topic: str, weights: dict[str, float]) -> dict[str, float]:
        """Each intent's probability as far as it may go to the topic in context: another topic's
        follow-up keeps the share its topic is named in the question ("and the jade cong, where's
        that" after the lotus bowl is the cong's 'where', not the bowl's)."""
        return {i: p if i.split(".")[0] == ctx_topic or "." not in i else p * (1.0 - weights.get(i, 0.0))
                for i, p in scores.items()}

    def _read_again_in_context(self, scores: dict[str, float], probs: dict[str, float], text: str, lang: str,
                               ctx_topic: str) -> None:
        """In a topic's context, a question the model reads as another topic or its follow-up is
        read again with the topic named in front (:meth:`reading_in_context`), as the lexical matcher
        reads follow-ups in context: "要押金吗" after the wheelchair is "轮椅 要押金吗",
        not the audio guide's deposit. The topic and its follow-ups get that reading when it is higher,
        and the mass it gives them is taken from the other topic's follow-up. So does any other intent
        that reading raises: "有英文的吗" after the guided tour is "讲解 有英文的吗", the English
        tour, not the audio guide's languages. A flow in context is read the same way: "多久能拿到新的" after
        the lost ID card is "身份证 多久能拿到新的", the ID card's processing time, not
        the social security card's. The follow-up read gets the reading too when it is likelier there:
        "要等多久" after replacing the social security card is the new card's time. A question that
        names the topic it reads as is not read again ("and the jade cong, where's that" after the lotus
        bowl stays the cong's), unless the follow-ups of the topic in context name that subject in their
        own questions: the permit's fee follow-up asks "签注多少钱", so after the permit that is its fee,
        not the endorsement, and a topic read so is taken as a follow-up reading. See
        :meth:`_context_changes_topic` for another topic."""
        best = max(self.intents, key=lambda i: probs.get(i, 0.0), default=None)
        if best is None or best.split(".")[0] == ctx_topic:
            return
        spoken_of = self.lexical.followups_speak_of(ctx_topic, best.split(".")[0], lang)
        if self.lexical.names_subject_in_context(best.split(".")[0], text, lang, ctx_topic) and not spoken_of:
            return  # "and the jade cong, where's that"; "and the taiwan one" after the Hong Kong permit
        read = self.reading_in_context(text, lang, ctx_topic)
        if read is None:  # no topic or flow of the pack in context
            return
        if "." not in best and not spoken_of:
            self._context_changes_topic(scores, probs, read, best, ctx_topic)
            return
        members = {i for i in self.intents if i.split(".")[0] == ctx_topic}
        for intent in self.intents:
            if intent in members or read.get(intent, 0.0) > probs.get(intent, 0.0):
                scores[intent] = max(scores[intent], read.get(intent, 0.0))
        scores[best] *= 1.0 - min(1.0, sum(read.get(i, 0.0) for i in members))

    def _context_changes_topic(self, scores: dict[str, float], probs: dict[str, float], read: dict[str, float],
                               best: str, ctx_topic: str) -> None:
        """A question the model reads as another topic keeps that reading unless naming the topic in
        context in front changes it for sure: "中午能办不" after the marriage registration is the
        marriage office's hours, not the centre's (read with the registration named, the office's hours
        are sure and the centre's fall below a quarter of what they were); "厕所在哪" stays the restrooms.
        A reading the topic named in front confirms gets the likelier of the two: "能寄到家里不" alone is
        mostly "I don't know" to the model, after the ID card's processing time it is the delivery."""
        changed = max(self.intents, key=lambda i: read.get(i, 0.0))
        if changed == best:
            scores[best] = max(scores[best], read[best])
            return
        if changed.split(".")[0] == ctx_topic:
            return
        if read[changed] > self.SURE_READING and read.get(best, 0.0) < probs.get(best, 0.0) * self.FADED_READING:
            scores[changed] = max(scores[changed], read[changed])
            scores[best] *= 1.0 - read[changed]

    def _kind_of_named_topic(self, scores: dict[str, float], probs: dict[str, float],
                             weights: dict[str, float]) -> set[str]:
        """Out of context, the kind from the model and the subject from the words: "结婚登记要交多少钱"
        reads to the model as the 'fee' follow-up of several topics (the property transfer's most),
        and its words name one of those topics, the marriage registration. That topic's follow-up
        gets the mass of its kind that the question does not give to a topic it names. Returns the
        follow-ups given it (their score holds their weight)."""
        given: set[str] = set()
        for members in self._followups_by_kind(probs).values():
            named = self._only_named(members, weights)
            if named is None:
                continue
            mass = probs.get(named, 0.0) + sum(p * (1.0 - weights.get(i, 0.0)) for p, i in members if i != named)
            if mass > scores[named]:
                scores[named] = min(1.0, mass)
                given.add(named)
        return given

    @staticmethod
    def _only_named(members: list[tuple[float, str]], weights: dict[str, float]) -> str | None:
        """The one follow-up among ``members`` whose topic the question's words name, if only one is."""
        named = [intent for _, intent in members if weights.get(intent, 0.0) >= 1.0]
        return named[0] if len(named) == 1 else None

    def _lend_to_lookalikes(self, scores: dict[str, float], probs: dict[str, float],
                            families: dict[str, list[str]], weights: dict[str, float]) -> None:
        """Out of context, when the model's best reading is a follow-up of a topic the question does
        not name, that unnamed mass goes to the topics the follow-up's questions read like:
        "里面可以拍照吗" is the exhibition's photo follow-up to the model, and with no exhibition
        named it is the photography topic's question."""
        out_of_context = {f for followups in families.values() for f in followups}
        best = max(self.intents, key=lambda i: probs.get(i, 0.0), default=None)
        if best not in out_of_context:
            return
        alike = [a for a in self.runtime.lookalikes.get(best, ()) if a in scores]
        unnamed = probs.get(best, 0.0) * (1.0 - weights.get(best, 1.0))
        for a in alike:
            scores[a] = min(1.0, scores[a] + unnamed / len(alike))

    def _pool_family(self, scores: dict[str, float], probs: dict[str, float], base: str, followups: list[str],
                     weights: dict[str, float]) -> str | None:
        """Out of its topic's context, a topic and its follow-ups are one family: the family's mass
        goes to the member the model likes best, a follow-up only as far as the question names the
        topic. "那个青铜鼎是哪年挖出来的" gets the ding's 'found' follow-up, "铜鼎" the whole answer.
        Returns the follow-up given the family's mass, if one was."""
        share = {f: probs.get(f, 0.0) * weights.get(f, 1.0) for f in followups}
        best = max(followups, key=lambda f: share[f])
        family = scores[base] + sum(share.values())
        for f in followups:
            scores[f] = min(1.0, scores[f] * self.FOLLOWUP_OUT_OF_CONTEXT)
        if share[best] > self.FOLLOWUP_OVER_TOPIC * scores[base]:
            scores[best] = min(1.0, family)
            return best
        scores[base] = min(1.0, family)
        return None

    def rank(self, text: str, lang: str, context: str | None = None, top: int = 5) -> list[Candidate]:
        lex = self.lexical.scores(text, lang, context)
        lexical = {i: round(s, 4) for i, s in lex.ranked}
        probs = self.runtime.probabilities(text, lang)
        # the model's scores get what the lexical ones have: unknown words, what the conversation points to
        weights = self._named_by_model(lex.context_weights, probs, text, lang, context)
        model, weighed = self._weighed_model_scores(text, lang, context, weights)
        w = self.model_weight
        # lexical likeness counts for less when the model reads the question as about something else;
        # in a topic's context, as the question reads there: "能寄到家不" alone is nothing the model knows
        # (0.66 "I don't know"), after the ID card's processing time it is the ID card delivery (0.04)
        in_context = self.reading_in_context(text, lang, context) or {}
        trust = 1.0 - min(probs.get(NONE_INTENT, 0.0), in_context.get(NONE_INTENT, 1.0))
        scored = [(i, w * lex.novelty * (1.0 if i in weighed else weights.get(i, 1.0)) * model.get(i, 0.0)
                   + (1 - w) * trust * lexical.get(i, 0.0)) for i in set(model) | set(lexical)]
        scored = self._named_cases(dict(scored), self._cases_standing(lex.named_cases, probs, text, lang))
        scored.sort(key=lambda p: (-p[1], p[0]))  # ties by id: the same answer in every run
        told = self._told_among(text, lang)
        return [Candidate(i, round(s * told, 4), round(self.confidence(s * told), 4)) for i, s in scored[:top]]

    def words_and_model_agree(self, text: str, lang: str) -> str | None:
        """The topic (or flow) that both the words and the model read the question as, when the words
        are sure of it and no outside question comes near: the question's words come at least WORDS_SURE
        near one of its questions, every outside.yaml question less than OUTSIDE_SHARE of that, and the
        model's likeliest reading is of the same topic. The model may still be unsure: "do you rent out
        audio guides" is 0.5 "I don't know" to it, as "rent" is only in questions the museum does not
        answer ("where can i rent a bike")."""
        best, own, outside = self.lexical.plain_match(text, lang)
        if best is None or own < self.WORDS_SURE or outside >= self.OUTSIDE_SHARE * own:
            return None
        probs = self.runtime.probabilities(text, lang)
        read = max(self.intents, key=lambda i: probs.get(i, 0.0), default=None)
        return best.split(".")[0] if read is not None and read.split(".")[0] == best.split(".")[0] else None

    def _told_among(self, text: str, lang: str) -> float:
        """How many times longer than a plain question ``text`` is (at least 1; see PLAIN_LENGTH)."""
        plain = self.PLAIN_LENGTH.get(lang)
        return max(1.0, sum(ch.isalnum() for ch in text) / plain) if plain else 1.0

    def _named_by_model(self, weights: dict[str, float], probs: dict[str, float], text: str, lang: str,
                        context: str | None) -> dict[str, float]:
        """The conversation weights, with a follow-up the model is sure of counted as named: the
        lexical matcher damps a follow-up whose topic the question's words do not name, but
        "最晚几点之前要进馆" names the museum's own last entry to the model (0.9, and nearly all of
        the 'last-entry' follow-ups' mass), as "在哪里" names no one's 'where'. A follow-up whose
        questions read like other topics (look-alikes) keeps its weight: that unnamed mass is theirs.
        In another topic's context, so does one the question names only out of context (see
        :meth:`_context_undoes_reading`)."""
        ctx_topic = context.split(".")[0] if context else None
        named = dict(weights)
        for members in self._followups_by_kind(probs).values():
            mass = sum(p for p, _ in members)
            for p, intent in members:
                if (intent.split(".")[0] != ctx_topic and p >= self.NAMED_BY_MODEL and p >= self.NAMED_SHARE * mass
                        and not self.runtime.lookalikes.get(intent)
                        and not self._context_undoes_reading(intent, p, text, lang, ctx_topic)):
                    named[intent] = 1.0
        return named

    def _context_undoes_reading(self, intent: str, p: float, text: str, lang: str, ctx_topic: str | None) -> bool:
        """Whether the model's reading ``intent`` (probability ``p``) of a question goes once the
        question is read with the topic in context named in front: "周六呢" alone is the ticket
        cut-off's Saturday to the model (0.89), but after the opening hours, read as "办公时间 周六呢",
        it falls to 0.06. Such a question names no topic of its own: it leans on the one in context."""
        read = self.reading_in_context(text, lang, ctx_topic)
        return read is not None and read.get(intent, 0.0) < self.FADED_READING * p

    def reading_in_context(self, text: str, lang: str, context: str | None) -> dict[str, float] | None:
        """The model's reading of a question with the topic or flow in context named in front (as the
        lexical matcher reads follow-ups in context), or None out of one's context. It is named by its
        subject in the lexicon's words when it has one: "能寄到家不" after the ID card's processing time
        is "身份证 能寄到家不", the ID card delivery; with the whole title in front ("身份证办理时限")
        the title's other words drew it to the processing time again. Else by its title."""
        ctx_topic = context.split(".")[0] if context else None
        if not ctx_topic or (self.pack.topic(ctx_topic) or self.pack.flow(ctx_topic)) is None:
            return None
        named = self.lexical.subject_of(ctx_topic, lang) or self.pack.title_of(ctx_topic, lang)
        return self.runtime.probabilities(f"{named} {text}", lang)

    def _followups_by_kind(self, probs: dict[str, float]) -> dict[str, list[tuple[float, str]]]:
        """The pack's follow-ups with the model's probability, by kind (their short id: 'where')."""
        by_kind: dict[str, list[tuple[float, str]]] = {}
        for intent, p in probs.items():
            kind = intent.partition(".")[2]
            if kind and intent in self.pack_followups:
                by_kind.setdefault(kind, []).append((p, intent))
        return by_kind

    def _named_cases(self, scores: dict[str, float], flows: list[str]) -> list[tuple[str, float]]:
        """A question that names a flow's subject and one of its cases (``flows``, found by the lexical
        matcher) is that flow's: "身份证刷不出来了要换一个" is the ID card renewal even when the model
        reads 刷不出来 as the social security card's."""
        for flow_id in flows:
            if flow_id in scores:
                best = max(scores.values(), default=0.0)
                scores[flow_id] = min(1.0, max(scores[flow_id] + self.NAMED_CASE_BOOST, best + self.NAMED_CASE_LEAD))
        return list(scores.items())

    def _cases_standing(self, flows: list[str], probs: dict[str, float], text: str, lang: str) -> list[str]:
        """The flows whose named case stands: not when the model is sure of another topic whose
        subject the question names as well. "身份证丢了 后天坐飞机 能先开个临时证明吗" names the lost
        ID card, and asks for the temporary ID certificate (临时证明) the model reads; "my id card got
        snapped in half" stays the ID card, though the model reads the social security card's."""
        standing = []
        for flow_id in flows:
            others = (i for i in self.intents if i.split(".")[0] != flow_id)
            rival = max(others, key=lambda i: probs.get(i, 0.0), default=None)
            sure = rival is not None and probs.get(rival, 0.0) >= self.NAMED_BY_MODEL
            if not (sure and self.lexical.names_subject(rival.split(".")[0], text, lang)):
                standing.append(flow_id)
        return standing

    def confidence(self, score: float) -> float:
        return 1.0 / (1.0 + math.exp(-self.SLOPE * (score - self.MIDPOINT)))

    def unnamed_followups(self, text: str, lang: str) -> list[str]:
        """The follow-ups a question could be when it asks one kind of follow-up without naming
        whose: "在哪里" or "how much is it" reads to the model as the 'where' (or 'price') follow-up
        of several topics at once. Their ids, likeliest first; empty when the question names its
        topic, to the model or in words ("结婚登记要交多少钱"; what the conversation was about is the
        dialog engine's to weigh)."""
        by_kind = self._followups_by_kind(self.runtime.probabilities(text, lang))
        if not by_kind:
            return []
        kind, members = max(by_kind.items(), key=lambda kv: sum(p for p, _ in kv[1]))
        mass = sum(p for p, _ in members)
        members.sort(key=lambda m: (-m[0], m[1]))
        if len(members) < 2 or mass < self.UNNAMED_MASS or members[0][0] >= self.UNNAMED_LEAD * members[1][0]:
            return []
        if self._only_named(members, self.lexical.scores(text, lang).context_weights) is not None:
            return []
        return [intent for _, intent in members]


def _status(message: str) -> Any:
    from kiosk.dialog.factory import EngineStatus

    return EngineStatus("lexical", message)


def load_runtime(pack: VenuePack, config: Any = None) -> IntentRuntime:
    """The checked model next to ``pack``; raises :class:`ModelUnusable` with a clear reason."""
    info = check_model(pack.root, pack.content_hash)
    trained_with = str(info.meta.get("encoder") or "")
    wanted = str(getattr(getattr(config, "nlu", None), "encoder", "") or "") if config is not None else trained_with
    if wanted != trained_with:
        raise ModelUnusable(f"{info.folder}: trained with encoder {trained_with or '(none)'!r} but the site config "
                            f"names {wanted or '(none)'!r} (retrain)")
    encoder = None
    if trained_with:
        from kiosk.nlu.encoder import EncoderError
        from kiosk.nlu.train import load_encoder_for

        base = config.source.parent if config is not None and getattr(config, "source", None) else None
        try:
            encoder = load_encoder_for(trained_with, base)
        except EncoderError as exc:
            raise ModelUnusable(str(exc)) from exc
    torch.set_num_threads(1)
    return IntentRuntime.load(info, encoder)


def load_matcher(pack: VenuePack, config: Any = None) -> tuple[CombinedMatcher | None, Any]:
    """The combined matcher for ``pack``, or (None, lexical status with the reason)."""
    from kiosk.dialog.factory import EngineStatus

    try:
        runtime = load_runtime(pack, config)
    except ModelUnusable as exc:
        log.warning("intent model not used: %s", exc)
        return None, _status(f"lexical matcher (intent model not used: {exc})")
    matcher = CombinedMatcher(pack, runtime)
    meta_path = Path(pack.root) / ".model" / "meta.json"
    return matcher, EngineStatus("model+lexical", f"intent model + lexical matcher ({len(matcher.intents)} intents, "
                                                  f"model folder {meta_path.parent.name})")
