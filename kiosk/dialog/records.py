"""Questions about the visitor's own records: a balance, years paid in, whether an application went through,
the number of their own ID card.

The kiosk sees nobody's accounts, so such a question can only be answered by a topic written for
it ("我的申请通过了吗" in the service hall's progress topic). When the topic the matcher picks has
no question of that kind, answering it would tell the visitor a fact about something else
("公积金余额多少" is not the provident fund withdrawal); the engine says it cannot look records
up and sends the visitor to the help desk instead.
"""
from __future__ import annotations

import re

from kiosk.dialog.text import normalize
from kiosk.pack.model import VenuePack

# Applied to normalised text: lower case, no punctuation ("i've" is "i ve"), Chinese without spaces.
PATTERNS = {
    "zh": [r"余额", r"(里|里面|账户|账上|卡上|卡里)(还)?(有|剩)(多少|几)(钱|块)", r"还剩(多少|几)(钱|块)",
           r"[交缴]了(几|多少)(年|个月)", r"(批|审批|审核|审)(下来|通过|好)了?(没|吗|么)",
           r"(到账|到帐|通过)了?(没|吗|么)", r"我的?(身份证|社保卡|护照|医保卡)号(码)?是(多少|啥|什么)",
           r"(忘了|忘记了?|记不得|记不住)(我的?)?(身份证|社保卡|护照|医保卡)号"],
    "en": [r"\bbalance\b", r"\bhow much (money )?(is|do i have|have i got) (left )?in my\b",
           r"\b(is|was) my\b.*\b(approved|accepted|rejected|through|paid out)\b",
           r"\b(has|have) my\b.*\bbeen (approved|accepted|rejected|paid)\b",
           r"\bhow many (years|months) (have i|did i|i ve)\b",
           r"\b(what s|what is|tell me|look up|forgot|forgotten|remember) my (id|identity card|passport|social security)"
           r"( card)? number\b"],
    "ko": [r"잔액", r"(승인|통과)(됐|되었|됐나|되었나)"],
}
_COMPILED = {lang: [re.compile(p) for p in patterns] for lang, patterns in PATTERNS.items()}


def asks_for_record(text: str, lang: str) -> bool:
    """Whether ``text`` asks for something only the visitor's own record holds."""
    prepared = normalize(text, lang)
    return any(p.search(prepared) for p in _COMPILED.get(lang, ()))


class RecordQuestions:
    """The pack's topics (and flows) that answer record questions: one of their own example
    questions is one."""

    def __init__(self, pack: VenuePack) -> None:
        self.answered_by = {intent.split(".")[0] for intent, lang, q in pack.examples() if asks_for_record(q, lang)}

    def unanswerable(self, text: str, lang: str, intent: str | None) -> bool:
        """A record question that ``intent`` (the matcher's best, or None) was not written for."""
        if not asks_for_record(text, lang):
            return False
        return intent is None or intent.split(".")[0] not in self.answered_by
