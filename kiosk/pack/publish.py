"""Versioned pack files: publish a pack folder to one file, install it on a kiosk, roll back.

A pack file (``<venue>-v<version>.kpack``) is a ZIP archive holding the pack's files and a
``manifest.json`` with the venue id, version, content hash and the SHA-256 and size of every
file. Installing checks the archive (complete, untampered, no stray or unsafe paths), unpacks it
into a staging folder, validates it with the pack schema, and only then moves it in beside the
installed versions and switches the ``current`` pointer with an atomic file replace. The previous
version stays on disk for ``rollback``; a running kiosk keeps its folder until it reloads.

The checksums detect damaged and edited files; they do not prove who made the file.

Installed layout under ``<data dir>/packs/``::

    active                      the venue id in use on this kiosk
    <venue-id>/current          JSON pointer {"dir": ..., "version": ...}
    <venue-id>/previous         the pointer before the last install or rollback
    <venue-id>/versions/v3-1a2b3c4d5e6f/   one folder per installed version
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kiosk import paths
from kiosk.pack.loader import content_hash, validate_pack

FORMAT = "kiosk-venue-pack"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUFFIX = ".kpack"
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_FILES = 5000
KEEP_VERSIONS = 3
MODEL_DIR = ".model"  # the trained intent model beside the pack files (kiosk.nlu)
_SKIP_NAMES = {"__pycache__", ".git", ".DS_Store"}
_SKIP_SUFFIXES = (".bak", ".tmp", ".swp", "~")


class PublishError(Exception):
    """A pack that cannot be published, or a pack file that cannot be installed, with the reason."""


@dataclass
class PackFileInfo:
    """What a pack file says about itself (after its checks passed)."""

    venue: str
    version: int
    content_hash: str
    created: str
    files: dict[str, dict]

    @property
    def folder_name(self) -> str:
        return f"v{self.version}-{self.content_hash[:12]}"


@dataclass
class InstallResult:
    venue: str
    version: int
    path: Path
    previous: Path | None
    changed: bool  # False when that exact pack was already the current one


# -- publish ------------------------------------------------------------------------------------
def pack_files(root: Path) -> list[Path]:
    """The files a pack file carries: everything in the folder but backups and hidden files,
    plus the trained intent model in ``.model/`` (the kiosk checks it is current before use)."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        parts = rel.parts[1:] if rel.parts[0] == MODEL_DIR else rel.parts
        if any(part in _SKIP_NAMES or part.startswith(".") for part in parts):
            continue
        if path.is_file() and not path.name.endswith(_SKIP_SUFFIXES):
            out.append(path)
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_file_name(venue: str, version: int) -> str:
    return f"{venue}-v{version}{SUFFIX}"


def publish(pack_dir: str | Path, out: str | Path) -> Path:
    """Write one pack file for ``pack_dir`` (which must validate). ``out`` may be a folder
    (an existing one, or a new path without a suffix) for the name ``<venue>-v<version>.kpack``."""
    root = Path(pack_dir)
    pack, problems = validate_pack(root)
    if problems or pack is None:
        lines = "\n".join(str(p) for p in problems[:20])
        raise PublishError(f"{root}: the pack has {len(problems)} problem(s); fix them before publishing:\n{lines}")
    out = Path(out)
    if out.is_dir() or (not out.exists() and not out.suffix):
        out = out / default_file_name(pack.id, pack.venue.version)
    files: dict[str, dict] = {}
    blobs: list[tuple[str, bytes]] = []
    for path in pack_files(root):
        data = path.read_bytes()
        name = path.relative_to(root).as_posix()
        files[name] = {"sha256": _sha256(data), "size": len(data)}
        blobs.append((name, data))
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "venue": pack.id,
                "version": pack.venue.version, "content_hash": content_hash(root),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": files}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, data in blobs:
            zf.writestr(name, data)
    os.replace(tmp, out)
    return out


# -- checking a pack file -------------------------------------------------------------------------
def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name and ":" not in name


def read_manifest(zf: zipfile.ZipFile, where: str) -> dict:
    try:
        raw = zf.read(MANIFEST)
    except KeyError:
        raise PublishError(f"{where}: not a venue pack file (no {MANIFEST} inside)") from None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PublishError(f"{where}: {MANIFEST} is damaged: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PublishError(f"{where}: {MANIFEST}: format: not a venue pack file")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise PublishError(f"{where}: {MANIFEST}: format_version: {manifest.get('format_version')!r} is not "
                           f"supported (this kiosk reads {FORMAT_VERSION}); update the kiosk software")
    for key, kind in (("venue", str), ("version", int), ("content_hash", str), ("files", dict)):
        if not isinstance(manifest.get(key), kind):
            raise PublishError(f"{where}: {MANIFEST}: {key}: missing or wrong type")
    return manifest


