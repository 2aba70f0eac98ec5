"""Personal data in visitor input: ID numbers, phone numbers, card numbers, e-mail addresses."""
from __future__ import annotations

import re

# Order matters: the longer number patterns first.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("id", re.compile(r"(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9xX](?![0-9])")),
    ("card", re.compile(r"(?<![0-9])\d{16,19}(?![0-9])")),
    ("id", re.compile(r"(?<![0-9])[1-9]\d{14}(?![0-9])")),
    ("phone", re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")),
    ("phone", re.compile(r"(?<![0-9])0\d{2,3}[- ]?\d{3,4}[- ]?\d{4}(?![0-9])")),
    ("email", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("id", re.compile(r"(?<![A-Za-z0-9])[A-Za-z]\d{8}(?![0-9])")),  # passport-like
    ("number", re.compile(r"(?<![0-9])\d(?:[ -]?\d){7,}(?![0-9])")),  # any long digit run
]
_CN_DIGITS = re.compile(r"[零一二三四五六七八九幺〇两]{7,}")
MASK = {"id": "[ID]", "card": "[CARD]", "phone": "[PHONE]", "email": "[EMAIL]", "number": "[NUMBER]"}


def redact(text: str) -> str:
    """Replace personal numbers (also spoken Chinese digit runs) with a mask like ``[ID]``."""
    for kind, pattern in _PATTERNS:
        text = pattern.sub(MASK[kind], text)
    return _CN_DIGITS.sub(MASK["number"], text)


def contains_personal_data(text: str) -> bool:
    return redact(text) != text


_MASKS = re.compile("|".join(re.escape(m) for m in MASK.values()))


def strip_masks(text: str) -> str:
    """Redacted text without the masks, for matching (a mask says nothing about the question)."""
    return _MASKS.sub(" ", text)
