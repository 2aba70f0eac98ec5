"""Vision cost per 640x480 frame and CPU share of a 30 fps camera stream.

Synthesises a stream in memory from scikit-image's astronaut photo (nobody / one visitor
lingering with a little sway / two visitors), feeds it to the vision processor frame by frame as
the worker would (skipped frames cost nothing: they are grabbed, never decoded) and prints:
  ms per processed frame, p50 and p95 (wall clock)
  CPU share of one core = process CPU time (all threads) / stream seconds
Camera capture and JPEG decoding are not included (they depend on the device).

    .venv/bin/python benchmarks/vision.py [--seconds 10] [--fps 30] [--json]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import vision_fixtures as vf  # noqa: E402
from kiosk.config import VisionSection  # noqa: E402
from kiosk.vision.processor import VisionProcessor  # noqa: E402


def scenes() -> dict:
    near, mid = vf.size_for_distance(1.2), vf.size_for_distance(2.0)

    def one(t: float):
        return [vf.Face(320 + 25 * math.sin(t * 1.3), 240 + 8 * math.sin(t * 0.7), near * (1 + 0.03 * math.sin(t)))]

    def two(t: float):
        return one(t)[:1] + [vf.Face(520 + 10 * math.sin(t), 200, mid)]

    return {"nobody": lambda t: [], "one visitor": one, "two visitors": two}


def measure(name: str, faces_at, seconds: float, fps: float, cfg: VisionSection) -> dict:
    crop, bg = vf.face_crop(), vf.background()
    n = int(seconds * fps)
    # frames are made before timing; cache by content so "nobody" is not rebuilt n times
    stream = [vf.compose(faces_at(i / fps), crop, bg) for i in range(n)]
    processor = VisionProcessor(cfg)
    warm = int(1.0 * fps)
    for i in range(warm):  # models load, tracks start
        t = i / fps
        if processor.wants(t):
            processor.process(stream[i], t)
    ms = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i in range(warm, n):
        t = i / fps
        if not processor.wants(t):
            continue
        start = time.perf_counter()
        processor.process(stream[i], t)
        ms.append((time.perf_counter() - start) * 1000)
    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    processor.close()
    span = (n - warm) / fps
    return {
        "scene": name, "frames": n - warm, "processed": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 2) if ms else 0.0,
        "p95_ms": round(float(np.percentile(ms, 95)), 2) if ms else 0.0,
        "cpu_share_of_one_core": round(cpu / span, 3),
        "wall_share": round(wall / span, 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0, help="stream length per scene (default 10)")
    ap.add_argument("--fps", type=float, default=30.0, help="camera frame rate (default 30)")
    ap.add_argument("--json", action="store_true", help="one JSON object per scene")
    args = ap.parse_args()
    cfg = VisionSection(focal_length_px=vf.TEST_FOCAL_PX, notice_distance_m=3.0, max_fps=args.fps)
    print(f"# 640x480, {args.fps:g} fps, {args.seconds:g} s per scene; idle detection {cfg.idle_detect_hz:g} Hz, "
          f"detection while tracking {cfg.detect_hz:g} Hz", file=sys.stderr)
    for name, faces_at in scenes().items():
        r = measure(name, faces_at, args.seconds + 1.0, args.fps, cfg)
        if args.json:
            print(json.dumps(r))
        else:
            print(f"{r['scene']:<13} processed {r['processed']:4d}/{r['frames']:4d} frames   "
                  f"p50 {r['p50_ms']:6.2f} ms   p95 {r['p95_ms']:6.2f} ms   "
                  f"CPU {100 * r['cpu_share_of_one_core']:5.1f}% of one core (wall {100 * r['wall_share']:5.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
