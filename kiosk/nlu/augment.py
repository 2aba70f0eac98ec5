"""Training variants of the pack's examples, the way visitors and speech recognition change them:
synonym and mis-hearing swaps from the pack's lexicon, dropped or added particles, homophone
slips, dropped characters or words, missing punctuation, English casing and typos.
"""
from __future__ import annotations

import random
import re

from kiosk.nlu.examples import Example
from kiosk.pack.model import VenuePack

# Common Chinese speech-recognition slips (same or near sound); applied one at a time.
ZH_HOMOPHONES = [
    "在再", "哪那", "几机", "门们", "时是事", "号好", "里理", "厅听", "馆管", "票漂", "办半", "到道", "以已",
    "有又", "去区", "楼路", "买卖", "钱前", "开凯", "关官", "吃尺", "停亭", "车扯", "站战", "问文", "带代",
    "证正", "取曲", "交教", "费飞", "住注", "能呢", "儿而", "口扣", "层曾", "处出", "电店", "话化", "带待",
]
ZH_PREFIXES = ["请问", "请问一下", "你好", "那个", "我想问一下", "麻烦问下", "嗯", "就是"]
ZH_SUFFIXES = ["啊", "呀", "呢", "吗", "吧", "的"]
ZH_DROP = ["请问", "一下", "啊", "呀", "呢", "吗", "吧", "的", "我想", "你们", "这里", "请"]
EN_PREFIXES = ["excuse me", "hi", "um", "sorry", "hello", "so", "could you tell me"]
EN_SUFFIXES = ["please", "thanks", "here"]
EN_DROP = {"the", "a", "an", "please", "is", "are", "do", "does", "can", "i", "you", "to", "of", "my", "your"}
KO_PREFIXES = ["저기요", "실례합니다", "혹시", "저"]
KO_DROP_ENDINGS = ("은", "는", "이", "가", "을", "를", "요")


class Augmenter:
    """Makes ``per_example`` distinct variants of each example, reproducibly for a seed."""

    def __init__(self, pack: VenuePack, seed: int = 13) -> None:
        self.rng = random.Random(seed)
        self.groups: dict[str, list[list[str]]] = {
            lang: [[w.lower() for w in g if w] for g in gs if len(g) > 1] for lang, gs in pack.synonym_groups.items()}
        self.homophones = {c: [o for o in group if o != c] for group in ZH_HOMOPHONES for c in group}

    def variants(self, ex: Example, per_example: int) -> list[Example]:
        seen = {ex.text.lower()}
        out: list[Example] = []
        for _ in range(per_example * 4):
            if len(out) >= per_example:
                break
            text = self._one(ex.text, ex.lang)
            key = text.lower()
            if text.strip() and key not in seen:
                seen.add(key)
                out.append(Example(ex.intent, ex.lang, text))
        return out

    def _one(self, text: str, lang: str) -> str:
        ops = [self.synonym_swap, self.synonym_swap, self.drop_particle, self.add_filler, self.drop_unit,
               self.strip_punctuation]
        if lang == "zh":
            ops += [self.homophone, self.homophone]
        if lang == "en":
            ops += [self.casing, self.typo]
        if lang == "ko":
            ops += [self.ko_spacing]
        for op in self.rng.sample(ops, k=self.rng.choice((1, 1, 2, 2, 3))):
            text = op(text, lang)
        return text

    # -- operations ---------------------------------------------------------------------------
    def synonym_swap(self, text: str, lang: str) -> str:
        low = text.lower()
        hits = [(w, g) for g in self.groups.get(lang, []) for w in g if _contains(low, w, lang)]
        if not hits:
            return text
        word, group = self.rng.choice(hits)
        other = self.rng.choice([w for w in group if w != word] or [word])
        start = low.find(word)
        return text[:start] + other + text[start + len(word):]

    def drop_particle(self, text: str, lang: str) -> str:
        if lang == "zh":
            found = [p for p in ZH_DROP if p in text]
            return text.replace(self.rng.choice(found), "", 1) if found else text
        if lang == "en":
            words = text.split()
            keep = [w for w in words if w.lower().strip("?.,!") not in EN_DROP or self.rng.random() < 0.5]
            return " ".join(keep) if keep else text
        if lang == "ko":
            words = text.split()
            if words:
                i = self.rng.randrange(len(words))
                if len(words[i]) > 1 and words[i].endswith(KO_DROP_ENDINGS):
                    words[i] = words[i][:-1]
            return " ".join(words)
        return text

    def add_filler(self, text: str, lang: str) -> str:
        if lang == "zh":
            return self.rng.choice([self.rng.choice(ZH_PREFIXES) + text, text.rstrip("？?。") + self.rng.choice(ZH_SUFFIXES)])
        if lang == "en":
            return self.rng.choice([f"{self.rng.choice(EN_PREFIXES)} {text}", f"{text.rstrip('?.!')} {self.rng.choice(EN_SUFFIXES)}"])
        if lang == "ko":
            return f"{self.rng.choice(KO_PREFIXES)} {text}"
        return text

    def drop_unit(self, text: str, lang: str) -> str:
        """Speech recognition drops a character (Chinese, Korean) or a short word (English)."""
        if lang == "en":
            words = text.split()
            if len(words) < 4:
                return text
            del words[self.rng.randrange(len(words))]
            return " ".join(words)
        chars = list(text)
        spots = [i for i, c in enumerate(chars) if not c.isspace() and not c.isascii()]
        if len(spots) < 5:
            return text
        del chars[self.rng.choice(spots)]
        return "".join(chars)

    def homophone(self, text: str, lang: str) -> str:
        spots = [i for i, c in enumerate(text) if c in self.homophones]
        if not spots:
            return text
        i = self.rng.choice(spots)
        return text[:i] + self.rng.choice(self.homophones[text[i]]) + text[i + 1:]

    def strip_punctuation(self, text: str, lang: str) -> str:
        return re.sub(r"[^\w\s']", "", text).strip() or text

    def casing(self, text: str, lang: str) -> str:
        return self.rng.choice([text.lower(), text.upper(), text.capitalize(), text.title()])

    def typo(self, text: str, lang: str) -> str:
        words = text.split()
        long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not long:
            return text
        i = self.rng.choice(long)
        w = words[i]
        j = self.rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        return " ".join(words)

    def ko_spacing(self, text: str, lang: str) -> str:
        return text.replace(" ", "") if self.rng.random() < 0.5 else text


def _contains(text: str, word: str, lang: str) -> bool:
    if lang == "en":
        return f" {word} " in f" {re.sub(r'[^a-z0-9 ]', ' ', text)} "
    return word in text
