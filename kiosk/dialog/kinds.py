"""Kinds of follow-up ("where", "price", "fee"...) and the words their answers share.

A pack gives follow-ups of the same kind the same short id in every topic. The answers of one
kind share a few words that the pack's other answers seldom use: 元 or "yuan" for a fee, 工作日
or "working days" for how long. An answer holding one of them carries that kind of fact ("工本费
40元" answers "要多少钱"). A kind whose answers share no such word (places are named everywhere)
marks nothing, and no answer is taken to carry it.
"""
from __future__ import annotations

import re
from collections import Counter

from kiosk.pack.model import VenuePack

IN_KIND = 0.5  # a word in at least this share of one kind's answers,
ELSEWHERE = 0.25  # and in less than this share of the pack's other answers, marks that kind
HELD_WORDING = 0.8  # one answer holds another with every number and this share of its character pairs


# Words that ask one kind of detail, in general language (no pack's), by the follow-up ids packs give
# that kind: "铜鼎在哪" asks the bronze ding's `where`, "去澳门那个通行证要多少钱" the permit's `fee`.
# "青白釉那个碗是从哪儿弄来的" asks where it came from, not where it is.
ASKING_WORDS: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {
    ("where",): {"zh": ("在哪", "哪里", "哪儿", "几楼", "哪个厅", "哪层", "放哪"), "en": (r"\bwhere\b",),
                 "ko": ("어디", "몇 층", "몇 호실", "몇 관")},
    ("price", "fee"): {"zh": ("多少钱", "要钱", "收费", "收钱", "免费", "几块", "花钱", "交钱", "付钱", "掏钱", "费用",
                              "价钱", "贵不贵"),
                       "en": (r"\bhow much\b", r"\bcost", r"\bfree\b", r"\bfees?\b", r"\bcharge", r"\bprice",
                              r"\bpay\b"),
                       "ko": ("얼마", "무료", "유료", "요금", "돈 내")},
    ("size", "height"): {"zh": ("多大", "多长", "多高", "多宽", "尺寸", "大小"),
                         "en": (r"\bhow (?:big|tall|high|wide|large)\b", r"\bsize\b", r"\bdimensions\b"),
                         "ko": ("크기", "얼마나 커", "얼마나 큰", "얼마나 큽", "얼마나 높", "높이", "길이",
                                "얼마나 길")},
    ("capacity",): {"zh": ("多少人", "几个人", "几人", "人数"),
                    "en": (r"\bhow many (?:people|of us|visitors|persons)\b", r"\bgroup size\b"),
                    "ko": ("몇 명", "인원")},
    ("documents",): {"zh": ("带什么", "带啥", "带哪些", "什么材料", "啥材料", "哪些材料", "要什么证件",
                            "要啥证件"),
                     "en": (r"\bwhat (?:do (?:i|we) need to |should (?:i|we) |to )bring\b", r"\bdocuments\b",
                            r"\bpaperwork\b"),
                     "ko": ("뭐 가져", "뭘 가져", "서류", "준비물")},
    ("artist",): {"zh": ("谁画", "谁写", "谁做的", "作者是", "哪位画家"),
                  "en": (r"\bwho (?:painted|made|drew)\b", r"\bartist\b"), "ko": ("누가 그", "작가", "화가")},
    ("touch",): {"zh": ("摸",), "en": (r"\btouch",), "ko": ("만져", "만지")},
    ("deposit",): {"zh": ("押金", "押什么", "押啥"), "en": (r"\bdeposit\b",), "ko": ("보증금",)},
    ("last-entry",): {"zh": ("最晚几点进", "最晚几点入", "几点停止入场", "最后入场", "几点前进"),
                      "en": (r"\blast (?:entry|admission)\b", r"\blatest (?:i|we|you) can (?:get in|enter|go in)\b"),
                      "ko": ("입장 마감", "몇 시까지 들어", "몇 시까지 입장")},
    ("booking",): {"zh": ("预约", "提前约", "要约", "得约", "先约", "约吗", "约不"),
                   "en": (r"\bbook(?:ing)?\b", r"\bappointment", r"\breserv"), "ko": ("예약",)},
    ("saturday", "weekend"): {"zh": ("周六", "星期六", "礼拜六", "周末", "双休日"),
                              "en": (r"\bsaturdays?\b", r"\bweekends?\b"), "ko": ("토요일", "주말")},
    ("when",): {"zh": ("什么时候", "啥时候", "几月份", "挂出来", "展出来", "展出了没", "在展吗"), "en": (r"\bwhen\b",), "ko": ("언제",)},
    ("age", "year"): {"zh": ("哪个朝代", "什么朝代", "哪朝", "什么年代", "哪个年代", "多少年了", "有多老", "哪个皇帝"),
               "en": (r"\bhow old\b", r"\b(?:what|which) (?:dynasty|period|century|era)\b", r"\bage\b"),
               "ko": ("어느 시대", "어느 왕조", "몇 살", "얼마나 오래된", "몇 년 됐")},
    ("how-long", "duration"): {"zh": ("多久", "多长时间", "几天", "几个工作日", "多少天", "几分钟", "多少分钟"),
                               "en": (r"\bhow long\b", r"\bhow many (?:working )?days\b", r"\bhow many minutes\b"),
                               "ko": ("얼마나 걸려", "며칠", "몇 분", "얼마 동안")},
}
NOT_ASKING: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {
    ("where",): {"zh": ("从哪",), "en": (r"\bfrom where\b", r"\bwhere\b.*\bfrom\W*$")},
    # "免费讲解几点", "is there a free tour", "무료 해설": "free" names the thing, it does not ask its price
    ("price", "fee"): {"zh": (r"免费(?:的)?(?![的吗不嘛么呢啊吧呀参进入看停拍用领办坐借寄])[\u4e00-\u9fff]",
                              r"不(?:花钱|要钱|收钱|收费)的(?![吗不嘛么呢啊吧呀])[\u4e00-\u9fff]",
                              r"有(?:没有)?(?:免费|不花钱|不要钱|不收钱|不收费)"),
                       "en": (r"\bfree (?!of\b|to\b|for\b|or\b|entry\b|admission\b|entrance\b)[a-z]",),
                       "ko": (r"무료 [가-힣]", "얼마나")},  # 얼마나: "how" (얼마나 커요, 얼마나 걸려요), not 얼마 "how much"
}


