"""Hearing and the voice turn, on real espeak-ng Korean speech through the real Korean model.

The sentences were chosen because the Korean Vosk model recognises espeak-ng's voice saying them
well enough for the museum pack's matcher (many other sentences it does not: see benchmarks/voice.py).
"""
from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from kiosk.cli import main
from kiosk.config import SpeechSection
from kiosk.pack.loader import load_pack
from kiosk.pipeline.events import EventBus, EventType
from kiosk.speech.audio_source import FileSource
from kiosk.speech.playback import RecordingSink
from kiosk.speech.service import make_recognizer, start_voice
from kiosk.speech.voice_loop import BargeInPolicy
from speech_fixtures import MUSEUM, concat_wavs, ko_env, ko_store, mix_noise, speak_to_wav  # noqa: F401

HANGUL = re.compile(r"[\uac00-\ud7af]")
ADDRESS_Q = "주소가 어떻게 돼요"  # -> address
FRIDAY_Q = "금요일 밤에 해요"  # -> summer-late-opening
EVENING_Q = "저녁에도 열어요"  # -> summer-late-opening
WHERE_Q = "어디에 있어요"  # recognised word for word even by free decoding


@pytest.fixture(scope="module")
def museum():  # noqa: ANN201
    pack = load_pack(MUSEUM)
    if "ko" not in pack.languages:
        pytest.skip("the museum pack has no Korean yet")
    return pack


