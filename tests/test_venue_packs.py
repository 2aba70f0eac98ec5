"""The two sample venue packs: valid, held-out dev sets, and the foundation's accuracy goals."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.dialog.engine import DialogEngine
from kiosk.dialog.evaluate import devset_paths, evaluate, load_devset
from kiosk.dialog.kinds import answer_holds
from kiosk.dialog.text import normalize
from kiosk.pack.loader import load_pack, validate_pack

from conftest import REPO, VENUES

VENUE_NAMES = ["binjiang-museum", "binjiang-service-center"]


def _devset(name: str):
    return load_devset(*devset_paths(REPO / "tests" / "devsets", name))


def _intent_ids(pack) -> set[str]:
    ids = set()
    for t in pack.topics:
        ids.add(t.id)
        ids.update(f.id for f in t.followups)
    for fl in pack.flows:
        ids.add(fl.id)
        ids.update(c.id for c in fl.cases)
    return ids


@pytest.fixture(scope="module", params=VENUE_NAMES)
def venue(request) -> tuple[str, object, DialogEngine]:
    pack = load_pack(VENUES / request.param)
    return request.param, pack, DialogEngine(pack)


@pytest.mark.parametrize("name", VENUE_NAMES)
def test_pack_validates_without_problems(name: str) -> None:
    pack, problems = validate_pack(VENUES / name)
    assert [str(p) for p in problems] == []
    assert len(pack.topics) >= 40
    assert {"zh", "en"} <= set(pack.languages)


def test_museum_has_korean_and_service_center_has_two_flows() -> None:
    museum = load_pack(VENUES / "binjiang-museum")
    assert "ko" in museum.languages
    assert all(t.answer.get("ko") for t in museum.topics)
    center = load_pack(VENUES / "binjiang-service-center")
    assert len(center.flows) == 2
    assert all(len(f.cases) == 3 for f in center.flows)


def test_devset_is_large_held_out_and_refers_to_real_intents(venue) -> None:
    name, pack, _ = venue
    devset = _devset(name)
    assert len(devset.in_domain) >= 200
    assert len(devset.out_of_domain) >= 30
    assert len(devset.dialogs) >= 20
    ids = _intent_ids(pack)
    expected = [i.expect for i in devset.single if i.expect] + [t.expect for _, turns in devset.dialogs
                                                                for t in turns if t.expect]
    assert sorted({e for e in expected if e not in ids}) == []
    seen = set()
    for t in pack.topics:
        for lang, qs in t.questions.items():
            seen.update(normalize(q, lang) for q in qs)
    verbatim = [i.q for i in devset.in_domain if normalize(i.q, "zh") in seen or normalize(i.q, "en") in seen]
    assert len(verbatim) <= len(devset.in_domain) // 20, f"dev questions copied from the pack: {verbatim}"


def test_devset_questions_are_in_the_packs_languages(venue) -> None:
    """A pack is scored only in its own languages: the center's pack has no Korean, so no Korean
    question is in its dev set (the kiosk could not answer it)."""
    name, pack, _ = venue
    devset = _devset(name)
    questions = [i.q for i in devset.single] + [t.q for _, turns in devset.dialogs for t in turns]
    scripts = {"zh": r"[\u4e00-\u9fff]", "ko": r"[\uac00-\ud7af]", "en": r"[A-Za-z]{3}"}
    written = {lang for q in questions for lang, script in scripts.items() if re.search(script, q)}
    assert {"zh", "en"} <= written <= set(pack.languages)


def test_generated_out_of_domain_questions_stay_out_of_the_devset(venue) -> None:
    """The places and documents the model learns to refuse were not picked from the dev set."""
    from kiosk.nlu.negatives import OTHER_DOCUMENTS, OTHER_PLACES

    name, _, _ = venue
    questions = [normalize(i.q, "en") for i in _devset(name).single]
    entities = [e for table in (OTHER_PLACES, OTHER_DOCUMENTS) for items in table.values() for e in items]
    leaked = sorted({e for e in entities for q in questions if normalize(e, "en").removeprefix("the ") in q})
    assert leaked == []


def test_outside_questions_are_not_dev_questions(venue) -> None:
    """outside.yaml (questions the venue does not answer, trained as "I don't know") was written
    without the dev set: none of its questions is a dev question or a near copy of one."""
    name, pack, _ = venue
    dev = [normalize(i.q, "zh").replace(" ", "") for i in _devset(name).single]
    near = []
    for lang, items in pack.outside.items():
        for q in items:
            own = normalize(q, lang).replace(" ", "")
            if any(n == own or _bigram_overlap(n, own) >= 0.8 for n in dev):
                near.append(q)  # only the pack's side is shown: the held-out questions stay unread
    assert near == []


def _bigram_overlap(a: str, b: str) -> float:
    ga, gb = {a[i:i + 2] for i in range(len(a) - 1)}, {b[i:i + 2] for i in range(len(b) - 1)}
    return len(ga & gb) / max(1, len(ga | gb))


# The lexical matcher alone is the fallback when no trained model is current: these floors guard it
# against regressions. The product goals (>= 90 %, and issue 3's >= 97 %) are measured on the
# engine the kiosk runs, with the trained intent model, in the NLU tests and benchmarks/dialog.py.
# The floors sit a little under what the lexical matcher measures on the whole dev set, all ten
# batches (museum 80 / 86 / 52 %, service hall 88 / 90 / 68 %, with the carried-answer rule). The
# dialog floor came down from 60 % to 55 % when the sixth batch, written blind, brought museum dialogs
# the lexical matcher gets 3 of 16 right (the model gets 9), and to 50 % when the packs gained their
# long questions with a visitor's situation in them (museum dialogs 58 -> 54-56 %, in-domain 79 -> 81 %;
# the model is what gains from them: see the README).
LEXICAL_FLOORS = {"in_domain": 0.75, "out_of_domain": 0.75, "dialogs": 0.50}


def test_lexical_fallback_floors(venue) -> None:
    name, _, engine = venue
    result = evaluate(engine, _devset(name))
    summary = result.summary()
    assert result.in_domain_rate >= LEXICAL_FLOORS["in_domain"], (summary, result.misses[:20])
    assert result.ood_rate >= LEXICAL_FLOORS["out_of_domain"], (summary, [m for m in result.misses if m["expect"] is None])
    assert result.dialog_rate >= LEXICAL_FLOORS["dialogs"], (summary, [m for m in result.misses if "dialog" in m])


def test_every_answer_comes_from_the_pack(venue) -> None:
    name, pack, engine = venue
    answers = set()
    for t in pack.topics:
        answers.update(t.answer.values())
        for f in t.followups:
            answers.update(f.answer.values())
    for fl in pack.flows:
        answers.update(fl.ask.values())
        for c in fl.cases:
            answers.update(c.answer.values())
    session = engine.new_session()
    for item in _devset(name).in_domain[:60]:
        reply = session.handle(item.q)
        if reply.state in ("answered", "asking"):
            assert reply.text in answers
        session.reset()


def test_a_topic_whose_own_questions_ask_where_it_is_tells_what_its_where_follow_up_tells(venue) -> None:
    """The pack guide's rule (venues/README.md): a topic whose own questions ask where it is alone
    ("哪里可以存包" under the lockers) has its answer taken to tell where, so that answer holds its
    `where` follow-up's: the floor and the way there."""
    name, pack, engine = venue
    checked = 0
    for topic in pack.topics:
        where = pack.followup(f"{topic.id}.where")
        for lang in pack.languages:
            if where is None or ("where",) not in engine.kinds.asked_by_topic(topic.id, lang):
                continue
            checked += 1
            assert answer_holds(topic.answer[lang], where.answer[lang]), (topic.id, lang)
    assert checked >= (3 if name == "binjiang-museum" else 0)


