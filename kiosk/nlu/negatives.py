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
