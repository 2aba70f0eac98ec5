"""Cyclic garbage collection on the GUI thread only.

Python's cyclic collector runs in whichever thread happens to allocate when a threshold is
crossed. When that thread is a worker (a model answering, the studio checking a pack) and the
garbage holds Qt objects (a closed window, an old answer card), Qt destroys them off the GUI
thread and the process can crash: a test run died with a segmentation fault while a studio worker
built a lexical index and "Garbage-collecting" was on its stack. So while a Qt window lives,
automatic collection is off and a GUI-thread timer collects whenever the counts pass the
thresholds, generation by generation as the collector itself would.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

CHECK_MS = 100  # well under the time a busy kiosk needs to cross the first threshold


class GuiThreadCollector(QObject):
    """Owns the cyclic collector for one QApplication (see :func:`collect_on_gui_thread`)."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.thresholds = gc.get_threshold()
        self.collections = [0, 0, 0]  # per generation, for tests and the curious
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(CHECK_MS)
        app.aboutToQuit.connect(self.stop)

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold, as gc would."""
        counts = gc.get_count()
        if counts[0] <= self.thresholds[0]:
            return
        generation = 0
        while generation < 2 and counts[generation + 1] > self.thresholds[generation + 1]:
            generation += 1
        gc.collect(generation)
        self.collections[generation] += 1

    def stop(self) -> None:
        """Automatic collection back on; a later :func:`collect_on_gui_thread` starts a new collector."""
        self.timer.stop()
        self.setParent(None)
        gc.enable()


def collect_on_gui_thread() -> GuiThreadCollector | None:
    """Move cyclic collection onto the GUI thread of the running QApplication (once; None without one).

    Call it from the GUI thread, before worker threads start."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    found = app.findChild(GuiThreadCollector)
    return found if found is not None else GuiThreadCollector(app)
