"""Streaming speech recognition with Vosk: partials for subtitles, one final per utterance.

One ``vosk.Model`` per model folder is shared by the whole process; each utterance gets fresh
recognizers. With a venue vocabulary, a grammar-constrained recognizer runs beside the free one
(on models that support grammars) and the better of the two is kept; the other stays in
``Transcript.alternatives`` so a visitor's words are never dropped silently.
"""
from __future__ import annotations

import json
import logging
import queue
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from kiosk.speech import model_store

log = logging.getLogger(__name__)

UNK_TOKENS = ("[unk]", "<unk>", "<UNK>")
NOISE_TOKENS = {"[unk]", "<unk>", "<UNK>", "<SPOKEN_NOISE>", "!SIL", "<eps>"}
_CJK_CHAR = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_CJK_SPACE = re.compile(rf"(?<={_CJK_CHAR})\s+(?={_CJK_CHAR})")
SPACELESS_LANGS = {"zh", "ja", "yue"}


def join_tokens(text: str, lang: str) -> str:
    """Vosk's Chinese output has a space between words ("洗手间 在 哪里"); write it as Chinese.

    Spaces between Latin words or digits stay ("wifi 密码" keeps its space before 密码 only if
    one side is Latin).
    """
    text = " ".join(t for t in text.split() if t not in NOISE_TOKENS)
    if lang in SPACELESS_LANGS:
        text = _CJK_SPACE.sub("", text)
    return text.strip()


def join_segments(texts: list[str], lang: str) -> str:
    """The texts of one utterance's segments (Vosk closes a segment where the speaker paused) as one
    text, a comma where each pause was: "我爸去年动了个手术，医药费能在这报吗" keeps the story apart
    from the question for the dialog engine (see kiosk.dialog.text.clauses)."""
    pause = "，" if lang in SPACELESS_LANGS else ", "
    return pause.join(t for t in (join_tokens(text, lang) for text in texts) if t)


def segment(phrase: str, words: set[str], max_len: int = 12) -> list[str] | None:
    """Split one pack word/phrase into model words, longest match first; ``None`` if impossible.

    Korean eojeol ("화장실이") and Chinese phrases ("洗手间在哪里") are split into the units the
    model knows ("화장실 이", "洗手间 在 哪里").
    """
    out: list[str] = []
    for chunk in phrase.lower().split():
        if chunk in words:
            out.append(chunk)
            continue
        i = 0
        while i < len(chunk):
            for j in range(min(len(chunk), i + max_len), i, -1):
                if chunk[i:j] in words:
                    out.append(chunk[i:j])
                    i = j
                    break
            else:
                return None
    return out or None


def build_grammar(vocabulary: Iterable[str], words: set[str]) -> tuple[list[str], list[str]]:
    """Grammar phrases for Vosk from the pack's vocabulary; returns (phrases, rejected)."""
    phrases: set[str] = set()
    rejected: list[str] = []
    for item in vocabulary:
        item = item.strip()
        if not item:
            continue
        seg = segment(item, words)
        if seg is None:
            rejected.append(item)
        else:
            phrases.add(" ".join(seg))
    unk = next((u for u in UNK_TOKENS if u in words), None)
    ordered = sorted(phrases)
    if unk:
        ordered.append(unk)
    return ordered, sorted(rejected)


def model_sample_rate(model_path: Path) -> int:
    conf = Path(model_path) / "conf" / "mfcc.conf"
    if conf.is_file():
        m = re.search(r"--sample-frequency=(\d+)", conf.read_text(encoding="utf-8"))
        if m:
            return int(m.group(1))
    return 16000


@dataclass
class Transcript:
    text: str
    lang: str
    confidence: float = 0.0
    source: str = "free"  # "free" or "grammar"
    words: list[dict] = field(default_factory=list)
    alternatives: dict[str, str] = field(default_factory=dict)
    vosk_endpoints: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "lang": self.lang, "confidence": round(self.confidence, 3),
                "source": self.source, "alternatives": self.alternatives}


class SharedModels:
    """One loaded ``vosk.Model`` per folder, shared by every recognizer of the process."""

    _lock = threading.Lock()
    _models: dict[Path, object] = {}
    _words: dict[Path, set[str]] = {}

    @classmethod
    def model(cls, path: str | Path):  # noqa: ANN206 - vosk.Model
        key = Path(path).resolve()
        with cls._lock:
            if key not in cls._models:
                import vosk

                vosk.SetLogLevel(-1)
                try:
                    cls._models[key] = vosk.Model(str(key))
                except Exception as exc:  # noqa: BLE001 - vosk raises a bare Exception
                    raise model_store.ModelError(f"{key}: Vosk cannot load this model: {exc}") from exc
            return cls._models[key]

    @classmethod
    def words(cls, path: str | Path) -> set[str]:
        key = Path(path).resolve()
        with cls._lock:
            if key not in cls._words:
                cls._words[key] = model_store.load_words(key)
            return cls._words[key]


