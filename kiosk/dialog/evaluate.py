"""Scoring a dialog engine on a dev set of held-out visitor questions and multi-turn dialogs.

Dev set YAML: ``single: [{q, expect}]`` and ``dialogs: [{name, turns: [{q, expect}]}]``, where
``expect`` is an intent id (topic, ``topic.followup``, flow id when the kiosk must ask the case,
``flow.case``) or null for an out-of-domain question that must not be answered. A venue's dev set
may come in batches, one file each: ``<venue>.yaml`` and ``<venue>.<batch>.yaml`` (the file's
``batch:`` names it), so a batch written later, blind, can be scored on its own.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.dialog.engine import ANSWERED, ASKING, HANDOFF, REPHRASE, DialogEngine, Reply
from kiosk.dialog.kinds import answer_holds


@dataclass
class DevItem:
    q: str
    expect: str | None
    batch: str = ""


@dataclass
class DevSet:
    venue: str
    single: list[DevItem]
    dialogs: list[tuple[str, list[DevItem]]]

    @property
    def batches(self) -> list[str]:
        items = self.single + [t for _, turns in self.dialogs for t in turns]
        return list(dict.fromkeys(i.batch for i in items))

    def only(self, batch: str) -> "DevSet":
        """The questions and dialogs of one batch."""
        return DevSet(self.venue, [i for i in self.single if i.batch == batch],
                      [(n, turns) for n, turns in self.dialogs if turns and turns[0].batch == batch])

    @property
    def in_domain(self) -> list[DevItem]:
        return [i for i in self.single if i.expect]

    @property
    def out_of_domain(self) -> list[DevItem]:
        return [i for i in self.single if not i.expect]


def devset_paths(folder: str | Path, venue: str) -> list[Path]:
    """A venue's dev set files in a folder: ``<venue>.yaml`` first, then its other batches by name."""
    folder = Path(folder)
    first = [folder / f"{venue}.yaml"] if (folder / f"{venue}.yaml").is_file() else []
    return first + sorted(folder.glob(f"{venue}.*.yaml"))


def load_devset(*paths: str | Path) -> DevSet:
    """One dev set from one or more batch files of the same venue."""
    venue, single, dialogs = "", [], []
    for path in paths:
        data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        venue = venue or str(data.get("venue", Path(path).stem))
        batch = str(data.get("batch") or Path(path).stem)
        single += [DevItem(str(d["q"]), d.get("expect"), batch) for d in data.get("single", [])]
        dialogs += [(str(d.get("name", f"dialog {i}")),
                     [DevItem(str(t["q"]), t.get("expect"), batch) for t in d.get("turns", [])])
                    for i, d in enumerate(data.get("dialogs", []))]
    return DevSet(venue, single, dialogs)


def is_right(reply: Reply, expect: str | None, engine: DialogEngine | None = None) -> bool:
    """Out of domain: handed off or asked to rephrase. In domain: the expected intent answered, or
    (with ``engine``) another topic or follow-up whose answer carries the expected answer."""
    if expect is None:
        return reply.state in (REPHRASE, HANDOFF)
    if reply.state not in (ANSWERED, ASKING) or reply.intent is None:
        return False
    return reply.intent == expect or (engine is not None and carries_answer(engine, reply.intent, expect, reply.lang))


def carries_answer(engine: DialogEngine, got: str, expect: str, lang: str) -> bool:
    """Whether the answer of topic or follow-up ``got`` holds the answer of topic or follow-up
    ``expect`` (see :func:`kiosk.dialog.kinds.answer_holds`: its numbers and most of its wording),
    so the visitor heard the fact. ("文创店几点关门": the shop's answer says "9:00到17:00营业"; its
    hours follow-up says "9:00到17:00。"; a pack may also give the same prices in two topics.) A flow
    case's answer may carry a topic's too (the lost ID card's says when the new card is ready); a
    flow's question carries nothing, and an expected flow or case is scored by id only."""
    got_base, _, got_case = got.partition(".")
    is_case = engine.pack.flow(got_base) is not None and bool(got_case)
    if engine.pack.topic(expect.split(".")[0]) is None or (engine.pack.topic(got_base) is None and not is_case):
        return False
    given = (engine.answer_of(got, lang) or ("",))[0]
    wanted = (engine.answer_of(expect, lang) or ("",))[0]
    return answer_holds(given, wanted)


@dataclass
class EvalResult:
    in_domain_right: int = 0
    in_domain_total: int = 0
    ood_right: int = 0
    ood_total: int = 0
    dialogs_right: int = 0
    dialogs_total: int = 0
    offered: int = 0  # in-domain questions not answered, whose right topic was offered to touch
    carried: int = 0  # right because another answer carries the expected one (see carries_answer)
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _rate(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def in_domain_rate(self) -> float:
        return self._rate(self.in_domain_right, self.in_domain_total)

    @property
    def ood_rate(self) -> float:
        return self._rate(self.ood_right, self.ood_total)

    @property
    def dialog_rate(self) -> float:
        return self._rate(self.dialogs_right, self.dialogs_total)

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

    def summary(self) -> dict[str, Any]:
        return {
            "in_domain": f"{self.in_domain_right}/{self.in_domain_total}",
            "in_domain_rate": round(self.in_domain_rate, 4),
            "out_of_domain": f"{self.ood_right}/{self.ood_total}",
            "out_of_domain_rate": round(self.ood_rate, 4),
            "offered": f"{self.offered}/{self.in_domain_total - self.in_domain_right}",
            "carried": self.carried,
            "dialogs": f"{self.dialogs_right}/{self.dialogs_total}",
            "dialog_rate": round(self.dialog_rate, 4),
            "p50_ms": round(self.percentile(50), 3),
            "p95_ms": round(self.percentile(95), 3),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 3) if self.latencies_ms else 0.0,
        }


def _timed(session, q: str) -> tuple[Reply, float]:
    start = time.perf_counter()
    reply = session.handle(q)
    return reply, (time.perf_counter() - start) * 1000


def evaluate(engine: DialogEngine, devset: DevSet) -> EvalResult:
    result = EvalResult()
    for item in devset.single:
        reply, ms = _timed(engine.new_session(), item.q)
        result.latencies_ms.append(ms)
        ok = is_right(reply, item.expect, engine)
        result.carried += ok and item.expect is not None and reply.intent != item.expect
        if item.expect:
            result.in_domain_total += 1
            result.in_domain_right += ok
            result.offered += not ok and reply.state == REPHRASE and item.expect in reply.options
        else:
            result.ood_total += 1
            result.ood_right += ok
        if not ok:
            result.misses.append({"q": item.q, "expect": item.expect, "got": reply.intent, "state": reply.state,
                                  "confidence": reply.confidence})
    for name, turns in devset.dialogs:
        session = engine.new_session()
        all_ok = True
        for turn in turns:
            reply, ms = _timed(session, turn.q)
            result.latencies_ms.append(ms)
            if not is_right(reply, turn.expect, engine):
                all_ok = False
                result.misses.append({"dialog": name, "q": turn.q, "expect": turn.expect, "got": reply.intent,
                                      "state": reply.state, "confidence": reply.confidence})
                break
        result.dialogs_total += 1
        result.dialogs_right += all_ok
    return result
