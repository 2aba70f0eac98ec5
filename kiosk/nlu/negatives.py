"""Generic questions no venue pack answers: the "I don't know" class of the intent model.

Written for this project (not taken from any dev set). At training time any of them that the
pack's own lexical matcher finds close to a pack topic is left out, so a venue that does answer,
say, the weather is never taught to refuse it.
"""
from __future__ import annotations

GENERIC = {
    "zh": [
        "今天天气怎么样", "明天会下雨吗", "给我讲个笑话", "你喜欢吃什么", "你是男的还是女的", "你多大了",
        "股票今天涨了吗", "比特币多少钱一个", "帮我写一篇作文", "一加一等于几", "红烧肉怎么做", "推荐一部电影",
        "世界杯谁赢了", "唱首歌听听", "你会跳舞吗", "我失恋了怎么办", "怎么减肥最快", "房价还会涨吗",
        "帮我翻译一句话", "月亮离地球多远", "恐龙是怎么灭绝的", "量子力学是什么", "手机没电了怎么办",
        "我的猫不吃饭", "怎么学好英语", "最近有什么新闻", "你觉得我好看吗", "帮我订一张机票", "高考几号开始",
        "彩票中奖号码是多少", "附近哪个小区房子便宜", "我的快递到哪了", "怎么炒股赚钱", "打游戏用什么电脑好",
        "明星八卦", "你能借我点钱吗", "我老公不理我", "孩子不爱写作业怎么办", "感冒了吃什么药好",
        "给我算算命", "下周六是几号", "现在美元汇率多少", "帮我点个外卖", "哪个牌子的车好", "你叫什么名字啊",
        "宇宙有多大", "怎么养多肉", "火锅底料怎么炒", "周杰伦的新歌", "篮球比赛几点直播",
    ],
    "en": [
        "what's the weather like tomorrow", "tell me a joke", "do you like pizza", "how old are you",
        "what is the stock price of apple", "how much is a bitcoin", "write my essay for me", "what is two plus two",
        "how do i cook pasta", "recommend a good movie", "who won the world cup", "sing me a song", "can you dance",
        "my girlfriend left me", "how can i lose weight fast", "will house prices go up", "translate this sentence",
        "how far is the moon", "why did the dinosaurs die out", "explain quantum physics", "my phone battery is dead",
        "my cat won't eat", "how do i learn french", "what's in the news today", "am i pretty",
        "book me a flight to paris", "what are the lottery numbers", "where is my parcel", "how do i get rich",
        "which laptop is best for gaming", "lend me some money", "what medicine should i take for a cold",
        "tell my fortune", "what's the dollar exchange rate", "order me a takeaway", "which car brand is best",
        "what's your favourite colour", "how big is the universe", "how do i grow tomatoes", "play some music",
        "who is the president of france", "what's the capital of australia", "do you have a boyfriend",
        "what time is the football match on tv", "can you do my homework", "is it going to snow",
        "how many calories in a banana", "what is the meaning of life", "are you a robot", "teach me chess",
    ],
    "ko": [
        "내일 날씨 어때요", "농담 하나 해 주세요", "피자 좋아해요", "몇 살이에요", "주식 올랐어요",
        "비트코인 얼마예요", "숙제 좀 해 주세요", "일 더하기 일은 뭐예요", "김치찌개 어떻게 만들어요",
        "영화 추천해 주세요", "월드컵 누가 이겼어요", "노래 불러 주세요", "살 빨리 빼는 법", "집값 오를까요",
        "달까지 얼마나 멀어요", "휴대폰 배터리가 없어요", "고양이가 밥을 안 먹어요", "영어 공부 어떻게 해요",
        "오늘 뉴스 뭐 있어요", "비행기 표 예약해 주세요", "로또 번호 알려 주세요", "택배 어디쯤 왔어요",
        "감기약 뭐 먹어요", "환율 얼마예요", "음악 틀어 주세요", "로봇이에요", "인생의 의미가 뭐예요",
    ],
}

