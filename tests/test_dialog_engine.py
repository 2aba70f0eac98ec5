"""The dialog engine on the fixture pack: answers, follow-ups, flows, the fallback ladder, privacy."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.dialog.engine import HANDOFF, REPHRASE, DialogEngine
from kiosk.dialog.kinds import asked_kinds
from kiosk.dialog.matching import Candidate, LexicalMatcher
from kiosk.dialog.records import asks_for_record
from kiosk.dialog.privacy import redact
from kiosk.dialog.text import detect_lang, normalize
from kiosk.pack.loader import load_pack

from conftest import MINI_PACK, VENUES, add_where_followups


@pytest.fixture(scope="module")
def engine() -> DialogEngine:
    return DialogEngine(load_pack(MINI_PACK))


def test_answers_in_the_visitors_language(engine: DialogEngine) -> None:
    s = engine.new_session()
    zh = s.handle("请问你们几点关门？")
    assert (zh.intent, zh.state, zh.lang) == ("opening-hours", "answered", "zh")
    assert zh.text == engine.pack.topic("opening-hours").answer["zh"]
    en = s.handle("when do you open")
    assert (en.intent, en.lang) == ("opening-hours", "en")
    assert en.text == engine.pack.topic("opening-hours").answer["en"]
    assert 0.0 <= en.confidence <= 1.0


def test_asr_style_input_spaces_no_punctuation_homophone(engine: DialogEngine) -> None:
    s = engine.new_session()
    assert s.handle("卫 生 见 在 哪").intent == "restroom"  # spaced ASR output with a homophone slip
    assert s.handle("WHERE IS THE BATHROOM").intent == "restroom"


def test_followup_leans_on_context(engine: DialogEngine) -> None:
    s = engine.new_session()
    assert s.handle("门票多少钱").intent == "ticket-price"
    r = s.handle("学生呢")
    assert (r.intent, r.state) == ("ticket-price.students", "answered")
    assert r.text == "学生10元。"
    s.handle("几点开门")
    assert s.handle("And on Saturday?").intent == "opening-hours.saturday"


def test_flow_asks_for_case_then_answers(engine: DialogEngine) -> None:
    s = engine.new_session()
    ask = s.handle("我要办身份证")
    assert (ask.intent, ask.state) == ("id-card", "asking")
    assert ask.text == engine.pack.flow("id-card").ask["zh"]
    assert ask.options == ["id-card.first", "id-card.renewal", "id-card.lost"]
    done = s.handle("过期了")
    assert (done.intent, done.state) == ("id-card.renewal", "answered")
    assert done.places == ["window-a"]
    # naming another case of the same flow switches case
    assert s.handle("那要是丢了呢").intent == "id-card.lost"


def test_flow_case_in_first_sentence(engine: DialogEngine) -> None:
    r = engine.new_session().handle("身份正丢了怎么补")
    assert (r.intent, r.state) == ("id-card.lost", "answered")
    r = engine.new_session().handle("I lost my ID card, how do I get a new one")
    assert r.intent == "id-card.lost"


def test_unclear_case_asks_again_then_hands_off(engine: DialogEngine) -> None:
    s = engine.new_session()
    s.handle("我要办身份证")
    again = s.handle("嗯嗯")
    assert again.state == "asking"
    assert s.handle("呃呃").state == "handoff"


def test_clarify_between_two_close_topics(engine: DialogEngine) -> None:
    s = engine.new_session()
    r = s.handle("票")
    assert r.state == "clarifying"
    assert set(r.options) == {"ticket-price", "ticket-refund"}
    assert "门票价格" in r.text and "门票退票" in r.text
    follow = s.handle("退票")
    assert (follow.intent, follow.state) == ("ticket-refund", "answered")


def test_rephrase_once_then_handoff_never_invents(engine: DialogEngine) -> None:
    s = engine.new_session()
    first = s.handle("明天会下雨吗")
    assert (first.state, first.intent) == ("rephrase", None)
    second = s.handle("股票会涨吗")
    assert second.state == "handoff"
    assert "12345" in second.text and "服务台" in second.text
    assert second.places == ["desk"]


def test_personal_data_never_echoed(engine: DialogEngine) -> None:
    s = engine.new_session()
    r = s.handle("身份证丢了 号码110101199003071234 电话13812345678")
    assert "110101199003071234" not in r.text and "13812345678" not in r.text
    assert r.intent == "id-card.lost"
    assert "隐私" in r.text


def test_reset_wipes_context(engine: DialogEngine) -> None:
    s = engine.new_session()
    s.handle("门票多少钱")
    s.reset()
    assert s.context is None and s.lang is None and s.turns == 0
    assert s.handle("学生呢").intent != "ticket-price" or s.context is not None


def test_touch_selection_enters_at_understanding(engine: DialogEngine) -> None:
    s = engine.new_session()
    r = s.select("restroom", "en")
    assert (r.intent, r.mode, r.confidence, r.places) == ("restroom", "touch", 1.0, ["restroom-1f"])
    flow = s.select("id-card", "zh")
    assert flow.state == "asking"
    groups = engine.suggestions("zh")
    assert groups[0][1] == "信息" and ("id-card", "身份证办理") in groups[1][2]


def test_social_greeting_and_handoff_request(engine: DialogEngine) -> None:
    s = engine.new_session()
    hi = s.handle("你好")
    assert hi.state == "social" and "小小服务厅" in hi.text
    assert s.handle("I want to talk to a person").state == "handoff"


def test_a_pack_question_that_names_a_person_is_answered_not_handed_off() -> None:
    """The pack's own questions come before the built-in handoff words: the service hall lists
    "人工服务在哪里" under its help desk, so that is the answer (a pack without one hands off:
    see the test above)."""
    s = DialogEngine(load_pack(VENUES / "binjiang-service-center")).new_session()
    desk = s.handle("人工服务在哪里")
    assert (desk.state, desk.intent) == ("answered", "help-desk")


def test_language_detection_and_normalisation() -> None:
    assert detect_lang("화장실 어디예요", ["zh", "en", "ko"]) == "ko"
    assert detect_lang("화장실 어디예요", ["zh", "en"]) == "en"
    assert detect_lang("几点开门", ["zh", "en"]) == "zh"
    assert detect_lang("Hall 8 在哪", ["zh", "en"]) == "zh"
    assert normalize("身份 证 丢 了 ！", "zh") == "身份证丢了"
    assert normalize("Ｈｅｌｌｏ,  World!", "en") == "hello world"


@pytest.mark.parametrize("raw, masked", [
    ("我的身份证号是110101199003071234", "我的身份证号是[ID]"),
    ("id 11010119900307123X please", "id [ID] please"),
    ("call me on 138 1234 5678", "call me on [PHONE]"),
    ("电话0571-88886600", "电话[PHONE]"),
    ("卡号6222021234567890123", "卡号[CARD]"),
    ("mail a.b@example.com now", "mail [EMAIL] now"),
    ("幺三八一二三四五六七八", "[NUMBER]"),
    ("9:00到17:00，40元", "9:00到17:00，40元"),
])
def test_redaction(raw: str, masked: str) -> None:
    assert redact(raw) == masked


def test_rephrase_offers_near_topics_to_touch_and_a_short_reply_picks_one(engine: DialogEngine) -> None:
    s = engine.new_session()
    unsure = s.handle("ticket back")
    assert (unsure.state, unsure.intent) == ("rephrase", None)
    assert unsure.options and set(unsure.options) <= {"ticket-price", "ticket-refund"}
    picked = s.handle("the second one")
    assert (picked.state, picked.intent) == ("answered", unsure.options[1])
    nothing_near = engine.new_session().handle("明天会下雨吗")
    assert (nothing_near.state, nothing_near.options) == ("rephrase", [])


def test_a_reply_to_offered_topics_that_names_a_flows_case_gets_the_case(engine: DialogEngine) -> None:
    """After "please rephrase" offered the ID card, "身份证丢了" is the lost card, not "which case?"."""
    s = engine.new_session()
    unsure = s.handle("票证")
    assert (unsure.state, unsure.options) == ("rephrase", ["id-card"])
    lost = s.handle("身份证丢了")
    assert (lost.state, lost.intent) == ("answered", "id-card.lost")
    s = engine.new_session()
    s.handle("票证")
    renewal = s.handle("the ID card, it expired")
    assert (renewal.state, renewal.intent) == ("answered", "id-card.renewal")


def test_a_sentence_that_only_contains_an_ordinal_is_read_as_a_question(engine: DialogEngine) -> None:
    s = engine.new_session()
    assert s.handle("ticket back").options
    again = s.handle("my first time here what time do you open")
    assert (again.state, again.intent) == ("answered", "opening-hours")


def test_questions_the_venue_lists_as_outside_are_not_answered(mini_pack_dir) -> None:
    """A parking question reads like the ticket price until staff list parking in outside.yaml;
    the ticket question itself is still answered. A question is judged on its own words: after the
    Taiwan permit's fee, "Can I also apply for a US visa here?" is no more the pack's than asked first."""
    question = "How much is a parking ticket?"
    assert DialogEngine(load_pack(mini_pack_dir)).new_session().handle(question).intent == "ticket-price"
    (mini_pack_dir / "outside.yaml").write_text(
        "questions:\n  en: [what does parking cost, how much is parking]\n", encoding="utf-8")
    engine = DialogEngine(load_pack(mini_pack_dir))
    reply = engine.new_session().handle(question)
    assert reply.intent is None and reply.state in ("rephrase", "handoff")
    assert engine.new_session().handle("How much is a ticket?").intent == "ticket-price"
    # judged on its own words: the title the topic in context lends its follow-ups does not make it ours
    service = LexicalMatcher(load_pack(VENUES / "binjiang-service-center"))
    visa = "Can I also apply for a US visa here?"
    assert service.scores(visa, "en", "taiwan-permit.fee").novelty == service.scores(visa, "en").novelty < 0.5


def test_a_venue_wide_topics_follow_up_is_understood_without_naming_the_topic(mini_pack_dir) -> None:
    """"星期六开吗" asked first names no topic: a follow-up of the opening hours fades, as any other
    follow-up would, until the pack marks the opening hours as about the venue itself."""
    question = "星期六开吗"
    faded = DialogEngine(load_pack(mini_pack_dir)).lexical.scores(question, "zh").context_weights
    assert faded["opening-hours.saturday"] < 1.0
    topics = mini_pack_dir / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    topics.write_text(text.replace("title: {zh: 开放时间, en: Opening hours}\n",
                                   "title: {zh: 开放时间, en: Opening hours}\n    venue_wide: true\n", 1), encoding="utf-8")
    engine = DialogEngine(load_pack(mini_pack_dir))
    assert "opening-hours.saturday" not in engine.lexical.scores(question, "zh").context_weights
    reply = engine.new_session().handle(question)
    assert (reply.state, reply.intent) == ("answered", "opening-hours.saturday")
    assert engine.lexical.scores("学生呢", "zh").context_weights["ticket-price.students"] < 1.0
    # after another topic, the conversation is about that one: the follow-up needs its topic named again
    assert engine.lexical.scores(question, "zh", "restroom").context_weights["opening-hours.saturday"] < 1.0


def test_a_follow_up_of_a_topic_about_the_same_thing_lends_a_kind_the_topic_in_context_lacks(mini_pack_dir) -> None:
    """After the refunds, "学生呢" is the ticket price's students follow-up only once the lexicon says
    both topics are about the ticket (门票): the refunds have no students follow-up of their own. A
    kind the refunds do answer themselves ('where') stays theirs: the price's 'where' is not lent."""
    def weights(question: str) -> dict[str, float]:
        return DialogEngine(load_pack(mini_pack_dir)).lexical.scores(question, "zh", "ticket-refund").context_weights

    assert weights("学生呢")["ticket-price.students"] < 1.0
    lexicon = mini_pack_dir / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("  zh:\n", "  zh:\n    - [门票, 票]\n", 1),
                       encoding="utf-8")
    assert DialogEngine(load_pack(mini_pack_dir)).lexical.same_subject("ticket-price", "ticket-refund", "zh")
    assert weights("学生呢")["ticket-price.students"] == 1.0
    add_where_followups(mini_pack_dir)
    assert weights("在哪里")["ticket-price.where"] < 1.0


