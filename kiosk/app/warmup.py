"""Warm-up after start: what the first answer card would otherwise pay for on the GUI thread.

Shown cold, the first answer card took about 26 ms to lay out and paint (style polish of its
widgets, new font sizes, the map) against 3 ms later; with a turn's worker threads competing for
the CPU, that frame went over 33 ms. Once the attract screen is up, :class:`WarmUp` fills the
hidden answer card and paints it off screen, one step of a few ms per timer tick, pausing while a
visitor is in a session. (Glyphs are not worth warming: about 5 µs per new character.)
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterator

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from kiosk.app.mapview import LABELLED_KINDS
from kiosk.app.texts import ui

log = logging.getLogger(__name__)

Step = Callable[[], None]


class _Signals(QObject):
    reply = Signal(dict)


def _first_dict_signal() -> None:
    """The first ``Signal(dict)`` emitted with numbers, None or lists in the dict makes PySide
    build enum types (0.3-6 ms), as a reply's does."""
    signals = _Signals()
    signals.reply.emit({"reply": "", "confidence": 1.0, "title": None, "places": []})


class WarmUp(QObject):
    """Runs ``steps`` one per tick of a GUI timer while ``idle()`` holds; ``done`` when all ran."""

    def __init__(self, steps: Iterator[Step], idle: Callable[[], bool], interval_ms: int = 30,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.steps = steps
        self.idle = idle
        self.done = False
        self.seconds = 0.0  # GUI time the steps took
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _step(self) -> None:
        if not self.idle():
            return
        t0 = time.perf_counter()
        try:
            step = next(self.steps)
            step()
        except StopIteration:
            self._timer.stop()
            self.done = True
            log.info("warm-up done: %.0f ms of GUI time", self.seconds * 1000)
        except Exception:  # noqa: BLE001 - warming is optional; the kiosk works cold
            log.exception("warm-up step failed; stopping the warm-up")
            self._timer.stop()
            self.done = True
        self.seconds += time.perf_counter() - t0


def answer_card_steps(window: Any) -> Iterator[Step]:
    """Fill the (hidden) answer card with a route answer and with a choices answer; paint each."""
    pack = window.conversation.engine.pack
    lang = window.lang
    if not pack.topics:
        return
    title = pack.title_of(pack.topics[0].id, lang)
    choices = [(t.id, pack.title_of(t.id, lang)) for t in pack.topics[1:7]]
    page = window.answer

    def fill(places: list[str]) -> Step:
        def step() -> None:
            page.setGeometry(window.pages.rect())
            page.show_reply(title, title if places else "", places, [] if places else choices, ui("related", lang),
                            lang, window.theme, title)
            page.layout().activate()
        return step

    def paint() -> None:
        image = QImage(page.size(), QImage.Format.Format_RGB32)  # the format of a window's backing store
        page.render(image)

    yield _first_dict_signal
    place = _far_place(pack)
    if place:
        yield fill([place])
        yield paint
    yield fill([])
    yield paint
    yield page.map.clear


def _far_place(pack: Any) -> str:
    """A labelled place on another floor than the kiosk's (a route through a lift), else any."""
    here = pack.places.get(pack.venue.kiosk_place)
    named = [p for p in pack.places.values() if p.id != pack.venue.kiosk_place and p.kind in LABELLED_KINDS]
    elsewhere = [p for p in named if here is not None and p.floor != here.floor]
    return (elsewhere or named)[0].id if named else ""
