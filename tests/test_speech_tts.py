"""Speaking: pyttsx3/espeak-ng rendering in memory, phoneme visemes, `kiosk say`, the player."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from kiosk.cli import main
from kiosk.speech import tts
from kiosk.speech.playback import Player, RecordingSink
from kiosk.speech.tts import Synthesizer


@pytest.fixture(scope="module")
def synth() -> Synthesizer:
    return Synthesizer()


@pytest.mark.parametrize("lang, text", [
    ("ko", "화장실은 1층 로비 오른쪽에 있습니다."),
    ("zh", "洗手间在一楼大厅右边。"),
    ("en", "The restrooms are on the first floor."),
])
def test_each_language_renders_audible_speech_with_phoneme_visemes(synth: Synthesizer, lang: str, text: str) -> None:
    speech = synth.render(text, lang)
    assert speech.sample_rate == 22050
    assert 0.8 < speech.duration_s < 8.0
    assert np.abs(speech.samples).max() > 3000  # real sound, not silence
    assert speech.viseme_source == "phonemes"
    shapes = {c.viseme for c in speech.cues}
    assert len(shapes) >= 4 and speech.cues[0].viseme == "X" and speech.cues[-1].viseme == "X"
    assert all(b.start > a.start for a, b in zip(speech.cues, speech.cues[1:]))
    assert speech.cues[-2].start <= speech.duration_s


def test_rendering_leaves_no_file_behind(synth: Synthesizer) -> None:
    before = set(tts.ram_temp_dir().glob("kiosk-tts-*"))
    synth.render("안녕하세요.", "ko")
    assert set(tts.ram_temp_dir().glob("kiosk-tts-*")) == before


def test_a_language_without_a_voice_is_a_clear_error(synth: Synthesizer) -> None:
    with pytest.raises(tts.TtsError, match="no espeak-ng voice configured for language 'xx'"):
        synth.render("hello", "xx")


def test_rendering_is_safe_from_several_threads(synth: Synthesizer) -> None:
    results: list[float] = []
    errors: list[Exception] = []

    def work(text: str) -> None:
        try:
            results.append(synth.render(text, "ko").duration_s)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in ("하나.", "둘 셋 넷.", "다섯 여섯.")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors and len(results) == 3 and all(d > 0.3 for d in results)


def test_kiosk_say_writes_wav_and_viseme_timeline(tmp_path: Path) -> None:
    out, vis = tmp_path / "reply.wav", tmp_path / "reply.json"
    assert main(["say", "입장료는 무료예요. 예약은 필요해요.", "--lang", "ko", "--out", str(out), "--visemes", str(vis)]) == 0
    data, rate = sf.read(str(out), dtype="int16")
    timeline = json.loads(vis.read_text(encoding="utf-8"))
    assert rate == 22050 and len(data) / rate == pytest.approx(timeline["duration_s"], abs=0.01)
    assert timeline["source"] == "phonemes" and timeline["lang"] == "ko"
    assert {c["v"] for c in timeline["cues"]} <= set("ABCDEFGHX")
    assert timeline["cues"][-1]["t"] > 1.0  # the second sentence's cues are shifted after the first


def test_player_writes_chunks_of_at_most_40_ms_and_plays_everything(synth: Synthesizer) -> None:
    speech = synth.render("감사합니다.", "ko")
    sink = RecordingSink(realtime=False)
    player = Player(sink)
    player.play(speech)
    assert player.wait(5)
    assert max(len(c) for c in sink.chunks) <= speech.sample_rate * 0.040
    assert np.array_equal(sink.audio(), speech.samples)
    assert player.position_s == pytest.approx(speech.duration_s, abs=0.001)


def test_player_stops_within_one_chunk_of_audio(synth: Synthesizer) -> None:
    speech = synth.render("화장실은 1층 로비 오른쪽에 있습니다. 엘리베이터 옆이에요.", "ko")
    sink = RecordingSink(realtime=True)
    events: list[tuple[str, dict]] = []
    player = Player(sink, on_event=lambda kind, data: events.append((kind, data)))
    assert speech.duration_s > 1.0, speech.duration_s
    player.play(speech)
    while player.playing and player.position_s < 0.3:  # let the visitor hear a little of it
        time.sleep(0.01)
    player.stop()
    assert not player.playing
    assert player.played_after_stop_s <= 0.040  # at most the chunk already handed over
    assert max(len(c) for c in sink.chunks) <= speech.sample_rate * 0.040
    assert 0.3 <= sink.played_s < speech.duration_s
    assert player.position_s == pytest.approx(sink.played_s, abs=1e-6)  # the lip-sync clock stopped too
    assert [k for k, _ in events] == ["start", "end"]
    assert events[-1][1]["completed"] is False and events[-1][1]["after_stop_s"] <= 0.040


def test_player_plays_parts_fed_while_it_is_already_playing(synth: Synthesizer) -> None:
    first, second = synth.render("하나.", "ko"), synth.render("둘.", "ko")
    sink = RecordingSink(realtime=False)
    player = Player(sink)
    player.begin()
    player.feed(first)
    time.sleep(0.05)
    player.feed(second)
    player.end()
    assert player.wait(5)
    assert len(sink.audio()) == len(first.samples) + len(second.samples)


def test_a_render_that_comes_back_empty_is_done_again(synth: Synthesizer, monkeypatch) -> None:
    """espeak-ng through pyttsx3 now and then writes an empty file under load: the sentence is
    rendered again, and the visitor hears it."""
    real = synth._render_once
    passes: list[int] = []

    def empty_first(engine, text, lang):  # noqa: ANN001
        samples, rate, phonemes = real(engine, text, lang)
        passes.append(len(samples))
        return (samples[:0], rate, None) if len(passes) == 1 else (samples, rate, phonemes)

    monkeypatch.setattr(synth, "_render_once", empty_first)
    speech = synth.render("입장료는 무료예요.", "ko")
    assert len(passes) == 2 and speech.duration_s > 0.5 and speech.viseme_source == "phonemes"
