"""YAML loading that remembers the line of every value, so errors can say `file:line: field`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass
class Problem:
    """One problem found in a pack file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class SourceDoc:
    """A parsed YAML file: plain Python data plus a line for each field path."""

    name: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, path: str) -> int:
        """The line of ``path``, or of its nearest parent that exists."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.lines.get("", 1)


def _child(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _convert(node: yaml.Node, path: str, lines: dict[str, int], loader: yaml.SafeLoader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = str(key) if not isinstance(key, str) else key
            child = _child(path, key)
            out[key] = _convert(value_node, child, lines, loader)
            lines[child] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(n, _child(path, i), lines, loader) for i, n in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 4x faster on big packs


def parse_yaml(text: str, name: str) -> SourceDoc:
    """Parse YAML text; raises :class:`YamlSyntaxError` with the line of the problem."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        data = _convert(node, "", lines, loader) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlSyntaxError(Problem(name, line, "", f"not valid YAML: {exc.problem or exc}")) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Problem(name, 0, "", f"not valid YAML: {exc}")) from exc
    finally:
        loader.dispose()
    return SourceDoc(name, data, lines)


def read_yaml(path: Path) -> SourceDoc:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(Problem(path.name, 0, "", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")) from exc
    return parse_yaml(text, path.name)


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
