"""The per-venue intent model: training via `kiosk train`, artifacts, loading, stale and damaged models."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk_main
from kiosk.dialog.engine import DialogEngine
from kiosk.dialog.factory import build_engine
from kiosk.dialog.matching import Candidate, LexicalMatcher, LexicalScores
from kiosk.nlu.artifacts import REQUIRED, model_dir
from kiosk.nlu.examples import Example
from kiosk.nlu.lookalikes import followup_lookalikes
from kiosk.nlu.runtime import CombinedMatcher, load_matcher
from kiosk.nlu.train import TrainSettings, train_pack
from kiosk.pack.loader import PackError, content_hash, load_pack

from conftest import MINI_PACK, add_where_followups

FAST = {"epochs": 6}


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini pack trained once through the `kiosk train` command."""
    root = tmp_path_factory.mktemp("nlu") / "mini-pack"
    shutil.copytree(MINI_PACK, root)
    code = kiosk_main(["train", "--venue", str(root), "--epochs", str(FAST["epochs"]), "--json"])
    assert code == 0
    return root


@pytest.fixture
def trained_copy(trained_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the trained pack that a test may change or damage."""
    root = tmp_path / "mini-pack"
    shutil.copytree(trained_dir, root)
    return root


@pytest.fixture
def where_pack(trained_copy: Path, trained_dir: Path) -> tuple[Path, CombinedMatcher, list[str]]:
    """A trained copy whose ticket topics gained a 'where' follow-up each, with a matcher that runs
    the trained model as if retrained on it (the new follow-ups among its intents); their ids."""
    where = add_where_followups(trained_copy)
    matcher = CombinedMatcher(load_pack(trained_copy), load_matcher(load_pack(trained_dir))[0].runtime)
    matcher.intents += where  # as if retrained on the changed pack
    return trained_copy, matcher, where


def test_train_writes_artifacts_with_the_pack_hash(trained_dir: Path) -> None:
    folder = model_dir(trained_dir)
    assert sorted(p.name for p in folder.iterdir() if p.name in REQUIRED) == sorted(REQUIRED)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["content_hash"] == content_hash(trained_dir)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    assert {"opening-hours", "opening-hours.saturday", "restroom", "id-card", "__none__"} <= set(labels)
    assert meta["examples"] > 40 and meta["variants"] > meta["examples"]
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["num_hidden_layers"] == 2 and config["vocab_size"] == len((folder / "vocab.txt").read_text(encoding="utf-8").split())


def test_model_folder_is_not_part_of_the_pack_hash(trained_dir: Path) -> None:
    assert load_pack(trained_dir).content_hash == content_hash(trained_dir)
    assert (trained_dir / ".model").is_dir()


def test_load_matcher_combines_model_and_lexical(trained_dir: Path) -> None:
    matcher, status = load_matcher(load_pack(trained_dir))
    assert isinstance(matcher, CombinedMatcher)
    assert status.matcher == "model+lexical"
    assert matcher.rank("厕所在哪儿呀", "zh")[0].intent == "restroom"
    assert matcher.rank("how much does a ticket cost", "en")[0].intent == "ticket-price"
    top = matcher.rank("what time do you open", "en")[0]
    assert top.intent == "opening-hours" and top.confidence > 0.45


def test_engine_with_model_answers_follow_ups_and_refuses_unrelated(trained_dir: Path) -> None:
    engine, status = build_engine(trained_dir)
    assert status.matcher == "model+lexical"
    session = engine.new_session()
    assert session.handle("门票多少钱").intent == "ticket-price"
    assert session.handle("那学生呢").intent == "ticket-price.students"
    for question in ("今天天气怎么样", "tell me a joke about cats"):
        assert engine.new_session().handle(question).state in ("rephrase", "handoff")


def test_changed_pack_falls_back_then_retrains(trained_copy: Path) -> None:
    topics = trained_copy / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("[卫生间在哪, ", "[卫生间在哪, 哪儿能上厕所, "),
                      encoding="utf-8")
    engine, status = build_engine(trained_copy)
    assert status.matcher == "lexical" and "stale" in status.message
    assert engine.new_session().handle("卫生间在哪").intent == "restroom"  # still answers, lexically
    train_pack(trained_copy, settings=TrainSettings(epochs=3))
    _, status = build_engine(trained_copy)
    assert status.matcher == "model+lexical"


@pytest.mark.parametrize("damage", ["weights", "config", "vocab", "missing"])
def test_damaged_model_falls_back_with_a_clear_message(trained_copy: Path, damage: str) -> None:
    folder = model_dir(trained_copy)
    if damage == "weights":
        data = bytearray((folder / "model.safetensors").read_bytes())
        data[len(data) // 2: len(data) // 2 + 64] = b"\xff" * 64
        (folder / "model.safetensors").write_bytes(bytes(data))
    elif damage == "config":
        (folder / "config.json").write_text("{ not json", encoding="utf-8")
    elif damage == "vocab":
        (folder / "vocab.txt").write_text("a\nb\n", encoding="utf-8")
    else:
        (folder / "labels.json").unlink()
    engine, status = build_engine(trained_copy)
    assert status.matcher == "lexical"
    expected = {"weights": "model.safetensors: damaged", "config": "damaged", "vocab": "vocab.txt",
                "missing": "missing labels.json"}[damage]
    assert expected in status.message
    assert engine.new_session().handle("厕所在哪里").intent == "restroom"


def test_missing_model_says_how_to_train(mini_pack_dir: Path) -> None:
    _, status = build_engine(mini_pack_dir)
    assert status.matcher == "lexical" and "kiosk train" in status.message


def test_broken_pack_keeps_the_previous_model(trained_copy: Path) -> None:
    before = (model_dir(trained_copy) / "model.safetensors").read_bytes()
    (trained_copy / "topics.yaml").write_text("topics:\n  - id: x\n", encoding="utf-8")
    with pytest.raises(PackError):
        train_pack(trained_copy, settings=TrainSettings(epochs=1))
    assert (model_dir(trained_copy) / "model.safetensors").read_bytes() == before
    assert not [p for p in trained_copy.iterdir() if p.name.startswith(".model.")]


def test_inference_is_cached_and_quick(trained_dir: Path) -> None:
    matcher, _ = load_matcher(load_pack(trained_dir))
    first = matcher.runtime.probabilities("几点关门", "zh")
    assert matcher.runtime.probabilities("几点关门", "zh") is first
    assert abs(sum(first.values()) - 1.0) < 1e-4


def test_too_short_training_installs_nothing(mini_pack_dir: Path) -> None:
    from kiosk.nlu.train import TrainingTooShort

    with pytest.raises(TrainingTooShort, match="previous model is kept"):
        train_pack(mini_pack_dir, settings=TrainSettings(epochs=10, max_seconds=0.01))
    assert not model_dir(mini_pack_dir).exists()
    assert not [p for p in mini_pack_dir.iterdir() if p.name.startswith(".model")]


def test_follow_up_asked_first_is_answered_within_its_topic(trained_dir: Path) -> None:
    """Out of context a topic and its follow-ups pool their mass: a question that names the topic
    and a follow-up's detail is answered by that family, not sent to "please rephrase"."""
    engine, _ = build_engine(trained_dir)
    matcher = engine.matcher
    assert isinstance(matcher, CombinedMatcher)
    alone = matcher.model_scores("学生门票多少钱", "zh", None, {})
    probs = matcher.runtime.probabilities("学生门票多少钱", "zh")
    family = probs["ticket-price"] + probs["ticket-price.students"]
    assert max(alone["ticket-price"], alone["ticket-price.students"]) == pytest.approx(min(1.0, family))
    reply = engine.new_session().handle("学生门票多少钱")
    assert reply.state == "answered" and reply.intent in ("ticket-price", "ticket-price.students")


def test_a_follow_up_given_its_familys_mass_is_weighed_once(trained_dir: Path, monkeypatch) -> None:
    """A follow-up whose topic the question half names gets its family's mass, in which it counts
    half; the combined score does not halve it again ("护照申请了多久能拿到手" stays the passport's)."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    probs = {**dict.fromkeys(matcher.runtime.labels, 0.0), "ticket-price.students": 0.45, "ticket-price": 0.05}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: probs)  # not sure enough to count as named
    monkeypatch.setattr(matcher.runtime, "lookalikes", {})
    half_named = LexicalScores([], 1.0, {"ticket-price.students": 0.5}, [])
    monkeypatch.setattr(matcher.lexical, "scores", lambda text, lang, context=None: half_named)
    best = matcher.rank("学生呢多少钱", "zh")[0]
    assert best.intent == "ticket-price.students"
    assert best.score == pytest.approx(matcher.model_weight * (0.05 + 0.45 * 0.5), abs=1e-4)


def test_trained_model_keeps_follow_up_look_alikes(trained_dir: Path) -> None:
    """Look-alikes are found at training time and written to meta.json for the runtime to read."""
    meta = json.loads((trained_dir / ".model" / "meta.json").read_text(encoding="utf-8"))
    matcher, _ = load_matcher(load_pack(trained_dir))
    assert isinstance(meta["lookalikes"], dict)
    assert matcher.runtime.lookalikes == meta["lookalikes"]
    intents = set(matcher.intents)
    for followup, topics in meta["lookalikes"].items():
        assert followup in intents and "." in followup
        assert all(t in intents and "." not in t and t != followup.split(".")[0] for t in topics)


def test_a_look_alike_is_a_topic_ranked_above_the_follow_ups_own() -> None:
    """A follow-up reads like another topic when that topic ranks first of all for its questions
    ("门票可以退吗" is the refunds' question wherever it is written), not when it is only the best
    of the rest behind the follow-up's own ("学生多少钱" ranks the ticket price first)."""
    lexical = LexicalMatcher(load_pack(MINI_PACK))
    assert [c.intent for c in lexical.rank("学生多少钱", "zh", None, top=3)][0] == "ticket-price.students"
    examples = [Example("ticket-price.students", "zh", "学生多少钱"), Example("opening-hours.refund", "zh", "门票可以退吗")]
    assert followup_lookalikes(examples, lexical) == {"opening-hours.refund": ["ticket-refund"]}


def test_unnamed_follow_up_lends_its_mass_to_its_look_alike_topic(trained_dir: Path, monkeypatch) -> None:
    """Out of context, when the model's best reading is a follow-up whose topic the question does not
    name, that mass goes to the topic its questions read like; with the topic named it stays."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    probs = {i: 0.0 for i in matcher.runtime.labels}
    probs.update({"opening-hours.saturday": 0.9, "restroom": 0.02, "opening-hours": 0.01})
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: probs)
    monkeypatch.setattr(matcher.runtime, "lookalikes", {"opening-hours.saturday": ["restroom"]})
    unnamed = matcher.model_scores("周六", "zh", None, {"opening-hours.saturday": 0.0})
    assert unnamed["restroom"] == pytest.approx(0.92)
    named = matcher.model_scores("周六开吗", "zh", None, {"opening-hours.saturday": 1.0})
    assert named["restroom"] == pytest.approx(0.02)
    assert max(named["opening-hours"], named["opening-hours.saturday"]) == pytest.approx(0.91)
    in_context = matcher.model_scores("周六呢", "zh", "opening-hours", {})
    assert in_context["restroom"] == pytest.approx(0.02)



def test_in_its_topics_context_a_follow_up_gets_its_look_alike_topics_own_mass_only(trained_dir: Path,
                                                                                   monkeypatch) -> None:
    """After the opening hours, a follow-up whose questions read like the ticket price gets what the
    model gives the ticket price itself, not what it gives the price's follow-ups: those ask another
    kind ("몇 명까지 돼요" after the group tour is no "how far ahead" for the booking's party size)."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    probs = {**dict.fromkeys(matcher.runtime.labels, 0.0), "ticket-price": 0.3, "ticket-price.students": 0.5}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: probs)
    monkeypatch.setattr(matcher.runtime, "lookalikes", {"opening-hours.saturday": ["ticket-price"]})
    after = matcher.model_scores("学生呢", "zh", "opening-hours", {})
    assert after["opening-hours.saturday"] == pytest.approx(0.3 * matcher.FOLLOWUP_IN_CONTEXT)


def test_in_a_topics_context_another_topics_follow_up_is_read_again_with_the_topics_title(trained_dir: Path,
                                                                                        monkeypatch) -> None:
    """After the refunds, "学生呢" that the model alone reads as the ticket price's students follow-up
    is read again as "门票退票 学生呢": what that reading gives the refunds topic it gets, and the
    students follow-up loses as much. Another topic that reading raises gets it too, and so does the
    follow-up itself ("学生多少" is likelier the students' with the title). A question read as a topic
    that the reading gives to the refunds themselves is left as it is."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    readings = {"学生呢": {**zero, "ticket-price.students": 0.9, "ticket-price": 0.05},
                "门票退票 学生呢": {**zero, "ticket-refund": 0.7, "ticket-price.students": 0.2},
                "厕所呢": {**zero, "restroom": 0.9},
                "门票退票 厕所呢": {**zero, "ticket-refund": 0.7},
                "周六呢": {**zero, "opening-hours.saturday": 0.8, "restroom": 0.1},
                "门票退票 周六呢": {**zero, "opening-hours": 0.6, "opening-hours.saturday": 0.2},
                "学生多少": {**zero, "ticket-price.students": 0.3},
                "门票退票 学生多少": {**zero, "ticket-price.students": 0.6, "ticket-refund": 0.1}}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: readings[text])
    alone = matcher.model_scores("学生呢", "zh", None, {})
    after = matcher.model_scores("学生呢", "zh", "ticket-refund", {})
    assert after["ticket-refund"] == pytest.approx(0.7)
    assert after["ticket-price.students"] == pytest.approx(alone["ticket-price.students"] * 0.3)
    assert matcher.model_scores("厕所呢", "zh", "ticket-refund", {})["ticket-refund"] == 0.0
    assert matcher.model_scores("学生呢", "zh", "ticket-price", {})["ticket-price.students"] >= 0.9
    raised = matcher.model_scores("周六呢", "zh", "ticket-refund", {})
    assert raised["opening-hours"] == pytest.approx(0.6) and raised["restroom"] == pytest.approx(0.1)
    likelier = matcher.model_scores("学生多少", "zh", "ticket-refund", {})  # the follow-up itself likelier with the title
    assert likelier["ticket-price.students"] == pytest.approx(0.6 * (1 - 0.1))

def test_in_a_topics_context_a_question_that_names_its_own_topic_is_not_read_with_the_title(
        trained_dir: Path, monkeypatch) -> None:
    """After the refunds, "门票价格学生多少" names the ticket price (its title, as no lexicon word
    names it): the students follow-up the model reads stays, though the refunds' title in front would
    read it as the refunds ("and the jade cong, where's that" after the lotus bowl)."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    readings = {"门票价格学生多少": {**zero, "ticket-price.students": 0.9},
                "门票退票 门票价格学生多少": {**zero, "ticket-refund": 0.7, "ticket-price.students": 0.2}}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: readings[text])
    after = matcher.model_scores("门票价格学生多少", "zh", "ticket-refund", {})
    assert after["ticket-price.students"] == pytest.approx(0.9) and after["ticket-refund"] == 0.0


def test_in_a_topics_context_a_subject_its_own_follow_ups_name_does_not_take_the_question_away(
        trained_copy: Path, trained_dir: Path, monkeypatch) -> None:
    """After the ticket price, "退票要钱吗" names the refunds (退票 in the lexicon) and the model reads
    it so: it stays the refunds' while the price's follow-ups never speak of refunds. Once the price has
    a 'refund-fee' follow-up asking "退票要钱吗" in its own words, the question is read again with the
    price named in front and that follow-up gets the reading (the permit's "签注多少钱" is its fee
    follow-up's, though 签注 is the endorsement's subject)."""
    question = "退票要钱吗"
    lexicon = trained_copy / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("  zh:\n", "  zh:\n    - [退票, 退款]\n", 1),
                       encoding="utf-8")
    runtime = load_matcher(load_pack(trained_dir))[0].runtime
    zero = dict.fromkeys([*runtime.labels, "ticket-price.refund-fee"], 0.0)
    monkeypatch.setattr(runtime, "probabilities", lambda text, lang: {**zero, "ticket-refund": 0.6} if text == question
                        else {**zero, "ticket-price.refund-fee": 0.7, "ticket-refund": 0.2})
    before = CombinedMatcher(load_pack(trained_copy), runtime).model_scores(question, "zh", "ticket-price", {})
    assert before["ticket-refund"] == pytest.approx(0.6)
    topics = trained_copy / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace(
        "        answer: {zh: 学生10元。, en: Students pay 10 yuan.}\n",
        "        answer: {zh: 学生10元。, en: Students pay 10 yuan.}\n"
        "      - id: refund-fee\n        questions: {zh: [退票要钱吗], en: [is a refund free]}\n"
        "        answer: {zh: 退票免费。, en: Refunds are free.}\n", 1), encoding="utf-8")
    matcher = CombinedMatcher(load_pack(trained_copy), runtime)
    matcher.intents.append("ticket-price.refund-fee")  # as if retrained on the changed pack
    assert matcher.lexical.followups_speak_of("ticket-price", "ticket-refund", "zh")
    after = matcher.model_scores(question, "zh", "ticket-price", {})
    assert after["ticket-price.refund-fee"] >= 0.7
    assert after["ticket-refund"] == pytest.approx(0.6 * (1 - 0.7))


