"""Intent model input: the mixed-script tokenizer, n-gram features and training variants."""
from __future__ import annotations

from pathlib import Path

from kiosk.dialog.text import en_stem
from kiosk.nlu.augment import Augmenter
from kiosk.nlu.examples import NONE_INTENT, Example, pack_examples, pack_intents
from kiosk.nlu.negatives import GENERIC, OTHER_DOCUMENTS, OTHER_PLACES, near_domain
from kiosk.nlu.tokenizer import CLS, SEP, UNK, Tokenizer
from kiosk.nlu.train import NEAR_DOMAIN_SHARE, NONE_SHARE, TrainSettings, build_training_set, negatives_for
from kiosk.pack.loader import load_pack

from conftest import MINI_PACK


def _tok() -> Tokenizer:
    return Tokenizer.build([("门票多少钱", "zh"), ("How much are the tickets?", "en"), ("몇 시에 문 열어요", "ko")])


def test_chinese_is_one_token_per_character_and_english_word_pieces() -> None:
    tok = _tok()
    assert tok.pieces("门票多少钱？", "zh") == list("门票多少钱")
    assert tok.pieces("How much are the TICKETS", "en") == ["how", "much", "are", "the", "tickets"]
    pieces = tok.pieces("ticketing", "en")  # unseen word: pieces of known words, never one [UNK]
    assert pieces[0] == "ticket" and UNK not in pieces
    assert tok.pieces("문 열어요", "ko") == ["문", "열", "어", "요"]
    ids = tok.encode("门票", "zh")
    assert ids[0] == tok.index[CLS] and ids[-1] == tok.index[SEP] and len(ids) == 4


def test_unknown_characters_and_long_input() -> None:
    tok = _tok()
    assert tok.pieces("龘", "zh") == [UNK]
    assert len(tok.encode("门" * 200, "zh")) == tok.max_len


def test_tokenizer_round_trip(tmp_path: Path) -> None:
    tok = _tok()
    tok.save(tmp_path)
    again = Tokenizer.load(tmp_path)
    assert again.tokens == tok.tokens and again.ngram_buckets == tok.ngram_buckets
    assert again.encode("门票多少钱", "zh") == tok.encode("门票多少钱", "zh")


def test_ngrams_share_buckets_for_paraphrases() -> None:
    tok = _tok()
    a, b = set(tok.ngrams("门票多少钱", "zh")), set(tok.ngrams("请问门票多少钱啊", "zh"))
    assert a and a <= b  # fillers only add n-grams
    assert 0 not in a and max(a) < tok.ngram_buckets
    assert set(tok.ngrams("tickets price", "en")) & set(tok.ngrams("ticket prices", "en"))


def test_english_singular_plural_and_tenses_meet_in_one_stem() -> None:
    """'audio guides' must read like 'audio guide': the n-gram features and the lexical matcher
    key English words by their stem, a silent e dropped and 'es' taken off only after s, x, z,
    ch and sh."""
    for words in (("guide", "guides"), ("close", "closed", "closes", "closing"), ("price", "prices"),
                  ("ticket", "tickets"), ("bus", "buses"), ("box", "boxes"), ("pass", "passes"),
                  ("story", "stories"), ("open", "opening"), ("fee", "fees")):
        assert len({en_stem(w) for w in words}) == 1, words
    assert en_stem("glass") == "glass" and en_stem("free") == "free"
    tok = _tok()
    assert set(tok.ngrams("rent audio guides", "en")) == set(tok.ngrams("rent audio guide", "en"))


def test_augmenter_is_reproducible_and_uses_the_lexicon() -> None:
    pack = load_pack(MINI_PACK)
    ex = Example("restroom", "zh", "卫生间在哪")
    first = Augmenter(pack, seed=3).variants(ex, 6)
    assert first == Augmenter(pack, seed=3).variants(ex, 6)
    assert len(first) == 6 and all(v.intent == "restroom" and v.text != ex.text for v in first)
    many = Augmenter(pack, seed=5).variants(ex, 12)
    assert any(w in v.text for v in many for w in ("厕所", "洗手间", "卫生见"))


def test_english_variants_change_casing_or_wording() -> None:
    pack = load_pack(MINI_PACK)
    variants = Augmenter(pack, seed=1).variants(Example("restroom", "en", "Where is the restroom?"), 8)
    assert len({v.text for v in variants}) == 8
    assert any(v.text != v.text.lower() and v.text.lower() != "where is the restroom?" for v in variants) or \
        any("toilet" in v.text.lower() or "washroom" in v.text.lower() or "bathroom" in v.text.lower() for v in variants)


def test_examples_and_intents_cover_topics_followups_and_flows() -> None:
    pack = load_pack(MINI_PACK)
    intents = pack_intents(pack)
    assert "opening-hours.saturday" in intents and "id-card" in intents
    examples = pack_examples(pack)
    assert {e.intent for e in examples} == set(intents)
    assert Example("id-card", "zh", "身份证办理 丢失补领") in examples


