"""Language of the platform's messages: Simplified Chinese first, English on request.

The people who read the answers are department officials, city bureau clerks and bank
integrators, so every message a user can see is written in Chinese, with an English
twin for integrators who ask for it with ``Accept-Language: en``. Codes never change
with the language; only ``title``, ``detail`` and field/row ``message`` do.

A message is a :class:`Text`: a ``str`` whose value is the Chinese wording and which
carries the English one in ``.en``. Being a ``str``, it goes wherever a message went
before (exception arguments, f-strings stay the caller's job), and :func:`localize`
picks the wording when the answer is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Final, Literal

Language = Literal["zh", "en"]
DEFAULT_LANGUAGE: Final[Language] = "zh"
# The Content-Language each answer declares.
CONTENT_LANGUAGE: Final[dict[Language, str]] = {"zh": "zh-CN", "en": "en"}

# The language of the request being served; set by the request middleware, read by the
# problem writer. Code outside a request (CLI, tests) gets Chinese.
language_var: ContextVar[Language] = ContextVar("language", default=DEFAULT_LANGUAGE)


class Text(str):
    """A user-facing message: Chinese as the string's value, English in ``en``."""

    en: str

    def __new__(cls, zh: str, en: str) -> Text:
        text = super().__new__(cls, zh)
        text.en = en
        return text

    def __reduce__(self) -> tuple[type[Text], tuple[str, str]]:
        return (Text, (str(self), self.en))


def t(zh: str, en: str) -> Text:
    """A bilingual message: ``t(f"合同 {no} 不存在", f"contract {no} does not exist")``."""
    return Text(zh, en)


# The services by their Chinese names, for messages that name one (an outage, a lock);
# the dashboard's words.js names them the same way.
SERVICE_NAMES: Final[dict[str, str]] = {
    "projects": "项目管理服务",
    "enterprise": "企业服务",
    "talent": "人才服务",
    "transfer": "成果转化服务",
    "reporting": "报告服务",
    "gateway": "网关",
}


def service_label(service: str) -> str:
    """A service as a Chinese message names it: ``人才服务（talent）``."""
    name = SERVICE_NAMES.get(service)
    return f"{name}（{service}）" if name else f"{service} 服务"


def one_of(values: Iterable[str]) -> Text:
    """The message for a value outside a closed list: ``应为以下取值之一：a、b``."""
    listed = list(values)
    return t(f"应为以下取值之一：{'、'.join(listed)}", f"one of {', '.join(listed)}")


def localize(message: str | None, language: Language | None = None) -> str | None:
    """The wording of ``message`` in ``language`` (the request's when not given).

    A plain ``str`` is returned as written: it is either already Chinese or a value
    (a code, a file's own header) that has no translation.
    """
    if message is None:
        return None
    lang = language or language_var.get()
    if lang == "en" and isinstance(message, Text):
        return message.en
    return str(message)


def negotiate(accept_language: str | None) -> Language:
    """The answer's language for an ``Accept-Language`` header (RFC 9110 §12.5.4).

    English only when an English range has the highest weight of the ranges the
    platform speaks; anything else (absent, ``*``, ``zh-CN``, unknown) is Chinese.
    """
    if not accept_language:
        return DEFAULT_LANGUAGE
    best: tuple[float, int, Language] | None = None
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip().lower()
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight <= 0:
            continue
        lang: Language | None = None
        if tag == "en" or tag.startswith("en-"):
            lang = "en"
        elif tag == "zh" or tag.startswith("zh-"):
            lang = "zh"
        if lang is None:
            continue
        # Highest weight wins; among equals, the earlier range.
        key = (weight, -position, lang)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else DEFAULT_LANGUAGE
