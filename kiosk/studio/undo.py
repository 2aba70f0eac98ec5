"""Undoable edits of the pack document (QUndoStack commands)."""
from __future__ import annotations

import copy
from typing import Any, Callable

from PySide6.QtGui import QUndoCommand

from kiosk.studio.document import PackDocument, Path_, path_str

SET_VALUE_ID = 8001


class SetValue(QUndoCommand):
    """One field changed; typing in the same field merges into one step."""

    def __init__(self, doc: PackDocument, file: str, path: Path_, new: Any,
                 changed: Callable[[bool], None]) -> None:
        super().__init__(f"edit {path_str(path)}")
        self.doc, self.file, self.path = doc, file, path
        self.old = copy.deepcopy(doc.get(file, path))
        self.new = new
        self.changed = changed  # changed(rebuild_form)
        self._first = True

    def id(self) -> int:
        return SET_VALUE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, SetValue) or (other.file, other.path) != (self.file, self.path):
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.doc.set(self.file, self.path, copy.deepcopy(self.new))
        self.changed(not self._first)  # the first redo comes from the widget itself
        self._first = False

    def undo(self) -> None:
        self.doc.set(self.file, self.path, copy.deepcopy(self.old))
        self.changed(True)


class ChangeStructure(QUndoCommand):
    """Items added, removed or moved: the whole file's data before and after."""

    def __init__(self, doc: PackDocument, file: str, text: str, mutate: Callable[[Any], None],
                 changed: Callable[[bool], None], select: Path_ | None = None) -> None:
        super().__init__(text)
        self.doc, self.file, self.changed, self.select = doc, file, changed, select
        self.before = doc.snapshot(file)
        mutate(doc.data.get(file))
        self.after = doc.snapshot(file)
        self._put(self.before)

    def _put(self, data: Any) -> None:
        """Set the file's data; a file that did not exist before (outside.yaml) goes away again."""
        if data is None:
            self.doc.data.pop(self.file, None)
        else:
            self.doc.data[self.file] = copy.deepcopy(data)

    def redo(self) -> None:
        self._put(self.after)
        self.changed(True)

    def undo(self) -> None:
        self._put(self.before)
        self.changed(True)
