"""Build the Debian package from the one-folder build: ``python packaging/build_deb.py``.

    python packaging/build.py                 # first: dist/kiosk/
    python packaging/build_deb.py [--app dist/kiosk] [--out dist] [--version 0.1.0] [--compress xz]

The package installs the app to /opt/kiosk, ``kiosk`` on the PATH, the systemd service
(Type=notify, WatchdogSec, Restart=always) running the kiosk full screen in the cage compositor
on tty1, and /etc/kiosk/site.toml as a conffile (kept over upgrades when the site edited it).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
LINUX = PACKAGING / "linux"
INSTALL_DIR = "opt/kiosk"

DEPENDS = [
    "cage", "espeak-ng", "libespeak-ng1", "libportaudio2", "libsndfile1", "libasound2",
    "libegl1", "libgl1", "libxkbcommon0", "libwayland-client0", "libfontconfig1", "fonts-noto-cjk",
    "adduser",
]
RECOMMENDS = ["pipewire-pulse | pulseaudio", "mesa-utils"]


def site_template() -> str:
    """The commented default site.toml, rendered from kiosk.config (always in step with it)."""
    if importlib.util.find_spec("kiosk") is None:  # run as a script from a checkout
        sys.path.insert(0, str(ROOT))
    from kiosk.deploy.sitecheck import template_text

    return template_text()


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    m = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"), re.MULTILINE)
    return m.group(1) if m else "0.0.0"


def folder_size_kib(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) // 1024


def control_text(version: str, installed_kib: int, arch: str = "amd64") -> str:
    return (
        "Package: kiosk\n"
        f"Version: {version}\n"
        "Section: misc\n"
        "Priority: optional\n"
        f"Architecture: {arch}\n"
        "Maintainer: Kiosk team <kiosk@localhost>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(DEPENDS)}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Description: offline digital-human service kiosk\n"
        " An animated guide for museum lobbies and service halls: it sees a visitor,\n"
        " greets them, listens, answers from the venue's content pack and speaks.\n"
        " Runs fully offline as a systemd service in the cage compositor.\n"
    )


def _copy_app(app: Path, target: Path) -> None:
    """Copy the one-folder build, keeping its internal symlinks."""
    shutil.copytree(app, target, symlinks=True)


def stage_tree(app: Path, stage: Path, version: str) -> Path:
    """Lay out the package's files under ``stage`` (the future /)."""
    if not (app / "kiosk").is_file():
        raise FileNotFoundError(f"{app}: no 'kiosk' executable; run packaging/build.py first")
    opt = stage / INSTALL_DIR
    _copy_app(app, opt)
    shutil.copy2(LINUX / "kiosk-session", opt / "kiosk-session")
    shutil.copy2(PACKAGING / "README.md", opt / "README-deploy.md")
    (stage / "usr/bin").mkdir(parents=True)
    shutil.copy2(LINUX / "kiosk-command", stage / "usr/bin/kiosk")
    unit_dir = stage / "lib/systemd/system"
    unit_dir.mkdir(parents=True)
    shutil.copy2(LINUX / "kiosk.service", unit_dir / "kiosk.service")
    (stage / "etc/kiosk").mkdir(parents=True)
    built_template = app / "site-template.toml"  # written by build.py: matches the built app
    if built_template.is_file():
        shutil.copy2(built_template, stage / "etc/kiosk/site.toml")
    else:
        (stage / "etc/kiosk/site.toml").write_text(site_template(), encoding="utf-8")
    (stage / "etc/pam.d").mkdir(parents=True)
    shutil.copy2(LINUX / "pam-kiosk", stage / "etc/pam.d/kiosk")
    debian = stage / "DEBIAN"
    debian.mkdir()
    for script in ("postinst", "prerm", "postrm"):
        shutil.copy2(LINUX / script, debian / script)
        (debian / script).chmod(0o755)
    (debian / "conffiles").write_text("/etc/kiosk/site.toml\n/etc/pam.d/kiosk\n", encoding="ascii")
    (debian / "control").write_text(control_text(version, folder_size_kib(stage)), encoding="utf-8")
    for path in [stage, *stage.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    return stage


def build_deb(app: Path, out_dir: Path, version: str, compress: str = "xz", level: int | None = None) -> Path:
    """Stage and run ``dpkg-deb --build``; returns the .deb path."""
    if shutil.which("dpkg-deb") is None:
        raise RuntimeError("dpkg-deb not found (apt-get install dpkg)")
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"kiosk_{version}_amd64.deb"
    with tempfile.TemporaryDirectory(prefix="kiosk-deb-", dir=out_dir) as tmp:
        stage = stage_tree(app, Path(tmp) / "root", version)
        cmd = ["dpkg-deb", "--root-owner-group", f"-Z{compress}"]
        if level is not None:
            cmd.append(f"-z{level}")
        cmd += ["--build", str(stage), str(deb)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "kiosk", help="the one-folder build")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the .deb goes")
    parser.add_argument("--version", default=project_version())
    parser.add_argument("--compress", default="xz", choices=["xz", "gzip", "zstd", "none"])
    parser.add_argument("--level", type=int, default=None, help="compression level (e.g. 1 for a quick test build)")
    args = parser.parse_args(argv)
    try:
        deb = build_deb(args.app, args.out, args.version, args.compress, args.level)
    except (FileNotFoundError, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    print(f"build_deb: {deb} ({deb.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