def test_in_a_topics_context_a_question_read_as_another_topic_changes_only_when_the_title_makes_it_sure(
        trained_dir: Path, monkeypatch) -> None:
    """After the refunds, "周六能办不" that the model alone reads as the opening hours, read with the
    title, is the ticket price for sure and the hours fade to an eighth: the price gets that reading
    and the hours lose as much. When the hours keep a third ("几点开门"), the question names the topic
    it reads as ("厕所在哪"), or the price is not sure with the title either ("几点关门"), the plain
    reading stands. A reading the title keeps is confirmed and gets the likelier of the two ("还有别的吗";
    "能寄到家里不" is "I don't know" alone, the ID card delivery after the ID card's processing time)."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    readings = {"周六能办不": {**zero, "opening-hours": 0.8},
                "门票退票 周六能办不": {**zero, "ticket-price": 0.6, "opening-hours": 0.1},
                "几点开门": {**zero, "opening-hours": 0.8},
                "门票退票 几点开门": {**zero, "ticket-price": 0.6, "opening-hours": 0.3},
                "厕所在哪": {**zero, "restroom": 0.8},
                "门票退票 厕所在哪": {**zero, "restroom": 0.9},
                "还有别的吗": {**zero, "restroom": 0.1, "__none__": 0.8},
                "门票退票 还有别的吗": {**zero, "restroom": 0.7},
                "几点关门": {**zero, "opening-hours": 0.8},
                "门票退票 几点关门": {**zero, "ticket-price": 0.3, "opening-hours": 0.05}}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: readings[text])
    changed = matcher.model_scores("周六能办不", "zh", "ticket-refund", {})
    assert changed["ticket-price"] == pytest.approx(0.6)
    assert changed["opening-hours"] == pytest.approx(0.8 * 0.4)
    kept = matcher.model_scores("几点开门", "zh", "ticket-refund", {})
    assert kept["opening-hours"] == pytest.approx(0.8) and kept["ticket-price"] == 0.0
    assert matcher.model_scores("厕所在哪", "zh", "ticket-refund", {})["restroom"] == pytest.approx(0.8)  # names it
    assert matcher.model_scores("还有别的吗", "zh", "ticket-refund", {})["restroom"] == pytest.approx(0.7)
    assert matcher.model_scores("还有别的吗", "zh", None, {})["restroom"] == pytest.approx(0.1)
    unsure = matcher.model_scores("几点关门", "zh", "ticket-refund", {})  # the hours fade, but the price is not sure
    assert unsure["opening-hours"] == pytest.approx(0.8) and unsure["ticket-price"] == 0.0
    assert matcher.model_scores("周六能办不", "zh", None, {})["ticket-price"] == 0.0


def test_in_a_topics_context_i_dont_know_is_as_likely_as_where_the_question_reads(trained_dir: Path,
                                                                                    monkeypatch) -> None:
    """"能寄到家不" alone is nothing the model knows; after a topic, read with the topic named in front
    (here by its title: the lexicon has no word for it), it is. There the lexical matcher's likeness counts as if the model knew the question."""
    pack = load_pack(trained_dir)
    matcher, _ = load_matcher(pack)
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    title = pack.title_of("ticket-refund", "zh")
    monkeypatch.setattr(matcher.runtime, "probabilities",
                        lambda text, lang: {**zero, "__none__": 0.0 if text.startswith(title) else 0.9})
    alone = {c.intent: c.score for c in matcher.rank("厕所在哪里", "zh")}
    after = {c.intent: c.score for c in matcher.rank("厕所在哪里", "zh", "ticket-refund")}
    assert alone["restroom"] > 0
    assert after["restroom"] == pytest.approx(alone["restroom"] / (1 - 0.9), rel=0.01)


