"""The venue pack schema: every problem is reported with file, line and field."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.pack.loader import PackError, PackHolder, load_pack, validate_pack

from conftest import MINI_PACK


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_fixture_pack_is_valid() -> None:
    pack, problems = validate_pack(MINI_PACK)
    assert problems == []
    assert pack is not None
    assert [t.id for t in pack.topics][:2] == ["opening-hours", "restroom"]
    assert pack.flow("id-card").cases[2].id == "id-card.lost"
    assert pack.places["window-a"].floor == "2F"
    assert len(pack.content_hash) == 64


def test_missing_answer_language_names_file_line_and_field(mini_pack_dir: Path) -> None:
    topics = mini_pack_dir / "topics.yaml"
    _replace(topics, "      en: A ticket costs 20 yuan.\n", "")
    _, problems = validate_pack(mini_pack_dir)
    answer_line = _line_of(topics, "zh: 门票20元。") - 1  # the `answer:` key of topics[2]
    assert [str(p) for p in problems] == [f"topics.yaml:{answer_line}: topics[2].answer.en: missing"]


def test_unknown_place_and_group_and_bad_position(mini_pack_dir: Path) -> None:
    _replace(mini_pack_dir / "topics.yaml", "places: [restroom-1f]", "places: [restroom-9f]")
    _replace(mini_pack_dir / "topics.yaml", "group: info\n    title: {zh: 卫生间", "group: nowhere\n    title: {zh: 卫生间")
    _replace(mini_pack_dir / "places.yaml", "position: [0.1, 0.2]", "position: [1.5, 0.2]")
    _, problems = validate_pack(mini_pack_dir)
    by_field = {p.field: p for p in problems}
    assert "'restroom-9f' is not a place id" in by_field["topics[1].places[0]"].message
    assert by_field["topics[1].places[0]"].line == _line_of(mini_pack_dir / "topics.yaml", "restroom-9f")
    assert "not a group id" in by_field["topics[1].group"].message
    assert by_field["places[2].position"].line == _line_of(mini_pack_dir / "places.yaml", "[1.5, 0.2]")


@pytest.mark.parametrize("flag", ["venue_wide", "urgent"])
def test_a_topic_flag_is_true_or_false(mini_pack_dir: Path, flag: str) -> None:
    """`venue_wide: true` marks a topic about the venue itself, `urgent: true` one of help in an
    emergency; anything but true or false is named with its line, and the topics without it lack it."""
    topics = mini_pack_dir / "topics.yaml"
    _replace(topics, "title: {zh: 开放时间, en: Opening hours}\n", f"title: {{zh: 开放时间, en: Opening hours}}\n    {flag}: true\n")
    pack = load_pack(mini_pack_dir)
    assert getattr(pack.topic("opening-hours"), flag) and not getattr(pack.topic("restroom"), flag)
    _replace(topics, f"{flag}: true", f"{flag}: yes please")
    _, problems = validate_pack(mini_pack_dir)
    assert [str(p) for p in problems] == [
        f"topics.yaml:{_line_of(topics, 'yes please')}: topics[0].{flag}: expected true or false, got text 'yes please'"]


def test_yaml_syntax_error_has_a_line(mini_pack_dir: Path) -> None:
    _replace(mini_pack_dir / "flows.yaml", "ask: {zh:", "ask: {zh: [")
    _, problems = validate_pack(mini_pack_dir)
    assert len(problems) == 1
    assert problems[0].file == "flows.yaml" and problems[0].line > 0
    assert "not valid YAML" in problems[0].message


def test_missing_file_wrong_types_and_duplicates(mini_pack_dir: Path) -> None:
    (mini_pack_dir / "places.yaml").unlink()
    _replace(mini_pack_dir / "venue.yaml", "version: 1", "version: one")
    _replace(mini_pack_dir / "topics.yaml", "id: ticket-refund", "id: ticket-price")
    _, problems = validate_pack(mini_pack_dir)
    text = "\n".join(map(str, problems))
    assert "places.yaml: file missing" in text
    assert "venue.yaml:2: version: expected a whole number, got text 'one'" in text
    assert "duplicate topic id 'ticket-price'" in text


def test_language_missing_everywhere_is_reported_per_field(mini_pack_dir: Path) -> None:
    _replace(mini_pack_dir / "venue.yaml", "languages: [zh, en]", "languages: [zh, en, ko]")
    _, problems = validate_pack(mini_pack_dir)
    fields = {p.field for p in problems}
    assert "name.ko" in fields and "topics[0].answer.ko" in fields and "flows[0].cases[1].answer.ko" in fields
    assert all(p.line > 0 for p in problems)


def test_broken_pack_never_replaces_a_good_one(mini_pack_dir: Path) -> None:
    holder = PackHolder(load_pack(mini_pack_dir))
    _replace(mini_pack_dir / "topics.yaml", "zh: 门票20元。", "zh: 门票25元。")
    assert holder.reload() is True
    assert holder.pack.topic("ticket-price").answer["zh"] == "门票25元。"
    _replace(mini_pack_dir / "topics.yaml", "answer:\n      zh: 门票25元。", "answer:\n      zh: [")
    assert holder.reload() is False
    assert holder.pack.topic("ticket-price").answer["zh"] == "门票25元。"
    assert isinstance(holder.last_error, PackError)
    assert "topics.yaml" in str(holder.last_error)
    with pytest.raises(PackError):
        load_pack(mini_pack_dir)


def test_cli_validate_exit_codes(mini_pack_dir: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "kiosk", "pack", "validate", str(mini_pack_dir)],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: mini-hall v1: 4 topics, 1 flows")
    _replace(mini_pack_dir / "topics.yaml", "      en: We are open Monday to Friday, 9:00 to 17:00.\n", "")
    bad = subprocess.run([sys.executable, "-m", "kiosk", "pack", "validate", str(mini_pack_dir)],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    line = _line_of(mini_pack_dir / "topics.yaml", "zh: 周一至周五9:00到17:00开放。") - 1
    assert f"topics.yaml:{line}: topics[0].answer.en: missing" in bad.stdout


def test_outside_questions_are_checked_with_lines(mini_pack_dir: Path) -> None:
    """outside.yaml lists questions the venue does not answer; one that is also a topic's question,
    or in a language the venue does not speak, is reported where it stands."""
    outside = mini_pack_dir / "outside.yaml"
    outside.write_text("questions:\n  zh:\n    - 附近有银行吗\n    - 门票多少钱\n  fr:\n    - bonjour\n", encoding="utf-8")
    _, problems = validate_pack(mini_pack_dir)
    by_field = {p.field: p for p in problems}
    assert set(by_field) == {"questions.zh[1]", "questions.fr"}
    assert by_field["questions.zh[1]"].line == _line_of(outside, "门票多少钱")
    assert "also a question of 'ticket-price'" in by_field["questions.zh[1]"].message
    outside.write_text("questions:\n  zh: [附近有银行吗]\n  en: [is there a bank nearby]\n", encoding="utf-8")
    pack = load_pack(mini_pack_dir)
    assert pack.outside == {"zh": ["附近有银行吗"], "en": ["is there a bank nearby"]}
    assert pack.content_hash != load_pack(MINI_PACK).content_hash  # a trained model goes stale


def test_the_optional_records_wording_is_checked_only_when_written(mini_pack_dir: Path) -> None:
    """fallback.records may be left out or left empty (the shared default is used); written in one
    language only, the other is reported with its line."""
    venue = mini_pack_dir / "venue.yaml"
    base = venue.read_text(encoding="utf-8")
    venue.write_text(base + '  records: {zh: "", en: ""}\n', encoding="utf-8")
    pack, problems = validate_pack(mini_pack_dir)
    assert problems == [] and pack.venue.fallback["records"] == {}
    venue.write_text(base + '  records: {zh: "个人记录请到{desk}查询。"}\n', encoding="utf-8")
    _, problems = validate_pack(mini_pack_dir)
    assert [str(p) for p in problems] == [f"venue.yaml:{_line_of(venue, 'records:')}: fallback.records.en: missing"]


def test_a_follow_up_points_to_an_existing_other_topic_instead_of_an_answer(mini_pack_dir: Path) -> None:
    """`see:` names another topic whose answer the follow-up gives; a wrong id, or `see` beside an
    answer, is reported with its line."""
    topics = mini_pack_dir / "topics.yaml"
    _replace(topics, "        answer: {zh: 周六不开放。, en: We are closed on Saturdays.}\n",
             "        see: ticket-pricez\n")
    _, problems = validate_pack(mini_pack_dir)
    assert [str(p) for p in problems] == [
        f"topics.yaml:{_line_of(topics, 'see: ticket-pricez')}: topics[0].followups[0].see: "
        "'ticket-pricez' is not the id of another topic"]
    _replace(topics, "        see: ticket-pricez\n", "        see: ticket-price\n        answer: {zh: 不开, en: Closed}\n")
    _, problems = validate_pack(mini_pack_dir)
    assert [p.field for p in problems] == ["topics[0].followups[0].see"] and "not both" in problems[0].message
    _replace(topics, "        answer: {zh: 不开, en: Closed}\n", "")
    pack, problems = validate_pack(mini_pack_dir)
    saturday = pack.topic("opening-hours").followups[0]
    assert problems == [] and saturday.see == "ticket-price" and saturday.answer["en"] == "A ticket costs 20 yuan."
