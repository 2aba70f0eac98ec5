"""Words of a question that the pack never uses: a sign the question is about something else.

"故宫门票多少钱" shares "门票多少钱" with the museum's ticket topic; only 故宫, a name the pack
never writes, says it is about another place. Every matcher scales its scores down by
:meth:`Novelty.factor` so such questions fall below the confidence threshold and are handed off,
while a question made only of the pack's words (or of everyday words) keeps its full score.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from kiosk.dialog.text import en_stem, normalize, strip_fillers

# Everyday English that says nothing about what a question is about.
EN_COMMON = set("""
a about after again all already also always am an and another any anyone anything anywhere are around as
ask at away back bad be because been before being best better big both but by can can't could did didn't do
does doesn't doing don't done down each early either else enough even ever every everything far few find
first for from get gets getting give go goes going gone good got guys had has have having he help her here
hey hi him his how i i'd i'll i'm i've if in inside into is isn't it it's its just keep kind know last late
later left let like little long look lot lots make many may maybe me mine more most much must my near need
needs never new next nice no not now of off ok okay old on once one ones only or other our out outside over
own please put quick quickly really right said same say see she should since so some someone something
sometimes somewhere soon still stuff such sure take tell than thank thanks that that's the their them then
there there's these they they're thing things think this those though through to today too try um uh under
until up us very want wants was way we we're well were what what's whats when where where's which while
who whom whose why will with without would yes yet you you're your yours
""".split()) | set("""
mum mom mother dad father parents grandma granny grandmother grandpa grandfather son daughter kid kids child
children husband wife partner baby friend friends colleague colleagues family yesterday tomorrow tonight
morning afternoon evening two three four five six seven eight nine ten eleven twelve twenty thirty half
bring brought came coming arrive arrives sort grab confused
""".split())  # and the people, times and everyday words visitors say about themselves
# Chinese particles and pronouns (fillers are stripped before this), and the family, friends and
# everyday words visitors say about themselves ("我们俩想登记结婚", "给我妈问问").
ZH_COMMON = set("呃额唉诶欸哼啊呀嘛呢吧哦哈啦嘞呗噢嗯哎喂那这么的了着过很都也还就才又再们个些吗咋啥俺您你我他她它"
                "爸妈爷奶姥姨舅叔婶伯哥姐弟妹儿女孩娃伴俩咱朋友家今明昨早晚刚想要得说问知道告诉谢好麻烦帮"
                "闺让太怕已经趟懂连总")
# Korean particles and verb endings, syllable by syllable.
KO_COMMON = set("요어아해서고지게네데은는이가을를에의도만께랑하했었았였겠죠나까니면야예세시주좀뭐왜저제거것")


class Novelty:
    """The pack's known words per language, and how much unknown words lower a match."""

    PENALTY = 0.5  # score x 1 / (1 + PENALTY x unknown words)

    def __init__(self, wording: dict[str, list[str]], prepare: Callable[[str, str], str] | None = None) -> None:
        self.prepare = prepare or normalize
        self.known = {lang: _known(texts, lang) for lang, texts in wording.items()}

    def unknown(self, text: str, lang: str) -> list[str]:
        """Content words (English) or characters (Chinese, Korean) of ``text`` the pack never uses."""
        known = self.known.get(lang)
        if not known:
            return []
        core = strip_fillers(self.prepare(text, lang), lang)
        if lang == "en":
            words = re.findall(r"[a-z][a-z']*", core)
            return [w for w in words if w not in EN_COMMON and w not in known and _en_key(w) not in known]
        common = ZH_COMMON if lang == "zh" else KO_COMMON
        return [c for c in core if not c.isspace() and not c.isascii() and c not in common and c not in known]

    def factor(self, text: str, lang: str) -> float:
        return 1.0 / (1.0 + self.PENALTY * len(set(self.unknown(text, lang))))


def _en_key(word: str) -> str:
    return en_stem(word.removesuffix("'s"))


def _known(texts: list[str], lang: str) -> set[str]:
    text = normalize(" ".join(texts), lang)
    if lang == "en":
        words = re.findall(r"[a-z][a-z']*", text)
        return set(words) | {_en_key(w) for w in words}
    return {c for c in text if not c.isspace()}