def test_in_a_flows_context_another_topics_follow_up_is_read_again_with_the_flow_named(trained_dir: Path,
                                                                                     monkeypatch) -> None:
    """After a case of the ID card flow (titled "身份证办理"), "多久能拿到" that the model alone reads
    as the ticket price's follow-up is read again as "身份证 多久能拿到", the flow named by its subject
    in the lexicon's words: the flow, and any topic that reading raises, get what it gives them, and
    the follow-up loses the flow's share."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    readings = {"多久能拿到": {**zero, "ticket-price.students": 0.8},
                "身份证 多久能拿到": {**zero, "id-card": 0.5, "opening-hours": 0.3, "ticket-price.students": 0.1}}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: readings[text])
    after = matcher.model_scores("多久能拿到", "zh", "id-card.lost", {})
    assert after["id-card"] == pytest.approx(0.5) and after["opening-hours"] == pytest.approx(0.3)
    assert after["ticket-price.students"] == pytest.approx(0.8 * 0.5)
    assert matcher.model_scores("多久能拿到", "zh", None, {})["opening-hours"] == 0.0
    assert matcher.lexical.subject_of("id-card", "zh") == "身份证"
    assert matcher.lexical.subject_of("ticket-refund", "zh") is None  # no lexicon word: named by its title


def test_a_named_subject_and_case_make_the_flow_win_over_the_models_reading(trained_dir: Path, monkeypatch) -> None:
    """"身份证过期了" names the ID card flow's subject and its renewal case: it is that case even when
    the model reads it as another topic; naming only the case ("票过期了") changes nothing."""
    pack = load_pack(trained_dir)
    matcher, _ = load_matcher(pack)
    probs = {i: 0.0 for i in matcher.runtime.labels}
    probs.update({"ticket-refund": 0.95, "id-card": 0.01})
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: probs)
    ranked = matcher.rank("身份正过期了", "zh")  # a mis-heard subject is still named
    assert ranked[0].intent == "id-card"
    assert ranked[0].score >= ranked[1].score + CombinedMatcher.NAMED_CASE_LEAD - 1e-4
    engine = build_engine(pack)[0]
    engine.matcher = matcher
    assert engine.new_session().handle("身份正过期了").intent == "id-card.renewal"
    assert matcher.rank("票过期了", "zh")[0].intent == "ticket-refund"
    assert matcher.rank("my ID card has expired", "en")[0].intent == "id-card"


def test_a_named_case_gives_way_to_a_topic_the_model_is_sure_of_and_the_question_names(trained_dir: Path,
                                                                                        monkeypatch) -> None:
    """"身份证丢了 厕所在哪" names the lost ID card and the restrooms: the restrooms win when the model
    is sure of them, the lost ID card when it is not; a sure topic the question does not name (the
    refunds) leaves the named case standing."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    probs = {**zero}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: probs)
    probs.update({"restroom": 0.8})
    assert matcher.rank("身份证丢了 厕所在哪", "zh")[0].intent == "restroom"
    probs.update({"restroom": 0.3})
    assert matcher.rank("身份证丢了 厕所在哪", "zh")[0].intent == "id-card"
    probs.update({"restroom": 0.0, "ticket-refund": 0.8})
    assert matcher.rank("身份证丢了", "zh")[0].intent == "id-card"


