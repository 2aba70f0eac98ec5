"""The unanswered questions from the kiosk's analytics, with one-click "add to a topic" or "not answered here"."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from kiosk.analytics.grouping import QuestionGroup
from kiosk.studio.workers import JobRunner


class UnansweredPanel(QWidget):
    loaded = Signal(int)
    add_example = Signal(str, str, int)  # question, lang, topic index
    new_topic = Signal(str, str)  # question, lang
    not_ours = Signal(str, str)  # question, lang: the venue does not answer it (outside.yaml)

    def __init__(self, runner: JobRunner, venue_id: Callable[[], str], db_path: Path | None) -> None:
        super().__init__()
        self.runner, self.venue_id, self.db_path = runner, venue_id, db_path
        self.groups: list[QuestionGroup] = []
        self.suggest: Callable[[str, str], int | None] = lambda q, lang: None
        layout = QVBoxLayout(self)
        self.info = QLabel("Questions visitors asked that the kiosk could not answer well (ID and phone numbers masked).")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._selected)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.topic = QComboBox()
        self.topic.setMinimumWidth(220)
        self.add_button = QPushButton("Add as example of")
        self.add_button.clicked.connect(self._add)
        self.new_button = QPushButton("Start a new topic")
        self.new_button.clicked.connect(self._new)
        self.outside_button = QPushButton("Not answered here")
        self.outside_button.setToolTip("The venue does not answer this: the kiosk learns to hand it to the help desk")
        self.outside_button.clicked.connect(self._not_ours)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        row.addWidget(self.add_button)
        row.addWidget(self.topic, 1)
        row.addWidget(self.new_button)
        row.addWidget(self.outside_button)
        row.addWidget(refresh)
        layout.addLayout(row)

    def set_topics(self, titles: list[str]) -> None:
        current = self.topic.currentIndex()
        self.topic.blockSignals(True)
        self.topic.clear()
        self.topic.addItems(titles)
        self.topic.setCurrentIndex(min(max(current, 0), len(titles) - 1))
        self.topic.blockSignals(False)

    def refresh(self) -> None:
        from kiosk.analytics.queries import venue_unanswered

        venue, db = self.venue_id(), self.db_path
        self.runner.start(lambda _r: venue_unanswered(venue, db), self.show_groups,
                          lambda msg: self.info.setText(f"Analytics not available: {msg}"))

    def show_groups(self, groups: list[QuestionGroup]) -> None:
        self.groups = groups
        self.list.clear()
        for g in groups:
            similar = f"  (+{len(g.questions) - 1} similar)" if len(g.questions) > 1 else ""
            item = QListWidgetItem(f"×{g.count}  {g.representative}{similar}  [{g.lang}]")
            item.setToolTip("\n".join(f"{q} ×{n}" for q, n in g.questions[:20]))
            self.list.addItem(item)
        if not groups:
            self.list.addItem(QListWidgetItem("No unanswered questions recorded."))
            self.list.item(0).setFlags(Qt.NoItemFlags)
        self.loaded.emit(len(groups))

    def _current(self) -> QuestionGroup | None:
        row = self.list.currentRow()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def _selected(self, row: int) -> None:
        group = self._current()
        if group is not None:
            index = self.suggest(group.representative, group.lang)
            if index is not None and 0 <= index < self.topic.count():
                self.topic.setCurrentIndex(index)

    def _add(self) -> None:
        group = self._current()
        if group is not None and self.topic.currentIndex() >= 0:
            self.add_example.emit(group.representative, group.lang, self.topic.currentIndex())

    def _new(self) -> None:
        group = self._current()
        if group is not None:
            self.new_topic.emit(group.representative, group.lang)

    def _not_ours(self) -> None:
        group = self._current()
        if group is not None:
            self.not_ours.emit(group.representative, group.lang)
