"""Rendering the HTML report to a PNG image with Qt (offscreen), for docs and printouts.

Qt's rich-text engine has no inline SVG, so each chart is drawn with QSvgRenderer into an image
resource of the document first.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def render_report_png(html: str, out: str | Path, width: int = 1000) -> Path:
    from PySide6.QtCore import QByteArray, QRectF, QUrl
    from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
    from PySide6.QtSvg import QSvgRenderer
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])  # noqa: F841 - needed for fonts
    doc = QTextDocument()
    doc.setDefaultStyleSheet("body{font-family:sans-serif} h2{font-size:16px} table{border-collapse:collapse}")
    charts: list[tuple[str, QImage]] = []

    def to_image(match: re.Match[str]) -> str:
        svg = match.group(0)
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        size = renderer.defaultSize()
        image = QImage(size, QImage.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        name = f"chart-{len(charts)}.png"
        charts.append((name, image))
        return f'<img src="{name}" width="{size.width()}" height="{size.height()}">'

    body = _SVG.sub(to_image, html)
    for name, image in charts:
        doc.addResource(QTextDocument.ImageResource, QUrl(name), image)
    doc.setHtml(body)
    doc.setTextWidth(width)
    height = int(doc.size().height()) + 20
    page = QImage(width + 40, height + 20, QImage.Format_ARGB32)
    page.fill(QColor("white"))
    painter = QPainter(page)
    painter.translate(20, 10)
    doc.drawContents(painter)
    painter.end()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not page.save(str(out)):
        raise OSError(f"{out}: cannot write the image")
    return out
