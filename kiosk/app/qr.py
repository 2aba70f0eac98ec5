"""Take-away QR codes: the answer's own text, encoded offline into a QImage (no URL, no file)."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter

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
    """Render the QR code of ``text`` into a square QImage about ``size`` pixels wide."""
    matrix = qr_matrix(text)
    n = len(matrix) + 2 * border_modules
    module = max(1, size // n)
    side = module * n
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor(light))
    painter = QPainter(image)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(dark))
    for y, row in enumerate(matrix):
        for x, cell in enumerate(row):
            if cell:
                painter.drawRect(QRect((x + border_modules) * module, (y + border_modules) * module, module, module))
    painter.end()
    return image
