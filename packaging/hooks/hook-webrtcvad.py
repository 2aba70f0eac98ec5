# The kiosk installs webrtcvad from the `webrtcvad-wheels` distribution; the stock hook asks for
# the metadata of `webrtcvad`, which does not exist, and stops the build. This hook replaces it.
from PyInstaller.utils.hooks import copy_metadata

try:
    datas = copy_metadata("webrtcvad-wheels")
except Exception:  # noqa: BLE001 - the original `webrtcvad` distribution
    datas = copy_metadata("webrtcvad")
