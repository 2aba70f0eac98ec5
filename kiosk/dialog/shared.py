"""Shared dialog texts from `dialogs/` (greeting, farewell, fallback, handoff, privacy).

Each file maps a key to texts per language, e.g. ``greeting: {zh: ..., en: ...}``; a file may
also hold ``triggers: {zh: [...], en: [...]}``, the short utterances that start that dialog
(for example "你好" or "thank you"). Placeholders: ``{venue}``, ``{desk}``, ``{hotline}``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk import paths
from kiosk.dialog.text import normalize

log = logging.getLogger(__name__)

# Used only where `dialogs/` lacks a text (a trimmed build, a file being edited).
BUILTIN: dict[str, dict[str, str]] = {
    "greeting": {"zh": "您好，欢迎来到{venue}！有什么可以帮您？", "en": "Hello, welcome to {venue}! How can I help you?",
                 "ko": "안녕하세요, {venue}에 오신 것을 환영합니다! 무엇을 도와드릴까요?"},
    "farewell": {"zh": "再见，祝您愉快！", "en": "Goodbye, have a nice day!", "ko": "안녕히 가세요!"},
    "thanks": {"zh": "不客气，还有什么可以帮您？", "en": "You're welcome. Anything else I can help with?",
               "ko": "천만에요. 더 도와드릴 것이 있을까요?"},
    "records": {"zh": "我这里查不到个人的账户和办理结果。请到{desk}问工作人员，或者拨打{hotline}。",
                "en": "I can't look up personal accounts or application results. Please ask at {desk}, or call {hotline}.",
                "ko": "개인 계좌나 처리 결과는 제가 조회할 수 없어요. {desk}에 물어보시거나 {hotline}으로 전화해 주세요."},
    "which": {"zh": "请问您问的是哪一个？可以说出名称，或者点屏幕上的按钮。",
              "en": "Which one do you mean? Say its name, or tap a button on the screen.",
              "ko": "어느 것을 물어보시는 건가요? 이름을 말씀하시거나 화면의 버튼을 눌러 주세요."},
    "privacy": {"zh": "为保护您的隐私，请不要告诉我证件号码、电话号码等个人信息，我不会记录它们。",
                "en": "To protect your privacy, please don't tell me ID or phone numbers; I don't keep them.",
                "ko": "개인정보 보호를 위해 신분증 번호나 전화번호는 말하지 마세요. 저는 저장하지 않습니다."},
}
BUILTIN_TRIGGERS: dict[str, dict[str, list[str]]] = {
    "greeting": {"zh": ["你好", "您好", "嗨", "哈喽", "在吗"], "en": ["hello", "hi", "hey", "good morning", "good afternoon"],
                 "ko": ["안녕하세요", "안녕"]},
    "thanks": {"zh": ["谢谢", "谢谢你", "多谢", "好的谢谢", "感谢"], "en": ["thanks", "thank you", "thank you very much", "ok thanks"],
               "ko": ["감사합니다", "고마워요", "고맙습니다"]},
    "farewell": {"zh": ["再见", "拜拜", "没有了", "没事了"], "en": ["bye", "goodbye", "see you", "that's all", "nothing else"],
                 "ko": ["안녕히 계세요", "잘 있어요"]},
}
HANDOFF_TRIGGERS = {"zh": ["人工", "转人工", "找工作人员", "找人", "真人"], "en": ["human", "staff member", "talk to a person", "real person"],
                    "ko": ["직원", "사람"]}


@dataclass
class SharedDialogs:
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    triggers: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def text(self, key: str, lang: str, **values: str) -> str:
        table = self.texts.get(key) or BUILTIN.get(key, {})
        template = table.get(lang) or table.get("en") or next(iter(table.values()), "")
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template

    def social_intent(self, utterance: str, lang: str) -> str | None:
        """'greeting', 'thanks', 'farewell' or 'handoff' when the whole utterance is one."""
        norm = normalize(utterance, lang)
        for key, by_lang in self.triggers.items():
            if norm in by_lang.get(lang, set()):
                return key
        for word in HANDOFF_TRIGGERS.get(lang, []):
            if word in norm and len(norm) <= len(word) + (16 if lang == "en" else 8):
                return "handoff"
        return None


def _lang_table(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and value and all(isinstance(k, str) and len(k) <= 3 for k in value):
        out = {k: (v[0] if isinstance(v, list) and v else v) for k, v in value.items()}
        if all(isinstance(v, str) for v in out.values()):
            return out
    return None


def load_shared_dialogs(folder: Path | None = None) -> SharedDialogs:
    folder = folder or paths.dialogs_dir()
    shared = SharedDialogs()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            log.warning("%s: skipped: %s", path.name, exc)
            continue
        if not isinstance(data, dict):
            continue
        direct = _lang_table(data)
        if direct:
            shared.texts.setdefault(path.stem, direct)
            continue
        for key, value in data.items():
            if key == "triggers" and isinstance(value, dict):
                shared.triggers[path.stem] = {k: {normalize(str(t), k) for t in (v or [])} for k, v in value.items()}
            elif (table := _lang_table(value)) is not None:
                shared.texts.setdefault(str(key), table)
                shared.texts.setdefault(path.stem, table)
    for key, by_lang in BUILTIN_TRIGGERS.items():
        if key not in shared.triggers:
            shared.triggers[key] = {k: {normalize(t, k) for t in v} for k, v in by_lang.items()}
    return shared