# Days of the week named in an answer: "婚姻登记处周一到周五办公" tells which days the office works.
DAY_WORDS = {"zh": r"(?:周|星期|礼拜)[一二三四五六日天末]", "en": r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekends?\b",
             "ko": r"[월화수목금토일]요일|주말"}


def names_days(text: str, lang: str) -> bool:
    """Whether ``text`` names a day of the week (see DAY_WORDS)."""
    pattern = DAY_WORDS.get(lang)
    return bool(pattern and re.search(pattern, text.lower()))


# Words that point back to the place of what was just said, by what they point to: "那个厅里还有别的啥"
# after the old town model is its hall, "what else is on that floor?" after the tapestry is its floor.
THAT_PLACE: dict[str, dict[str, tuple[str, ...]]] = {
    "hall": {"zh": ("那个厅", "这个厅", "那个展厅", "这个展厅", "那厅", "同一个厅", "同一个展厅"),
             "en": (r"\b(?:that|the same) (?:hall|room|gallery)\b",), "ko": ("그 전시실", "그 방", "같은 전시실")},
    "floor": {"zh": ("那层", "那一层", "这一层", "那个楼层", "同一层", "那层楼", "这层楼"),
              "en": (r"\b(?:that|the same) (?:floor|level)\b",), "ko": ("그 층", "같은 층")},
}


def place_pointed_back(text: str, lang: str) -> str | None:
    """"hall" or "floor" when ``text`` points back to the hall or floor of what was just said (THAT_PLACE)."""
    low = text.lower()
    return next((what for what, words in THAT_PLACE.items() if any(re.search(w, low) for w in words.get(lang, ()))),
                None)