def test_an_urgent_topic_is_answered_as_soon_as_it_would_be_offered_to_touch(mini_pack_dir) -> None:
    """"快 孩子要上厕所" comes near the restrooms but under the answer threshold: the kiosk asks to
    rephrase and offers the restrooms to touch, until the pack marks them urgent; then it answers.
    A question that comes nearer nothing than the buttons' threshold is still not answered."""
    hurried, vague = "快 孩子要上厕所", "有没有能用的洗手间 孩子急得直哭 快带我们去"
    engine = DialogEngine(load_pack(mini_pack_dir))
    before = engine.new_session().handle(hurried)
    assert before.state == "rephrase" and "restroom" in before.options
    topics = mini_pack_dir / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    topics.write_text(text.replace("title: {zh: 卫生间, en: Restrooms}\n",
                                   "title: {zh: 卫生间, en: Restrooms}\n    urgent: true\n", 1), encoding="utf-8")
    engine = DialogEngine(load_pack(mini_pack_dir))
    after = engine.new_session().handle(hurried)
    assert (after.state, after.intent) == ("answered", "restroom")
    assert engine.matcher.rank(vague, "zh")[0].confidence < engine.SUGGEST_FROM
    assert engine.new_session().handle(vague).state == "rephrase"


def test_a_topic_answer_that_carries_the_follow_up_answer_counts_as_right(mini_pack_dir) -> None:
    """Scoring: "学生多少钱" answered with the ticket topic is right only when that answer says what
    the students' follow-up says (the same numbers and most of its wording)."""
    from kiosk.dialog.evaluate import carries_answer

    assert not carries_answer(DialogEngine(load_pack(mini_pack_dir)), "ticket-price", "ticket-price.students", "zh")
    topics = mini_pack_dir / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    topics.write_text(text.replace("zh: 门票20元。", "zh: 门票20元，学生10元。", 1), encoding="utf-8")
    engine = DialogEngine(load_pack(mini_pack_dir))
    assert carries_answer(engine, "ticket-price", "ticket-price.students", "zh")
    assert not carries_answer(engine, "ticket-price", "ticket-price.students", "en")  # the English answer does not
    assert not carries_answer(engine, "restroom", "ticket-price.students", "zh")
    topics.write_text(text.replace("zh: 门票20元。", "zh: 门票20元，学生12元。", 1), encoding="utf-8")
    assert not carries_answer(DialogEngine(load_pack(mini_pack_dir)), "ticket-price", "ticket-price.students", "zh")