def test_a_follow_up_asked_without_naming_whose_is_answered_with_which_one(where_pack, monkeypatch) -> None:
    """"在哪里" as a first question reads to the model as the 'where' follow-up of several topics at
    once: the kiosk asks which one and shows them; naming a topic ("退票") answers its 'where'. A
    question the model gives to one topic's follow-up, or one asked after a topic, is answered as
    before."""
    root, matcher, where = where_pack
    real = matcher.runtime.probabilities
    readings = {"在哪里": {"ticket-price.where": 0.45, "ticket-refund.where": 0.4},
                "售票处在哪里": {"ticket-price.where": 0.8, "ticket-refund.where": 0.1}}
    monkeypatch.setattr(matcher.runtime, "probabilities",
                        lambda t, lang: {**dict.fromkeys(matcher.runtime.labels, 0.0), **readings[t]} if t in readings
                        else real(t, lang))
    assert matcher.unnamed_followups("在哪里", "zh") == ["ticket-price.where", "ticket-refund.where"]
    assert matcher.unnamed_followups("售票处在哪里", "zh") == []  # one topic holds the reading
    engine = build_engine(root)[0]
    engine.matcher = matcher
    session = engine.new_session()
    which = session.handle("在哪里")
    assert (which.state, which.intent) == ("clarifying", None)
    assert which.options == ["ticket-price.where", "ticket-refund.where"]
    assert which.text == engine.shared.text("which", "zh")
    named = session.handle("退票")
    assert (named.state, named.intent, named.text) == ("answered", "ticket-refund.where", "退票在服务台办。")
    touched = engine.new_session()
    touched.handle("在哪里")
    assert touched.handle("第一个").intent == "ticket-price.where"


