"""Colours, fonts and sizes: one calm palette per venue, scaled up for elderly mode."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from PySide6.QtGui import QColor, QFont, QFontDatabase

FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Noto Sans", "DejaVu Sans")


@dataclass(frozen=True)
class Palette:
    background: str
    surface: str
    accent: str
    accent_text: str
    text: str
    muted: str
    map_floor: str
    map_route: str
    highlight: str


# Calm schemes: museum (warm stone and bronze), service hall (civic blue), fall-backs.
PALETTES: dict[str, Palette] = {
    "museum": Palette("#F4EFE6", "#FFFFFF", "#8A5A2B", "#FFFFFF", "#2E261F", "#7A6E62",
                      "#E8DFD0", "#C0392B", "#D98E04"),
    "service": Palette("#EEF3F8", "#FFFFFF", "#1F5C99", "#FFFFFF", "#1C2833", "#5D6D7E",
                       "#DCE6F0", "#D35400", "#1E8449"),
    "sage": Palette("#EFF4EF", "#FFFFFF", "#3D7A5C", "#FFFFFF", "#1F2D25", "#63756B",
                    "#DDE8DF", "#B03A2E", "#C27C0E"),
}
HIGH_CONTRAST = Palette("#000000", "#111111", "#FFD400", "#000000", "#FFFFFF", "#E0E0E0",
                        "#262626", "#FF5A36", "#00E0FF")


def palette_for(venue_id: str) -> Palette:
    """A scheme chosen from the venue id: museums warm, service halls blue, others stable."""
    vid = venue_id.lower()
    if "museum" in vid or "gallery" in vid:
        return PALETTES["museum"]
    if "service" in vid or "center" in vid or "hall" in vid:
        return PALETTES["service"]
    keys = sorted(PALETTES)
    return PALETTES[keys[int(hashlib.sha1(vid.encode()).hexdigest(), 16) % len(keys)]]


@dataclass(frozen=True)
class Theme:
    palette: Palette
    scale: float = 1.0  # relative to a 1080 px short screen side
    elderly: bool = False

    def px(self, size: float) -> int:
        """A size in pixels for this screen and mode (elderly mode enlarges text by 35 %)."""
        return max(1, round(size * self.scale * (1.35 if self.elderly else 1.0)))

    def font(self, size: float, bold: bool = False) -> QFont:
        font = QFont(family())
        font.setPixelSize(self.px(size))
        font.setBold(bold)
        return font

    def with_elderly(self, on: bool) -> "Theme":
        return replace(self, elderly=on)

    @property
    def colors(self) -> Palette:
        return HIGH_CONTRAST if self.elderly else self.palette

    def qcolor(self, name: str) -> QColor:
        return QColor(getattr(self.colors, name))

    def stylesheet(self) -> str:
        c = self.colors
        radius = self.px(18)
        return f"""
        QWidget#root {{ background: {c.background}; }}
        QLabel {{ color: {c.text}; }}
        QLabel[role="muted"] {{ color: {c.muted}; }}
        QLabel[role="title"] {{ color: {c.accent}; }}
        QFrame[role="card"] {{ background: {c.surface}; border-radius: {radius}px;
                               border: {2 if self.elderly else 1}px solid {c.map_floor}; }}
        QPushButton {{ background: {c.surface}; color: {c.text}; border: 2px solid {c.map_floor};
                       border-radius: {self.px(14)}px; padding: {self.px(10)}px {self.px(16)}px; text-align: left; }}
        QPushButton:pressed {{ background: {c.map_floor}; }}
        QPushButton[role="accent"] {{ background: {c.accent}; color: {c.accent_text}; border: none; text-align: center; }}
        QPushButton[role="chip"] {{ border-radius: {round(28 * self.scale)}px; text-align: center;
                                    padding: {round(8 * self.scale)}px {round(14 * self.scale)}px; }}
        QPushButton[role="chip"]:checked {{ background: {c.accent}; color: {c.accent_text}; border-color: {c.accent}; }}
        QPushButton[role="key"] {{ text-align: center; padding: 0px; }}
        QLineEdit {{ background: {c.surface}; color: {c.text}; border: 2px solid {c.accent};
                     border-radius: {self.px(14)}px; padding: {self.px(8)}px {self.px(14)}px; }}
        QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
        QScrollBar:vertical {{ width: {self.px(10)}px; background: transparent; }}
        QScrollBar::handle:vertical {{ background: {c.muted}; border-radius: {self.px(5)}px; min-height: 40px; }}
        QTabBar::tab {{ padding: {self.px(10)}px {self.px(18)}px; }}
        """


def family() -> str:
    """The first installed CJK-capable family (Noto Sans CJK on the kiosk image)."""
    global _family
    if _family is None:
        installed = set(QFontDatabase.families())
        _family = next((f for f in FONT_FAMILIES if f in installed), QFont().defaultFamily())
    return _family


_family: str | None = None
