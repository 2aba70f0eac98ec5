"""An on-screen keyboard for visitors who cannot speak: letters, digits and quick words.

Chinese and Korean visitors get a row of quick words taken from the pack (place names and
topic titles) since a full input method is more than a kiosk visitor wants to learn.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.app.theme import Theme

ROWS = ["1234567890", "qwertyuiop", "asdfghjkl'", "zxcvbnm,.?"]
LABELS = {
    "space": {"zh": "空格", "en": "space", "ko": "스페이스"},
    "back": {"zh": "⌫ 删除", "en": "⌫", "ko": "⌫"},
    "enter": {"zh": "提问", "en": "Ask", "ko": "질문"},
    "hide": {"zh": "收起", "en": "Hide", "ko": "닫기"},
}


class OnScreenKeyboard(QWidget):
    """Emits ``typed(text)`` for keys and quick words, ``backspace``, ``enter`` and ``hidden``."""

    typed = Signal(str)
    backspace = Signal()
    enter = Signal()
    hidden = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.lang = "zh"
        self.words: list[str] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.rebuild()

    def set_words(self, words: list[str], lang: str) -> None:
        self.words, self.lang = words, lang
        self.rebuild()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.rebuild()

    def rebuild(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        t = self.theme
        key_h = t.px(64)
        if self.words and self.lang in ("zh", "ko", "ja"):
            strip = QWidget()
            row = QHBoxLayout(strip)
            row.setContentsMargins(0, 0, 0, 0)
            for word in self.words[:30]:
                row.addWidget(self._key(word, word, key_h, word))
            scroll = QScrollArea()
            scroll.setWidget(strip)
            scroll.setWidgetResizable(True)
            scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll.setFixedHeight(key_h + t.px(16))
            self._layout.addWidget(scroll)
        grid = QGridLayout()
        grid.setSpacing(t.px(6))
        for r, keys in enumerate(ROWS):
            for c, ch in enumerate(keys):
                grid.addWidget(self._key(ch, ch, key_h, f"key-{ch}"), r, c)
        row = len(ROWS)
        back = self._key(self._label("back"), None, key_h, "key-back")
        back.clicked.connect(self.backspace)
        space = self._key(self._label("space"), " ", key_h, "key-space")
        enter = self._key(self._label("enter"), None, key_h, "key-enter", accent=True)
        enter.clicked.connect(self.enter)
        hide = self._key(self._label("hide"), None, key_h, "key-hide")
        hide.clicked.connect(self.hidden)
        grid.addWidget(hide, row, 0, 1, 2)
        grid.addWidget(space, row, 2, 1, 4)
        grid.addWidget(back, row, 6, 1, 2)
        grid.addWidget(enter, row, 8, 1, 2)
        self._layout.addLayout(grid)

    def _label(self, name: str) -> str:
        return LABELS[name].get(self.lang, LABELS[name]["en"])

    def _key(self, label: str, text: str | None, height: int, name: str, accent: bool = False) -> QPushButton:
        button = QPushButton(label)
        button.setObjectName(name)
        button.setProperty("role", "accent" if accent else "key")
        button.setFont(self.theme.font(24 if len(label) < 3 else 20, bold=accent))
        button.setMinimumHeight(height)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if text is not None:
            button.clicked.connect(lambda _=False, s=text: self.typed.emit(s))
        return button
