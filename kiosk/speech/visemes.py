"""Lip-sync: a viseme timeline in Rhubarb's A–H and X set.

On Linux the timeline comes from espeak-ng's phoneme events (IPA names with audio positions);
elsewhere, or when no events came, from the loudness envelope of the rendered audio.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

VISEMES = "ABCDEFGHX"
# Rhubarb: A closed (p b m), B clenched teeth (most consonants, "ee"), C open (eh, ae),
# D wide open (aa), E rounded (ao, er), F puckered (uw, w), G teeth on lip (f v), H tongue (l),
# X rest.
_FIRST_CHAR = {
    **dict.fromkeys("pbmɸβ", "A"),
    **dict.fromkeys("ktdgsznŋɲçxɣhjʃʒɕʑʂʐθðqcɟɢʔɦʝrɹɾʀʁχ", "B"),
    **dict.fromkeys("iɪyʏ", "B"),
    **dict.fromkeys("eɛæəɜɘʌɐ", "C"),
    **dict.fromkeys("aɑɶ", "D"),
    **dict.fromkeys("oɔɤɒɚøœ", "E"),
    **dict.fromkeys("uʊɯwɥʍ", "F"),
    **dict.fromkeys("fvʋ", "G"),
    **dict.fromkeys("lɫɭʎʟ", "H"),
}


@dataclass(frozen=True)
class Cue:
    """Show ``viseme`` from ``start`` seconds (until the next cue)."""

    start: float
    viseme: str

    def to_dict(self) -> dict[str, object]:
        return {"t": round(self.start, 3), "v": self.viseme}


def viseme_of(phoneme: str) -> str:
    """The viseme of one IPA phoneme as espeak-ng names it (``'tɕ'``, ``'ɐ'``, ``'s.'``)."""
    for ch in unicodedata.normalize("NFD", phoneme):
        if ch in _FIRST_CHAR:
            return _FIRST_CHAR[ch]
        if ch.isalpha() and ch.isascii():
            return _FIRST_CHAR.get(ch.lower(), "B")
    return "X"


def from_phonemes(events: list[tuple[int, str]], duration_s: float) -> list[Cue]:
    """Cues from (audio position ms, IPA phoneme) events; language switches like ``(en)`` are skipped."""
    cues: list[Cue] = [Cue(0.0, "X")]
    for pos_ms, name in sorted(events):
        if name.startswith("("):
            continue
        _append(cues, Cue(pos_ms / 1000.0, viseme_of(name)))
    _append(cues, Cue(max(duration_s - 0.05, cues[-1].start), "X"))
    return cues


def from_envelope(samples: np.ndarray, sample_rate: int, window_s: float = 0.04) -> list[Cue]:
    """Cues from loudness alone: quiet is X, then B/C/D by level with an E/F now and then."""
    x = samples.astype(np.float32) / 32768.0
    win = max(1, int(sample_rate * window_s))
    n = len(x) // win
    cues: list[Cue] = [Cue(0.0, "X")]
    if n == 0:
        return cues
    rms = np.sqrt(np.mean(x[: n * win].reshape(n, win) ** 2, axis=1))
    peak = float(np.percentile(rms, 95)) or 1.0
    for i, level in enumerate(rms / peak):
        if level < 0.08:
            v = "X"
        elif level < 0.3:
            v = "B"
        elif level < 0.6:
            v = "C" if i % 5 else "E"
        else:
            v = "D" if i % 7 else "F"
        _append(cues, Cue(i * window_s, v))
    _append(cues, Cue(n * window_s, "X"))
    return cues


def _append(cues: list[Cue], cue: Cue) -> None:
    if cues and cues[-1].viseme == cue.viseme:
        return
    if cues and cue.start <= cues[-1].start:
        cues[-1] = Cue(cues[-1].start, cue.viseme)
        return
    cues.append(cue)


def shift(cues: list[Cue], offset_s: float) -> list[Cue]:
    return [Cue(c.start + offset_s, c.viseme) for c in cues]


def viseme_at(cues: list[Cue], t: float) -> str:
    """The viseme showing at time ``t`` (for a player's position clock)."""
    current = "X"
    for cue in cues:
        if cue.start > t:
            break
        current = cue.viseme
    return current
