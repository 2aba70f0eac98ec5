"""The two content pages: the touch menu of suggested questions, and the answer card."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from kiosk.app.mapview import MapView
from kiosk.app.qr import qr_image
from kiosk.app.texts import ui
from kiosk.app.theme import Theme

Suggestions = list[tuple[str, str, list[tuple[str, str]]]]


def clear_layout(layout) -> None:  # noqa: ANN001 - any QLayout
    while layout.count():
        item = layout.takeAt(0)
        if item.widget():
            item.widget().deleteLater()
        elif item.layout():
            clear_layout(item.layout())


class MenuPage(QWidget):
    """Group chips on top, large question buttons below; emits ``chosen(intent)``."""

    chosen = Signal(str)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.groups: Suggestions = []
        self.group_id = ""
        self.columns = 2
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.chip_scroll = QScrollArea()
        self.chip_scroll.setWidgetResizable(True)
        self.chip_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chips = QWidget()
        self.chip_row = QHBoxLayout(self.chips)
        self.chip_row.setContentsMargins(0, 0, 0, 0)
        self.chip_scroll.setWidget(self.chips)
        layout.addWidget(self.chip_scroll)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.grid = QGridLayout(self.body)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.scroll.setWidget(self.body)
        layout.addWidget(self.scroll, 1)

    def set_suggestions(self, groups: Suggestions, theme: Theme, columns: int) -> None:
        self.theme, self.groups, self.columns = theme, groups, columns
        if self.group_id not in [g[0] for g in groups]:
            self.group_id = groups[0][0] if groups else ""
        self._build_chips()
        self._build_buttons()

    def _build_chips(self) -> None:
        clear_layout(self.chip_row)
        t = self.theme
        for gid, title, _items in self.groups:
            chip = QPushButton(title)
            chip.setObjectName(f"group-{gid}")
            chip.setProperty("role", "chip")
            chip.setCheckable(True)
            chip.setChecked(gid == self.group_id)
            chip.setFont(t.font(24, bold=True))
            chip.setMinimumHeight(t.px(64))
            chip.clicked.connect(lambda _=False, g=gid: self.show_group(g))
            self.chip_row.addWidget(chip)
        self.chip_row.addStretch(1)
        self.chip_scroll.setFixedHeight(t.px(64) + t.px(22))

    def show_group(self, group_id: str) -> None:
        self.group_id = group_id
        for i in range(self.chip_row.count()):
            w = self.chip_row.itemAt(i).widget()
            if isinstance(w, QPushButton):
                w.setChecked(w.objectName() == f"group-{group_id}")
        self._build_buttons()

    def _build_buttons(self) -> None:
        clear_layout(self.grid)
        t = self.theme
        items = next((items for gid, _t, items in self.groups if gid == self.group_id), [])
        for i, (intent, label) in enumerate(items):
            button = QPushButton(label)
            button.setObjectName(f"suggest-{intent}")
            button.setFont(t.font(26))
            button.setMinimumHeight(t.px(96))
            button.clicked.connect(lambda _=False, it=intent: self.chosen.emit(it))
            self.grid.addWidget(button, i // self.columns, i % self.columns)
        self.grid.setRowStretch(len(items) // self.columns + 1, 1)

    def buttons(self) -> list[QPushButton]:
        return [self.grid.itemAt(i).widget() for i in range(self.grid.count())
                if isinstance(self.grid.itemAt(i).widget(), QPushButton)]


class AnswerPage(QWidget):
    """Title and take-away QR code, then the map (place answers) or follow-up choices.

    The QR code of a long answer takes tens of milliseconds to encode, so it is made on a worker
    thread and shown when ready.
    """

    chosen = Signal(str)
    back = Signal()
    qr_ready = Signal(str, QImage)

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.qr_text = ""
        self._qr_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-qr")
        self.qr_ready.connect(self._show_qr)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.card = QFrame()
        self.card.setProperty("role", "card")
        card = QVBoxLayout(self.card)
        top = QHBoxLayout()
        heading = QVBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("answer-title")
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        heading.addWidget(self.title)
        self.text = QLabel()
        self.text.setObjectName("answer-text")
        self.text.setWordWrap(True)
        self.text.setProperty("role", "muted")
        heading.addWidget(self.text)
        heading.addStretch(1)
        top.addLayout(heading, 1)
        qr_box = QVBoxLayout()
        self.qr = QLabel()
        self.qr.setObjectName("qr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_caption = QLabel()
        self.qr_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_caption.setProperty("role", "muted")
        qr_box.addWidget(self.qr)
        qr_box.addWidget(self.qr_caption)
        top.addLayout(qr_box)
        card.addLayout(top)
        self.map = MapView(theme)
        self.map.setObjectName("map")
        card.addWidget(self.map, 1)
        self.choices_label = QLabel()
        card.addWidget(self.choices_label)
        self.choices = QGridLayout()
        card.addLayout(self.choices)
        self._choice_buttons: list[QPushButton] = []  # made once: new styled buttons cost a frame
        self._choice_intents: list[str] = []
        for i in range(6):
            b = QPushButton()
            b.clicked.connect(lambda _=False, n=i: self.chosen.emit(self._choice_intents[n]))
            b.setVisible(False)
            self.choices.addWidget(b, i // 2, i % 2)
            self._choice_buttons.append(b)
        layout.addWidget(self.card, 1)
        layout.addStretch(0)
        self.back_button = QPushButton()
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.back)
        layout.addWidget(self.back_button)

    def show_reply(self, title: str, detail: str, places: list[str], choices: list[tuple[str, str]],
                   choices_title: str, lang: str, theme: Theme, answer: str) -> None:
        """Fill the card: title, a detail line, the QR code of ``title`` + ``answer``, then the map
        of ``places`` or, with no place, ``choices`` as (intent, label) buttons."""
        self.theme = theme
        t = theme
        self.title.setText(title)
        self.title.setFont(t.font(34, bold=True))
        self.text.setText(detail)
        self.text.setVisible(bool(detail))
        self.text.setFont(t.font(22))
        self.qr_text = f"{title}\n{answer}" if title else answer
        side = t.px(170)
        self.qr.setFixedSize(side, side)
        self.qr.clear()
        self.qr.setVisible(bool(answer))
        self.qr_caption.setVisible(bool(answer))
        if answer:  # questions back to the visitor (clarify, rephrase) have nothing to take away
            self._qr_worker.submit(self._make_qr, self.qr_text, side)
        self.qr_caption.setText(ui("qr_caption", lang))
        self.qr_caption.setFont(t.font(18))
        self.map.set_theme(t)
        route = self.map.show_places(places, lang) if places else None
        self.map.setVisible(bool(places))
        self.choices_label.setVisible(bool(choices) and not places and choices_title != title)
        self.choices_label.setText(choices_title)
        self.choices_label.setFont(t.font(22, bold=True))
        shown = [] if places else choices[: len(self._choice_buttons)]
        self._choice_intents = [intent for intent, _label in shown]
        for i, b in enumerate(self._choice_buttons):
            if i < len(shown):
                intent, label = shown[i]
                b.setObjectName(f"choice-{intent}")
                b.setText(label)
                b.setFont(t.font(24))
                b.setMinimumHeight(t.px(84))
            b.setVisible(i < len(shown))
        # a map fills the page; choices leave the card its natural height
        self.layout().setStretch(0, 1 if places else 0)
        self.layout().setStretch(1, 0 if places else 1)
        self.back_button.setText(ui("back", lang))
        self.back_button.setFont(t.font(24, bold=True))
        self.back_button.setMinimumHeight(t.px(80))
        self.route = route

    def _make_qr(self, text: str, side: int) -> None:
        try:
            self.qr_ready.emit(text, qr_image(text, side))
        except RuntimeError:  # the page is gone (shutdown)
            pass

    def _show_qr(self, text: str, image: QImage) -> None:
        if text == self.qr_text:
            side = self.qr.width()
            self.qr.setPixmap(QPixmap.fromImage(image).scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                                              Qt.TransformationMode.FastTransformation))

    def shutdown(self) -> None:
        self._qr_worker.shutdown(wait=True, cancel_futures=True)
