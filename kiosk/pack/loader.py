"""Loading a venue pack folder, and holding the last good pack while staff edit it."""
from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

from kiosk.pack import schema
from kiosk.pack.model import VenuePack
from kiosk.pack.yamlsrc import Problem, SourceDoc, YamlSyntaxError, read_yaml

log = logging.getLogger(__name__)

REQUIRED_FILES = ("venue.yaml", "places.yaml", "topics.yaml")
OPTIONAL_FILES = ("flows.yaml", "lexicon.yaml", "outside.yaml")


class PackError(Exception):
    """A pack that cannot be used, with every problem found."""

    def __init__(self, root: Path, problems: list[Problem]) -> None:
        self.root = root
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{root}: {len(problems)} problem(s)\n{lines}")


def content_hash(root: Path) -> str:
    """SHA-256 of the pack's YAML files (names and bytes), for detecting stale trained models."""
    digest = hashlib.sha256()
    for name in REQUIRED_FILES + OPTIONAL_FILES:
        path = root / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_docs(root: Path, problems: list[Problem]) -> dict[str, SourceDoc]:
    docs: dict[str, SourceDoc] = {}
    for name in REQUIRED_FILES + OPTIONAL_FILES:
        path = root / name
        if not path.exists():
            if name in REQUIRED_FILES:
                problems.append(Problem(name, 0, "", "file missing"))
            continue
        try:
            docs[name] = read_yaml(path)
        except YamlSyntaxError as exc:
            problems.append(exc.problem)
    return docs


def validate_pack(root: str | Path) -> tuple[VenuePack | None, list[Problem]]:
    """Check a pack folder; returns the pack (None if unusable) and every problem found."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), 0, "", "not a folder")]
    docs = _read_docs(root, problems)
    if "venue.yaml" not in docs:
        return None, problems
    venue = schema.check_venue(docs["venue.yaml"], problems)
    if venue is None:
        return None, problems
    floors, places = ([], {})
    if "places.yaml" in docs:
        floors, places = schema.check_places(docs["places.yaml"], venue.languages, problems)
    topics = schema.check_topics(docs["topics.yaml"], venue, places, problems) if "topics.yaml" in docs else []
    flows = schema.check_flows(docs["flows.yaml"], venue, places, problems) if "flows.yaml" in docs else []
    groups = schema.check_lexicon(docs.get("lexicon.yaml"), venue.languages, problems)
    schema.check_cross(venue, places, docs, topics, flows, problems)
    flat = {lang: [w for g in gs for w in g] for lang, gs in groups.items()}
    pack = VenuePack(root, venue, floors, places, topics, flows, flat, groups, content_hash(root))
    if "outside.yaml" in docs:
        pack.outside = schema.check_outside(docs["outside.yaml"], venue.languages, pack.examples(), problems)
    return pack, problems


def load_pack(root: str | Path) -> VenuePack:
    """Load a pack; raises :class:`PackError` listing every problem if it has any."""
    pack, problems = validate_pack(root)
    if problems or pack is None:
        raise PackError(Path(root), problems)
    return pack


class PackHolder:
    """Holds the pack in use. A reload that fails keeps the last good pack and reports why."""

    def __init__(self, pack: VenuePack) -> None:
        self._pack = pack
        self._lock = threading.Lock()
        self.last_error: PackError | None = None

    @property
    def pack(self) -> VenuePack:
        with self._lock:
            return self._pack

    def reload(self, root: str | Path | None = None) -> bool:
        """Load ``root`` (default: the current pack's folder); True if it replaced the pack."""
        target = Path(root) if root else self.pack.root
        try:
            new = load_pack(target)
        except PackError as exc:
            self.last_error = exc
            log.warning("pack not replaced, keeping %s v%s: %s", self.pack.id, self.pack.venue.version, exc)
            return False
        with self._lock:
            self._pack = new
        self.last_error = None
        return True