def test_a_flow_cases_answer_may_carry_a_topics_answer(mini_pack_dir) -> None:
    """Scoring: "那要多久能拿到" right after the lost-card case gets that case's answer again; it
    says when the new card is ready, so it carries the processing-time topic's answer. The flow's
    own question ("which case?") carries nothing, and an expected case is scored by id only."""
    from kiosk.dialog.evaluate import carries_answer

    ready = "新证15个工作日办好，可以到A04窗口领取。"
    flows = mini_pack_dir / "flows.yaml"
    flows.write_text(flows.read_text(encoding="utf-8").replace("丢失补领请带户口簿，费用40元。", "丢失补领请带户口簿，费用40元。" + ready),
                     encoding="utf-8")
    with (mini_pack_dir / "topics.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: id-card-time\n    group: info\n    title: {zh: 身份证办理时限, en: ID card processing time}\n"
                "    questions: {zh: [身份证要多久, 新证几天能拿], en: [how long for an id card, when is my new card ready]}\n"
                f"    answer: {{zh: {ready}, en: The new card is ready in 15 working days.}}\n")
    engine = DialogEngine(load_pack(mini_pack_dir))
    assert carries_answer(engine, "id-card.lost", "id-card-time", "zh")
    assert not carries_answer(engine, "id-card.first", "id-card-time", "zh")
    assert not carries_answer(engine, "id-card", "id-card-time", "zh")
    assert not carries_answer(engine, "id-card-time", "id-card.lost", "zh")

def test_english_synonyms_are_replaced_once_left_to_right() -> None:
    """A variant inside the main word ("provident fund" in "housing provident fund") is not replaced
    again, and the longest variant wins."""
    from kiosk.dialog.matching import Canonicalizer

    canon = Canonicalizer({"en": [["housing provident fund", "housing fund", "provident fund"]],
                           "zh": [["公积金", "住房公积金", "工积金"]]})
    assert canon("can i use my housing fund", "en") == "can i use my housing provident fund"
    assert canon("housing provident fund withdrawal", "en") == "housing provident fund withdrawal"
    assert canon("my provident fund", "en") == "my housing provident fund"
    assert canon("住房公积金和工积金", "zh") == "公积金和公积金"


def test_a_question_about_the_visitors_own_records_is_not_answered_by_a_topic_written_for_something_else(
        mini_pack_dir) -> None:
    """The kiosk sees nobody's accounts: "我的身份证审核通过了吗" reads like the ID card flow, but
    that flow says how to apply, not whether this visitor's card went through. The kiosk says it
    cannot look records up and names the desk, until a topic lists such a question as its own."""
    engine = DialogEngine(load_pack(mini_pack_dir))
    question = "我的身份证审核通过了吗"
    assert engine.matcher.rank(question, "zh")[0].intent == "id-card"
    reply = engine.new_session().handle(question)
    assert (reply.state, reply.intent, reply.places) == ("handoff", None, ["desk"])
    assert "查不到" in reply.text and "服务台" in reply.text and "12345" in reply.text
    english = engine.new_session().handle("has my ID card application been approved")
    assert english.state == "handoff" and "look up" in english.text
    assert engine.new_session().handle("我的身份证过期了怎么办").intent == "id-card.renewal"  # not a record question
    for own_number in ("我忘了我的身份证号 能帮我查查吗", "can you tell me my ID number, I forgot it"):
        assert engine.new_session().handle(own_number).state == "handoff"  # only the visitor's record holds it
    assert asks_for_record("没带身份证 报身份证号行不行", "zh") is False  # asks what to do, not for the number
    assert asks_for_record("do I need my ID number to book", "en") is False

    flows = mini_pack_dir / "flows.yaml"
    flows.write_text(flows.read_text(encoding="utf-8").replace(
        "zh: [身份证怎么办, 我要办身份证, 办理身份证]", "zh: [身份证怎么办, 我要办身份证, 办理身份证, 我的身份证审核通过了吗]"),
        encoding="utf-8")
    venue = mini_pack_dir / "venue.yaml"
    venue.write_text(venue.read_text(encoding="utf-8") + '  records: {zh: "个人记录请到{desk}查询。", en: "Ask at {desk}."}\n',
                     encoding="utf-8")
    engine = DialogEngine(load_pack(mini_pack_dir))
    assert engine.new_session().handle(question).state == "asking"  # the flow is written for it now
    spaced = "我的 公积金 余 额 还有多少"  # speech recognition spaces words
    assert engine.new_session().handle(spaced).text == "个人记录请到服务台查询。"  # the venue's wording


def _with_tickets_after_the_hours(pack_dir: Path) -> Path:
    """The mini pack with a follow-up of the opening hours, "门票呢", that gives the ticket price's answer."""
    topics = pack_dir / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace(
        "        answer: {zh: 周六不开放。, en: We are closed on Saturdays.}\n",
        "        answer: {zh: 周六不开放。, en: We are closed on Saturdays.}\n"
        "      - id: tickets\n"
        "        questions: {zh: [门票呢, 那票呢], en: [\"And tickets?\", \"What about tickets?\"]}\n"
        "        see: ticket-price\n"), encoding="utf-8")
    return pack_dir


def test_a_follow_up_that_points_to_another_topic_answers_with_it_and_moves_the_conversation_there(
        mini_pack_dir) -> None:
    """`see: ticket-price` on a follow-up of the opening hours: "门票呢" after the hours gets the
    ticket topic's answer (written once, in that topic), and "学生呢" then is the ticket topic's;
    "星期六开吗" then is the hours' own follow-up again, and the conversation is back there."""
    engine = DialogEngine(load_pack(_with_tickets_after_the_hours(mini_pack_dir)))
    assert engine.pack.topic("opening-hours").followups[1].answer == engine.pack.topic("ticket-price").answer
    s = engine.new_session()
    assert s.handle("几点开门").intent == "opening-hours"
    tickets = s.handle("门票呢")
    assert (tickets.intent, tickets.state, tickets.text) == ("ticket-price", "answered", "门票20元。")
    assert s.handle("学生呢").intent == "ticket-price.students"
    s.handle("几点开门")
    s.handle("门票呢")
    saturday = s.handle("星期六开吗")
    assert (saturday.intent, saturday.state) == ("opening-hours.saturday", "answered")
    assert s.context == "opening-hours.saturday"
    s.reset()
    s.handle("When do you open?")
    assert s.handle("And tickets?").text == "A ticket costs 20 yuan."