# Near-domain questions: the shape of a venue question about somewhere or something else
# ("<another place> opening hours", "how do I get <a document this venue does not issue>").
# Generic questions alone teach the model that any ticket or opening-hours question is ours.
# Written for this project; a test keeps every entity here out of the dev sets.
OTHER_PLACES = {
    "zh": ["动物园", "植物园", "科技馆", "海洋馆", "游乐场", "天文馆", "体育中心", "电影院", "大剧院", "人民公园",
           "欢乐谷", "迪士尼", "兵马俑", "长城", "西湖", "黄山", "水族馆", "商场", "超市", "邮局",
           "幼儿园", "青少年宫", "美术学院", "音乐厅"],
    "en": ["the zoo", "the botanical garden", "the science center", "the aquarium", "the theme park",
           "the planetarium", "the stadium", "the cinema", "the opera house", "the city park", "disneyland",
           "the great wall", "the shopping mall", "the supermarket", "the post office",
           "the british museum", "the concert hall", "the ski resort", "the water park"],
    "ko": ["동물원", "식물원", "과학관", "수족관", "놀이공원", "영화관", "백화점", "우체국", "야구장"],
}
OTHER_DOCUMENTS = {
    "zh": ["准生证", "健康证", "教师资格证", "毕业证", "学历认证", "无犯罪记录证明", "导游证",
           "律师执照", "烟草专卖许可证", "持枪证", "献血证", "公交卡", "手机卡", "游泳卡", "钓鱼证", "船员证",
           "厨师证"],
    "en": ["birth certificate", "health certificate", "teaching licence", "diploma", "criminal record check",
           "tour guide licence", "gun licence", "bus pass", "sim card", "building permit", "hunting permit",
           "boat licence", "tv licence", "gym membership", "dog tag"],
    "ko": ["출생증명서", "건강진단서", "교통카드", "졸업증명서", "사냥 면허"],
}
PLACE_FRAMES = {
    "zh": ["{}几点开门", "{}几点关门", "{}门票多少钱", "{}怎么走", "去{}怎么走", "{}在哪里", "{}今天开吗",
           "{}要预约吗", "{}周一开放吗", "{}能停车吗", "{}有什么好玩的", "{}的电话是多少", "坐地铁去{}",
           "{}学生票多少钱", "{}可以带狗吗"],
    "en": ["what time does {} open", "when does {} close", "how much is a ticket for {}", "how do i get to {}",
           "where is {}", "is {} open today", "do i need to book for {}", "is {} open on mondays",
           "what's the phone number of {}", "can i park at {}", "is {} free for students"],
    "ko": ["{} 몇 시에 열어요", "{} 입장료 얼마예요", "{} 어떻게 가요", "{} 어디에 있어요", "{} 오늘 문 열어요"],
}
DOCUMENT_FRAMES = {  # issuing and renewing only: "I lost my bus pass" is a lost-and-found question
    "zh": ["{}怎么办", "{}怎么办理", "{}在哪办", "{}过期了怎么换", "办{}要带什么材料", "{}多久能拿到",
           "办{}要多少钱", "{}能在这办吗", "{}在哪个窗口办"],
    "en": ["how do i get a {}", "where do i renew my {}", "what do i need for a {}", "how long does a {} take",
           "can i get a {} here", "how much is a {}"],
    "ko": ["{} 어떻게 만들어요", "{} 어디서 발급해요", "{} 갱신은 어디서 해요"],
}


def near_domain(lang: str, pack_text: str) -> list[str]:
    """Questions shaped like the pack's about places and documents the pack never mentions."""
    out = []
    for entities, frames in ((OTHER_PLACES, PLACE_FRAMES), (OTHER_DOCUMENTS, DOCUMENT_FRAMES)):
        for entity in entities.get(lang, []):
            if _mentions(pack_text, entity, lang):
                continue
            out += [frame.format(entity) for frame in frames.get(lang, [])]
    return out


def _mentions(pack_text: str, entity: str, lang: str) -> bool:
    """Whether the pack's text names ``entity`` (its head word for English: "the zoo" -> "zoo")."""
    if lang == "en":
        words = [w for w in entity.lower().split() if w not in ("the", "a", "an")]
        return any(f" {w} " in pack_text or f" {w}s " in pack_text for w in words[-1:])
    return entity.lower() in pack_text
