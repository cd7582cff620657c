"""A whole-catalogue dataset for the narrative tests: every indicator, every city.

Each city meets each figure in one of four ways, so that across the 14 cities every
sentence is written with activity in both years, this year only, last year only (the
case that used to read "同比下降100.0%") and in neither (the one that read "0 vs 0 持平").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reporting_service.catalogue.indicators import CATALOGUE
from shared_kit.codes import GUANGXI_CITIES

CITIES = list(GUANGXI_CITIES)
REGION_ONLY = frozenset(i.code for i in CATALOGUE if i.region_only)
ITEMS = {
    "projects.action_plan_programs": [
        "科技创新能力提升工程",
        "产业链创新链融合工程",
        "科技惠民工程",
    ],
    "projects.special_plans_completed": ["现代特色农业科技", "生物医药创制"],
    "projects.national_platforms_added": ['广西"智能制造"国家重点实验室', "国家某工程技术研究中心"],
    "projects.key_lab_applications": ["第12批"],
    "enterprise.partner_banks_signed": ["桂北银行", "南疆银行"],
}


def _service_unit(unit: str) -> str:
    return "yuan" if unit in ("万元", "亿元") else "percent" if unit == "%" else "count"


def _amount(unit: str, n: int) -> Any:
    if unit == "亿元":
        return f"{n * 12_345_678}.00"
    if unit == "万元":
        return f"{n * 123_456}.50" if n else "0"
    return n


def _figure(code: str, unit: str, year: int) -> dict[str, Any]:
    kind = _service_unit(unit)
    by_city: dict[str, Any] = {}
    salt = sum(map(ord, code))
    for i, city in enumerate(CITIES):
        mode = (i + salt) % 4  # 0 neither year, 1 this year only, 2 last year only, 3 both
        active = mode == 3 or (mode == 1 and year == 2023) or (mode == 2 and year == 2022)
        n = (i + 1 + (year - 2022) * 2) if active else 0
        if kind == "percent":
            by_city[city] = f"{Decimal(20 + n * 5):.2f}" if active else None
        else:
            by_city[city] = _amount(unit, n)
    fig: dict[str, Any] = {"code": code, "unit": kind}
    if kind == "percent":
        fig.update(value="45.00", numerator=9 if year == 2023 else 8, denominator=20)
    elif kind == "yuan":
        fig["value"] = f"{sum(Decimal(v) for v in by_city.values()):.2f}"
    else:
        fig["value"] = sum(by_city.values())
    if code in REGION_ONLY:
        fig.update(value=3 if year == 2023 else 2, region_only=True)
    else:
        fig["by_city"] = by_city
    if code in ITEMS and year == 2023:
        fig["items"] = ITEMS[code]
    return fig


def dataset() -> dict[int, dict[str, list[dict[str, Any]]]]:
    out: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for year in (2022, 2023):
        by_service: dict[str, list[dict[str, Any]]] = {}
        for ind in CATALOGUE:
            by_service.setdefault(ind.service, []).append(_figure(ind.code, ind.unit, year))
        out[year] = by_service
    return out


def empty_dataset() -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Nothing recorded in either year: counts and sums 0, the rate null (reading rule 5)."""
    out: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for year in (2022, 2023):
        by_service: dict[str, list[dict[str, Any]]] = {}
        for ind in CATALOGUE:
            kind = _service_unit(ind.unit)
            value: Any = None if kind == "percent" else "0" if kind == "yuan" else 0
            by_service.setdefault(ind.service, []).append(
                {"code": ind.code, "unit": kind, "value": value, "by_city": {}}
            )
        out[year] = by_service
    return out