def test_after_moving_to_another_topic_the_one_before_stays_in_reach() -> None:
    """"星期六开吗" after the hours and then the ticket price is the hours' Saturday follow-up: the
    conversation goes back there. Asked after the ticket price alone, it names no topic."""
    engine = DialogEngine(load_pack(MINI_PACK))
    for first, second, third in (("几点开门", "门票多少钱", "星期六开吗"),
                                 ("When do you open?", "How much is a ticket?", "And on Saturday?")):
        s = engine.new_session()
        assert [s.handle(q).intent for q in (first, second)] == ["opening-hours", "ticket-price"]
        saturday = s.handle(third)
        assert (saturday.intent, s.context) == ("opening-hours.saturday", "opening-hours.saturday")
    s = engine.new_session()
    s.handle("门票多少钱")
    assert s.handle("星期六开吗").intent is None


def test_the_topic_before_is_not_gone_back_to_for_a_follow_up_that_leads_here(mini_pack_dir, monkeypatch) -> None:
    """"那学生呢" after "门票呢" (the hours' follow-up that gives the ticket price's answer): read in
    the hours' context it is that follow-up again, read in the ticket price's it is its students
    follow-up. Going back to the hours would only say the ticket price again: the students' price."""
    engine = DialogEngine(load_pack(_with_tickets_after_the_hours(mini_pack_dir)))
    s = engine.new_session()
    s.handle("几点开门")
    assert (s.handle("门票呢").intent, s.came_from) == ("ticket-price", "opening-hours.tickets")
    by_context = {"opening-hours.tickets": [Candidate("opening-hours.tickets", 0.9, 0.99)],
                  "ticket-price": [Candidate("ticket-price.students", 0.8, 0.98)]}
    monkeypatch.setattr(engine.matcher, "rank", lambda text, lang, context=None, top=5: by_context[context])
    students = s.handle("那学生呢")
    assert (students.intent, students.text, s.context) == ("ticket-price.students", "学生10元。", "ticket-price.students")


def test_a_question_that_names_nothing_after_a_case_without_that_follow_up_is_answered_by_the_case(
        monkeypatch) -> None:
    """"要多少钱" after the lost ID card case: the intent model reads it as the fee follow-up of
    several topics (set here; this engine is lexical). A flow case has no follow-ups, its answer is
    the whole one (it states the fee), so the case is answered again rather than another topic's
    fee; after the passport, its own fee follow-up answers."""
    engine = DialogEngine(load_pack(VENUES / "binjiang-service-center"))
    fees = [f.id for t in engine.pack.topics for f in t.followups if f.id.endswith(".fee")]
    assert len(fees) >= 2
    monkeypatch.setattr(engine.matcher, "unnamed_followups",
                        lambda text, lang: [f for f in fees if not f.startswith("passport")] if text == "要多少钱" else [])
    s = engine.new_session()
    assert s.handle("我要办身份证").state == "asking"
    lost = s.handle("丢了")
    assert lost.intent == "id-card.lost"
    again = s.handle("要多少钱")
    assert (again.intent, again.state, again.text) == ("id-card.lost", "answered", lost.text)
    s.reset()
    s.handle("护照怎么办")
    assert s.handle("要多少钱").intent == "passport.fee"


def test_a_follow_up_asked_again_gets_the_whole_answer_only_when_that_holds_it(mini_pack_dir) -> None:
    """"学生多少钱呀" right after "学生呢": the same follow-up again, since the ticket topic's answer
    does not say the students' price; once it does, the whole answer (students' price and more)."""
    s = DialogEngine(load_pack(mini_pack_dir)).new_session()
    s.handle("门票多少钱")
    first = s.handle("学生呢")
    assert first.intent == "ticket-price.students"
    assert (s.handle("学生多少钱呀").intent, s.context) == ("ticket-price.students", "ticket-price.students")
    topics = mini_pack_dir / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("zh: 门票20元。", "zh: 门票20元，学生10元。", 1),
                      encoding="utf-8")
    s = DialogEngine(load_pack(mini_pack_dir)).new_session()
    s.handle("门票多少钱")
    assert s.handle("学生呢").intent == "ticket-price.students"
    whole = s.handle("学生多少钱呀")
    assert (whole.intent, whole.text) == ("ticket-price", "门票20元，学生10元。")




def test_a_topics_answer_is_given_again_for_a_question_of_a_kind_it_holds(mini_pack_dir, monkeypatch) -> None:
    """"在哪办" right after the restrooms, read as the 'where' follow-up of several topics: the
    restroom topic has none, and its answer is given again once it holds a 'where' fact (服务台, a
    word the pack's 'where' answers share and its other answers do not use)."""
    where = add_where_followups(mini_pack_dir)
    engine = DialogEngine(load_pack(mini_pack_dir))
    assert not engine.kinds.carried_by("卫生间：一楼西侧。", "where", "zh")
    topics = mini_pack_dir / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("zh: 卫生间在一楼西侧。", "zh: 卫生间在服务台旁边。"),
                      encoding="utf-8")
    engine = DialogEngine(load_pack(mini_pack_dir))
    assert engine.kinds.carried_by(engine.pack.topic("restroom").answer["zh"], "where", "zh")
    monkeypatch.setattr(engine.matcher, "unnamed_followups", lambda text, lang: list(where) if text == "在哪办" else [])
    s = engine.new_session()
    assert s.handle("卫生间在哪").intent == "restroom"
    again = s.handle("在哪办")
    assert (again.intent, again.text) == ("restroom", "卫生间在服务台旁边。")
    s.reset()
    s.handle("怎么退票")
    assert s.handle("在哪办").intent == "ticket-refund.where"  # a topic's own 'where' follow-up answers


def test_a_question_of_one_kind_naming_no_topic_gets_another_answer_only_when_sure(mini_pack_dir,
                                                                                   monkeypatch) -> None:
    """"在哪办" as a first question, read as the 'where' of several topics: a topic that only just
    passes the answer threshold (the words of "多少钱" come as near to one topic as to another) is
    not answered by chance, the kiosk asks whose 'where'; a topic it is sure of is answered."""
    where = add_where_followups(mini_pack_dir)
    engine = DialogEngine(load_pack(mini_pack_dir))
    monkeypatch.setattr(engine.matcher, "unnamed_followups", lambda text, lang: list(where))
    for confidence, state, intent in ((0.6, "clarifying", None), (DialogEngine.SURE_OVER_UNNAMED, "answered", "restroom")):
        monkeypatch.setattr(engine.matcher, "rank",
                            lambda text, lang, context=None, top=5, c=confidence: [Candidate("restroom", 0.3, c)])
        reply = engine.new_session().handle("在哪办")
        assert (reply.state, reply.intent) == (state, intent)
        assert reply.options == (where if state == "clarifying" else [])