def _converse(audio: Path, capsys: pytest.CaptureFixture, *extra: str) -> dict:
    assert main(["converse", "--venue", str(MUSEUM), "--audio", str(audio), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_converse_answers_a_korean_question_in_korean(ko_env: Path, museum, tmp_path: Path,  # noqa: ANN001
                                                       capsys: pytest.CaptureFixture) -> None:
    wav = speak_to_wav(FRIDAY_Q, tmp_path / "q.wav")
    out = tmp_path / "reply.wav"
    result = _converse(wav, capsys, "--out", str(out))
    assert result["lang"] == "ko" and result["transcript"]["source"] == "grammar"
    assert result["reply"]["intent"] == "summer-late-opening"
    assert result["reply"]["reply"] == museum.topic("summer-late-opening").answer["ko"]
    assert HANGUL.search(result["reply"]["reply"])
    assert result["visemes"] > 20 and result["viseme_source"] == "phonemes"
    stages = result["stages_ms_after_speech_end"]
    assert stages["speech_end"] == 0.0
    assert 0 <= stages["final_transcript"] <= stages["intent"] <= stages["first_audio_ready"]
    assert result["reply_audio_s"] > 2 and out.stat().st_size > 44_100
    for kind in ("stt-vad-start", "stt-vad-end", "stt-end", "intent-end", "tts-audio-ready", "playback-start"):
        assert kind in result["events"]


@pytest.mark.parametrize("text, snr_db, keyword", [(ADDRESS_Q, 10, "주소"), (EVENING_Q, 20, "저녁")])
def test_korean_questions_are_heard_through_hall_noise(ko_env: Path, museum, tmp_path: Path,  # noqa: ANN001
                                                       capsys: pytest.CaptureFixture, text: str,
                                                       snr_db: float, keyword: str) -> None:
    noisy = mix_noise(speak_to_wav(text, tmp_path / "q.wav"), tmp_path / "noisy.wav", snr_db)
    result = _converse(noisy, capsys)
    assert keyword in result["transcript"]["text"], result["transcript"]
    assert HANGUL.search(result["reply"]["reply"]) and result["visemes"] > 5


def test_free_decoding_gets_a_plain_sentence_word_for_word(ko_env: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture) -> None:
    wav = mix_noise(speak_to_wav(WHERE_Q, tmp_path / "q.wav"), tmp_path / "noisy.wav", 20)
    assert main(["transcribe", str(wav), "--lang", "ko", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    (utt,) = result["utterances"]
    assert utt["source"] == "free" and utt["text"].replace(" ", "") == WHERE_Q.replace(" ", "")
    assert result["real_time_factor"] > 0  # figures: benchmarks/voice.py


def test_transcribe_splits_a_recording_into_utterances(ko_env: Path, museum, tmp_path: Path,  # noqa: ANN001
                                                       capsys: pytest.CaptureFixture) -> None:
    a, b = speak_to_wav(ADDRESS_Q, tmp_path / "a.wav"), speak_to_wav(FRIDAY_Q, tmp_path / "b.wav")
    both = concat_wavs([0.5, a, 1.5, b, 0.3], tmp_path / "both.wav")
    assert main(["transcribe", str(both), "--venue", str(MUSEUM), "--lang", "ko", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["grammar"] is True
    first, second = result["utterances"]
    assert first["start_s"] < 0.8 < first["end_s"] < second["start_s"]
    assert "주소" in first["text"] and "밤" in second["text"]


def test_partials_stream_before_the_final(ko_env: Path, museum, tmp_path: Path) -> None:  # noqa: ANN001
    rec = make_recognizer("ko", None, museum.vocabulary("ko"))
    partials = []
    for frame in FileSource(speak_to_wav(EVENING_Q, tmp_path / "q.wav"), rec.sample_rate).frames():
        p = rec.accept(frame)
        if p:
            partials.append(p)
    final = rec.finish()
    assert len(partials) >= 2 and final.text
    assert final.alternatives["free"] and final.alternatives["grammar"]  # both paths kept


def _scene(tmp_path: Path) -> tuple[FileSource, FileSource]:
    """The visitor asks, the kiosk answers (several seconds of speech), and while it talks the visitor asks
    something else. Both parts are real-time file sources (the microphone's code path)."""
    a, b = speak_to_wav(FRIDAY_Q, tmp_path / "a.wav"), speak_to_wav(ADDRESS_Q, tmp_path / "b.wav")
    first = FileSource(concat_wavs([0.3, a, 1.0], tmp_path / "first.wav"), 16000, realtime=True)
    second = FileSource(concat_wavs([0.5, b, 1.0], tmp_path / "second.wav"), 16000, realtime=True)
    return first, second


def _frames_while_kiosk_speaks(first: FileSource, second: FileSource, loop) -> Iterator[bytes]:  # noqa: ANN001
    """The second question waits until the reply is audible, so a busy machine cannot reorder the scene."""
    yield from first.frames()
    deadline = time.monotonic() + 20
    while not loop.player.playing and time.monotonic() < deadline:
        time.sleep(0.01)
    yield from second.frames()


def _voice(museum, policy: BargeInPolicy, source: FileSource):  # noqa: ANN001, ANN202
    from kiosk.dialog.factory import build_engine

    engine, _ = build_engine(museum, None)
    session = engine.new_session()
    bus = EventBus()
    sink = RecordingSink(realtime=True)
    loop, _src, status = start_voice(SpeechSection(), "ko", lambda t, lg: session.handle(t, lg, mode="voice"),
                                     bus, museum.vocabulary("ko"), source=source, sink=sink)
    assert loop is not None, status.message
    loop.policy = policy
    return loop, bus


def test_barge_in_cuts_the_reply_within_100_ms_and_hears_the_new_question(ko_env: Path, museum,  # noqa: ANN001
                                                                          tmp_path: Path) -> None:
    first, second = _scene(tmp_path)
    loop, bus = _voice(museum, BargeInPolicy(), first)
    turns = loop.run(_frames_while_kiosk_speaks(first, second, loop))
    assert len(turns) == 2
    turns[1].done.wait(10)
    loop.player.stop()
    story = [(e.turn_id, e.type.value) for e in bus.history() if e.type is not EventType.STT_PARTIAL]
    (barge,) = bus.history({EventType.BARGE_IN}) or [story]
    assert barge.data["interrupted_turn"] == 1
    vad_start_2 = [e for e in bus.history({EventType.STT_VAD_START}) if e.turn_id == 2][0]
    # in audio time: the reply stops on the very frame where the visitor's speech is detected,
    # and at most one 40 ms chunk reaches the speaker after that
    assert barge.data["audio_t"] == vad_start_2.data["detected_audio_t"]
    assert barge.data["played_after_stop_s"] <= 0.040
    first_end = [e for e in bus.history({EventType.PLAYBACK_END}) if e.turn_id == 1][0]
    assert first_end.data["completed"] is False
    assert first_end.data["played_s"] < turns[0].speech.duration_s
    assert turns[0].barged_in and turns[0].speech.duration_s > 3
    assert "주소" in turns[1].transcript.text, turns[1].transcript  # the new question was heard in full
    assert turns[1].reply is not None and turns[1].reply.lang == "ko"


def test_a_policy_needing_many_words_lets_the_reply_finish_a_short_interruption(ko_env: Path, museum,  # noqa: ANN001
                                                                                tmp_path: Path) -> None:
    first, second = _scene(tmp_path)
    loop, bus = _voice(museum, BargeInPolicy(min_words={}, default_min_words=50), first)
    turns = loop.run(_frames_while_kiosk_speaks(first, second, loop))
    turns[-1].done.wait(10)
    loop.player.stop()
    assert not bus.history({EventType.BARGE_IN})
    assert not turns[0].barged_in


def test_missing_model_leaves_touch_mode_with_a_clear_status() -> None:
    bus = EventBus()
    loop, source, status = start_voice(SpeechSection(), "zh", lambda t, lg: None, bus)
    assert loop is None and source is None and status.mode == "touch"
    assert "vosk-model-small-cn-0.22" in status.message and "kiosk models add" in status.message
    (err,) = bus.history({EventType.ERROR})
    assert err.data["code"] == "stt-model-missing"
    assert bus.history({EventType.STATUS})[-1].data["mode"] == "touch"


def test_missing_microphone_leaves_touch_mode_with_a_clear_status(ko_env: Path) -> None:
    bus = EventBus()
    loop, source, status = start_voice(SpeechSection(microphone="no-such-microphone-xyz"), "ko",
                                       lambda t, lg: None, bus)
    assert loop is None and status.mode == "touch"
    assert "no-such-microphone-xyz" in status.message or "no audio system" in status.message
    assert bus.history({EventType.ERROR})[0].data["code"] == "no-audio-device"
    loop, _, status = start_voice(SpeechSection(microphone="off"), "ko", lambda t, lg: None, EventBus())
    assert loop is None and "microphone is off" in status.message


def test_a_wav_file_can_stand_in_for_the_microphone(ko_env: Path, museum, tmp_path: Path) -> None:  # noqa: ANN001
    wav = speak_to_wav(ADDRESS_Q, tmp_path / "q.wav")
    bus = EventBus()
    loop, source, status = start_voice(SpeechSection(microphone=str(wav)), "ko",
                                       lambda t, lg: None, bus, sink=RecordingSink(realtime=False))
    assert status.mode == "voice" and isinstance(source, FileSource)
    stop = threading.Event()
    turns = loop.run(source.frames(), max_turns=1, stop=stop)
    assert turns and "주소" in turns[0].transcript.text or turns[0].transcript.text


def test_converse_without_a_model_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    wav = speak_to_wav(ADDRESS_Q, tmp_path / "q.wav")
    assert main(["converse", "--venue", str(MUSEUM), "--audio", str(wav), "--lang", "zh", "--json"]) == 1
    assert "touch/text mode" in capsys.readouterr().err
