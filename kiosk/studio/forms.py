"""Form widgets bound to pack fields, each with its problems shown beside it."""
from __future__ import annotations

import re
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from kiosk.pack.yamlsrc import Problem
from kiosk.studio.document import PackDocument, Path_, path_str
from kiosk.studio.specs import KINDS, FieldSpec

EditFn = Callable[[str, Path_, Any], None]  # (file, path, new value)
StructFn = Callable[[str, str, Callable[[Any], None]], None]  # (file, description, mutate(file data))
ERROR_STYLE = "border: 1px solid #d33; background: #fff3f3;"
_NUM = re.compile(r"^-?\d+$")


def _split_list(text: str) -> list[str] | None:
    items = [s.strip() for s in re.split(r"[,，\s]+", text) if s.strip()]
    return items or None


def _to_int(text: str) -> Any:
    text = text.strip()
    return int(text) if _NUM.match(text) else (text or None)


def _to_position(text: str) -> Any:
    parts = [p for p in re.split(r"[,，\s]+", text.strip()) if p]
    try:
        return [float(p) for p in parts] if parts else None
    except ValueError:
        return text.strip()


def _show(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind in ("idlist", "langs", "position") and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == "phrases" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


class ErrorLabel(QLabel):
    """The red text beside a field; empty when the field is fine."""

    def __init__(self, editor: QWidget | None = None) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setStyleSheet("color: #c00;")
        self.setMinimumWidth(220)
        self.setMaximumWidth(340)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.editor = editor
        self.messages: list[str] = []

    def set_messages(self, messages: list[str]) -> None:
        self.messages = messages
        self.setText("\n".join(messages))
        self.setToolTip("\n".join(messages))
        if self.editor is not None:
            self.editor.setStyleSheet(ERROR_STYLE if messages else "")


class FormView(QWidget):
    """A form for one item (a topic, a place, the venue, ...) of one pack file."""

    def __init__(self, doc: PackDocument, file: str, base: Path_, spec: list[FieldSpec], title: str,
                 edit: EditFn, structure: StructFn) -> None:
        super().__init__()
        self.doc, self.file, self.base, self.spec = doc, file, base, spec
        self.edit, self.structure = edit, structure
        self.labels: dict[str, ErrorLabel] = {}
        self.editors: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        heading = QLabel(f"<h2>{title}</h2><span style='color:#666'>{file}</span>")
        layout.addWidget(heading)
        item_label = ErrorLabel()
        item_label.setMaximumWidth(16777215)
        layout.addWidget(item_label)
        if base:
            self.labels[path_str(base)] = item_label
        self.grid_host = QWidget()
        layout.addWidget(self.grid_host)
        self._build(self.grid_host, base, spec)
        layout.addStretch(1)

    # -- building -------------------------------------------------------------------------------
    def _build(self, host: QWidget, base: Path_, spec: list[FieldSpec]) -> None:
        grid = QGridLayout(host)
        grid.setColumnStretch(1, 1)
        row = 0
        for fs in spec:
            path = base + fs.path
            if fs.kind == "list":
                grid.addWidget(self._list_box(path, fs), row, 0, 1, 3)
                row += 1
            elif fs.kind in ("text", "longtext", "phrases"):
                langs = self.doc.languages
                for i, lang in enumerate(langs):
                    editor = self._editor(path + (lang,), fs.kind)
                    label = ErrorLabel(editor)
                    grid.addWidget(QLabel(f"{fs.label} ({lang})"), row, 0, Qt.AlignTop)
                    grid.addWidget(editor, row, 1)
                    grid.addWidget(label, row, 2, Qt.AlignTop)
                    self._register(path + (lang,), editor, label)
                    if i == 0:
                        self._register(path, editor, label)
                    row += 1
            else:
                editor = self._editor(path, fs.kind)
                label = ErrorLabel(editor)
                grid.addWidget(QLabel(fs.label), row, 0, Qt.AlignTop)
                grid.addWidget(editor, row, 1)
                grid.addWidget(label, row, 2, Qt.AlignTop)
                self._register(path, editor, label)
                row += 1

    def _register(self, path: Path_, editor: QWidget, label: ErrorLabel) -> None:
        key = path_str(path)
        self.labels[key] = label
        self.editors.setdefault(key, editor)

    def _editor(self, path: Path_, kind: str) -> QWidget:
        value = self.doc.get(self.file, path)
        if kind in ("longtext", "phrases"):
            w = QPlainTextEdit()
            w.setPlainText(_show(value, kind))
            w.setFixedHeight(64 if kind == "longtext" else 78)
            w.setTabChangesFocus(True)
            w.textChanged.connect(lambda: self._changed(path, kind, w.toPlainText()))
            return w
        if kind == "bool":
            box = QCheckBox()
            box.setChecked(value is True)
            box.toggled.connect(lambda on: self.edit(self.file, path, True if on else None))  # unticked: left out
            return box
        if kind in ("group", "kind", "floor", "place"):
            w = QComboBox()
            w.setEditable(True)
            w.addItems(self._choices(kind))
            w.setCurrentText(_show(value, kind))
            w.currentTextChanged.connect(lambda text: self._changed(path, kind, text))
            return w
        w = QLineEdit(_show(value, kind))
        w.textEdited.connect(lambda text: self._changed(path, kind, text))
        return w

    def _choices(self, kind: str) -> list[str]:
        if kind == "kind":
            return KINDS
        if kind == "group":
            groups = self.doc.get("venue.yaml", ("groups",)) or []
            return [str(g.get("id")) for g in groups if isinstance(g, dict) and g.get("id")]
        key = "floors" if kind == "floor" else "places"
        items = self.doc.get("places.yaml", (key,)) or []
        return [str(p.get("id")) for p in items if isinstance(p, dict) and p.get("id") is not None]

    def _list_box(self, path: Path_, fs: FieldSpec) -> QGroupBox:
        box = QGroupBox(fs.label)
        layout = QVBoxLayout(box)
        items = self.doc.get(self.file, path) or []
        for i in range(len(items) if isinstance(items, list) else 0):
            item_box = QGroupBox(f"{fs.item_label} {i + 1}")
            inner = QVBoxLayout(item_box)
            host = QWidget()
            self._build(host, path + (i,), fs.items)
            inner.addWidget(host)
            remove = QPushButton(f"Remove this {fs.item_label}")
            remove.clicked.connect(lambda _=False, i=i: self._remove_item(path, i, fs))
            inner.addWidget(remove, 0, Qt.AlignRight)
            layout.addWidget(item_box)
        label = ErrorLabel()
        self.labels[path_str(path)] = label
        buttons = QHBoxLayout()
        add = QPushButton(f"Add {fs.item_label}")
        add.clicked.connect(lambda: self._add_item(path, fs))
        buttons.addWidget(add)
        buttons.addWidget(label, 1)
        layout.addLayout(buttons)
        return box

    # -- editing ----------------------------------------------------------------------------------
    def _changed(self, path: Path_, kind: str, text: str) -> None:
        if kind == "int":
            value: Any = _to_int(text)
        elif kind in ("idlist", "langs"):
            value = _split_list(text)
        elif kind == "position":
            value = _to_position(text)
        elif kind == "phrases":
            value = [line.strip() for line in text.splitlines() if line.strip()] or None
        else:
            value = text if text.strip() else None
        self.edit(self.file, path, value)

    def _add_item(self, path: Path_, fs: FieldSpec) -> None:
        template = fs.new_item(self.doc.languages) if fs.new_item else {}

        def mutate(_: Any) -> None:
            items = self.doc.get(self.file, path)
            if not isinstance(items, list):
                items = []
                self.doc.set(self.file, path, items)
            items.append(template)

        self.structure(self.file, f"add {fs.item_label}", mutate)

    def _remove_item(self, path: Path_, index: int, fs: FieldSpec) -> None:
        def mutate(_: Any) -> None:
            items = self.doc.get(self.file, path)
            if isinstance(items, list) and 0 <= index < len(items):
                del items[index]
                if not items:
                    self.doc.set(self.file, path, None)

        self.structure(self.file, f"remove {fs.item_label} {index + 1}", mutate)

    # -- problems -----------------------------------------------------------------------------------
    def show_problems(self, problems: list[Problem]) -> int:
        """Put each problem of this file beside the most specific field it concerns; returns how many."""
        found: dict[int, list[str]] = {id(label): [] for label in self.labels.values()}
        shown = 0
        for p in problems:
            if p.file != self.file:
                continue
            key = self._owner(p.field)
            if key is not None:
                rest = p.field[len(key):].lstrip(".")
                found[id(self.labels[key])].append(f"{rest + ': ' if rest else ''}{p.message}")
                shown += 1
        for label in {id(lb): lb for lb in self.labels.values()}.values():
            label.set_messages(found[id(label)])
        return shown

    def _owner(self, field: str) -> str | None:
        best = None
        for key in self.labels:
            if field == key or field.startswith(key + ".") or field.startswith(key + "["):
                if best is None or len(key) > len(best):
                    best = key
        return best

    def messages_for(self, path: Path_) -> list[str]:
        label = self.labels.get(path_str(path))
        return label.messages if label else []

    def editor_for(self, path: Path_) -> QWidget | None:
        return self.editors.get(path_str(path))
