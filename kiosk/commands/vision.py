"""`kiosk watch`: run the vision pipeline on a video, an image folder or a camera and print the
engagement events and the primary visitor's distance and attention each second."""
from __future__ import annotations

import argparse
import json
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "watch",
        help="show visitor engagement events for a video file, image folder or camera",
        description="Run face detection, tracking and the engagement state machine on a video file "
                    "(or image folder, or camera) and print events with timestamps in video time, plus "
                    "the primary visitor's distance and attention once per second. Nothing is stored.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--video", metavar="FILE", help="video file or folder of images")
    src.add_argument("--camera", metavar="INDEX", help="camera device index (default: the site config's)")
    p.add_argument("--config", metavar="FILE", help="site config TOML ([vision] section); default settings without it")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--fps", type=float, default=10.0, help="frame rate of an image folder (default 10)")
    p.add_argument("--seconds", type=float, default=0.0, help="stop after this many seconds of source time")
    p.add_argument("--realtime", action="store_true", help="play a file at its own speed instead of as fast as possible")
    p.set_defaults(func=run)


def _event_line(d: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps(d, ensure_ascii=False)
    who = f"visitor {d['visitor']}" if d.get("visitor") is not None else "nobody"
    extra = f"  {d['distance_m']:.2f} m" if "distance_m" in d else ""
    return f"{d['t']:8.2f} s  {d['event'].upper():<12} {who}{extra}  ({d['reason']})"


def _second_line(t: float, report, as_json: bool) -> str:
    p = report.primary
    if as_json:
        return json.dumps({"t": round(t, 3), "state": report.state.value, "people": len(report.people),
                           "primary": p.to_dict() if p else None})
    if p is None:
        return f"{t:8.2f} s  [{report.state.value}] nobody"
    facing = "facing" if p.attention else "looking away"
    pose = f"yaw {p.yaw:+.0f}°, pitch {p.pitch:+.0f}°" if p.yaw is not None else "no mesh"
    talk = ", talking" if p.talking else ""
    return (f"{t:8.2f} s  [{report.state.value}] visitor {p.id}: {p.distance_m:.2f} m, {facing} "
            f"({pose}){talk}; {len(report.people)} in view")


def run(args: argparse.Namespace) -> int:
    from kiosk.config import ConfigError, load_config
    from kiosk.vision.settings import check_vision
    from kiosk.vision.sources import SourceError, open_source

    try:
        cfg = load_config(args.config)
        check_vision(cfg.vision, cfg.source)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    v = cfg.vision
    spec = args.video if args.video is not None else (args.camera if args.camera is not None else v.camera)
    try:
        source = open_source(spec, v.width, v.height, args.fps)
    except SourceError as exc:
        print(f"kiosk watch: {exc}", file=sys.stderr)
        return 2
    if source is None:
        print("kiosk watch: the camera is off in the site config; give --video FILE or --camera INDEX",
              file=sys.stderr)
        return 2

    from kiosk.vision.processor import VisionProcessor
    from kiosk.vision.worker import run_source

    processor = VisionProcessor(v)
    state = {"t0": None, "next_second": 0.0}

    def on_report(report) -> None:
        if state["t0"] is None:
            state["t0"] = report.t if source.live else 0.0
        t = report.t - state["t0"]
        for tr in report.transitions:
            d = tr.to_dict()
            d["t"] = round(tr.t - state["t0"], 3)
            print(_event_line(d, args.json), flush=True)
        if t >= state["next_second"]:
            print(_second_line(t, report, args.json), flush=True)
            state["next_second"] = float(int(t) + 1)
        if args.seconds and t >= args.seconds:
            raise _Done

    try:
        run_source(source, processor, on_report, realtime=args.realtime)
    except _Done:
        pass
    except SourceError as exc:
        print(f"kiosk watch: {exc}", file=sys.stderr)
        return 2
    finally:
        source.close()
        processor.close()
    return 0


class _Done(Exception):
    """--seconds reached."""
