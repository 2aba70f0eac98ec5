"""The pack being edited: plain YAML data per file, field access by path, validation, saving.

Paths are tuples like ``("topics", 2, "answer", "en")`` inside one file; :func:`path_str` gives
the schema checker's spelling ``topics[2].answer.en`` so problems can be matched to fields.
"""
from __future__ import annotations

import copy
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.pack.loader import OPTIONAL_FILES, REQUIRED_FILES, validate_pack
from kiosk.pack.model import VenuePack
from kiosk.pack.yamlsrc import Problem
from kiosk.studio.yamlwrite import dump_yaml, header_comment

PACK_FILES = REQUIRED_FILES + OPTIONAL_FILES
Path_ = tuple[Any, ...]
_MISSING = object()


def path_str(path: Path_) -> str:
    """``("topics", 2, "answer")`` -> ``topics[2].answer`` (the schema's field spelling)."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


class DocumentError(Exception):
    """A pack file the studio cannot open (not YAML at all), with file and line."""


@dataclass
class PackDocument:
    """The edited pack: one data tree per YAML file, plus what is on disk."""

    root: Path
    data: dict[str, Any] = field(default_factory=dict)
    disk_text: dict[str, str] = field(default_factory=dict)
    raw_text: dict[str, str] = field(default_factory=dict)  # files edited as text (lexicon)

    @classmethod
    def load(cls, root: str | Path) -> "PackDocument":
        doc = cls(Path(root))
        doc.reload()
        return doc

    def reload(self) -> None:
        self.data.clear()
        self.disk_text.clear()
        self.raw_text.clear()
        for name in PACK_FILES:
            path = self.root / name
            if not path.exists():
                continue
            text = path.read_text(encoding="utf-8")
            self.disk_text[name] = text
            try:
                self.data[name] = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 1 if mark else 0
                raise DocumentError(f"{path}:{line}: not valid YAML; fix it in a text editor first: "
                                    f"{getattr(exc, 'problem', exc)}") from exc
            if self.data[name] is None:
                self.data[name] = {}

    # -- field access -------------------------------------------------------------------------
    def get(self, file: str, path: Path_, default: Any = None) -> Any:
        node = self.data.get(file)
        for key in path:
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                node = node[key]
            else:
                return default
        return node

    def set(self, file: str, path: Path_, value: Any) -> None:
        """Set a field (creating parent mappings); ``None`` removes it."""
        if not path:
            self.data[file] = value
            return
        node = self.data.setdefault(file, {})
        for key in path[:-1]:
            if isinstance(node, list):
                node = node[key]
                continue
            if not isinstance(node.get(key), (dict, list)):
                if value is None:
                    return
                node[key] = {}
            node = node[key]
        last = path[-1]
        if isinstance(node, list):
            node[last] = value
        elif value is None:
            node.pop(last, None)
        else:
            node[last] = value

    def snapshot(self, file: str) -> Any:
        return copy.deepcopy(self.data.get(file))

    # -- the pack as text ---------------------------------------------------------------------
    @property
    def languages(self) -> list[str]:
        langs = self.get("venue.yaml", ("languages",)) or []
        return [str(lang) for lang in langs if isinstance(lang, str)] or ["zh", "en"]

    def text_of(self, file: str) -> str:
        """The file as it would be saved: unchanged files keep their exact text and comments."""
        if file in self.raw_text:
            return self.raw_text[file]
        disk = self.disk_text.get(file)
        if disk is not None:
            try:
                if yaml.safe_load(disk) == self.data.get(file) or (not self.data.get(file) and not yaml.safe_load(disk)):
                    return disk
            except yaml.YAMLError:
                pass
        return dump_yaml(self.data.get(file), header_comment(disk or ""))

    def texts(self) -> dict[str, str]:
        names = [n for n in PACK_FILES if n in self.data or n in self.raw_text]
        return {name: self.text_of(name) for name in names}

    def changed_files(self) -> list[str]:
        return [name for name, text in self.texts().items() if text != self.disk_text.get(name)]

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> list[str]:
        """Write changed files atomically, each previous version kept as ``<file>.bak``."""
        written = []
        for name, text in self.texts().items():
            if text == self.disk_text.get(name):
                continue
            write_with_backup(self.root / name, text)
            self.disk_text[name] = text
            written.append(name)
        for name in list(self.raw_text):
            self.data[name] = yaml.safe_load(self.raw_text.pop(name)) or {}
        return written


def write_with_backup(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file and ``os.replace``; the old file becomes ``.bak``."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    if path.exists():
        shutil.copy2(path, path.with_name(path.name + ".bak"))
    os.replace(tmp, path)


def validate_texts(texts: dict[str, str], extra_from: Path | None = None) -> tuple[VenuePack | None, list[Problem]]:
    """Run the pack checker (the one of `kiosk pack validate`) on in-memory YAML texts."""
    with tempfile.TemporaryDirectory(prefix="kiosk-studio-") as tmp:
        for name, text in texts.items():
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        pack, problems = validate_pack(tmp)
    if pack is not None and extra_from is not None:
        pack.root = extra_from
    return pack, problems