def test_two_close_candidates_with_one_answer_are_not_asked_about(mini_pack_dir, monkeypatch) -> None:
    """The refunds' "多少钱" gives the ticket price's answer (``see``): the ticket price and that
    follow-up coming equally near is one answer, given without asking which; the ticket price and
    the restrooms coming equally near are two, and the kiosk asks which one."""
    topics = mini_pack_dir / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    assert "followups:" not in text[text.index("  - id: ticket-refund\n"):], "the refunds are the last topic, without follow-ups"
    topics.write_text(text.rstrip("\n") + "\n    followups:\n      - id: price\n"
                      "        questions: {zh: [多少钱, 票价], en: [how much]}\n        see: ticket-price\n", encoding="utf-8")
    engine = DialogEngine(load_pack(mini_pack_dir))
    for near, state in (("ticket-refund.price", "answered"), ("restroom", "clarifying")):
        monkeypatch.setattr(engine.matcher, "rank", lambda text, lang, context=None, top=5, near=near: [
            Candidate("ticket-price", 0.7, 0.95), Candidate(near, 0.69, 0.94)])
        reply = engine.new_session().handle("多少钱")
        assert reply.state == state
        assert reply.intent == ("ticket-price" if state == "answered" else None)


def test_in_a_topics_context_its_follow_up_wins_a_close_call(engine: DialogEngine, monkeypatch) -> None:
    """After the ticket price, "学生呢" coming as near to the restrooms as to the price's students
    follow-up is the follow-up: the conversation breaks the tie. Asked first, the kiosk asks which."""
    close = [Candidate("restroom", 0.7, 0.95), Candidate("ticket-price.students", 0.69, 0.94)]
    s = engine.new_session()
    assert s.handle("门票多少钱").intent == "ticket-price"
    monkeypatch.setattr(engine.matcher, "rank", lambda text, lang, context=None, top=5: close)
    reply = s.handle("学生呢")
    assert (reply.state, reply.intent) == ("answered", "ticket-price.students")
    assert engine.new_session().handle("学生呢").state == "clarifying"


def test_a_place_asked_in_a_topics_context_is_that_topics_place_unless_named() -> None:
    engine = DialogEngine(load_pack(VENUES / "binjiang-museum"))  # lexical matcher: the words alone say north
    assert engine.new_session().handle("从哪个门进").intent == "north-entrance"
    s = engine.new_session()
    assert s.handle("团队讲解怎么约").intent == "group-tour"  # groups enter by the east entrance
    assert s.handle("从哪个门进").intent == "east-entrance"
    s = engine.new_session()
    s.handle("团队讲解怎么约")
    assert s.handle("北门在哪").intent == "north-entrance"  # named: the answer stands
    # "which entrance" comes twice as near the main entrance's questions, and still names none of them
    assert engine.new_session().handle("which entrance do we use").intent == "north-entrance"
    s = engine.new_session()
    assert s.handle("where do coaches park").intent == "coach-parking"  # coach groups enter by the east entrance
    assert s.handle("which entrance do we use").intent == "east-entrance"
    s = engine.new_session()
    s.handle("where do coaches park")
    assert s.handle("where is the north entrance").intent == "north-entrance"


def test_a_place_asked_in_a_flows_context_is_that_flows_place(monkeypatch) -> None:
    """"窗口在几楼" after the provident fund's rent case is zone E, the flow's place, even when the
    matcher's best reading is another zone the words do not tell apart from it."""
    engine = DialogEngine(load_pack(VENUES / "binjiang-service-center"))
    s = engine.new_session()
    assert s.handle("我要提公积金").intent == "provident-fund"
    assert s.handle("租房子用的").intent == "provident-fund.rent"
    ranked = [Candidate("zone-f", 0.6, 0.97), Candidate("zone-e", 0.3, 0.6)]
    monkeypatch.setattr(engine.matcher, "rank", lambda text, lang, context=None, top=5: ranked)
    assert s.handle("窗口在几楼").intent == "zone-e"
    assert engine.new_session().handle("窗口在几楼").intent == "zone-f"  # no flow in context: the best reading


def test_the_flow_read_again_after_one_of_its_cases_is_that_case(monkeypatch) -> None:
    """"一个月最多能取多少" after the provident fund's rent case reads as the provident fund again: the
    visitor said which case already, so it is the rent case again, sure or only close enough to offer,
    not the question which case. A case the question names wins; with no case in context the flow asks."""
    engine = DialogEngine(load_pack(VENUES / "binjiang-service-center"))
    s = engine.new_session()
    s.handle("我要提公积金")
    assert s.handle("租房子用的").intent == "provident-fund.rent"
    for confidence in (0.95, 0.2):
        ranked = [Candidate("provident-fund", 0.5, confidence), Candidate("appointments", 0.1, 0.05)]
        monkeypatch.setattr(engine.matcher, "rank", lambda text, lang, context=None, top=5: ranked)
        reply = s.handle("一个月最多能取多少")
        assert (reply.intent, reply.state) == ("provident-fund.rent", "answered")
    assert s.handle("那买房呢").intent == "provident-fund.buy"
    fresh = engine.new_session().handle("一个月最多能取多少")
    assert fresh.state == "rephrase" and fresh.options == ["provident-fund", "appointments"]


