"""Validated national codes used across services: USCC (GB 32100-2015) and GB/T 2260 regions.

These are format standards, like an e-mail validator, not business rules.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

from shared_kit.i18n import Text, t

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

DEFAULT_REGION = "450000"
GUANGXI_CITIES: dict[str, str] = {
    "450100": "南宁市",
    "450200": "柳州市",
    "450300": "桂林市",
    "450400": "梧州市",
    "450500": "北海市",
    "450600": "防城港市",
    "450700": "钦州市",
    "450800": "贵港市",
    "450900": "玉林市",
    "451000": "百色市",
    "451100": "贺州市",
    "451200": "河池市",
    "451300": "来宾市",
    "451400": "崇左市",
}
_CITY_BY_NAME = {name: code for code, name in GUANGXI_CITIES.items()} | {
    name.removesuffix("市"): code for code, name in GUANGXI_CITIES.items()
}


def city_code_of(written: str) -> str:
    """The code of a city an uploaded sheet names (南宁市 or 南宁); anything else as given."""
    return _CITY_BY_NAME.get(written.strip(), written)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    check = 31 - total % 31
    return USCC_CHARSET[0 if check == 31 else check]


def uscc_problem(value: str) -> Text | None:
    """Why ``value`` is not a valid USCC (a whole sentence), or None when it is."""
    if len(value) != 18:
        return t(
            f"统一社会信用代码应为 18 位，实际为 {len(value)} 位",
            f"invalid USCC: a USCC has 18 characters, not {len(value)}",
        )
    bad = sorted({c for c in value if c not in _USCC_VALUE})
    if bad:
        chars = "".join(bad)
        return t(
            f"统一社会信用代码含有不允许的字符：{chars}（不使用 I、O、S、V、Z）",
            f"invalid USCC: characters not allowed: {chars} (I, O, S, V, Z are never used)",
        )
    if not value[2:8].isdigit():
        return t(
            "统一社会信用代码第 3–8 位应为登记管理机关的 6 位行政区划代码",
            "invalid USCC: positions 3-8 must be the registering authority's 6-digit region code",
        )
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        return t(
            f"统一社会信用代码校验位应为 {expected}，实际为 {value[17]}",
            f"invalid USCC: check digit is {value[17]}, expected {expected}",
        )
    return None


def is_valid_uscc(value: str) -> bool:
    return uscc_problem(value) is None


def _uscc(value: str) -> str:
    value = value.strip().upper()
    problem = uscc_problem(value)
    if problem:
        raise ValueError(problem)
    return value


# The documented shapes (OpenAPI) state the format; the validators also check what a
# pattern cannot (the USCC check digit) and give a helpful message.
_USCC_CHAR = "[0-9A-HJ-NP-RTUWXY]"
USCC_SCHEMA = WithJsonSchema(
    {
        "type": "string",
        "pattern": f"^{_USCC_CHAR}{{2}}[0-9]{{6}}{_USCC_CHAR}{{10}}$",
        "description": "unified social credit code (GB 32100-2015), check digit included",
        "examples": ["91450100MA5K00012J"],
    }
)
Uscc = Annotated[str, AfterValidator(_uscc), USCC_SCHEMA]
"""A unified social credit code whose check digit holds."""


def is_region_code(value: str) -> bool:
    return len(value) == 6 and value.isdigit() and value[:2] != "00"


def city_of(code: str) -> str:
    """The prefecture-level city of a GB/T 2260 code (a county maps to its city)."""
    return code[:4] + "00"


def in_region(code: str, region: str = DEFAULT_REGION) -> bool:
    return code[:2] == region[:2]


def _region_code(value: str) -> str:
    value = value.strip()
    if not is_region_code(value):
        raise ValueError(
            t("行政区划代码为 6 位数字（GB/T 2260）", "a region code is 6 digits (GB/T 2260)")
        )
    return value


def _city_code(value: str) -> str:
    value = value.strip()
    if value not in GUANGXI_CITIES:
        raise ValueError(
            t(
                "不是自治区 14 个设区市的代码之一（如 450100）",
                "not one of the region's 14 prefecture-level city codes (e.g. 450100)",
            )
        )
    return value


def _county_code(value: str) -> str:
    value = _region_code(value)
    if city_of(value) not in GUANGXI_CITIES:
        raise ValueError(
            t(
                "不是自治区各地市所辖的县级区划代码",
                "not a county-level code inside one of the region's cities",
            )
        )
    return value


RegionCode = Annotated[
    str,
    AfterValidator(_region_code),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^(0[1-9]|[1-9][0-9])[0-9]{4}$",
            "description": "GB/T 2260 division code",
        }
    ),
]
"""Any 6-digit GB/T 2260 division code (contract parties may be anywhere in China)."""
CityCode = Annotated[
    str,
    AfterValidator(_city_code),
    WithJsonSchema({"type": "string", "enum": list(GUANGXI_CITIES), "description": "city code"}),
]
"""One of the region's 14 prefecture-level city codes."""
CountyCode = Annotated[
    str,
    AfterValidator(_county_code),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^45(0[1-9]|1[0-4])[0-9]{2}$",
            "description": "GB/T 2260 code of a county (or city) in the region",
        }
    ),
]
"""A county-level (or city) code inside the region."""
