"""The "try it" panel: chat with the edited pack and see which topic answered, how sure it was."""
from __future__ import annotations

from html import escape
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from kiosk.studio.workers import JobRunner


class TryPanel(QWidget):
    replied = Signal(object)  # the dialog Reply

    def __init__(self, runner: JobRunner, title_of: Callable[[str, str], str]) -> None:
        super().__init__()
        self.runner = runner
        self.title_of = title_of
        self.engine: Any = None
        self.session: Any = None
        self.note = ""
        layout = QVBoxLayout(self)
        self.log = QTextBrowser()
        layout.addWidget(self.log, 1)
        row = QHBoxLayout()
        self.input = QLineEdit()
        self.input.setPlaceholderText("Type a visitor's question and press Enter")
        self.input.returnPressed.connect(self.ask_current)
        send = QPushButton("Ask")
        send.clicked.connect(self.ask_current)
        reset = QPushButton("New visitor")
        reset.clicked.connect(self.new_visitor)
        row.addWidget(self.input, 1)
        row.addWidget(send)
        row.addWidget(reset)
        layout.addLayout(row)

    def set_engine(self, engine: Any, note: str = "") -> None:
        """Use a new engine (after an edit); the conversation context starts afresh."""
        self.engine = engine
        self.session = engine.new_session() if engine is not None else None
        self.note = note

    def new_visitor(self) -> None:
        if self.session is not None:
            self.session.reset()
        self.log.append("<i>— new visitor —</i>")

    def ask_current(self) -> None:
        text = self.input.text().strip()
        if text:
            self.input.clear()
            self.ask(text)

    def ask(self, text: str) -> None:
        self.log.append(f"<b>Visitor:</b> {escape(text)}")
        session = self.session
        if session is None:
            self.log.append("<span style='color:#c00'>The edited pack cannot answer yet: fix the problems listed.</span>")
            return
        self.runner.start(lambda _report: session.handle(text), self._show, self._failed)

    def _show(self, reply: Any) -> None:
        if reply.intent:
            topic = f"{escape(self.title_of(reply.intent, reply.lang))} <code>{escape(reply.intent)}</code>"
        else:
            topic = "<i>no topic</i>"
        color = "#287d3c" if reply.state == "answered" else "#b7791f" if reply.state in ("asking", "clarifying") else "#c00"
        self.log.append(f"<b>Kiosk:</b> {escape(reply.text)}<br><span style='color:{color}'>{escape(reply.state)}</span>"
                        f" · {topic} · confidence {reply.confidence:.2f} · {reply.lang}"
                        + (f" · <span style='color:#888'>{escape(self.note)}</span>" if self.note else ""))
        self.replied.emit(reply)

    def _failed(self, message: str) -> None:
        self.log.append(f"<span style='color:#c00'>error: {escape(message)}</span>")