def test_a_topic_the_lexicon_has_no_word_for_is_named_by_the_shortest_question_of_its_own_that_is_most_of_its_title() -> None:
    """How a topic in context is named in front of a follow-up the model reads again ("시가지 모형 크기는요"):
    its lexicon subject, else its own question "시가지 모형", most of its title "빈장 옛 시가지 모형"."""
    museum = DialogEngine(load_pack(VENUES / "binjiang-museum")).lexical
    assert museum.subject_of("old-town-model", "ko") == "시가지 모형"
    assert museum.subject_of("lotus-bowl", "en") == "lotus bowl"
    assert museum.subject_of("bronze-ding", "zh") is not None and museum.names_subject("bronze-ding", "铜鼎多高", "zh")
    service = DialogEngine(load_pack(VENUES / "binjiang-service-center")).lexical
    assert service.subject_of("marriage-special-days", "en") is None  # "14 February?" is too little of the title


def test_a_topic_named_by_lexicon_words_one_inside_another_is_named_by_the_longer_alone() -> None:
    """"特展门票" holds the lexicon's 特展 and 门票 too: it alone names the special exhibition's tickets, the
    same in every run (the words were once joined in the order of a set, which changed from run to run)."""
    museum = DialogEngine(load_pack(VENUES / "binjiang-museum")).lexical
    assert museum.subject_of("special-exhibition-tickets", "zh") == "特展门票"
    assert museum.subject_of("accessible-restroom", "zh") == "无障碍 卫生间"  # two words, in the title's order
    service = DialogEngine(load_pack(VENUES / "binjiang-service-center")).lexical
    assert service.subject_of("unemployment-benefit", "zh") == "失业金"


