"""`kiosk run`: the full-screen kiosk; `kiosk admin-pin`: the staff PIN line for the site config."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kiosk.commands.common import add_venue_option, load_site


def _size(value: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in value.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1080x1920, got {value!r}") from exc
    if w < 320 or h < 320:
        raise argparse.ArgumentTypeError("the window must be at least 320x320")
    return w, h


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser(
        "run", help="start the kiosk (full screen; the museum pack by default)",
        description="Start the kiosk: avatar, voice, touch menu, maps. Without options it shows the museum pack "
                    "full screen with no window decorations and a hidden cursor; staff open the admin panel by "
                    "tapping the top-left corner five times and entering the PIN. Missing devices or models "
                    "(camera, microphone, speech model) leave touch and text working.")
    add_venue_option(run)
    run.add_argument("--avatar", metavar="DIR", type=Path, default=None, help="avatar folder (default: the venue's mascot)")
    run.add_argument("--windowed", action="store_true", help="a normal window (1080x1920 unless --size); staff PIN 0000 "
                                                             "when the site config sets none")
    run.add_argument("--size", metavar="WxH", type=_size, default=None,
                     help="window size, e.g. 1080x1920 (portrait) or 1920x1080 (landscape)")
    run.add_argument("--no-voice", action="store_true", help="no speech in or out (touch, text and subtitles only)")
    run.add_argument("--no-camera", action="store_true", help="do not open the camera")
    run.add_argument("--screenshot", metavar="FILE", type=Path, default=None,
                     help="render one screen to a PNG file and exit (no voice, no camera)")
    run.add_argument("--lang", default=None, help="with --screenshot: the screen language (zh, en, ko)")
    run.add_argument("--elderly", action="store_true", help="with --screenshot: elderly mode")
    run.add_argument("--ask", metavar="TEXT", default=None, help="with --screenshot: show the answer to this question")
    run.set_defaults(func=cmd_run)

    pin = sub.add_parser("admin-pin", help="print the site-config line for a staff PIN",
                         description="Prints admin_pin_hash = \"sha256:<salt>:<hex>\" for the [site] section.")
    pin.add_argument("pin", help="4 to 12 digits")
    pin.set_defaults(func=cmd_admin_pin)


def _options(args: argparse.Namespace):  # noqa: ANN202 - KioskOptions, imported lazily
    from kiosk.app.launcher import KioskOptions

    config = load_site(args)
    shot = args.screenshot is not None
    return KioskOptions(venue=args.venue, avatar=args.avatar, config=config, windowed=args.windowed or shot,
                        size=args.size or ((1080, 1920) if shot else None), voice=not (args.no_voice or shot),
                        vision=not (args.no_camera or shot), analytics=not shot)


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.pack.loader import PackError

    options = _options(args)
    try:
        if args.screenshot is not None:
            return screenshot(options, args.screenshot, args.lang, args.elderly, args.ask)
        from kiosk.app.launcher import run

        return run(options)
    except PackError as exc:
        print(f"kiosk: the venue pack has errors and cannot be used:\n{exc}", file=sys.stderr)
        return 1


def screenshot(options, path: Path, lang: str | None, elderly: bool, ask: str | None,  # noqa: ANN001
               timeout_s: float = 10.0) -> int:
    """Render one screen of the kiosk into ``path`` (PNG)."""
    from kiosk.app.launcher import build_kiosk

    kiosk = build_kiosk(options)
    window, app = kiosk.window, kiosk.app
    try:
        if lang:
            window.set_lang(lang)
        if elderly:
            window.set_elderly(True)
        if ask:
            got: list[dict] = []
            window.replied.connect(got.append)
            window.conversation.submit_text(ask, lang, "text")
            deadline = time.monotonic() + timeout_s
            qr = window.answer.qr
            while not (got and (not qr.isVisible() or not qr.pixmap().isNull())) and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.01)
        if window.avatar.rigged is not None:
            window.avatar.rigged.wait_ready(timeout_s)
        for _ in range(5):
            app.processEvents()
            time.sleep(0.02)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(path)):
            print(f"kiosk: cannot write {path}", file=sys.stderr)
            return 1
        print(path)
        return 0
    finally:
        kiosk.close()


def cmd_admin_pin(args: argparse.Namespace) -> int:
    from kiosk.app.admin import hash_pin

    if not args.pin.isdigit() or not 4 <= len(args.pin) <= 12:
        print("kiosk: the PIN must be 4 to 12 digits", file=sys.stderr)
        return 2
    print(f'admin_pin_hash = "{hash_pin(args.pin)}"')
    return 0
