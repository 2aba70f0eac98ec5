"""Which other topics a follow-up's questions read like, to read them in context.

"可以拍照不" after the Shen Zhou scroll is that scroll's photography follow-up, but asked on its own
the model gives most of it to the photography topic. Found once at training time: for each follow-up,
the topics (outside its own) that the lexical matcher ranks first of all intents, above the
follow-up's own topic and its follow-ups, for at least a share of the follow-up's example questions.
Merely being the best of the other topics is not enough: "能带三脚架进去吗" ranks the food-and-drink
topic second to photography, and its tripod question is not food and drink's. In its topic's context
a follow-up then counts their model mass as its own; out of context, a follow-up whose topic the
question does not name lends its mass to them (see kiosk.nlu.runtime.CombinedMatcher).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from kiosk.nlu.examples import Example

SHARE = 0.25  # a topic ranked first for this share of a follow-up's questions reads like it


def followup_lookalikes(examples: list[Example], lexical: Any) -> dict[str, list[str]]:
    """``{follow-up id: [topic ids its questions read like]}`` for follow-ups that have any."""
    questions: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        if "." in ex.intent:
            questions[ex.intent].append(ex)
    found: dict[str, list[str]] = {}
    for followup, exs in questions.items():
        own = followup.split(".")[0]
        firsts: Counter[str] = Counter()
        for ex in exs:
            ranked = lexical.rank(ex.text, ex.lang, None, top=1)
            if ranked and ranked[0].intent.split(".")[0] != own:
                firsts[ranked[0].intent.split(".")[0]] += 1
        alike = sorted(t for t, n in firsts.items() if n >= SHARE * len(exs))
        if alike:
            found[followup] = alike
    return found
