"""The validation rules, kept as data: what a city's figures for a period must satisfy.

A rule compares a figure (its code in the indicator catalogue) with another figure
or a constant. ``error`` refuses a submission; ``warning`` is recorded with it. A
rule whose figure is absent (the service does not report it for a city, or it has
no value) is not evaluated. Messages are shown to users as written, with ``{left}``
and ``{right}`` replaced by the values compared.

Outliers are found separately: a figure that differs from the mean of the same
period in the previous ``OUTLIER_YEARS`` years by more than ``OUTLIER_FACTOR`` times
(above ``mean × factor`` or below ``mean ÷ factor``) is a warning. Both settings
can be overridden per deployment (``REPORTING_OUTLIER_YEARS``, ``REPORTING_OUTLIER_FACTOR``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Operator = Literal["<=", ">=", "<", ">", "==", "between"]
Importance = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    code: str
    left: str
    op: Operator
    # A figure code, a constant, or (low, high) for ``between``.
    right: str | Decimal | tuple[Decimal, Decimal]
    importance: Importance
    message: str


RULES: tuple[Rule, ...] = (
    Rule(
        "tech_value_within_contract_value",
        "transfer.tech_transaction_value",
        "<=",
        "transfer.contract_value",
        "error",
        "技术交易额（{left}元）不应大于技术合同成交额（{right}元）",
    ),
    Rule(
        "contracts_total_covers_outflow",
        "transfer.contracts_outflow",
        "<=",
        "transfer.contracts_total",
        "error",
        "输出技术合同数（{left}项）不应大于技术合同总数（{right}项）",
    ),
    Rule(
        "loan_listed_rate_in_range",
        "enterprise.loan_listed_rate",
        "between",
        (Decimal(0), Decimal(100)),
        "error",
        "科创贷入库企业占比（{left}%）应在0—100%之间",
    ),
    Rule(
        "zone_output_not_negative",
        "enterprise.hitech_zone_output",
        ">=",
        Decimal(0),
        "error",
        "高新区园区生产总值（{left}元）不能为负数",
    ),
    Rule(
        "demands_listed_within_collected",
        "projects.challenge_demands_listed",
        "<=",
        "projects.challenge_demands_collected",
        "warning",
        "张榜的揭榜制项目需求（{left}项）多于征集到的需求（{right}项），请核实是否含往期征集的需求",
    ),
    Rule(
        "villages_within_service_days",
        "talent.commissioner_villages_served",
        "<=",
        "talent.commissioner_service_days",
        "warning",
        "科技特派员服务村数（{left}个）多于下乡服务天次（{right}天次），请核实服务日志",
    ),
)

OUTLIER_YEARS = 3
OUTLIER_FACTOR = Decimal(3)
