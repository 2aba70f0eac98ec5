"""Size and start-up of the built one-folder app.

    .venv/bin/python benchmarks/package.py --build          # build into a temp folder, then measure
    .venv/bin/python benchmarks/package.py --app dist/kiosk # measure an existing build

Prints: the build time (with --build), the bundle size and its largest parts, and start-up times
of the built binary, each run twice (the first run reads the files from disk, the second from the
page cache; a kiosk's boot is closer to the first):
  * ``kiosk --help``                bootloader + Python + argument parsing
  * ``kiosk ask <question>``        + venue pack + dialog engine, one answer
  * ``kiosk selftest --quick``      + Qt, MediaPipe, espeak-ng, audio (no speech model)
  * ``kiosk run`` to ``READY=1``    the kiosk's window up, as systemd sees it (sd_notify socket)
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def file_sizes(app: Path) -> dict[Path, int]:
    return {p: p.stat().st_size for p in app.rglob("*") if p.is_file() and not p.is_symlink()}


def group_sizes(app: Path, sizes: dict[Path, int], depth: int = 1) -> dict[str, int]:
    """Bytes per entry ``depth`` levels below ``_internal/`` (or the app folder)."""
    base = app / "_internal" if (app / "_internal").is_dir() else app
    groups: dict[str, int] = defaultdict(int)
    for path, size in sizes.items():
        try:
            rel = path.relative_to(base).parts
        except ValueError:  # next to _internal/: the executable carries the archive of Python code
            rel = (f"{path.name} (executable + Python code archive)" if path.stem == "kiosk" else path.name,)
        groups["/".join(rel[:depth])] += size
    return dict(groups)


def print_sizes(app: Path, top: int = 12) -> None:
    sizes = file_sizes(app)
    total = sum(sizes.values())
    print(f"bundle: {app}  {total / 1e6:,.0f} MB in {len(sizes):,} files")
    print("largest parts:")
    for name, size in sorted(group_sizes(app, sizes).items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {size / 1e6:8.1f} MB  {size / total:5.1%}  {name}")
    print("largest files:")
    for path, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {size / 1e6:8.1f} MB  {path.relative_to(app)}")
    for heavy in ("torch", "PySide6"):
        parts = {k: v for k, v in group_sizes(app, sizes, 2).items() if k.startswith(heavy + "/")}
        inner = sorted(parts.items(), key=lambda kv: -kv[1])[:4]
        print(f"inside {heavy}: " + ", ".join(f"{k} {v / 1e6:.0f} MB" for k, v in inner))


def timed(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True, timeout=600)
    return time.perf_counter() - start, done.returncode


def time_to_ready(exe: Path, env: dict[str, str], limit_s: float = 180.0) -> str:
    """Start ``kiosk run`` with a notify socket and time the READY=1 it sends."""
    folder = tempfile.mkdtemp(prefix="kb-")
    path = os.path.join(folder, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(1.0)
    start = time.perf_counter()
    proc = subprocess.Popen([str(exe), "run", "--windowed"], env=dict(env, NOTIFY_SOCKET=path),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while time.perf_counter() - start < limit_s:
            if proc.poll() is not None:
                err = (proc.stderr.read() or "").strip().splitlines()[-1:] if proc.stderr else []
                return f"exited ({proc.returncode}) before READY=1 {err}"
            try:
                msg = sock.recv(4096).decode()
            except socket.timeout:
                continue
            if "READY=1" in msg:
                return f"{time.perf_counter() - start:.2f} s"
        return f"no READY=1 within {limit_s:.0f} s"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        sock.close()
        os.unlink(path)
        os.rmdir(folder)


def print_startup(app: Path) -> None:
    exe = app / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DATA_DIR=tempfile.mkdtemp(prefix="kiosk-bench-"))
    env.pop("NOTIFY_SOCKET", None)
    runs = [
        ("kiosk --help", [str(exe), "--help"]),
        ("kiosk ask (pack + engine)", [str(exe), "ask", "几点开门"]),
        ("kiosk selftest --quick", [str(exe), "selftest", "--quick", "--skip", "models"]),
    ]
    print("start-up (first run / second run):")
    for label, cmd in runs:
        first, code = timed(cmd, env)
        second, _ = timed(cmd, env)
        note = "" if code in (0, 1) else f"  (exit code {code})"
        print(f"  {label:<28} {first:6.2f} s / {second:6.2f} s{note}")
    print(f"  {'kiosk run -> READY=1':<28} {time_to_ready(exe, env)}")


def build(out: Path) -> Path:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(out / "dist"),
                    "--work", str(out / "work")], check=True)
    print(f"build time: {time.perf_counter() - start:.0f} s on {os.cpu_count()} cores")
    return out / "dist" / "kiosk"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "kiosk", help="a built one-folder app")
    parser.add_argument("--build", action="store_true", help="build first (into a temporary folder)")
    parser.add_argument("--no-startup", action="store_true", help="sizes only")
    args = parser.parse_args(argv)
    app = build(Path(tempfile.mkdtemp(prefix="kiosk-build-"))) if args.build else args.app
    if not app.is_dir():
        print(f"{app}: no build here; run packaging/build.py or pass --build", file=sys.stderr)
        return 1
    print_sizes(app)
    if not args.no_startup:
        print_startup(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
