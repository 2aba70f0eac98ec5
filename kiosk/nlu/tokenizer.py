"""Mixed-script tokenizer: one token per Chinese character or Hangul syllable, word pieces for
English, and hashed n-gram ids (the sparse features of the model, as in DIET).

The vocabulary is built from the pack's own (augmented) examples, so a new venue needs no
pretrained vocabulary; it is saved as ``vocab.txt`` next to the model.
"""
from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from kiosk.dialog.text import en_stem, normalize

PAD, UNK, CLS, SEP = "[PAD]", "[UNK]", "[CLS]", "[SEP]"
SPECIALS = (PAD, UNK, CLS, SEP)
_RUNS = re.compile(r"[a-z]+|[0-9]+|[\u4e00-\u9fff\u3400-\u4dbf]|[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]+|\S")
_ZH_PARTICLES = ("请问", "一下", "啊", "呀", "吧", "哦", "嗯", "呢", "嘛", "吗", "的")
_EN_STOP = {"the", "a", "an", "please", "um", "uh", "hi", "hello", "excuse", "me", "sorry", "i", "you", "to",
            "is", "are", "do", "does", "can", "could", "would", "my", "your", "it", "this", "that", "of"}


def prepare(text: str, lang: str) -> str:
    """The model's view of an utterance: normalised (case, width, punctuation, spaces)."""
    return normalize(text, lang)


def _units(text: str) -> list[str]:
    """Script runs: a Latin word, a digit run, one CJK character, or one Hangul word."""
    return _RUNS.findall(text)


class Tokenizer:
    """Text to token ids (the transformer's input) and hashed n-gram ids (sparse features)."""

    def __init__(self, tokens: list[str], max_len: int = 40, ngram_buckets: int = 1 << 15) -> None:
        self.tokens = tokens
        self.index = {t: i for i, t in enumerate(tokens)}
        self.max_len = max_len
        self.ngram_buckets = ngram_buckets
        self.unk_id = self.index[UNK]
        self.pad_id = self.index[PAD]

    # -- building and saving ------------------------------------------------------------------
    @classmethod
    def build(cls, texts: Iterable[tuple[str, str]], max_len: int = 40, ngram_buckets: int = 1 << 15) -> "Tokenizer":
        """A vocabulary from (text, lang) pairs: characters, Hangul syllables, English words and pieces."""
        counts: Counter[str] = Counter()
        for text, lang in texts:
            for unit in _units(prepare(text, lang)):
                if unit.isascii() and unit.isalpha():
                    counts[unit] += 1
                    counts[en_stem(unit)] += 1
                    for n in range(2, min(len(unit), 6)):
                        counts[unit[:n]] += 1
                        counts["##" + unit[-n:]] += 1
                elif _is_hangul(unit):
                    counts.update(unit)  # syllables
                    if len(unit) > 1:
                        counts["##" + unit[-1]] += 1  # the ending of a Korean word
                else:
                    counts.update(unit)
        letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
        base = list(SPECIALS) + letters + ["##" + c for c in letters] + [str(d) for d in range(10)]
        rest = sorted((t for t in counts if t not in set(base)), key=lambda t: (-counts[t], t))
        return cls(base + rest, max_len, ngram_buckets)

    def save(self, folder: Path) -> None:
        (folder / "vocab.txt").write_text("\n".join(self.tokens) + "\n", encoding="utf-8")
        settings = {"max_len": self.max_len, "ngram_buckets": self.ngram_buckets, "kind": "kiosk-mixed-script"}
        (folder / "tokenizer.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "Tokenizer":
        settings = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
        tokens = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
        while tokens and tokens[-1] == "":
            tokens.pop()
        missing = [t for t in SPECIALS if t not in tokens]
        if missing:
            raise ValueError(f"{folder / 'vocab.txt'}: special tokens missing: {', '.join(missing)}")
        return cls(tokens, int(settings["max_len"]), int(settings["ngram_buckets"]))

    def __len__(self) -> int:
        return len(self.tokens)

    # -- encoding -----------------------------------------------------------------------------
    def pieces(self, text: str, lang: str) -> list[str]:
        out: list[str] = []
        for unit in _units(prepare(text, lang)):
            if unit.isascii() and unit.isalpha():
                out += self._word_pieces(unit)
            elif unit.isdigit():
                out += list(unit)
            elif _is_hangul(unit):
                out += list(unit)
            else:
                out.append(unit if unit in self.index else UNK)
        return out

    def _word_pieces(self, word: str) -> list[str]:
        if word in self.index:
            return [word]
        out, start = [], 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.index:
                    out.append(piece)
                    start = end
                    break
            else:
                out.append(UNK)
                start += 1
        return out

    def encode(self, text: str, lang: str) -> list[int]:
        """[CLS] tokens [SEP], cut to ``max_len``."""
        ids = [self.index.get(p, self.unk_id) for p in self.pieces(text, lang)][: self.max_len - 2]
        return [self.index[CLS]] + ids + [self.index[SEP]]

    def ngrams(self, text: str, lang: str) -> list[int]:
        """Hashed bucket ids of the utterance's character and word n-grams (0 is never used)."""
        s = prepare(text, lang)
        grams: set[str] = set()
        if lang == "en" or (s.isascii() and lang not in ("zh", "ko")):
            words = [en_stem(w) for w in s.split() if w not in _EN_STOP] or [en_stem(w) for w in s.split()]
            grams.update(f"w:{w}" for w in words)
            grams.update(f"b:{a}_{b}" for a, b in zip(words, words[1:]))
            for w in words:
                padded = f"<{w}>"
                grams.update(f"c:{padded[i:i + 3]}" for i in range(len(padded) - 2))
        else:
            core = s
            if lang == "zh":
                for p in _ZH_PARTICLES:
                    core = core.replace(p, "")
                core = core or s
            compact = core.replace(" ", "")
            for n in (1, 2, 3):
                grams.update(f"{n}:{compact[i:i + n]}" for i in range(len(compact) - n + 1))
            grams.update(f"w:{w}" for w in core.split() if len(w) > 1)
        return sorted({1 + zlib.crc32(g.encode("utf-8")) % (self.ngram_buckets - 1) for g in grams})


def _is_hangul(unit: str) -> bool:
    return bool(unit) and "\uac00" <= unit[0] <= "\ud7af" or bool(unit) and "\u1100" <= unit[0] <= "\u318f"
