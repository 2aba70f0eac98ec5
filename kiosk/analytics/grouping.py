"""Grouping the questions the kiosk could not answer by character n-gram similarity.

Character n-grams work for Chinese (no word spaces) and for English and Korean alike, and are
robust to small speech recognition errors. Groups are formed greedily, most frequent question
first: a question joins the group it is most similar to on average if that is above a threshold.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
MAX_UNIQUE = 1500  # the most frequent distinct questions considered


@dataclass
class QuestionGroup:
    """Similar unanswered questions: the most frequent one first."""

    questions: list[tuple[str, int]] = field(default_factory=list)  # (text, times asked)
    langs: Counter = field(default_factory=Counter)
    last_ts: float = 0.0

    @property
    def count(self) -> int:
        return sum(n for _, n in self.questions)

    @property
    def representative(self) -> str:
        return self.questions[0][0] if self.questions else ""

    @property
    def lang(self) -> str:
        return self.langs.most_common(1)[0][0] if self.langs else ""


def normalize_question(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_PUNCT.sub(" ", text).split())


def ngrams(text: str, sizes: tuple[int, ...] = (1, 2, 3)) -> Counter:
    """Character n-grams of a normalised question (spaces count as a boundary)."""
    padded = f" {text} "
    grams: Counter = Counter()
    for n in sizes:
        for i in range(len(padded) - n + 1):
            gram = padded[i:i + n]
            if gram.strip():
                grams[gram] += 1 if n > 1 else 0.5
    return grams


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(v * large.get(k, 0) for k, v in small.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def group_questions(rows: list[tuple[str, str, float]], threshold: float = 0.45) -> list[QuestionGroup]:
    """Group ``(question, lang, ts)`` rows; biggest groups first."""
    counts: Counter = Counter()
    shown: dict[str, str] = {}
    langs: dict[str, Counter] = {}
    last: dict[str, float] = {}
    for text, lang, ts in rows:
        key = normalize_question(text or "")
        if not key:
            continue
        counts[key] += 1
        shown.setdefault(key, text.strip())
        langs.setdefault(key, Counter())[lang or ""] += 1
        last[key] = max(last.get(key, 0.0), ts or 0.0)
    groups: list[QuestionGroup] = []
    vectors: list[list[Counter]] = []
    for key, n in counts.most_common(MAX_UNIQUE):
        vec = ngrams(key)
        best, best_sim = None, threshold
        for gi, members in enumerate(vectors):
            sim = sum(cosine(vec, m) for m in members) / len(members)
            if sim >= best_sim:
                best, best_sim = gi, sim
        if best is None:
            groups.append(QuestionGroup())
            vectors.append([])
            best = len(groups) - 1
        group = groups[best]
        group.questions.append((shown[key], n))
        group.langs.update(langs[key])
        group.last_ts = max(group.last_ts, last[key])
        vectors[best].append(vec)
    groups.sort(key=lambda g: (-g.count, g.representative))
    return groups
