"""Figure placeholders in narrative templates: the grammar, its checking and its filling.

A placeholder is ``{{name}}`` (spaces inside the braces allowed). ``name`` is either a
report-wide word or an indicator code with an optional attribute:

====================  ========================================================
``{{period}}``        the period as the title writes it: 2023年上半年
``{{scope}}``         全区, or 本市 in a city's report
``{{area}}``          广西, or the city's name (桂林市) in a city's report
``{{CODE}}``          the figure with its unit: 130项, 12.35亿元, 66.7%
                      (an amount too small for its unit is written in 万元 or 元,
                      never 0.00亿元)
``{{CODE.value}}``    the bare figure in its display unit: 12.35
``{{CODE.unit}}``     the display unit: 亿元
``{{CODE.previous}}`` the same period a year earlier, with its unit
``{{CODE.change}}``   the 同比 clause with its leading comma (，同比增长12.5% /
                      ，同比提高2.1个百分点 / ，比去年同期增加120项 / ，与去年同期持平),
                      or nothing when there is no comparison to make
``{{CODE.compare}}``  the comparison as the appendix table words it: 增长12.5%
                      (无可比数据 when there is none)
``{{CODE.cn}}``       a count in Chinese numerals: 六 (as in 六大工程)
``{{CODE.items}}``    the named records behind the figure, joined by 、
====================  ========================================================

A figure with no value (a region-only figure in a city's report, a service that did not
answer) is written ``（无数据）`` and reported by the preview.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from reporting_service.catalogue.indicators import CATALOGUE
from reporting_service.consolidated.schemas import ConsolidatedReport, IndicatorRow
from reporting_service.narrative.wording import (
    change_of,
    cn_numeral,
    compare_phrase,
    comparison_cell,
    fmt,
    official,
)
from shared_kit.codes import GUANGXI_CITIES

NO_DATA = "（无数据）"
GLOBALS = ("period", "scope", "area")
ATTRIBUTES = ("value", "unit", "previous", "change", "compare", "cn", "items")
CODES = tuple(i.code for i in CATALOGUE)
VALID: tuple[str, ...] = GLOBALS + tuple(
    name for code in CODES for name in (code, *(f"{code}.{a}" for a in ATTRIBUTES))
)
_VALID = frozenset(VALID)
PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")  # linear: no nested quantifiers
_WAN = Decimal(10**4)
_CENT = Decimal("0.01")


def placeholder(name: str) -> str:
    return "{{" + name + "}}"


def unknown_placeholders(texts: Iterable[str]) -> list[str]:
    """Every placeholder (or stray ``{{``/``}}``) that is not in the grammar, in order."""
    bad: list[str] = []
    for text in texts:
        for m in PLACEHOLDER.finditer(text):
            if m[1].strip() not in _VALID and m[0] not in bad:
                bad.append(m[0])
        rest = PLACEHOLDER.sub("", text)
        if ("{{" in rest or "}}" in rest) and rest not in bad:
            bad.extend(
                s for s in re.findall(r"\{\{[^}]{0,40}|[^{]{0,40}\}\}", rest) if s not in bad
            )
    return bad


def period_words(report: ConsolidatedReport) -> str:
    return report.title.removesuffix("重点工作情况")


def area_name(report: ConsolidatedReport) -> str:
    if report.city is None:
        return "广西"
    return GUANGXI_CITIES.get(report.city, "本市")


def quantity(row: IndicatorRow | None, previous: bool = False) -> str:
    """A figure with its unit as a sentence writes it."""
    if row is None:
        return NO_DATA
    value, raw = (row.previous, row.raw_previous) if previous else (row.value, row.raw_value)
    if value is None:
        return NO_DATA
    if row.unit == "亿元" and value == 0 and raw:
        wan = (Decimal(raw) / _WAN).quantize(_CENT, rounding=ROUND_HALF_UP)
        return f"{wan:f}万元"
    if row.unit == "万元" and value == 0 and raw:
        return f"{Decimal(raw).quantize(_CENT, rounding=ROUND_HALF_UP):f}元"
    return f"{fmt(value)}{row.unit}"


class Resolver:
    """Fills placeholders from one report's figures."""

    def __init__(self, report: ConsolidatedReport) -> None:
        self.report = report
        self.rows = {r.code: r for r in report.indicators}

    def __call__(self, name: str) -> str:
        if name == "period":
            return period_words(self.report)
        if name == "scope":
            return "全区" if self.report.city is None else "本市"
        if name == "area":
            return area_name(self.report)
        code, _, attr = name.rpartition(".") if name.count(".") == 2 else (name, "", "")
        row = self.rows.get(code)
        if attr == "":
            return quantity(row)
        if attr == "change":
            return compare_phrase(row)
        if attr == "items":
            return "、".join(row.items or []) if row else ""
        if row is None or row.value is None:
            return NO_DATA
        if attr == "value":
            return fmt(row.value)
        if attr == "unit":
            return row.unit
        if attr == "previous":
            return quantity(row, previous=True)
        if attr == "compare":
            return comparison_cell(row) if change_of(row) else "无可比数据"
        # attr == "cn"
        return cn_numeral(row.value, count=True) if isinstance(row.value, int) else fmt(row.value)

    def empty(self, texts: Iterable[str]) -> list[str]:
        """Placeholders in ``texts`` whose figure has no value in this report."""
        out: list[str] = []
        for text in texts:
            for m in PLACEHOLDER.finditer(text):
                name = m[1].strip()
                if name not in GLOBALS and self(name) == NO_DATA and name not in out:
                    out.append(name)
        return out

    def render(self, text: str) -> str:
        return official(PLACEHOLDER.sub(lambda m: self(m[1].strip()), text))