def test_after_a_topic_one_kind_asked_of_a_topic_about_the_same_thing_is_answered(trained_copy: Path, trained_dir: Path,
                                                                                monkeypatch) -> None:
    """"在哪里" after the refunds, which have no 'where' of their own, reads as the 'where' of the
    ticket price and of the opening hours at once: the kiosk asks which one, until the lexicon says
    the price and the refunds are both about the ticket (门票); then the price's 'where' is answered
    ("要等多久" after replacing the social security card is the new card's time)."""
    topics = trained_copy / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    for topic, answer in (("opening-hours", "一楼大厅。"), ("ticket-price", "北侧窗口。")):
        start = text.index(f"  - id: {topic}\n")
        end = text.index("\n  - id: ", start + 1) + 1
        block = text[start:end] + (f"      - id: where\n        questions: {{zh: [在哪里], en: [where is it]}}\n"
                                   f"        answer: {{zh: {answer}, en: At the desk.}}\n")
        text = text[:start] + block + text[end:]
    topics.write_text(text, encoding="utf-8")
    runtime = load_matcher(load_pack(trained_dir))[0].runtime
    real = runtime.probabilities
    where = {**dict.fromkeys(runtime.labels, 0.0), "ticket-price.where": 0.55, "opening-hours.where": 0.4}
    monkeypatch.setattr(runtime, "probabilities", lambda t, lang: where if t.endswith("在哪里") else real(t, lang))

    def asked_after_the_refunds() -> tuple[str, str | None]:
        engine = build_engine(trained_copy)[0]
        engine.matcher = CombinedMatcher(engine.pack, runtime, engine.lexical)
        engine.matcher.intents += ["opening-hours.where", "ticket-price.where"]  # as if retrained
        session = engine.new_session()
        assert session.handle("怎么退票").intent == "ticket-refund"
        reply = session.handle("在哪里")
        return reply.state, reply.intent

    assert asked_after_the_refunds() == ("clarifying", None)
    lexicon = trained_copy / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("  zh:\n", "  zh:\n    - [门票, 票]\n", 1),
                       encoding="utf-8")
    assert asked_after_the_refunds() == ("answered", "ticket-price.where")


