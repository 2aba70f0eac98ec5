"""Staff only: a PIN pad behind a hidden gesture, and the admin panel it opens."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSlider, QVBoxLayout, QWidget)

from kiosk import paths
from kiosk.app.status import FAILED, OK, STARTING, StatusBoard
from kiosk.app.theme import Theme

DEFAULT_WINDOWED_PIN = "0000"
STATE_MARK = {OK: "●", FAILED: "✖", STARTING: "…"}
STATE_COLOR = {OK: "#2E8B57", FAILED: "#C0392B", STARTING: "#D4A017"}


def hash_pin(pin: str, salt: str | None = None) -> str:
    """The site config value for a PIN: ``sha256:<salt>:<hex of sha256(salt:pin)>``."""
    salt = salt or secrets.token_hex(8)
    return f"sha256:{salt}:{hashlib.sha256(f'{salt}:{pin}'.encode()).hexdigest()}"


def check_pin(pin: str, pin_hash: str, windowed: bool) -> bool:
    """True when ``pin`` opens the admin panel (no hash set: 0000, and only in windowed mode)."""
    if not pin_hash:
        return windowed and pin == DEFAULT_WINDOWED_PIN
    try:
        scheme, salt, _digest = pin_hash.split(":", 2)
    except ValueError:
        return False
    return scheme == "sha256" and hmac.compare_digest(hash_pin(pin, salt), pin_hash)


class CornerTaps:
    """The hidden gesture: five taps in the top-left corner within three seconds."""

    def __init__(self, taps: int = 5, window_s: float = 3.0) -> None:
        self.taps, self.window_s = taps, window_s
        self._times: list[float] = []

    def tap(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self._times = [t for t in self._times if now - t <= self.window_s] + [now]
        if len(self._times) >= self.taps:
            self._times = []
            return True
        return False


class PinPad(QFrame):
    """A numeric pad; emits ``entered(pin)`` or ``cancelled``."""

    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        title = QLabel("PIN")
        title.setFont(theme.font(30, bold=True))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.field = QLineEdit()
        self.field.setObjectName("pin-field")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setFont(theme.font(36))
        layout.addWidget(self.field)
        self.message = QLabel("")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setFont(theme.font(20))
        layout.addWidget(self.message)
        grid = QGridLayout()
        for i, key in enumerate("123456789C0✓"):
            button = QPushButton(key)
            button.setObjectName(f"pin-{key}")
            button.setProperty("role", "key")
            button.setFont(theme.font(34, bold=True))
            button.setMinimumSize(theme.px(110), theme.px(90))
            button.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(button, i // 3, i % 3)
        layout.addLayout(grid)

    def _press(self, key: str) -> None:
        if key == "C":
            if not self.field.text():
                self.cancelled.emit()
            self.field.clear()
        elif key == "✓":
            pin, _ = self.field.text(), self.field.clear()
            self.entered.emit(pin)
        elif len(self.field.text()) < 12:
            self.field.setText(self.field.text() + key)


class AdminPanel(QFrame):
    """Device and model status, volume, reload pack, switch avatar, leave the panel, exit."""

    reload_pack = Signal()
    avatar_chosen = Signal(str)
    volume_changed = Signal(float)
    close_requested = Signal()
    exit_requested = Signal()

    def __init__(self, theme: Theme, status: StatusBoard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.status = status
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.px(28), theme.px(24), theme.px(28), theme.px(24))
        title = QLabel("管理 · Admin")
        title.setFont(theme.font(34, bold=True))
        title.setProperty("role", "title")
        layout.addWidget(title)
        self.info = QLabel("")
        self.info.setFont(theme.font(20))
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.table = QGridLayout()
        layout.addLayout(self.table)
        self._rows: dict[str, tuple[QLabel, QLabel]] = {}
        for row, item in enumerate(status.items()):
            name, detail = QLabel(), QLabel()
            name.setFont(theme.font(22, bold=True))
            detail.setFont(theme.font(18))
            detail.setWordWrap(True)
            detail.setObjectName(f"status-{item.name}")
            self.table.addWidget(name, row, 0)
            self.table.addWidget(detail, row, 1)
            self._rows[item.name] = (name, detail)
        self.table.setColumnStretch(1, 1)
        volume_row = QHBoxLayout()
        vol_label = QLabel("音量 Volume")
        vol_label.setFont(theme.font(22))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("admin-volume")
        self.volume.setRange(0, 100)
        self.volume.setMinimumHeight(theme.px(48))
        self.volume.valueChanged.connect(lambda v: self.volume_changed.emit(v / 100.0))
        volume_row.addWidget(vol_label)
        volume_row.addWidget(self.volume, 1)
        layout.addLayout(volume_row)
        avatar_row = QHBoxLayout()
        av_label = QLabel("形象 Avatar")
        av_label.setFont(theme.font(22))
        self.avatars = QComboBox()
        self.avatars.setObjectName("admin-avatar")
        self.avatars.setFont(theme.font(22))
        avatar_row.addWidget(av_label)
        avatar_row.addWidget(self.avatars, 1)
        apply_avatar = self._button("切换 Switch", "admin-avatar-apply")
        apply_avatar.clicked.connect(lambda: self.avatar_chosen.emit(self.avatars.currentData() or ""))
        avatar_row.addWidget(apply_avatar)
        layout.addLayout(avatar_row)
        actions = QHBoxLayout()
        reload_button = self._button("重新载入内容包 Reload pack", "admin-reload")
        reload_button.clicked.connect(self.reload_pack)
        close_button = self._button("返回 Back", "admin-close")
        close_button.clicked.connect(self.close_requested)
        exit_button = self._button("退出程序 Exit", "admin-exit")
        exit_button.clicked.connect(self.exit_requested)
        for b in (reload_button, close_button, exit_button):
            actions.addWidget(b)
        layout.addLayout(actions)
        layout.addStretch(1)

    def _button(self, text: str, name: str) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.setProperty("role", "accent")
        b.setFont(self.theme.font(22, bold=True))
        b.setMinimumHeight(self.theme.px(72))
        return b

    def set_avatars(self, current: Path | None) -> None:
        self.avatars.clear()
        root = paths.avatars_dir()
        folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        for folder in folders:
            self.avatars.addItem(folder.name, str(folder))
            if current and folder.resolve() == Path(current).resolve():
                self.avatars.setCurrentIndex(self.avatars.count() - 1)

    def refresh(self, info: str = "") -> None:
        if info:
            self.info.setText(info)
        for item in self.status.items():
            name, detail = self._rows[item.name]
            mark = STATE_MARK.get(item.state, "○")
            name.setText(f"{mark} {item.name}")
            name.setStyleSheet(f"color: {STATE_COLOR.get(item.state, '#888888')};")
            detail.setText(f"{item.state}{' — ' + item.detail if item.detail else ''}")
