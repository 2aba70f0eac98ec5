"""The kiosk's store of Vosk models: ``kiosk models add PATH|ZIP`` and ``kiosk models list``.

Each model is a folder under ``data_dir()/models/<name>`` with a ``kiosk-model.json`` manifest
(name, lang, source) and ``kiosk-words.txt`` (the model's vocabulary, one word a line, read once
from ``graph/words.txt`` or from the symbol table inside ``graph/Gr.fst``). A model is copied
into a temporary folder, checked, and only then moved into place, so a broken model never
replaces a working one.
"""
from __future__ import annotations

import json
import logging
import re
import shutil
import struct
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk import paths

log = logging.getLogger(__name__)

MANIFEST = "kiosk-model.json"
WORDS = "kiosk-words.txt"
DEFAULT_MODELS = {"zh": "vosk-model-small-cn-0.22", "en": "vosk-model-small-en-us-0.15"}
_LANG_HINTS = [("-cn", "zh"), ("-zh", "zh"), ("-en", "en"), ("-ko", "ko"), ("-ja", "ja"),
               ("-fr", "fr"), ("-de", "de"), ("-es", "es"), ("-ru", "ru")]
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ModelError(Exception):
    """A model folder/zip is not a usable Vosk model, or a language has no model."""


@dataclass
class ModelInfo:
    name: str
    lang: str
    path: Path
    source: str = ""
    added: str = ""
    kind: str = ""  # "static" (HCLG.fst) or "lookahead" (HCLr.fst + Gr.fst: grammar-capable)
    words: int = 0

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["path"] = str(self.path)
        return d


def store_dir() -> Path:
    return paths.data_dir() / "models"


def find_model_root(folder: Path) -> Path:
    """The folder holding ``am/`` or ``final.mdl`` (a zip usually wraps the model in one folder)."""
    if _looks_like_model(folder):
        return folder
    subdirs = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(("__", "."))]
    for sub in subdirs:
        if _looks_like_model(sub):
            return sub
    raise ModelError(f"{folder}: not a Vosk model: no am/final.mdl inside")


def _looks_like_model(folder: Path) -> bool:
    return (folder / "am" / "final.mdl").is_file() or (folder / "final.mdl").is_file()