def asked_kinds(text: str, lang: str) -> list[tuple[str, ...]]:
    """The kinds of detail ``text`` asks (see ASKING_WORDS), each as the follow-up ids of that kind;
    words that only look like asking (NOT_ASKING: "从哪", "免费讲解") are read past."""
    low = text.lower()
    asked = []
    for kind, words in ASKING_WORDS.items():
        rest = low
        for w in NOT_ASKING.get(kind, {}).get(lang, ()):
            rest = re.sub(w, " ", rest)
        if any(re.search(w, rest) for w in words.get(lang, ())):
            asked.append(kind)
    return asked


def answer_words(text: str) -> set[str]:
    """Words of an answer: single CJK or Hangul characters, whole Latin words, any number as '#'."""
    flat = re.sub(r"\d+(?:[.,:]\d+)*", " # ", text.lower())
    return set(re.findall(r"#|[a-z']+|[^\W\d_a-z]", flat))


def answer_holds(given: str, wanted: str) -> bool:
    """Whether answer text ``given`` holds answer text ``wanted``: every number of it and at least
    HELD_WORDING of its wording (character pairs), so a visitor told ``given`` heard ``wanted``."""
    pairs = _pairs(wanted)
    if not given or len(pairs) < 4 or not set(re.findall(r"\d+", wanted)) <= set(re.findall(r"\d+", given)):
        return False
    return len(pairs & _pairs(given)) >= HELD_WORDING * len(pairs)


def _pairs(text: str) -> set[str]:
    flat = re.sub(r"[\W_]+", "", text.lower())
    return {flat[i:i + 2] for i in range(len(flat) - 1)}


class KindWords:
    """The marking words of each follow-up kind per language, and the kinds of detail each topic's own
    questions ask, worked out once per pack."""

    def __init__(self, pack: VenuePack) -> None:
        self.pack = pack
        self._cache: dict[tuple[str, str], set[str]] = {}
        self._asking: dict[tuple[str, str], set[tuple[str, ...]]] = {}  # (topic id, lang) -> kinds its questions ask

    def of(self, kind: str, lang: str) -> set[str]:
        key = (kind, lang)
        if key not in self._cache:
            self._cache[key] = self._work_out(kind, lang)
        return self._cache[key]

    def asked_by_topic(self, topic_id: str, lang: str) -> set[tuple[str, ...]]:
        """The kinds of detail (see ASKING_WORDS) that the topic's own example questions ask alone (a
        question that asks several is the topic's by the pack guide's rule, whatever its answer tells)."""
        key = (topic_id, lang)
        if key not in self._asking:
            topic = self.pack.topic(topic_id)
            questions = topic.questions.get(lang, []) if topic is not None else []
            asked = [asked_kinds(q, lang) for q in questions]
            self._asking[key] = {kinds[0] for kinds in asked if len(kinds) == 1}
        return self._asking[key]

    def carried_by(self, answer: str, kind: str, lang: str) -> bool:
        """Whether ``answer`` holds a fact of that kind (one of the kind's marking words)."""
        return bool(self.of(kind, lang) & answer_words(answer))

    def _work_out(self, kind: str, lang: str) -> set[str]:
        of_kind: list[set[str]] = []
        others: list[set[str]] = []
        for topic in self.pack.topics:
            for text, is_kind in [(topic.answer.get(lang, ""), False)] + [
                    (f.answer.get(lang, ""), f.id.split(".", 1)[1] == kind) for f in topic.followups]:
                if text:
                    (of_kind if is_kind else others).append(answer_words(text))
        if len(of_kind) < 2:
            return set()
        in_kind = Counter(w for words in of_kind for w in words)
        elsewhere = Counter(w for words in others for w in words)
        return {w for w, n in in_kind.items()
                if n >= IN_KIND * len(of_kind) and elsewhere[w] < ELSEWHERE * max(1, len(others))}