def test_a_question_about_a_topic_that_asks_one_kind_of_detail_gets_that_follow_up() -> None:
    """"铜鼎在哪" is filed under the bronze ding's `where` (venues/README.md); a question whose words
    describe the ding more than they ask is still that follow-up, and one that asks a permit's price its
    `fee`. Not a question of where a thing came from, nor one about a topic whose own questions ask
    where (the lockers: its answer tells), nor one that asks two things."""
    museum = DialogEngine(load_pack(VENUES / "binjiang-museum"))  # lexical: the words alone say the topic
    assert museum.new_session().handle("那个兽面纹的鼎放在哪儿呢").intent == "bronze-ding.where"
    assert museum.new_session().handle("where can i see the kesi silk tapestry").intent == "kesi-tapestry.where"
    assert museum.new_session().handle("青白釉莲花碗是从哪里来的").intent == "lotus-bowl"
    assert museum.new_session().handle("哪里可以存包").intent == "lockers"
    service = DialogEngine(load_pack(VENUES / "binjiang-service-center"))
    assert service.new_session().handle("去澳门那个通行证要多少钱").intent == "hk-macau-permit.fee"
    asked = [asked_kinds(q, lang) for q, lang in (("铜鼎在哪", "zh"), ("是从哪儿弄来的", "zh"), ("where is it from", "en"),
                                                  ("is there somewhere to sit", "en"), ("청동 정 어디에 있어요?", "ko"),
                                                  ("在哪买票 多少钱", "zh"), ("护照几天能办好", "zh"))]
    assert asked == [[("where",)], [], [], [], [("where",)], [("where",), ("price", "fee")], [("how-long", "duration")]]
    # the permit's own questions ask its fee only beside how long it takes: they say nothing of the fee alone
    assert ("price", "fee") not in service.kinds.asked_by_topic("hk-macau-permit", "zh")
    # "free" that names the thing ("免费讲解几点", "is there a free tour") asks no price; "免费吗" and
    # "is it free for kids" do, and "讲解要钱吗 免费讲解" still asks it in its first words
    free = [asked_kinds(q, lang) for q, lang in (("免费讲解几点", "zh"), ("有免费的儿童活动吗", "zh"), ("is there a free tour", "en"),
                                                 ("무료 해설 몇 시예요", "ko"), ("是免费的吗", "zh"), ("免费参观吗", "zh"),
                                                 ("is it free for kids", "en"), ("가이드 투어 무료예요?", "ko"), ("讲解要钱吗 免费讲解", "zh"),
                                                 ("체험 프로그램 유료예요?", "ko"))]
    assert free == [[], [], [], [], *[[("price", "fee")]] * 6]
    assert asked_kinds("연꽃 그릇은 몇 관에 있어요?", "ko") == [("where",)]
    # "the free one" named otherwise, or asked whether there is one, is the thing itself too
    assert [asked_kinds(q, "zh") for q in ("有不花钱的讲解员带着逛吗", "有没有不要钱的", "讲解员讲解要钱不")] \
        == [[], [], [("price", "fee")]]
    assert ("price", "fee") not in museum.kinds.asked_by_topic("guided-tour", "zh")
    # paying (交钱, 돈 내요), booking and Saturday or the weekend are kinds too: the workshop's `booking`,
    # the ticket cut-off's `saturday`, the opening hours' `weekend`
    assert [asked_kinds(q, lang) for q, lang in (("跟着讲解员听要交钱不", "zh"), ("짐 보관하는 데 돈 내요?", "ko"),
                                                 ("어린이 체험 프로그램 예약 어떻게 해요", "ko"), ("do we need to book", "en"),
                                                 ("礼拜六取号到几点截止", "zh"), ("are you open at the weekend", "en"))] \
        == [[("price", "fee")], [("price", "fee")], [("booking",)], [("booking",)], [("saturday", "weekend")],
            [("saturday", "weekend")]]
    assert museum.new_session().handle("小小考古家那个活动要交钱吗").intent == "childrens-workshop.price"
    assert service.new_session().handle("礼拜六最晚几点能取号").intent == "ticket-cutoff.saturday"
    # how big: the exhibits' `size` and `height`; Korean 얼마나 "how" is not 얼마 "how much"
    sizes = [asked_kinds(q, lang) for q, lang in (("老城模型有多大", "zh"), ("how tall is the ding", "en"),
                                                  ("모형은 얼마나 커요?", "ko"), ("옥종은 얼마나 큰가요?", "ko"),
                                                  ("얼마예요?", "ko"), ("얼마나 걸려요?", "ko"))]
    assert sizes == [[("size", "height")]] * 4 + [[("price", "fee")], [("how-long", "duration")]]
    # how many people: the group tour's and the guided tour's `capacity`, in every language
    people = [asked_kinds(q, lang) for q, lang in (("一个团最多几个人", "zh"), ("how many people can join", "en"),
                                                   ("몇 명까지 돼요?", "ko"), ("几点开门", "zh"))]
    assert people == [[("capacity",)], [("capacity",)], [("capacity",)], []]
    # what to bring, who made it, touching it, a deposit, the last entry: kinds several packs' follow-ups share
    more = [asked_kinds(q, lang) for q, lang in (("协议离婚要带什么材料", "zh"), ("what documents do we need", "en"),
                                                 ("那幅长卷是谁画的", "zh"), ("能摸一摸不", "zh"), ("오디오 가이드 보증금 있어요?", "ko"),
                                                 ("最晚几点进馆", "zh"), ("what's the last entry", "en"))]
    assert more == [[("documents",)], [("documents",)], [("artist",)], [("touch",)], [("deposit",)], [("last-entry",)],
                    [("last-entry",)]]
    assert [asked_kinds(q, lang) for q, lang in (("진품 언제 볼 수 있어요", "ko"), ("那个大鼎是什么朝代的", "zh"),
                                                 ("那块玉是哪个皇帝那会儿的", "zh"), ("现在挂出来了没有", "zh"))] \
        == [[("when",)], [("age", "year")], [("age", "year")], [("when",)]]  # on show yet: when it is shown
    assert museum.new_session().handle("那幅山水长卷是谁画的").intent == "autumn-scroll.artist"
    # read as another follow-up of a kind the words would tell and do not ask: the kind they ask
    s = museum.new_session()
    assert s._detail_asked("autumn-scroll.artist", "where's the Shen Zhou painting", "en") == "autumn-scroll.where"
    assert s._detail_asked("autumn-scroll.where", "how big is that Shen Zhou scroll", "en") == "autumn-scroll.size"
    assert s._detail_asked("bronze-ding.found", "那个鼎是在哪挖出来的", "zh") is None  # no words tell "found"
    # the old town model's `year` is a kind of age: "一九三零年的" names the year it shows, "多大" asks its size
    assert s._detail_asked("old-town-model.year", "一九三零年的那个老城模型做了多大", "zh") == "old-town-model.size"
    assert s._detail_asked("autumn-scroll.where", "where is the Shen Zhou scroll", "en") is None  # asked: it stands
    s.select("old-town-model.where", "ko")  # in a context too: "크기는요?" read as where it is again asks its size
    assert s._detail_asked("old-town-model.where", "크기는요?", "ko") == "old-town-model.size"
    assert s._detail_asked("old-town-model", "크기는요?", "ko") is None  # read as the model itself: its follow-ups read as such
    assert ("price", "fee") not in museum.kinds.asked_by_topic("childrens-workshop", "ko")


