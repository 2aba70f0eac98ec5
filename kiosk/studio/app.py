"""Starting the studio: `kiosk studio [--venue DIR]`."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def run_studio(pack_dir: Path, config: Any = None, db_path: Path | None = None, screenshot: Path | None = None) -> int:
    if screenshot is not None and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from kiosk.studio.document import DocumentError
    from kiosk.studio.window import StudioWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        window = StudioWindow(pack_dir, config, db_path)
    except (DocumentError, OSError) as exc:
        print(f"kiosk studio: {exc}", file=sys.stderr)
        return 1
    window.show()
    if screenshot is not None:
        return _screenshot(app, window, screenshot)
    return app.exec()


def _screenshot(app: Any, window: Any, out: Path) -> int:
    """Wait for the first check and the unanswered list, then save a picture of the window."""
    import time

    deadline = time.monotonic() + 30
    while (window.validations == 0 or window.runner.busy()) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(10):
        app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    window.setProperty("force_close", True)
    window.close()
    print(f"wrote {out}" if ok else f"kiosk studio: cannot write {out}")
    return 0 if ok else 1
