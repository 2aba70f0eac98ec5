"""Build the kiosk as a PyInstaller one-folder app: ``python packaging/build.py``.

Run it with the repo's virtual environment (``.venv/bin/python packaging/build.py``); the build
takes what is installed there (CPU-only torch). The result is ``dist/kiosk/kiosk`` (``kiosk.exe``
on Windows) with its ``_internal/`` folder; copy the whole ``dist/kiosk`` folder.

    python packaging/build.py [--dist DIR] [--work DIR] [--model DIR ...] [--clean]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
import time
from importlib import metadata
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
SPEC = PACKAGING / "kiosk.spec"
PINNED = ("pyinstaller", "pyinstaller-hooks-contrib")


def pinned_versions(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """The ``name==version`` pins of the build tools from pyproject.toml's ``package`` extra."""
    text = pyproject.read_text(encoding="utf-8")
    pins = {}
    for name in PINNED:
        m = re.search(rf'"{re.escape(name)}==([^"]+)"', text, re.IGNORECASE)
        if m:
            pins[name] = m.group(1)
    return pins


def check_build_tools() -> list[str]:
    """Problems with the installed build tools compared with the pins (empty: all good)."""
    problems = []
    for name, want in pinned_versions().items():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed (pyproject.toml pins {want}); run ./setup.sh")
            continue
        if have != want:
            problems.append(f"{name} {have} is installed but pyproject.toml pins {want}")
    return problems


def write_site_template(path: Path) -> None:
    """The commented default site.toml next to the app, for the installers to place."""
    if importlib.util.find_spec("kiosk") is None:  # run as a script from a checkout
        sys.path.insert(0, str(ROOT))
    from kiosk.deploy.sitecheck import write_template

    write_template(path)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller work folder (default: build/)")
    parser.add_argument("--model", type=Path, action="append", default=[],
                        help="an unpacked Vosk model folder to bundle (besides packaging/models/*); repeatable")
    parser.add_argument("--hf-archs", default="bert,distilbert,roberta,xlm_roberta,electra",
                        help="transformers architectures to bundle for the intent model (comma-separated)")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first")
    parser.add_argument("--allow-unpinned", action="store_true", help="build even if the tool versions differ from the pins")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    problems = check_build_tools()
    if problems:
        for p in problems:
            print(f"build: {p}", file=sys.stderr)
        if not args.allow_unpinned:
            return 2
    for model in args.model:
        if not (model / "conf").is_dir() and not (model / "am").is_dir():
            print(f"build: {model}: not an unpacked Vosk model folder (no am/ or conf/)", file=sys.stderr)
            return 2
    os.environ["KIOSK_BUILD_MODELS"] = os.pathsep.join(str(m.resolve()) for m in args.model)
    os.environ["KIOSK_BUILD_HF_ARCHS"] = args.hf_archs

    import PyInstaller.__main__  # heavy; only after the checks

    pyi_args = [str(SPEC), "--noconfirm", "--log-level", "WARN",
                "--distpath", str(args.dist), "--workpath", str(args.work)]
    if args.clean:
        pyi_args.append("--clean")
    start = time.monotonic()
    PyInstaller.__main__.run(pyi_args)
    app = args.dist / "kiosk" / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
    write_site_template(args.dist / "kiosk" / "site-template.toml")
    print(f"build: {app} built in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