def test_an_unsure_first_question_is_answered_when_the_words_and_the_model_agree(trained_copy: Path, trained_dir: Path,
                                                                                 monkeypatch) -> None:
    """"怎么退票" is a refunds question word for word, but the model here is unsure (mostly "I don't
    know", as when a frame word is only in outside questions): offered to touch, it is answered
    because the model's likeliest reading is the refunds too. Not when the model reads another topic
    likeliest, when an outside question comes near, or asked after another topic."""
    question = "怎么退票"
    runtime = load_matcher(load_pack(trained_dir))[0].runtime
    zero = dict.fromkeys(runtime.labels, 0.0)
    reading = {**zero, "__none__": 0.8, "ticket-refund": 0.15, "restroom": 0.05}
    real = runtime.probabilities
    monkeypatch.setattr(runtime, "probabilities", lambda t, lang: reading if t.endswith(question) else real(t, lang))

    def reply(first: str | None = None) -> tuple[str, str | None]:
        engine = build_engine(trained_copy)[0]
        engine.matcher = CombinedMatcher(engine.pack, runtime, engine.lexical)
        session = engine.new_session()
        if first:
            session.handle(first)
        r = session.handle(question)
        return r.state, r.intent

    engine = build_engine(trained_copy)[0]
    matcher = CombinedMatcher(engine.pack, runtime, engine.lexical)
    assert matcher.rank(question, "zh")[0].confidence < engine.low_confidence  # unsure: not answered on its score
    assert matcher.words_and_model_agree(question, "zh") == "ticket-refund"
    assert reply() == ("answered", "ticket-refund")
    assert reply("厕所在哪里")[0] == "rephrase"  # after another topic: the conversation weighs it
    reading.update({"restroom": 0.16})
    assert reply()[0] == "rephrase"
    reading.update({"restroom": 0.05})
    (trained_copy / "outside.yaml").write_text("questions:\n  zh: [怎么退票 演出的]\n", encoding="utf-8")
    assert reply()[0] == "rephrase"
    assert engine.lexical.words_and_model_agree(question, "zh") is None  # words alone: nothing to agree with