def check_pack_file(file: str | Path) -> tuple[PackFileInfo, dict[str, bytes]]:
    """Open and verify a pack file; returns its info and file contents. Raises :class:`PublishError`."""
    file = Path(file)
    where = str(file)
    if not file.is_file():
        raise PublishError(f"{where}: no such file")
    try:
        zf = zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise PublishError(f"{where}: not a complete pack file (truncated or not a ZIP archive); "
                           "copy it again from the original") from None
    with zf:
        manifest = read_manifest(zf, where)
        listed: dict[str, dict] = manifest["files"]
        members = {i.filename: i for i in zf.infolist() if not i.is_dir()}
        extra = sorted(set(members) - set(listed) - {MANIFEST})
        if extra:
            raise PublishError(f"{where}: {extra[0]}: file not listed in the manifest (the pack file was altered)")
        if len(listed) > MAX_FILES or sum(int(m.get("size", 0)) for m in listed.values()) > MAX_TOTAL_BYTES:
            raise PublishError(f"{where}: {MANIFEST}: files: too many or too large files for a venue pack")
        contents: dict[str, bytes] = {}
        for name, meta in sorted(listed.items()):
            if not _safe_name(name):
                raise PublishError(f"{where}: {name}: unsafe file name in the pack file")
            if name not in members:
                raise PublishError(f"{where}: {name}: listed in the manifest but missing (truncated or altered)")
            if members[name].file_size != meta.get("size"):
                raise PublishError(f"{where}: {name}: size {members[name].file_size} does not match the manifest "
                                   f"({meta.get('size')}); the pack file was altered or damaged")
            try:
                data = zf.read(name)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise PublishError(f"{where}: {name}: cannot be read ({exc}); the pack file is damaged") from None
            if _sha256(data) != meta.get("sha256"):
                raise PublishError(f"{where}: {name}: checksum mismatch; the pack file was altered or damaged")
            contents[name] = data
    info = PackFileInfo(manifest["venue"], manifest["version"], manifest["content_hash"],
                        str(manifest.get("created", "")), listed)
    return info, contents


# -- installing ------------------------------------------------------------------------------------
def packs_dir() -> Path:
    return paths.data_dir() / "packs"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_pointer(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("dir"), str) else None


def active_venue(base: Path | None = None) -> str | None:
    base = base or packs_dir()
    try:
        venue = (base / "active").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return venue or None


def installed_pack_dir(venue: str | None = None, base: Path | None = None) -> Path | None:
    """The folder of the installed current pack (of ``venue``, default: the active one), or None."""
    base = base or packs_dir()
    venue = venue or active_venue(base)
    if not venue:
        return None
    pointer = _read_pointer(base / venue / "current")
    if pointer is None:
        return None
    folder = base / venue / "versions" / pointer["dir"]
    return folder if folder.is_dir() else None


def _stage(contents: dict[str, bytes], versions: Path) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions))
    for name, data in contents.items():
        target = staging / PurePosixPath(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return staging


def install(file: str | Path, base: Path | None = None, allow_downgrade: bool = False) -> InstallResult:
    """Check and install a pack file; the installed pack stays unchanged on any problem."""
    base = base or packs_dir()
    info, contents = check_pack_file(file)
    venue_dir = base / info.venue
    versions = venue_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    current = _read_pointer(venue_dir / "current")
    if current and current.get("dir") == info.folder_name and (versions / info.folder_name).is_dir():
        _write_atomic(base / "active", info.venue + "\n")
        return InstallResult(info.venue, info.version, versions / info.folder_name, None, False)
    if current and not allow_downgrade and int(current.get("version", 0)) > info.version:
        raise PublishError(f"{file}: version {info.version} is older than the installed version "
                           f"{current.get('version')}; use rollback, or allow a downgrade")
    staging = _stage(contents, versions)
    try:
        pack, problems = validate_pack(staging)
        if problems or pack is None:
            lines = "\n".join(str(p) for p in problems[:20])
            raise PublishError(f"{file}: the pack inside has {len(problems)} problem(s):\n{lines}")
        if pack.id != info.venue or pack.venue.version != info.version:
            raise PublishError(f"{file}: {MANIFEST}: venue/version do not match venue.yaml "
                               f"({pack.id} v{pack.venue.version}); the pack file was altered")
        if content_hash(staging) != info.content_hash:
            raise PublishError(f"{file}: {MANIFEST}: content_hash does not match the files; the pack file was altered")
        final = versions / info.folder_name
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    previous = installed_pack_dir(info.venue, base)
    if current:
        _write_atomic(venue_dir / "previous", json.dumps(current))
    _write_atomic(venue_dir / "current", json.dumps({"dir": info.folder_name, "version": info.version,
                                                      "installed": time.time()}))
    _write_atomic(base / "active", info.venue + "\n")
    _prune(venue_dir)
    return InstallResult(info.venue, info.version, final, previous, True)


def rollback(venue: str | None = None, base: Path | None = None) -> InstallResult:
    """Make the previous installed version current again (and the current one previous)."""
    base = base or packs_dir()
    venue = venue or active_venue(base)
    if not venue:
        raise PublishError("no pack is installed on this kiosk; nothing to roll back")
    venue_dir = base / venue
    current = _read_pointer(venue_dir / "current")
    previous = _read_pointer(venue_dir / "previous")
    if previous is None or not (venue_dir / "versions" / previous["dir"]).is_dir():
        raise PublishError(f"{venue}: no previous version kept; nothing to roll back to")
    folder = venue_dir / "versions" / previous["dir"]
    pack, problems = validate_pack(folder)
    if problems or pack is None:
        raise PublishError(f"{folder}: the previous version no longer validates ({problems[0] if problems else '?'}); "
                           "not rolled back")
    old = installed_pack_dir(venue, base)
    _write_atomic(venue_dir / "current", json.dumps({**previous, "installed": time.time()}))
    if current:
        _write_atomic(venue_dir / "previous", json.dumps(current))
    return InstallResult(venue, int(previous.get("version", 0)), folder, old, True)


def _prune(venue_dir: Path) -> None:
    """Remove old versions beyond the newest few, never the current or previous one."""
    keep = {p["dir"] for p in (_read_pointer(venue_dir / "current"), _read_pointer(venue_dir / "previous")) if p}
    versions = venue_dir / "versions"
    folders = sorted((d for d in versions.iterdir() if d.is_dir() and not d.name.startswith(".")),
                     key=lambda d: d.stat().st_mtime, reverse=True)
    for old in folders[KEEP_VERSIONS:]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
