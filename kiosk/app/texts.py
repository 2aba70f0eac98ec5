"""Interface wording of the kiosk screen in each language (content wording comes from the pack)."""
from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "lang_name": {"zh": "中文", "en": "English", "ko": "한국어"},
    "elderly": {"zh": "大字模式", "en": "Large text", "ko": "큰 글씨"},
    "ask_hint": {"zh": "在这里输入您的问题…", "en": "Type your question here…", "ko": "여기에 질문을 입력하세요…"},
    "ask": {"zh": "提问", "en": "Ask", "ko": "질문"},
    "keyboard": {"zh": "⌨ 键盘", "en": "⌨ Keyboard", "ko": "⌨ 키보드"},
    "back": {"zh": "‹ 返回全部问题", "en": "‹ All questions", "ko": "‹ 모든 질문"},
    "try_asking": {"zh": "您可以问我：", "en": "You can ask me:", "ko": "이렇게 물어보세요:"},
    "touch_start": {"zh": "请说话，或点击下面的问题", "en": "Just speak, or tap a question below",
                    "ko": "말씀하시거나 아래 질문을 누르세요"},
    "you_said": {"zh": "您说：", "en": "You: ", "ko": "말씀: "},
    "qr_caption": {"zh": "扫码带走答案", "en": "Scan to take it with you", "ko": "스캔해서 가져가세요"},
    "related": {"zh": "相关问题", "en": "Related questions", "ko": "관련 질문"},
    "choose": {"zh": "请选择：", "en": "Please choose:", "ko": "선택하세요:"},
    "maybe": {"zh": "您是不是想问：", "en": "Did you mean:", "ko": "혹시 이것을 물어보셨나요?"},
    "listening": {"zh": "正在听…", "en": "Listening…", "ko": "듣는 중…"},
    "thinking": {"zh": "正在想…", "en": "Thinking…", "ko": "생각 중…"},
    "mic": {"zh": "麦克风", "en": "Mic", "ko": "마이크"},
    "camera": {"zh": "摄像头", "en": "Camera", "ko": "카메라"},
    "map": {"zh": "路线", "en": "Route", "ko": "길 안내"},
}


def ui(key: str, lang: str) -> str:
    table = UI[key]
    return table.get(lang) or table["en"]
