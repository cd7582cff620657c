"""Validation and masking of personal identifiers."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from shared_kit.codes import is_region_code
from shared_kit.i18n import Text, localize, t

IdKind = Literal["resident_id", "passport", "hmt_permit", "foreign_residence_permit"]
# The kinds as a message names them.
ID_KINDS = {
    "resident_id": "居民身份证",
    "passport": "护照",
    "hmt_permit": "港澳台居民通行证",
    "foreign_residence_permit": "外国人居留证",
}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_DOCUMENT = re.compile(r"^[A-Z0-9]{5,20}$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")
_INTERNATIONAL = re.compile(r"^\+[0-9]{7,15}$")


def resident_id_problem(value: str) -> Text | None:
    """Why ``value`` is not a valid 18-character resident ID (GB 11643-1999), or None."""
    if len(value) != 18 or not value[:17].isdigit():
        return t(
            "居民身份证号码应为 17 位数字加 1 位校验码",
            "a resident ID number has 17 digits and a check character",
        )
    if not is_region_code(value[:6]):
        return t(
            "前 6 位应为 GB/T 2260 行政区划代码",
            "the first six digits must be a GB/T 2260 region code",
        )
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return t("第 7–14 位应为有效的出生日期", "digits 7-14 must be a valid birth date")
    if born > date.today() or born.year < 1900:
        return t("出生日期不合理", "the birth date is not plausible")
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    expected = _ID_CHECK[total % 11]
    if value[17] != expected:
        return t(
            f"校验码应为 {expected}，实际为 {value[17]}",
            f"check character is {value[17]}, expected {expected}",
        )
    return None


def normalise_id_number(kind: str, value: str) -> str:
    value = value.strip().upper()
    problem = (
        resident_id_problem(value)
        if kind == "resident_id"
        else (
            None
            if _DOCUMENT.match(value)
            else t("应为 5–20 位字母或数字", "5-20 letters or digits")
        )
    )
    if problem:
        raise ValueError(
            t(
                f"{ID_KINDS.get(kind, kind)}号码无效：{problem}",
                f"invalid {kind} number: {localize(problem, 'en')}",
            )
        )
    return value


def normalise_phone(value: str) -> str:
    value = re.sub(r"[\s()]", "", value)
    if not (_MOBILE.match(value) or _LANDLINE.match(value) or _INTERNATIONAL.match(value)):
        raise ValueError(
            t(
                "电话须为 11 位手机号、0xx-xxxxxxxx 固定电话或 +国家代码号码",
                "a phone is an 11-digit mobile, 0xx-xxxxxxxx landline or +country number",
            )
        )
    return value


def mask(value: str, keep_start: int, keep_end: int) -> str:
    """Keep the ends, star the middle; length is preserved. Short values keep less."""
    while keep_start + keep_end >= len(value) and (keep_start or keep_end):
        keep_start, keep_end = max(keep_start - 1, 0), max(keep_end - 1, 0)
    return (
        value[:keep_start]
        + "*" * (len(value) - keep_start - keep_end)
        + value[len(value) - keep_end :]
    )


def mask_id_number(value: str) -> str:
    """4501**********1234: region prefix and last four stay, the birth date never shows."""
    return mask(value, 4, 4) if len(value) >= 12 else mask(value, 1, 2)


def mask_phone(value: str) -> str:
    """138****5678."""
    return mask(value, 3, 4)
