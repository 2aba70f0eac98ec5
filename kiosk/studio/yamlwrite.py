"""Writing pack YAML in one stable, readable layout (the layout of venues/README.md).

The studio edits plain data and writes each changed file in this layout: language maps and short
lists on one line (``{zh: ..., en: ...}``, ``[a, b]``), everything else as indented blocks, keys
in the order they had. PyYAML drops comments, so only the comment block at the top of a file is
kept (see :func:`header_comment`); files the studio did not change are not rewritten.
"""
from __future__ import annotations

import functools
import json
import re
from typing import Any

import yaml

INLINE_MAX = 100  # longest line part written inline
_UNSAFE_PLAIN = re.compile(r"[#,\[\]{}&*!|>'\"%@`]|: |:$|^[-?:\s]|\s$|\?[,\]}]|\?$")


def scalar(value: Any) -> str:
    """One scalar as YAML text: plain when that reads back the same, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return text if _plain_ok(text) else json.dumps(text, ensure_ascii=False)


@functools.lru_cache(maxsize=4096)
def _plain_ok(text: str) -> bool:
    """True if ``text`` reads back unchanged as a plain scalar, alone and inside flow collections."""
    if not text or "\n" in text or _UNSAFE_PLAIN.search(text):
        return False
    try:
        return (yaml.safe_load(text) == text and yaml.safe_load(f"[{text}, x]") == [text, "x"]
                and yaml.safe_load(f"{{k: {text}, j: x}}") == {"k": text, "j": "x"})
    except yaml.YAMLError:
        return False


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _inline(value: Any) -> str | None:
    """``value`` on one line, or None when it should be a block."""
    if _is_scalar(value):
        return scalar(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(_is_scalar(v) for v in value):
            text = "[" + ", ".join(scalar(v) for v in value) + "]"
            return text if len(text) <= INLINE_MAX else None
        return None
    if isinstance(value, dict):
        if not value:
            return "{}"
        if all(_is_scalar(v) for v in value.values()):
            text = "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in value.items()) + "}"
            return text if len(text) <= INLINE_MAX else None
    return None


def _mapping(data: dict, indent: int, lines: list[str], first_prefix: str | None = None) -> None:
    for i, (key, value) in enumerate(data.items()):
        prefix = (first_prefix if i == 0 and first_prefix is not None else " " * indent) + f"{scalar(key)}:"
        inline = _inline(value)
        if inline is not None:
            lines.append(f"{prefix} {inline}")
        elif isinstance(value, dict):
            lines.append(prefix)
            _mapping(value, indent + 2, lines)
        else:
            lines.append(prefix)
            _sequence(value, indent + 2, lines)


def _sequence(items: list, indent: int, lines: list[str]) -> None:
    for item in items:
        dash = " " * indent + "- "
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, lines, first_prefix=dash)
        elif isinstance(item, list) and item and _inline(item) is None:
            lines.append(dash.rstrip())
            _sequence(item, indent + 2, lines)
        else:
            lines.append(dash + (_inline(item) or json.dumps(item, ensure_ascii=False)))


def dump_yaml(data: Any, header: str = "") -> str:
    """The YAML text of ``data`` in the studio layout, after an optional comment ``header``."""
    lines: list[str] = []
    if isinstance(data, dict):
        _mapping(data, 0, lines)
    elif isinstance(data, list):
        _sequence(data, 0, lines)
    else:
        lines.append(scalar(data))
    return header + "\n".join(lines) + "\n"


def header_comment(text: str) -> str:
    """The comment lines (and blank lines) at the very top of a YAML file."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.strip() == "" or line.lstrip().startswith("#"):
            out.append(line)
        else:
            break
    return "".join(out)
