"""Grouping the questions the kiosk could not answer by character n-gram similarity.

Character n-grams work for Chinese (no word spaces) and for English and Korean alike, and are
robust to small speech recognition errors. Question words and fillers ("在哪里", "where is the")
are dropped first and n-grams are weighted by how rare they are among the questions (IDF), so
"哪里可以停车" meets "停车场在哪里" rather than "卫生间在哪里". Groups are formed greedily, most
frequent question first: a question joins the group it is most similar to on average if that is
above a threshold.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from kiosk.dialog.text import EN_STOP, has_cjk

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_ZH_QUESTION_WORDS = ("请问", "在哪里", "在哪儿", "在哪", "哪里", "哪儿", "怎么样", "怎么", "什么", "多少", "可以",
                      "有没有", "是不是", "能不能", "我想", "我要", "一下", "吗", "呢", "吧", "啊", "呀", "哦", "嗯", "的", "是", "有")
_EN_STOP = set(EN_STOP) | {"where", "what", "how", "when", "which", "who", "why", "any", "get", "find", "need",
                           "want", "there", "some", "way", "much", "many"}
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


def content_of(key: str) -> str:
    """A normalised question without question words and fillers (itself if nothing is left)."""
    words = [w for w in key.split() if w not in _EN_STOP]
    text = " ".join(words)
    for word in _ZH_QUESTION_WORDS:
        text = text.replace(word, "")
    text = " ".join(text.split())
    return text or key


def ngrams(text: str) -> Counter:
    """Character n-grams of a normalised question: characters and pairs for Chinese, Japanese and
    Korean text (one character is a word or syllable), pairs and triples with word boundaries else."""
    cjk = has_cjk(text)
    padded = text.replace(" ", "") if cjk else f" {text} "
    grams: Counter = Counter()
    for n in ((1, 2) if cjk else (2, 3)):
        for i in range(len(padded) - n + 1):
            gram = padded[i:i + n]
            if gram.strip():
                grams[gram] += 1
    return grams


def weigh(vectors: list[Counter]) -> list[Counter]:
    """Scale each n-gram by its smoothed inverse document frequency among ``vectors``."""
    df: Counter = Counter()
    for vec in vectors:
        df.update(vec.keys())
    n = len(vectors)
    idf = {g: math.log((n + 1) / (d + 1)) + 1.0 for g, d in df.items()}
    return [Counter({g: v * idf[g] for g, v in vec.items()}) for vec in vectors]


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) < len(b) else (b, a)
    dot = sum(v * large.get(k, 0) for k, v in small.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def group_questions(rows: list[tuple[str, str, float]], threshold: float = 0.35) -> list[QuestionGroup]:
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
    keys = counts.most_common(MAX_UNIQUE)
    weighted = weigh([ngrams(content_of(key)) for key, _ in keys])
    for (key, n), vec in zip(keys, weighted):
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
