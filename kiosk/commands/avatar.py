"""``kiosk render`` (frames to PNG offscreen) and ``kiosk avatar validate|make-head``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    render = subparsers.add_parser(
        "render",
        help="render avatar frames to PNG files offscreen (tests, docs, staff previews)",
        description="Render an avatar script (JSON timeline of poses, events, gaze and visemes) to PNG frames.",
    )
    render.add_argument("--avatar", default=None, help="avatar folder (default: the museum mascot avatars/dingding)")
    render.add_argument("--script", required=True, help="render script JSON (see kiosk/avatar/script.py)")
    render.add_argument("--out", required=True, help="folder for the PNG frames (created if missing)")
    render.add_argument("--size", default="1080x1920", help="frame size WxH in pixels (default 1080x1920)")
    render.add_argument("--3d", dest="three_d", action="store_true",
                        help="render the pack's 3D head (model3d) with Qt Quick 3D; needs OpenGL (X display)")
    render.set_defaults(func=_render)

    avatar = subparsers.add_parser("avatar", help="check avatar packs and build the 3D head",
                                   description="Avatar pack tools.")
    sub = avatar.add_subparsers(dest="avatar_command", metavar="ACTION")
    sub.required = True
    validate = sub.add_parser("validate", help="check an avatar pack: every problem as file:line: field: message",
                              description="Check an avatar pack folder (rig.yaml and its parts).")
    validate.add_argument("folder", nargs="+", help="avatar folder(s), e.g. avatars/dingding")
    validate.set_defaults(func=_validate)
    head = sub.add_parser("make-head", help="write the stylised 3D head (GLB with morph targets)",
                          description="Generate the stylised glTF 2.0 head used by the 3D avatar view.")
    head.add_argument("--out", default=None, help="output .glb (default: avatars/dingding/head.glb)")
    head.set_defaults(func=_make_head)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"kiosk render: --size: expected WxH like 1080x1920, got {text!r}") from None
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise SystemExit(f"kiosk render: --size: {w}x{h} is out of range 16..8192")
    return w, h


def _render(args: argparse.Namespace) -> int:
    from kiosk import paths

    w, h = _size(args.size)
    if args.three_d:
        os.environ.setdefault("QSG_RHI_BACKEND", "opengl")
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            print("kiosk render: --3d needs an X display with OpenGL (for example under xvfb-run)", file=sys.stderr)
            return 2
        os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    else:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication

    from kiosk.avatar.rig import RigError, load_rig
    from kiosk.avatar.script import ScriptError, load_script

    folder = Path(args.avatar) if args.avatar else paths.default_avatar()
    try:
        script = load_script(args.script)
        rig = load_rig(folder)
    except (ScriptError, RigError) as exc:
        print(exc, file=sys.stderr)
        return 1
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    frames = [*script.still_frames(), *script.animation()]
    if args.three_d:
        from kiosk.avatar.scene3d import Avatar3D, gl_available

        if not rig.model3d:
            print(f"kiosk render: {folder}: the pack has no model3d (run: kiosk avatar make-head)", file=sys.stderr)
            return 1
        if not gl_available():
            print("kiosk render: no OpenGL context on this display", file=sys.stderr)
            return 2
        view = Avatar3D(folder / rig.model3d, QSize(w, h), (rig.background or ("#f3ead7",))[0])
        if view.error:
            print(f"kiosk render: {folder / rig.model3d}: {view.error}", file=sys.stderr)
            return 1
        view.show()
        for name, params in frames:
            view.set_params(params)
            view.grab().save(str(out / f"{name}.png"))
    else:
        from kiosk.avatar.renderer2d import Renderer2D

        renderer = Renderer2D(rig)
        for name, params in frames:
            renderer.render(params, QSize(w, h)).save(str(out / f"{name}.png"))
    del app
    print(f"kiosk render: {len(frames)} frame(s) written to {out}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from kiosk.avatar.rig import RigError, load_rig

    status = 0
    for folder in args.folder:
        try:
            rig = load_rig(folder)
        except RigError as exc:
            print(exc)
            status = 1
            continue
        print(f"{folder}: ok ({rig.display_name('en')}, {len(rig.parts)} parts)")
    return status


def _make_head(args: argparse.Namespace) -> int:
    from kiosk import paths
    from kiosk.avatar.make_head import make_head

    out = Path(args.out) if args.out else paths.default_avatar() / "head.glb"
    make_head(out)
    print(f"kiosk avatar make-head: wrote {out} ({out.stat().st_size // 1024} KiB)")
    return 0