def test_the_x_one_names_what_the_noun_of_the_topic_in_context_makes_it() -> None:
    """"and the taiwan one" after the Hong Kong permit is the Taiwan permit: "one" stands for the
    permit, and "taiwan permit" is a lexicon word for it. Alone, or with no determiner, it names nothing."""
    service = DialogEngine(load_pack(VENUES / "binjiang-service-center")).lexical
    question = "and the taiwan one, how long for that"
    assert service.names_subject_in_context("taiwan-permit", question, "en", "hk-macau-permit")
    assert not service.names_subject("taiwan-permit", question, "en")
    assert not service.names_subject_in_context("taiwan-permit", "which one is it", "en", "hk-macau-permit")
    assert not service.names_subject_in_context("taiwan-permit", "台湾那个呢", "zh", None)


def test_a_follow_up_counts_its_topic_named_when_the_question_names_its_subject() -> None:
    """"护照几天能下来" shares few words with the passport topic's own questions, but names what it is
    about (护照, from the lexicon): its processing-time follow-up keeps its full weight and is
    answered. Without the passport named, that follow-up fades."""
    engine = DialogEngine(load_pack(VENUES / "binjiang-service-center"))
    named = engine.lexical.scores("护照几天能下来", "zh")
    assert named.context_weights["passport.how-long"] == 1.0
    assert engine.new_session().handle("护照几天能下来").intent == "passport.how-long"
    assert engine.lexical.scores("几天能下来", "zh").context_weights["passport.how-long"] < 0.1


def test_a_named_subject_fades_likely_topics_about_another_thing() -> None:
    """"my id card needs replacing" shares "card" and "replace" with the social security card's
    replacement but names the ID card: that topic falls below the ID card's, except in its own context."""
    lexical = DialogEngine(load_pack(VENUES / "binjiang-service-center")).lexical
    question = "my id card needs replacing"
    plain = dict(lexical.scores(question, "en").ranked)
    assert plain["id-card"] > plain["social-security-card-replace"]
    in_context = dict(lexical.scores(question, "en", "social-security-card-replace").ranked)
    assert in_context["social-security-card-replace"] > in_context["id-card"]
    assert in_context["social-security-card-replace"] > plain["social-security-card-replace"]
    unnamed = dict(lexical.scores("my card needs replacing", "en").ranked)  # names no subject: nothing fades
    assert unnamed["social-security-card-replace"] > unnamed["id-card"]
