"""Pydantic's validation errors worded in Chinese, with pydantic's own English as the twin.

Pydantic writes its messages in English only. Each error carries a stable ``type``
and the numbers of its rule in ``ctx``, so the Chinese wording is a template per type
filled from ``ctx``; the English stays pydantic's ``msg``. A validator of ours that
raises ``ValueError(t(...))`` already speaks both languages: its message is used as is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from shared_kit.i18n import Text, t

# Chinese templates by pydantic error type; ``{name}`` is filled from the error's ctx.
_ZH: Final[dict[str, str]] = {
    "missing": "必填字段，不能缺少",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "请求体不是有效的 JSON",
    "json_type": "应为 JSON 字符串",
    "string_type": "应为字符串",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符合要求（{pattern}）",
    "string_unicode": "应为有效的 Unicode 字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_parsing_size": "整数超出范围",
    "int_from_float": "应为整数，不能带小数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_type": "应为数字（十进制字符串）",
    "decimal_parsing": "应为数字（十进制字符串）",
    "decimal_not_finite": "应为有限的数字",
    "decimal_max_digits": "数字最多 {max_digits} 位",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_whole_digits": "整数部分最多 {whole_digits} 位",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的整数倍",
    "bool_type": "应为布尔值（true 或 false）",
    "bool_parsing": "应为布尔值（true 或 false）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不能带时间",
    "date_past": "日期应早于今天",
    "date_future": "日期应晚于今天",
    "datetime_type": "应为日期时间（ISO 8601）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "datetime_object_invalid": "应为日期时间（ISO 8601）",
    "timezone_aware": "日期时间须带时区",
    "time_type": "应为时间（HH:MM:SS）",
    "time_parsing": "应为时间（HH:MM:SS）",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID",
    "uuid_version": "UUID 版本不符",
    "enum": "应为以下取值之一：{expected}",
    "literal_error": "应为以下取值之一：{expected}",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为不重复的列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "dataclass_type": "应为对象",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "none_required": "应为 null",
    "bytes_type": "应为字节串",
    "url_type": "应为网址",
    "url_parsing": "应为有效的网址",
    "url_scheme": "网址协议应为 {expected_schemes}",
    "value_error": "取值无效：{error}",
    "assertion_error": "取值无效：{error}",
    "union_tag_invalid": "类型标记应为以下之一：{expected_tags}",
    "union_tag_not_found": "缺少类型标记字段 {discriminator}",
    "frozen_field": "该字段不能修改",
    "frozen_instance": "该对象不能修改",
    "is_instance_of": "类型不符",
    "callable_type": "类型不符",
    "recursion_loop": "数据嵌套循环",
    "no_such_attribute": "没有这个属性",
}
# English for our own PydanticCustomError types whose message template is Chinese.
_EN_CUSTOM: Final[dict[str, str]] = {
    "blank_text": "{field} may not be blank",
}
_VALUE_ERROR_PREFIX = re.compile(r"^(Value|Assertion) error, ")


def _expected(value: str) -> str:
    """Pydantic's ``'a', 'b' or 'c'`` listed the Chinese way: ``'a'、'b'、'c'``."""
    return value.replace(" or ", "、").replace(", ", "、")


def _fill(template: str, ctx: Mapping[str, Any]) -> str:
    values = {k: _expected(str(v)) if k == "expected" else str(v) for k, v in ctx.items()}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        return template.split("{", 1)[0].rstrip("：（ ") or template


def pydantic_message(error: Mapping[str, Any]) -> Text:
    """The bilingual message of one pydantic error (an item of ``ValidationError.errors()``)."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    msg = str(error.get("msg", ""))
    cause = ctx.get("error")
    if isinstance(cause, BaseException) and cause.args and isinstance(cause.args[0], Text):
        return cause.args[0]  # our validator's own bilingual message
    if isinstance(cause, Text):
        return cause
    english = _VALUE_ERROR_PREFIX.sub("", msg) or kind
    if kind in _EN_CUSTOM:
        return t(msg, _fill(_EN_CUSTOM[kind], ctx))
    template = _ZH.get(kind)
    if template is None:
        # A type without a template: Chinese that says so plainly, never English alone.
        return t(f"取值无效（{kind}）" if kind else "取值无效", english)
    return t(_fill(template, ctx), english)