def test_where_a_topic_without_a_where_follow_up_is_asked_in_its_context_is_its_place() -> None:
    """After the children's workshop (no `where` follow-up, one place the pack answers about: hall 0),
    "在哪个厅" read as the workshop again is hall 0's answer, which tells where and shows it on the map;
    so is one read as a follow-up of the workshop that the model reads as the workshop once it is named.
    Not a question that asks something else, nor one about a topic with its own `where`."""
    s = DialogEngine(load_pack(VENUES / "binjiang-museum")).new_session()
    s.select("childrens-workshop", "zh")
    assert s._own_place_asked("childrens-workshop", "在哪个厅", "zh") == "hall-0"
    assert s._own_place_asked("childrens-workshop", "where is it held", "en") == "hall-0"
    assert s._own_place_asked("childrens-workshop", "几点开始", "zh") is None
    assert s._own_place_asked("childrens-workshop", "在哪报名 要钱不", "zh") is None  # asks two things
    # read as the workshop's booking ("在哪报名" is one of its questions): the workshop's place only when
    # the model, with the workshop named in front, reads the question as the workshop itself
    assert s._own_place_asked("childrens-workshop.booking", "在哪个厅", "zh") is None  # no model: words alone
    readings = {"在哪个厅": {"childrens-workshop": 0.63, "childrens-workshop.booking": 0.02},
                "在哪报名": {"childrens-workshop": 0.1, "childrens-workshop.booking": 0.8}}
    s.engine.reading_in_context = lambda text, lang, context: readings[text] if context == "childrens-workshop" else None
    assert s._own_place_asked("childrens-workshop.booking", "在哪个厅", "zh") == "hall-0"
    assert s._own_place_asked("childrens-workshop.booking", "在哪报名", "zh") is None
    s.select("bronze-ding", "zh")
    assert s._own_place_asked("bronze-ding", "在哪", "zh") is None  # its `where` answers that
    assert s.select("hall-0", "zh").places == ["hall-0"]
    # the luggage size's place, the cloakroom, has no topic of its own: the lockers are about it alone
    assert s._place_answer("luggage-size", "zh") == "lockers.where"
    assert s._place_answer("floor-b1", "zh") is None  # three places


def test_a_question_pointing_back_to_the_hall_or_floor_of_the_topic_in_context_is_that_place() -> None:
    """"那个厅里还有别的啥" after the old town model is its hall (hall 5), "what else is on that floor?"
    after the kesi tapestry (hall 7) is 3F, the topic titled as that floor is named, even when the words
    read as another floor or hall. Not a question that points back to nothing, nor one read as
    another exhibit or topic."""
    s = DialogEngine(load_pack(VENUES / "binjiang-museum")).new_session()
    s.select("old-town-model.size", "zh")
    assert s._place_pointed_back("old-town-model.where", "那个厅里还有别的啥", "zh") == "hall-5"
    assert s._place_pointed_back("old-town-model", "那一层还有啥好看的", "zh") == "floor-2f"
    assert s._place_pointed_back("old-town-model.where", "在哪", "zh") is None
    assert s._place_pointed_back("photography", "那个厅能拍照吗", "zh") is None
    s.select("kesi-tapestry.age", "en")
    assert s._place_pointed_back("kesi-tapestry.where", "what else is on that floor?", "en") == "floor-3f"
    assert s._place_pointed_back("kesi-tapestry", "anything else in that gallery", "en") == "hall-7"
    assert s._place_pointed_back("floor-1f", "what else is on that floor?", "en") == "floor-3f"  # another floor
    assert s._place_pointed_back("hall-5", "anything else in that gallery", "en") == "hall-7"
    assert s._place_pointed_back("jade-cong", "what else is on that floor?", "en") is None  # another exhibit


def test_a_detail_a_topic_does_not_tell_is_told_by_the_one_topic_next_door_that_does() -> None:
    """"how much does it cost" after the 20 May weddings, which have no `fee` follow-up and do not tell
    a fee, is the fee of the one other topic at the marriage office that has one, the registration.
    Not when the topic's answer tells it (the luggage size: the cloakroom is free), nor when several
    topics at the place have one (the exit-entry windows), nor for a question that asks two things."""
    cases = [  # (venue, topic in context, question, language, the answer)
        ("binjiang-service-center", "marriage-special-days", "how much does it cost", "en", "marriage-registration.fee"),
        ("binjiang-service-center", "marriage-special-days", "要多少钱", "zh", "marriage-registration.fee"),
        ("binjiang-service-center", "marriage-special-days", "在哪 多少钱", "zh", None),  # asks two things
        ("binjiang-service-center", "social-security-card-replace", "要等多久", "zh", None),  # its answer: 20 minutes
        ("binjiang-service-center", "children-exit-entry", "多少钱", "zh", None),  # passport, permits: which?
        ("binjiang-museum", "luggage-size", "要钱吗", "zh", None),  # "免费寄存处": its answer tells
    ]
    engines = {name: DialogEngine(load_pack(VENUES / name)) for name in {c[0] for c in cases}}
    for venue, topic, question, lang, answer in cases:
        s = engines[venue].new_session()
        s.select(topic, lang)
        assert s._detail_told_next_door(topic, question, lang) == answer, (topic, question)
    s = engines["binjiang-service-center"].new_session()  # not in context: the answer stands
    assert s._detail_told_next_door("marriage-registration", "how much does it cost", "en") is None


def test_an_unsure_where_after_a_topic_is_its_places_answer_when_that_is_offered() -> None:
    """"那放哪儿" after the luggage size is not sure of anything, but the lockers' `where` comes near
    enough to offer, and the luggage size's one place is the lockers' cloakroom: that is the answer.
    A where-question about something the conversation does not point to is still asked again."""
    engine = DialogEngine(load_pack(VENUES / "binjiang-museum"))
    s = engine.new_session()
    assert s.handle("我刚下高铁 拖着个大箱子 能带着进去看不").intent == "luggage-size"
    assert s.handle("那放哪儿").intent == "lockers.where"
    s = engine.new_session()
    s.handle("我刚下高铁 拖着个大箱子 能带着进去看不")
    assert s.handle("吸烟区在哪").state in (REPHRASE, HANDOFF)


def test_a_short_and_x_question_naming_a_topic_by_its_title_moves_to_that_topic() -> None:
    """"버스는요?" after the metro is the bus (the parking's coach follow-up says "관광버스는요", which
    the model reads it as); "What about buses?" too. After the parking, whose coach follow-up's own
    questions say 버스, the follow-up keeps it."""
    from kiosk.dialog.text import switch_core

    assert [switch_core(q, lang) for q, lang in (("那公交呢", "zh"), ("버스는요?", "ko"), ("What about buses?", "en"),
                                                  ("公交车在哪", "zh"), ("버스 몇 번 타요?", "ko"))] \
        == ["公交", "버스", "bus", None, None]
    engine = DialogEngine(load_pack(VENUES / "binjiang-museum"))
    for first, then, expected in (("지하철 타고 어떻게 가요?", "버스는요?", "bus"),
                                  ("How do I get here on the metro?", "What about buses?", "bus"),
                                  ("地铁怎么坐", "那公交呢", "bus"), ("주차장 있어요?", "관광버스는요?", "coach-parking")):
        session = engine.new_session()
        session.handle(first)
        assert session.handle(then).intent == expected, then
    session = engine.new_session()
    session.handle("주차장 있어요?")
    assert session._switched_to("버스는요?", "ko") is None  # the coach follow-up's questions say 버스