def test_the_kind_from_the_model_and_the_topic_from_the_words(where_pack, monkeypatch) -> None:
    """"退票在哪里" reads to the model as the 'where' of several topics, the ticket price's most; its
    words name the refunds: that is the refunds' 'where', with the mass the ticket price's 'where'
    had, and the kiosk answers it instead of asking which one."""
    root, matcher, _ = where_pack
    reading = {**dict.fromkeys(matcher.runtime.labels, 0.0), "ticket-price.where": 0.5, "ticket-refund.where": 0.3}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda t, lang: reading)
    weights = matcher.lexical.scores("退票在哪里", "zh").context_weights
    assert weights["ticket-refund.where"] == 1.0 and weights["ticket-price.where"] < 1.0
    scores = matcher.model_scores("退票在哪里", "zh", None, weights)
    assert scores["ticket-refund.where"] == pytest.approx(0.3 + 0.5 * (1.0 - weights["ticket-price.where"]))
    assert matcher.unnamed_followups("退票在哪里", "zh") == []
    assert matcher.rank("退票在哪里", "zh")[0].intent == "ticket-refund.where"
    engine = build_engine(root)[0]
    engine.matcher = matcher
    assert engine.new_session().handle("退票在哪里").intent == "ticket-refund.where"


def test_a_follow_up_the_model_is_sure_of_counts_as_named(where_pack, monkeypatch) -> None:
    """A follow-up whose topic the question's words do not name is damped, unless the model gives
    it most of the probability and nearly all of its kind's: then the question named it for the
    model. Spread over two topics' 'where' (no one's), or read after a topic, or read like another
    topic (look-alikes), the weights stay as they were; after another topic, so do they when the
    question read with that topic's title in front is no longer that follow-up (it leaned on the
    context: "周六呢" after the opening hours)."""
    _, matcher, where = where_pack
    damped = dict.fromkeys(where, 0.3)
    sure = {"ticket-price.where": 0.9, "ticket-refund.where": 0.05}
    spread = {"ticket-price.where": 0.55, "ticket-refund.where": 0.3}
    title_read: dict[str, float] = {}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: title_read)

    def named(probs: dict[str, float], context: str | None) -> dict[str, float]:
        return matcher._named_by_model(damped, probs, "在哪里呢", "zh", context)

    assert named(sure, None) == {"ticket-price.where": 1.0, "ticket-refund.where": 0.3}
    assert named(spread, None) == damped
    title_read.update(sure)  # read as "<the refunds' title> 在哪里呢", still the ticket price's 'where'
    assert named(sure, "ticket-refund") == {"ticket-price.where": 1.0, "ticket-refund.where": 0.3}
    title_read.update({"ticket-price.where": 0.2, "ticket-refund.where": 0.7})  # the context undoes it
    assert named(sure, "ticket-refund") == damped
    assert named(sure, "ticket-price") == damped  # its own context: read in context instead
    monkeypatch.setitem(matcher.runtime.lookalikes, "ticket-price.where", ["restroom"])
    assert named(sure, None) == damped


def test_in_context_a_follow_up_does_not_take_the_mass_of_a_named_topics_follow_up(where_pack, monkeypatch) -> None:
    """After the refunds, "那售票处在哪里" that the model reads as the ticket price's 'where' stays
    the ticket price's when the question names that topic; unnamed ("在哪里"), its mass is the
    'where' of the topic in context."""
    _, matcher, _ = where_pack
    reading = {**dict.fromkeys(matcher.runtime.labels, 0.0), "ticket-price.where": 0.8, "ticket-refund.where": 0.1}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: reading)
    named = matcher.model_scores("那售票处在哪里", "zh", "ticket-refund", {"ticket-price.where": 1.0})
    assert named["ticket-refund.where"] == pytest.approx(min(1.0, 0.1 * matcher.FOLLOWUP_IN_CONTEXT))
    assert named["ticket-price.where"] > named["ticket-refund.where"]
    unnamed = matcher.model_scores("在哪里", "zh", "ticket-refund", {"ticket-price.where": 0.0})
    assert unnamed["ticket-refund.where"] == pytest.approx(min(1.0, 0.9 * matcher.FOLLOWUP_IN_CONTEXT))


