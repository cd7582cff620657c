"""The language of messages: Chinese unless the request prefers English."""

from __future__ import annotations

import orjson
import pytest
from starlette.responses import Response

from shared_kit.errors import FieldError, problem_response
from shared_kit.i18n import Language, localize, negotiate, t


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh"),
        ("", "zh"),
        ("*", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en;q=0.5,zh-CN;q=0.9", "zh"),
        ("fr,en;q=0.4", "en"),
        ("en;q=0", "zh"),
        ("en;q=abc", "zh"),
        ("de", "zh"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_text_is_chinese_str_with_english_twin() -> None:
    text = t("合同不存在", "contract not found")
    assert text == "合同不存在"
    assert localize(text, "en") == "contract not found"
    assert localize(text, "zh") == "合同不存在"
    assert localize("原样", "en") == "原样"


def _problem(language: Language) -> Response:
    return problem_response(
        422,
        "validation_error",
        t("输入有误", "Invalid input"),
        detail=t("第 3 行有误", "row 3 is invalid"),
        errors=[FieldError(field="金额", code="invalid", message=t("不是数字", "not a number"))],
        language=language,
    )


def test_problem_words_title_detail_and_row_messages_per_language() -> None:
    zh, en = _problem("zh"), _problem("en")
    zh_body, en_body = orjson.loads(zh.body), orjson.loads(en.body)
    assert (zh_body["title"], zh_body["detail"], zh_body["errors"][0]["message"]) == (
        "输入有误",
        "第 3 行有误",
        "不是数字",
    )
    assert (en_body["title"], en_body["detail"], en_body["errors"][0]["message"]) == (
        "Invalid input",
        "row 3 is invalid",
        "not a number",
    )
    assert zh_body["code"] == en_body["code"] == "validation_error"
    assert zh.headers["content-language"] == "zh-CN"
    assert en.headers["content-language"] == "en"