def test_the_usual_case_asked_after_a_special_one_is_the_topic_that_gives_the_special_ones_answer() -> None:
    """The opening hours' 'summer' follow-up gives the summer late opening's answer: after that, "平时呢
    平时几点停止进" is the opening hours' last entry (the kind just answered), "what about regular
    days?" the opening hours. Without a usual-days word the special case keeps the question."""
    from kiosk.dialog.text import asks_usual_case

    assert [asks_usual_case(q, lang) for q, lang in (("平时呢", "zh"), ("and on regular days?", "en"), ("평소에는요?", "ko"),
                                                      ("最晚几点进", "zh"), ("do you usually open late", "en"))] \
        == [True, True, True, False, False]
    engine = DialogEngine(load_pack(VENUES / "binjiang-museum"))
    session = engine.new_session()
    session.select("summer-late-opening.last-entry", "zh")
    assert session._usual_case_of("平时呢 平时几点停止进", "zh") == "opening-hours.last-entry"
    assert session._usual_case_of("最晚几点进", "zh") is None
    session.select("summer-late-opening", "en")
    assert session._usual_case_of("what about regular days?", "en") == "opening-hours"
    session.select("bronze-ding", "zh")  # no topic gives the ding's answer as a follow-up
    assert session._usual_case_of("平时呢", "zh") is None


def test_a_day_asked_after_a_topic_is_that_topics_follow_up_that_names_the_days() -> None:
    """After the marriage registration, "周六能办吗" is not the centre's Saturday services: the
    registration has no Saturday follow-up, and its hours follow-up (the marriage office's hours,
    "周一到周五") is the one whose answer names the days. Asked first, it is the centre's."""
    from kiosk.dialog.kinds import names_days

    engine = DialogEngine(load_pack(VENUES / "binjiang-service-center"))
    for first, day in (("我们俩想登记结婚", "周六能办吗"), ("can we get married here", "can we come on a saturday")):
        session = engine.new_session()
        session.handle(first)
        assert session.handle(day).intent == "marriage-hours"
    assert engine.new_session().handle("周六能办吗").intent == "saturday-services"
    assert names_days("婚姻登记处周一到周五办公", "zh") and names_days("open Monday to Friday", "en")
    assert not names_days("每年5月20日和2月14日会加开名额", "zh")


def test_the_topic_before_is_not_gone_back_to_for_a_kind_of_follow_up_the_topic_now_has_too() -> None:
    """After the passport's fee and then the Hong Kong-Macau permit, "要几天" is the permit's how-long:
    the passport (the topic before) is gone back to only for a kind of follow-up the permit lacks."""
    engine = DialogEngine(load_pack(VENUES / "binjiang-service-center"))
    s = engine.new_session()
    for q, intent in (("我想办个护照", "passport"), ("多少钱啊", "passport.fee"), ("那港澳通行证呢", "hk-macau-permit"),
                      ("要几天", "hk-macau-permit.how-long")):
        assert s.handle(q).intent == intent, q
    s = engine.new_session()
    s.select("passport.fee", "zh")
    s.handle("那港澳通行证呢")
    assert s._asked_of_this_topic_too("passport.how-long") and not s._asked_of_this_topic_too("passport.documents")


def test_follow_ups_that_reach_the_top_score_in_context_keep_their_order_by_likeness() -> None:
    """After the bronze ding, "在哪" comes near all its follow-ups: read in context each reaches the
    top score. The likeliest of them, its 'where', is the answer, not the first by id (its age)."""
    engine = DialogEngine(load_pack(VENUES / "binjiang-museum"))
    s = engine.new_session()
    assert s.handle("铜鼎").intent == "bronze-ding"
    assert s.handle("在哪").intent == "bronze-ding.where"


def test_a_question_told_after_a_story_is_read_alone(monkeypatch) -> None:
    """"我爸去年动了个手术 医药费能在这报吗" is unsure as a whole (the operation leans to the hospital
    questions the centre does not answer); the question alone is sure, and of the topic first offered
    for the whole (or of one of two close ones): that is the answer. Not when a clause before it asks
    (the rest is its reason), not when the question alone is of another topic or not sure, not for
    one clause."""
    from kiosk.dialog.text import asks, clauses

    assert clauses("我带我妈来的，她今年八十二了 还得排队吗", "zh") == ["我带我妈来的", "她今年八十二了", "还得排队吗"]
    assert clauses("I'm a teacher, can we get a guide?", "en") == ["I'm a teacher", "can we get a guide"]
    assert [asks(c, lang) for c, lang in (("我带我妈来的", "zh"), ("还得排队吗", "zh"), ("得预约不", "zh"), ("咋约啊", "zh"),
                                          ("想带几个伙计过来看看", "zh"), ("I'm a teacher", "en"), ("can we get a guide", "en"),
                                          ("비행기 타요", "ko"), ("여권 빨리 돼요?", "ko"))] \
        == [False, True, True, True, False, False, True, False, True]
    engine = DialogEngine(load_pack(VENUES / "binjiang-service-center"))
    alone = {"医药费能在这报吗": 0.9, "下周就要出国": 0.9}
    monkeypatch.setattr(engine.matcher, "rank", lambda text, lang, context=None, top=5: [
        Candidate("passport" if "出国" in text else "medical-reimbursement", 0.5, alone.get(text, 0.1))])
    s = engine.new_session()
    story = "我爸去年动了个手术 医药费能在这报吗"
    assert s._question_after_story(["medical-reimbursement"], story, "zh") == "medical-reimbursement"
    assert s._question_after_story(["passport", "medical-reimbursement.documents"], story, "zh") == "medical-reimbursement"
    assert s._question_after_story(["medical-reimbursement"], "医药费能在这报吗", "zh") is None  # nothing told before
    assert s._question_after_story(["passport"], story, "zh") is None
    assert s._question_after_story([], story, "zh") is None
    assert s._question_after_story(["passport"], "护照能加急不 下周就要出国", "zh") is None
    alone["医药费能在这报吗"] = 0.6  # near enough to answer, not sure enough to leave the story out
    assert s._question_after_story(["medical-reimbursement"], story, "zh") is None


def test_an_unsure_question_whose_likeliest_reading_is_a_follow_up_of_the_topic_in_context_is_that_follow_up() -> None:
    """"我一个人能帮他们几个都约上不" after booking ahead is unsure, but the booking's party size comes first
    among the readings offered: the conversation points to it. Not another topic's follow-up, not a
    reading too far to offer, not out of a context."""
    s = DialogEngine(load_pack(VENUES / "binjiang-museum")).new_session()
    ranked = [Candidate("booking.party-size", 0.2, 0.3), Candidate("walk-in", 0.1, 0.1)]
    s.select("booking.days-ahead", "zh")
    assert s._own_followup_offered(ranked) == "booking.party-size"
    assert s._own_followup_offered([Candidate("booking.party-size", 0.01, 0.01)]) is None
    s.select("walk-in", "zh")
    assert s._own_followup_offered(ranked) is None
    s.reset()
    assert s._own_followup_offered(ranked) is None
