"""Take-away QR codes: the answer's own text, encoded offline into a QImage (no URL, no file)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PySide6.QtGui import QColor, QImage

MAX_BYTES = 1200  # keeps the code scannable from a phone at arm's length (version <= ~25)


def qr_matrix(text: str) -> list[list[bool]]:
    """The module matrix (True = dark) of a QR code holding ``text`` (UTF-8, error level M)."""
    import qrcode

    data = text.encode("utf-8")
    if len(data) > MAX_BYTES:
        text = data[: MAX_BYTES - 3].decode("utf-8", errors="ignore") + "…"
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def qr_image(text: str, size: int = 360, border_modules: int = 4,
             dark: str = "#111111", light: str = "#FFFFFF") -> QImage:
    """Render the QR code of ``text`` into a square QImage about ``size`` pixels wide.

    The pixels are built with numpy in a few calls: a worker thread drawing module by module
    would take the interpreter lock back from the GUI thread a thousand times per code.
    """
    modules = np.pad(np.array(cached_matrix(text), dtype=bool), border_modules)
    n = modules.shape[0]
    module = max(1, size // n)
    cells = np.kron(modules, np.ones((module, module), dtype=bool))
    pixels = np.where(cells, np.uint32(QColor(dark).rgb()), np.uint32(QColor(light).rgb())).astype(np.uint32)
    side = pixels.shape[0]
    return QImage(pixels.tobytes(), side, side, side * 4, QImage.Format.Format_RGB32).copy()


@lru_cache(maxsize=256)
def cached_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """:func:`qr_matrix`, remembered: a kiosk hears the same questions all day."""
    return tuple(tuple(row) for row in qr_matrix(text))
