"""Validation of a city's figures for a period: the rules in rules.py and outliers."""

from __future__ import annotations

import asyncio
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from fastapi import Request

from reporting_service.catalogue.indicators import CATALOGUE
from reporting_service.clients.workstream import (
    DEADLINE_EXCEEDED,
    WorkstreamCallFailed,
    WorkstreamClient,
)
from reporting_service.config import Settings
from reporting_service.consolidated.exceptions import UpstreamUnavailable
from reporting_service.consolidated.service import exact_value
from reporting_service.period.service import Period
from reporting_service.validation.exceptions import ValidationErrorsFound
from reporting_service.validation.rules import RULES, Rule
from reporting_service.validation.schemas import ValidationReport, Violation
from shared_kit.errors import FieldError
from shared_kit.i18n import t
from shared_kit.indicators import IndicatorsResponse, Number

Figures = dict[str, Number | None]
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "==": operator.eq,
}
_LABELS = {i.code: i.label for i in CATALOGUE}


def _fmt(value: Number | None) -> str:
    if value is None:
        return "无"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"
    return str(value)


def check_rules(figures: Figures, rules: Sequence[Rule] = RULES) -> list[Violation]:
    """The rules ``figures`` break (a rule with a missing figure is not evaluated)."""
    out: list[Violation] = []
    for rule in rules:
        left = figures.get(rule.left)
        if left is None:
            continue
        right: Number | None
        if rule.op == "between":
            assert isinstance(rule.right, tuple)
            low, high = rule.right
            ok, right, right_name = low <= left <= high, None, f"{low}—{high}"
        else:
            if isinstance(rule.right, str):
                right, right_name = figures.get(rule.right), rule.right
            else:
                assert isinstance(rule.right, Decimal)
                right, right_name = rule.right, str(rule.right)
            if right is None:
                continue
            ok = _OPS[rule.op](Decimal(left), Decimal(right))
        if ok:
            continue
        out.append(
            Violation(
                rule=rule.code,
                importance=rule.importance,
                message=rule.message.format(left=_fmt(left), right=_fmt(right)),
                left=rule.left,
                left_value=left,
                right=right_name,
                right_value=right,
            )
        )
    return out


def find_outliers(
    figures: Figures, history: Sequence[Figures], *, factor: Decimal
) -> list[Violation]:
    """Figures more than ``factor`` times away from the mean of the same period before.

    A figure is compared only when every earlier year has it and their mean is positive
    (a first year or a figure that used to be zero says nothing about outliers).
    """
    out: list[Violation] = []
    if not history:
        return out
    for code, value in figures.items():
        past = [h.get(code) for h in history]
        if value is None or any(p is None for p in past):
            continue
        mean = sum((Decimal(p) for p in past if p is not None), Decimal(0)) / len(past)
        if mean <= 0 or mean / factor <= Decimal(value) <= mean * factor:
            continue
        label = _LABELS.get(code, code)
        out.append(
            Violation(
                rule=f"outlier:{code}",
                importance="warning",
                message=f"{label}（{_fmt(value)}）与前{len(past)}年同期均值（{_fmt(mean)}）"
                f"相差{factor}倍以上，请核实",
                left=code,
                left_value=value,
                right=f"mean of {len(past)} previous years",
                right_value=mean.quantize(Decimal("0.01")),
            )
        )
    return out


async def fetch_figures(
    clients: Mapping[str, WorkstreamClient],
    periods: Sequence[Period],
    city: str,
    deadline: float,
) -> list[Figures]:
    """Every service's figures for the city in each of ``periods`` (all calls at once)."""
    names = sorted(clients)
    pairs = [(p, n) for p in periods for n in names]

    async def one(p: Period, n: str) -> Any:
        async with asyncio.timeout(deadline):
            return await clients[n].indicators(p.start, p.end, city)

    results = await asyncio.gather(*(one(p, n) for p, n in pairs), return_exceptions=True)
    failures: dict[str, str] = {}
    for (_, n), res in zip(pairs, results, strict=True):
        if isinstance(res, WorkstreamCallFailed):
            failures.setdefault(n, res.reason)
        elif isinstance(res, TimeoutError):
            failures.setdefault(n, DEADLINE_EXCEEDED)
        elif isinstance(res, BaseException):
            raise res
    if failures:
        raise UpstreamUnavailable.of(failures)
    out: list[Figures] = [{} for _ in periods]
    for i, res in enumerate(results):
        assert isinstance(res, IndicatorsResponse)  # every failure raised above
        for fig in res.indicators:
            out[i // len(names)][fig.code] = exact_value(fig)
    return out


async def validate(
    clients: Mapping[str, WorkstreamClient], settings: Settings, period: Period, city: str
) -> ValidationReport:
    periods = [period]
    for _ in range(settings.outlier_years):
        periods.append(periods[-1].previous())
    current, *history = await fetch_figures(clients, periods, city, settings.call_deadline_seconds)
    violations = check_rules(current) + find_outliers(
        current, history, factor=settings.outlier_factor
    )
    errors = sum(v.importance == "error" for v in violations)
    return ValidationReport(
        period=period.name or f"{period.start}~{period.end}",
        city=city,
        errors=errors,
        warnings=len(violations) - errors,
        violations=violations,
    )


async def for_submission(request: Request, period: Period, city: str) -> list[dict[str, Any]]:
    """Run the rules for a submission: refuse on an error (422, each listed), else the warnings."""
    report = await validate(request.app.state.workstreams, request.app.state.settings, period, city)
    errors = [v for v in report.violations if v.importance == "error"]
    if errors:
        # The rules are worded in Chinese; the English twin states the figures they compare.
        messages = [
            t(
                v.message,
                f"{v.left} = {v.left_value} breaks rule {v.rule} ({v.right} = {v.right_value})",
            )
            for v in errors
        ]
        raise ValidationErrorsFound(
            t("；".join(messages), "; ".join(m.en for m in messages)),
            errors=[
                FieldError(field=v.left, code=v.rule, message=m)
                for v, m in zip(errors, messages, strict=True)
            ],
        )
    return [v.model_dump(mode="json") for v in report.violations]