class _Decoder:
    """One Vosk recognizer with its running text (segments closed by Vosk's own endpoint)."""

    def __init__(self, model, rate: int, grammar: list[str] | None) -> None:  # noqa: ANN001
        import vosk

        if grammar:
            self.rec = vosk.KaldiRecognizer(model, rate, json.dumps(grammar, ensure_ascii=False))
        else:
            self.rec = vosk.KaldiRecognizer(model, rate)
        self.rec.SetWords(True)
        self.segments: list[dict] = []
        self.endpoints = 0

    def accept(self, frame: bytes) -> bool:
        if self.rec.AcceptWaveform(frame):
            self.endpoints += 1
            self.segments.append(json.loads(self.rec.Result()))
            return True
        return False

    def partial(self) -> str:
        return json.loads(self.rec.PartialResult()).get("partial", "")

    def finish(self) -> tuple[list[str], list[dict]]:
        """The text of each segment, and every word heard."""
        self.segments.append(json.loads(self.rec.FinalResult()))
        words = [w for seg in self.segments for w in seg.get("result", [])]
        return [seg.get("text", "") for seg in self.segments], words


def _mean_conf(words: list[dict]) -> float:
    real = [w for w in words if w.get("word") not in NOISE_TOKENS]
    return sum(float(w.get("conf", 0.0)) for w in real) / len(real) if real else 0.0


class StreamingRecognizer:
    """Recognise one utterance at a time: :meth:`accept` frames, read partials, :meth:`finish`."""

    def __init__(self, model_path: str | Path, lang: str, grammar: list[str] | None = None,
                 sample_rate: int | None = None) -> None:
        self.model_path = Path(model_path)
        self.lang = lang
        self.model = SharedModels.model(self.model_path)
        self.sample_rate = sample_rate or model_sample_rate(self.model_path)
        self.grammar = grammar if grammar and len(grammar) > 1 else None
        self.partial_every = 5  # frames between partial results (100 ms at 20 ms frames)
        self._start()

    def _start(self) -> None:
        self._free = _Decoder(self.model, self.sample_rate, None)
        self._gram: _Decoder | None = None
        self._queue: queue.Queue[bytes | None] | None = None
        if self.grammar:
            try:
                self._gram = _Decoder(self.model, self.sample_rate, self.grammar)
            except Exception as exc:  # noqa: BLE001 - a static model cannot take a grammar
                log.info("grammar not used (%s): free decoding only", exc)
                self._gram = None
        self._worker: threading.Thread | None = None  # started by the first frame
        self._last_partial = ""
        self._frames = 0

    @staticmethod
    def _feed_grammar(frames: "queue.Queue[bytes | None]", decoder: _Decoder) -> None:
        while (frame := frames.get()) is not None:
            decoder.accept(frame)

    def set_grammar(self, grammar: list[str] | None) -> None:
        """Swap the grammar: takes effect from the next utterance (a new recognizer)."""
        self.grammar = grammar if grammar and len(grammar) > 1 else None

    def accept(self, frame: bytes) -> str | None:
        """Feed 16-bit mono PCM; returns the partial text when it changed, else ``None``."""
        if self._gram is not None:
            if self._worker is None:
                self._queue = queue.Queue()
                self._worker = threading.Thread(target=self._feed_grammar, args=(self._queue, self._gram),
                                                name="asr-grammar", daemon=True)
                self._worker.start()
            assert self._queue is not None
            self._queue.put(frame)
        self._free.accept(frame)
        self._frames += 1
        if self._frames % self.partial_every:
            return None
        text = join_tokens(self._free.partial() or self._closed_text(), self.lang)
        if text != self._last_partial:
            self._last_partial = text
            return text
        return None

    def _closed_text(self) -> str:
        return " ".join(s.get("text", "") for s in self._free.segments)

    def finish(self) -> Transcript:
        """The final transcript of this utterance; the recognizer is then ready for the next."""
        free_texts, free_words = self._free.finish()
        result = Transcript(join_segments(free_texts, self.lang), self.lang, _mean_conf(free_words),
                            "free", free_words, vosk_endpoints=self._free.endpoints)
        if self._gram is not None:
            if self._worker is not None and self._queue is not None:
                self._queue.put(None)
                self._worker.join()
            gram_texts, gram_words = self._gram.finish()
            result = self._choose(result, join_segments(gram_texts, self.lang), gram_words)
        self._start()
        return result

    def _choose(self, free: Transcript, gram_text: str, gram_words: list[dict]) -> Transcript:
        gram = Transcript(gram_text, self.lang, _mean_conf(gram_words), "grammar", gram_words)
        has_unk = any(w.get("word") in UNK_TOKENS for w in gram_words)
        alt = {"free": free.text, "grammar": gram.text}
        # Vosk's confidences of free decoding stay high even on noise, so they do not pick the
        # winner: the venue grammar wins unless it heard words outside the venue's vocabulary.
        if gram.text and not has_unk:
            best = gram
        else:
            best = free if free.text else gram
        best.alternatives = alt
        best.vosk_endpoints = free.vosk_endpoints
        return best

    def transcribe(self, frames: Iterable[bytes]) -> Transcript:
        """Recognise a whole stream as one utterance (no endpointing)."""
        for frame in frames:
            self.accept(frame)
        return self.finish()


def grammar_for(model_path: str | Path, vocabulary: Iterable[str]) -> list[str] | None:
    """A Vosk grammar from pack vocabulary, or ``None`` when the model cannot use one."""
    if model_store.model_kind(Path(model_path)) != "lookahead":
        return None
    phrases, rejected = build_grammar(vocabulary, SharedModels.words(model_path))
    if rejected:
        log.info("%d pack words are not in the model's vocabulary (free decoding covers them)", len(rejected))
    return phrases or None
