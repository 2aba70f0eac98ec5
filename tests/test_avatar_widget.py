"""The avatar widget: animates on a frame clock, takes pipeline events from any thread, lip-syncs."""
from __future__ import annotations

import subprocess
import sys
import threading

from kiosk import paths
from kiosk.avatar.params import AvatarParams
from kiosk.avatar.widget import AvatarWidget
from kiosk.pipeline.events import EventBus, EventType


def test_widget_animates_and_reacts_to_events_from_other_threads(qtbot) -> None:
    clock = {"t": 0.0}
    widget = AvatarWidget(paths.default_avatar(), seed=2, clock=lambda: clock["t"])
    qtbot.addWidget(widget)
    widget.resize(270, 480)
    widget.show()
    assert widget.wait_ready()
    bus = EventBus()
    widget.connect_bus(bus)
    worker = threading.Thread(target=lambda: bus.emit(EventType.VISITOR_ENGAGED))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: widget.animator.expressions._pulses.get("happy") is not None, timeout=2000)
    for i in range(60):
        clock["t"] = i / 60
        widget.tick()
    assert widget.params.happy > 0.8
    widget.start()
    before = widget.frame_count
    qtbot.waitUntil(lambda: widget.frame_count > before + 3, timeout=3000)
    widget.stop()


def test_widget_lipsync_and_fixed_params(qtbot) -> None:
    clock = {"t": 0.0}
    widget = AvatarWidget(paths.avatars_dir() / "xiaobin", seed=2, clock=lambda: clock["t"])
    qtbot.addWidget(widget)
    audio = {"pos": 0.0}
    widget.play_visemes([(0.0, 0.5, "D"), (0.5, 1.0, "F")], lambda: audio["pos"])
    widget.tick()
    assert widget.params.viseme == "D"
    audio["pos"] = 0.7
    clock["t"] = 0.1
    widget.tick()
    assert widget.params.viseme == "F"
    widget.set_params(AvatarParams(viseme="B"))
    widget.tick()
    assert widget.params.viseme == "B"
    widget.set_params(None)
    widget.stop_speaking()
    clock["t"] = 0.2
    widget.tick()
    assert widget.params.viseme == "X"


def test_none_guard_survives_many_void_qt_calls() -> None:
    code = (
        "import kiosk.avatar.none_guard as g, sys\n"
        "from PySide6.QtCore import QObject\n"
        "o = QObject()\n"
        "for _ in range(200000): o.setObjectName('x')\n"
        "g.protect_none()\n"
        "print(sys.getrefcount(None) > 1000)\n"
    )
    assert _python(code) == "True"


def test_a_new_size_is_rasterised_off_the_gui_thread_while_the_old_parts_are_drawn(qtbot) -> None:
    import numpy as np

    widget = AvatarWidget(paths.default_avatar(), seed=2)
    qtbot.addWidget(widget)
    widget.resize(270, 480)
    widget.show()
    assert widget.wait_ready()
    widget.resize(300, 540)  # the resize event arrives now; the new parts only through the event loop
    assert not widget.ready()
    frame = widget.grab_frame().convertToFormat(widget.grab_frame().Format.Format_RGB888)
    arr = np.frombuffer(frame.constBits(), np.uint8).reshape(frame.height(), frame.bytesPerLine())
    assert arr[:, : frame.width() * 3].std() > 20  # the avatar, drawn from the parts of the old size
    qtbot.waitUntil(widget.ready, timeout=10000)


def test_widget_deleted_while_its_parts_are_rasterised_does_not_crash() -> None:
    code = (
        "import os, time\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import kiosk\n"
        "from PySide6.QtCore import QEvent\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from kiosk import paths\n"
        "from kiosk.avatar.widget import AvatarWidget, _RASTER\n"
        "app = QApplication([])\n"
        "for i in range(6):\n"
        "    w = AvatarWidget(paths.default_avatar())\n"
        "    w.resize(200 + 40 * i, 400)\n"
        "    w.show()\n"
        "    w.deleteLater()\n"
        "    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)\n"
        "_RASTER.submit(lambda: None).result(60)  # every rasterisation asked for has finished\n"
        "for _ in range(20):\n"
        "    app.processEvents()\n"
        "print('alive')\n"
    )
    assert _python(code).endswith("alive")


def _python(code: str) -> str:
    """Run ``code`` in a fresh interpreter (a crash must not take the test run down); its output."""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-800:]
    return run.stdout.strip()
