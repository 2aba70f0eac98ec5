"""Language detection and text normalisation for Chinese, English and Korean input."""
from __future__ import annotations

import re
import unicodedata

_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_LATIN = re.compile(r"[A-Za-z]")
# Scripts written without spaces between words, or one syllable a character: kana, Han, Hangul.
_CJK_OR_HANGUL = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Filler particles that carry no meaning for matching (ASR output often drops or adds them).
ZH_FILLERS = ("请问一下", "请问", "麻烦问一下", "问一下", "我想问", "想问一下", "想问", "我想", "我要", "你好", "您好",
              "那个", "就是", "一下", "啊", "呀", "吧", "哦", "嗯", "呢", "嘛", "哈", "吗", "的话")
EN_STOP = {"the", "a", "an", "please", "um", "uh", "hi", "hello", "excuse", "me", "sorry", "could",
           "would", "you", "tell", "i", "we", "to", "of", "is", "are", "am", "do", "does", "be", "it's",
           "there", "here", "this", "that", "your", "my", "our", "can", "in", "on", "at", "for", "and", "s"}


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese, Japanese or Korean characters (counted by character, not word)."""
    return bool(_CJK_OR_HANGUL.search(text))


def detect_lang(text: str, languages: list[str]) -> str:
    """The language of one utterance among the pack's languages (the first one if unsure)."""
    hangul = len(_HANGUL.findall(text))
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if hangul and hangul >= cjk:
        guess = "ko"
    elif cjk:
        guess = "zh"
    elif latin:
        guess = "en"
    else:
        guess = languages[0] if languages else "zh"
    if guess in languages:
        return guess
    return "en" if "en" in languages else languages[0]


def normalize(text: str, lang: str) -> str:
    """Lower-case, width-fold, drop punctuation; for Chinese drop spaces (ASR spaces words)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _PUNCT.sub(" ", text)
    if lang == "zh":
        # keep a space only between two Latin/digit runs
        text = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)
    return _SPACES.sub(" ", text).strip()


def strip_fillers(text: str, lang: str) -> str:
    if lang == "zh":
        for filler in ZH_FILLERS:
            text = text.replace(filler, "")
        return text.strip()
    if lang == "en":
        words = [w for w in text.split() if w not in EN_STOP]
        return " ".join(words) if words else text
    return text


def en_stem(word: str) -> str:
    """A tiny suffix stripper so 'tickets'/'ticket', 'opening'/'open' and 'guides'/'guide' meet: a
    final silent e goes too ('closed', 'close' and 'closing' are all 'clos'), and 'es' only after
    s, x, z, ch and sh ('buses', 'boxes'; 'prices' is 'price' less its e)."""
    stem = word
    for suffix, min_len in (("ies", 5), ("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            if suffix == "es" and not word[:-2].endswith(("s", "x", "z", "ch", "sh")):
                continue  # 'guides': only its s is a suffix
            stem = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return stem[:-1] if stem.endswith("e") and not stem.endswith("ee") and len(stem) >= 4 else stem


# Words asking about the usual case, not the special one just told: "平时呢" after the summer late opening
USUAL_CASE = {
    "zh": re.compile(r"平时|平常|平日|往常"),
    "en": re.compile(r"\b(?:on )?(?:normal|regular|ordinary|usual) days\b|\bthe rest of the year\b"),
    "ko": re.compile(r"평소|평상시|보통 때"),
}


def asks_usual_case(text: str, lang: str) -> bool:
    """Whether ``text`` asks about the usual case (see USUAL_CASE)."""
    pattern = USUAL_CASE.get(lang)
    return bool(pattern and pattern.search(normalize(text, lang)))


# The short question that moves a conversation to something else: "那公交呢", "버스는요?", "and the bus?"
_SWITCH = {
    "zh": re.compile(r"^(?:那要是|那么|那|还有)(.+?)(?:呢|咋样|怎么样)?$|^(.+?)(?:呢)$"),
    "en": re.compile(r"^(?:and|so|ok|okay)?\s*(?:what|how) about (?:the |a |an )?(.+?)$|^and (?:the |a |an )?(.+?)$"),
    "ko": re.compile(r"^(?:그럼|그러면|그리고)?\s*(.+?)(?:은요|는요|도요)$"),
}


def switch_core(text: str, lang: str) -> str | None:
    """What a short "and X?" question names, normalised (English words stemmed): "那公交呢" -> 公交,
    "버스는요?" -> 버스, "What about buses?" -> bus. None for any other question."""
    pattern = _SWITCH.get(lang)
    found = pattern.match(normalize(text, lang)) if pattern else None
    core = next((g for g in found.groups() if g), None) if found else None
    return stemmed(core, lang) if core else None


def stemmed(text: str, lang: str) -> str:
    """``text`` normalised, its English words stemmed: how a title and what a question names are compared."""
    words = normalize(text, lang)
    return " ".join(en_stem(w) for w in words.split()) if lang == "en" else words


# What ends a clause: punctuation, and in Chinese a space too (typed between clauses, or where the
# recogniser heard a pause: see kiosk.speech.asr.join_segments); English and Korean space their words.
_CLAUSE_END = {"zh": re.compile(r"[\s,，、。.？?！!；;：:]+")}
_CLAUSE_END_DEFAULT = re.compile(r"[,，。.？?！!；;：:]+")
# A clause phrased as a question: a question word, or a question particle (Chinese) or ? at its end,
# or an English clause opening as questions do
_QUESTION = {
    "zh": re.compile(r"[吗么嘛呢不没?？]$|什么|啥|咋|怎么|怎样|多少|哪|谁|几[点号楼层天岁时月年]|多久|多长|多大|能不能"
                     r"|可不可以|是不是|行不行|有没有|要不要|会不会"),
    "en": re.compile(r"^(?:how|what|where|when|which|who|whom|whose|why|can|could|do|does|did|is|are|was|were|will"
                     r"|would|should|may|shall|have|has|am)\b|\?$"),
    "ko": re.compile(r"[?？]$|까$|어디|언제|얼마|뭐|무엇|누구|왜|어떻게|몇"),
}


def clauses(text: str, lang: str) -> list[str]:
    """``text`` cut into its clauses (see _CLAUSE_END), empty ones left out."""
    return [c.strip() for c in _CLAUSE_END.get(lang, _CLAUSE_END_DEFAULT).split(text) if c.strip()]


def asks(clause: str, lang: str) -> bool:
    """Whether one clause is phrased as a question, not as a statement ("我带我妈来的")."""
    pattern = _QUESTION.get(lang)
    return bool(pattern and pattern.search(clause.strip().lower()))