def model_kind(root: Path) -> str:
    """Check the files Vosk needs; return "static" or "lookahead". Raises :class:`ModelError`."""
    problems = []
    if not _looks_like_model(root):
        problems.append("am/final.mdl: missing (the acoustic model)")
    conf = root / "conf" / "model.conf"
    if not conf.is_file():
        problems.append("conf/model.conf: missing")
    graph = root / "graph"
    if (graph / "HCLG.fst").is_file() or (root / "HCLG.fst").is_file():
        kind = "static"
    elif (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file():
        kind = "lookahead"
    else:
        kind = ""
        problems.append("graph/: neither HCLG.fst nor HCLr.fst + Gr.fst")
    for p in (root / "am" / "final.mdl", graph / "HCLG.fst", graph / "HCLr.fst", graph / "Gr.fst"):
        if p.is_file() and p.stat().st_size == 0:
            problems.append(f"{p.relative_to(root)}: empty file")
    if problems:
        raise ModelError(f"{root}: not a Vosk model: " + "; ".join(problems))
    return kind


def guess_lang(name: str) -> str | None:
    low = name.lower()
    for hint, lang in _LANG_HINTS:
        if hint + "-" in low + "-" or low.endswith(hint):
            return lang
    return None


# -- vocabulary -----------------------------------------------------------------------------
def _read_str(f) -> str:  # noqa: ANN001
    (n,) = struct.unpack("<i", f.read(4))
    return f.read(n).decode("utf-8", "replace")


def fst_output_symbols(path: Path) -> list[str]:
    """The output symbol table stored in an OpenFst binary (``Gr.fst`` of lookahead models)."""
    with path.open("rb") as f:
        (magic,) = struct.unpack("<i", f.read(4))
        if magic != 2125659606:
            raise ModelError(f"{path}: not an OpenFst file")
        _read_str(f), _read_str(f)
        _version, flags = struct.unpack("<ii", f.read(8))
        f.read(32)  # properties, start, numstates, numarcs
        if not flags & 2:
            raise ModelError(f"{path}: has no output symbol table")
        if flags & 1:
            _skip_symbols(f)
        return _read_symbols(f)


def _read_symbols(f) -> list[str]:  # noqa: ANN001
    f.read(4)
    _read_str(f)
    _avail, size = struct.unpack("<qq", f.read(16))
    words = []
    for _ in range(size):
        words.append(_read_str(f))
        f.read(8)
    return words


def _skip_symbols(f) -> None:  # noqa: ANN001
    _read_symbols(f)


def read_vocabulary(root: Path) -> list[str]:
    """All words the model can output, from ``words.txt`` or ``Gr.fst``."""
    for candidate in (root / "graph" / "words.txt", root / "words.txt"):
        if candidate.is_file():
            return [line.split()[0] for line in candidate.read_text(encoding="utf-8").splitlines() if line.strip()]
    gr = root / "graph" / "Gr.fst"
    if gr.is_file():
        return fst_output_symbols(gr)
    return []


def load_words(root: Path) -> set[str]:
    """The model's vocabulary as a set (from the store's cache file when present)."""
    cache = root / WORDS
    if cache.is_file():
        return set(cache.read_text(encoding="utf-8").split("\n")) - {""}
    return set(read_vocabulary(root))


# -- store ----------------------------------------------------------------------------------
def add_model(source: str | Path, lang: str | None = None, name: str | None = None) -> ModelInfo:
    """Copy a Vosk model folder or zip into the store; returns its info. Raises :class:`ModelError`."""
    source = Path(source).expanduser()
    if not source.exists():
        raise ModelError(f"{source}: no such file or folder")
    store = store_dir()
    store.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".adding-", dir=store))
    try:
        root = _unpack(source, staging)
        kind = model_kind(root)
        name = name or _default_name(source, root)
        if not _NAME_RE.match(name):
            raise ModelError(f"{name!r}: a model name uses letters, digits, '.', '_' and '-'")
        lang = lang or guess_lang(name)
        if not lang:
            raise ModelError(f"{source}: cannot tell the language from the name {name!r}; give --lang")
        words = read_vocabulary(root)
        (root / WORDS).write_text("\n".join(words) + "\n", encoding="utf-8")
        info = ModelInfo(name, lang, store / name, str(source), time.strftime("%Y-%m-%d %H:%M:%S"), kind, len(words))
        manifest = {k: v for k, v in info.to_dict().items() if k != "path"}
        (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        _swap_into_place(root, store / name)
        return info
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack(source: Path, staging: Path) -> Path:
    if source.is_dir():
        find_model_root(source)
        target = staging / "model"
        shutil.copytree(find_model_root(source), target, ignore=shutil.ignore_patterns(MANIFEST, WORDS, "__pycache__"))
        return target
    if zipfile.is_zipfile(source):
        target = staging / "unzipped"
        with zipfile.ZipFile(source) as zf:
            for member in zf.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ModelError(f"{source}: unsafe path in zip: {member}")
            zf.extractall(target)
        return find_model_root(target)
    raise ModelError(f"{source}: neither a folder nor a zip file")


def _default_name(source: Path, root: Path) -> str:
    if root.name not in ("model", "unzipped"):
        return root.name
    stem = source.stem if source.is_file() else source.name
    if stem == "model" and source.parent.name:
        stem = source.parent.name.replace("_", "-")
    return stem


def _swap_into_place(new: Path, final: Path) -> None:
    old = final.with_name(f".old-{final.name}-{time.time_ns()}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def list_models() -> list[ModelInfo]:
    """Models in the store; a folder with a broken manifest is listed with lang '?'."""
    store = store_dir()
    if not store.is_dir():
        return []
    out = []
    for folder in sorted(store.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            out.append(ModelInfo(data.get("name", folder.name), data.get("lang", "?"), folder,
                                 data.get("source", ""), data.get("added", ""), data.get("kind", ""),
                                 int(data.get("words", 0))))
        except (OSError, ValueError):
            out.append(ModelInfo(folder.name, "?", folder, kind="broken manifest"))
    return out


def resolve_model(lang: str, configured: dict[str, str] | None = None) -> Path:
    """The model folder serving ``lang``: the site config's choice, the site default, or any
    model of that language in the store. Raises :class:`ModelError` naming what is missing."""
    configured = configured or {}
    wanted = configured.get(lang) or DEFAULT_MODELS.get(lang)
    if configured.get(lang):
        as_path = Path(configured[lang]).expanduser()
        if as_path.is_dir():
            model_kind(find_model_root(as_path))
            return find_model_root(as_path)
    models = list_models()
    for info in models:
        if wanted and info.name == wanted:
            return info.path
    if not configured.get(lang):
        for info in models:
            if info.lang == lang:
                return info.path
    bundled = bundled_model(lang, wanted)
    if bundled is not None:
        return bundled
    hint = f" (expected {wanted!r})" if wanted else ""
    raise ModelError(
        f"no speech model for {lang!r}{hint} in {store_dir()}; "
        f"add one with: kiosk models add PATH_OR_ZIP --lang {lang}"
    )


def bundled_model(lang: str, wanted: str | None = None) -> Path | None:
    """A model shipped inside a packaged build (its `models/` folder), matched by name or language."""
    from kiosk import paths

    folder = paths.app_root() / "models"
    if not folder.is_dir():
        return None
    for child in sorted(folder.iterdir()):
        if child.is_dir() and (child.name == wanted or guess_lang(child.name) == lang):
            try:
                return find_model_root(child)
            except ModelError:
                continue
    return None