def test_a_long_chinese_question_is_scored_as_the_question_told_within_it(trained_dir: Path, monkeypatch) -> None:
    """"我表妹是聋哑人 有没有手语讲解" tells its question among more words than a plain one: the same
    readings count twice as much at twenty characters as at ten, and carry it over the answer
    threshold; an English question of the same readings keeps its score."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: {**zero, "opening-hours": 0.25})
    monkeypatch.setattr(matcher.lexical, "scores", lambda text, lang, context=None: LexicalScores(
        [("opening-hours", 0.25)], 1.0, {}))
    plain, told = "请问你们几点开门啊好", "我们一家子从外地赶过来 请问你们几点开门啊"
    short, long_ = (matcher.rank(q, "zh", None, top=1)[0] for q in (plain, told))
    english = matcher.rank("could you please tell me when you open in the morning today", "en", None, top=1)[0]
    assert short.intent == long_.intent == "opening-hours"
    assert long_.score == pytest.approx(2 * short.score, abs=1e-3) and english.score == short.score
    low = build_engine(load_pack(trained_dir))[0].low_confidence
    assert short.confidence < low < long_.confidence


def test_in_a_topics_context_another_topic_named_by_its_title_and_read_as_it_is_that_topic(trained_dir: Path,
                                                                                            monkeypatch) -> None:
    """"听说你们馆徽就是照它画的" after the bronze ding is the emblem: it says the emblem's title, and
    the model reads it as the emblem on its own, though "它" points back. Not without the title said,
    nor when a follow-up of the topic in context reads like that topic, nor without a model."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    engine = DialogEngine(load_pack(trained_dir))
    engine.matcher = matcher
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: {**zero, "restroom": 0.5, "ticket-price": 0.2})
    session = engine.new_session()
    session.context = "ticket-refund"
    assert session._titled_in_context("听说卫生间就挨着它", "zh") == "restroom"
    assert session._titled_in_context("听说就挨着它", "zh") is None
    assert "restroom" in matcher.runtime.lookalikes["ticket-price.students"]  # so after the ticket price:
    session.context = "ticket-price"
    assert session._titled_in_context("听说卫生间就挨着它", "zh") is None
    lexical_only = DialogEngine(load_pack(trained_dir)).new_session()
    lexical_only.context = "ticket-refund"
    assert lexical_only._titled_in_context("听说卫生间就挨着它", "zh") is None


def test_an_unsure_kind_the_topic_in_context_lacks_is_the_follow_up_of_that_kind_the_model_reads(where_pack,
                                                                                                monkeypatch) -> None:
    """"一天一共能进多少人" after booking ahead asks a kind booking has no follow-up for: the model
    reads it as the walk-in's capacity before any other intent (not before "I don't know"), so that
    follow-up. Not a follow-up of another kind, not when the topic in context has one of that kind,
    not without a model."""
    root, matcher, _ = where_pack
    engine = DialogEngine(load_pack(root))
    engine.matcher = matcher
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    reading = {**zero, "__none__": 0.4, "ticket-price.where": 0.3, "ticket-price.students": 0.1}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: reading)
    session = engine.new_session()
    session.context = "opening-hours"
    assert session._kind_read_elsewhere("那在哪里", "zh") == "ticket-price.where"
    assert session._kind_read_elsewhere("学生多少钱", "zh") is None  # read as the students', a kind not asked
    session.context = "ticket-refund"  # it has a 'where' of its own
    assert session._kind_read_elsewhere("那在哪里", "zh") is None
    lexical_only = DialogEngine(load_pack(root)).new_session()
    lexical_only.context = "opening-hours"
    assert lexical_only._kind_read_elsewhere("那在哪里", "zh") is None


def test_an_unsure_question_the_model_reads_as_another_topic_alone_and_in_context_is_that_topic(trained_dir: Path,
                                                                                               monkeypatch) -> None:
    """"我儿子十岁 他也能办吗" after the Hong Kong-Macau permit: the children's permits come first among
    the readings offered, and the model reads the question as them both alone and with the permit
    named in front, so they are the answer. Not when the model reads another topic first, not the
    topic in context again, not out of a context, not without a model."""
    matcher, _ = load_matcher(load_pack(trained_dir))
    engine = DialogEngine(load_pack(trained_dir))
    engine.matcher = matcher
    zero = dict.fromkeys(matcher.runtime.labels, 0.0)
    reading = {**zero, "restroom": 0.4, "ticket-price": 0.2}
    monkeypatch.setattr(matcher.runtime, "probabilities", lambda text, lang: reading)
    ranked = [Candidate("restroom", 0.2, 0.3), Candidate("ticket-price", 0.19, 0.25)]
    session = engine.new_session()
    session.context = "opening-hours"
    assert session._read_alike_offered(ranked, "我儿子十岁 他也能去吗", "zh") == "restroom"
    assert session._read_alike_offered(ranked[1:], "我儿子十岁 他也能去吗", "zh") is None  # read as the restroom
    session.context = "restroom"
    assert session._read_alike_offered(ranked, "我儿子十岁 他也能去吗", "zh") is None
    session.context = None
    assert session._read_alike_offered(ranked, "我儿子十岁 他也能去吗", "zh") is None
    lexical_only = DialogEngine(load_pack(trained_dir)).new_session()
    lexical_only.context = "opening-hours"
    assert lexical_only._read_alike_offered(ranked, "我儿子十岁 他也能去吗", "zh") is None