def test_negatives_leave_out_what_the_pack_answers() -> None:
    pack = load_pack(MINI_PACK)
    negatives = negatives_for(pack)
    assert negatives and all(n.intent == "__none__" for n in negatives)
    assert {n.lang for n in negatives} == {"zh", "en"}
    generic = [n for n in negatives if n.text in GENERIC[n.lang]]
    assert len(generic) <= len(GENERIC["zh"]) + len(GENERIC["en"])
    near = [n.text for n in negatives if n.text not in GENERIC[n.lang]]
    entities = [e for table in (OTHER_PLACES, OTHER_DOCUMENTS) for items in table.values() for e in items]
    assert near and all(any(e in q for e in entities) for q in near)
    own = {lang: sum(1 for _, code, _ in pack.examples() if code == lang) for lang in ("zh", "en")}
    assert all(len([q for q in near if _lang(q) == lang]) <= max(150, own[lang] // NEAR_DOMAIN_SHARE) for lang in own)


def test_the_dont_know_class_keeps_its_share_of_the_training_rows() -> None:
    from kiosk.nlu.examples import pack_examples

    pack = load_pack(MINI_PACK)
    examples = pack_examples(pack)
    for scale in (1, 8):  # a pack with eight times the examples still learns to refuse
        _, counts = build_training_set(pack, examples * scale, TrainSettings())
        assert counts["negatives"] >= NONE_SHARE * (counts["examples"] + counts["variants"]) * 0.9, (scale, counts)


def _lang(text: str) -> str:
    return "en" if text.isascii() else "zh"


def test_near_domain_questions_skip_what_the_pack_mentions() -> None:
    """An entity the pack writes (its own post office counter, say) is never made an "I don't know"."""
    assert "邮局几点开门" in near_domain("zh", " 身份证 ")
    assert not any("邮局" in q for q in near_domain("zh", " 滨江 邮局 网点 "))
    assert any("the zoo" in q for q in near_domain("en", " tickets "))
    assert not any("the zoo" in q for q in near_domain("en", " petting zoo for kids "))


def test_novelty_finds_words_the_pack_never_uses() -> None:
    from kiosk.dialog.matching import LexicalMatcher

    matcher = LexicalMatcher(load_pack(MINI_PACK))
    novelty = matcher.novelty
    assert novelty.unknown("动物园门票多少钱", "zh") == ["动", "物", "园"]
    assert novelty.unknown("请问门票多少钱啊", "zh") == []  # fillers and particles are not news
    assert novelty.unknown("我和我妈来的 门票多少钱", "zh") == ["和", "来"]  # nor are family words
    assert novelty.unknown("How much is a ticket for the planetarium?", "en") == ["planetarium"]
    assert novelty.unknown("what are your opening hours please", "en") == []
    assert novelty.unknown("my mum and two friends are coming tomorrow, what are your opening hours", "en") == []
    assert novelty.unknown("闺女让我问问门票多少钱", "zh") == []
    assert novelty.factor("门票多少钱", "zh") == 1.0 > novelty.factor("动物园门票多少钱", "zh")
    ours = matcher.rank("门票多少钱", "zh")[0]
    theirs = matcher.rank("动物园门票多少钱", "zh")[0]
    assert ours.intent == theirs.intent and theirs.confidence < ours.confidence


def test_context_weights_fade_foreign_followups_and_follow_pointers() -> None:
    from kiosk.dialog.matching import LexicalMatcher, points_back

    matcher = LexicalMatcher(load_pack(MINI_PACK))
    assert points_back("where can I find it?", "en") and points_back("它在哪", "zh") and points_back("그건 어디 있어요", "ko")
    assert not points_back("where is the restroom", "en")
    assert points_back("where do I get one?", "en") and not points_back("which one", "en")
    sims = matcher.similarities("星期六开吗", "zh")
    alone = matcher.context_weights(sims, "星期六开吗", "zh", None)
    assert alone.get("opening-hours.saturday", 1.0) < 1.0  # its topic is neither in context nor named
    sims = {"restroom": 0.5, "ticket-price": 0.4}
    pointing = matcher.context_weights(sims, "where is it", "en", "ticket-price")
    assert pointing["restroom"] < 1.0 and "ticket-price" not in pointing


def test_pointing_back_keeps_the_topics_about_the_same_thing(mini_pack_dir: Path) -> None:
    """"它能退吗" after the ticket price points back to the tickets: the restrooms fade, and the
    refunds fade too until the lexicon makes both topics' titles about 门票 (tickets)."""
    from kiosk.dialog.matching import LexicalMatcher

    sims = {"restroom": 0.5, "ticket-refund": 0.5, "ticket-price": 0.4}
    before = LexicalMatcher(load_pack(mini_pack_dir)).context_weights(sims, "它能退吗", "zh", "ticket-price")
    assert before["ticket-refund"] < 1.0 and before["restroom"] < 1.0
    lexicon = mini_pack_dir / "lexicon.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace(
        "    - [身份证, 身份正, 身分证]\n", "    - [身份证, 身份正, 身分证]\n    - [门票, 票]\n", 1), encoding="utf-8")
    after = LexicalMatcher(load_pack(mini_pack_dir)).context_weights(sims, "它能退吗", "zh", "ticket-price")
    assert "ticket-refund" not in after and after["restroom"] == before["restroom"]


def test_outside_questions_join_the_dont_know_class(mini_pack_dir: Path) -> None:
    (mini_pack_dir / "outside.yaml").write_text("questions:\n  zh: [停车费多少钱]\n  en: [how much is parking]\n",
                                                encoding="utf-8")
    negatives = negatives_for(load_pack(mini_pack_dir))
    assert {(e.lang, e.text, e.intent) for e in negatives} >= {("zh", "停车费多少钱", NONE_INTENT),
                                                                ("en", "how much is parking", NONE_INTENT)}
