"""Assemble the consolidated figures from the four workstream services.

Every service is asked for the current and the comparison period at once
(eight concurrent calls), so the report takes about as long as the slowest
service. Comparisons use exact values first, then round (reading rule 4).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from reporting_service.catalogue.indicators import CATALOGUE, Indicator
from reporting_service.clients.workstream import WorkstreamCallFailed, WorkstreamClient
from reporting_service.consolidated.exceptions import UpstreamUnavailable
from reporting_service.consolidated.schemas import ConsolidatedReport, Display, IndicatorRow
from reporting_service.period.service import Period
from shared_kit.indicators import IndicatorFigure, IndicatorsResponse, Number

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def to_display(ind: Indicator, value: Number | None) -> Display | None:
    if value is None:
        return None
    divisor = ind.money_divisor
    if divisor is not None:
        return (Decimal(value) / divisor).quantize(CENT, rounding=ROUND_HALF_UP)
    if ind.unit == "%":
        return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)
    return value


def build_row(ind: Indicator, cur: IndicatorFigure, prev: IndicatorFigure | None) -> IndicatorRow:
    value, previous = cur.value, prev.value if prev else None
    change_abs = change_pct = change_pp = None
    if value is not None and previous is not None:
        diff = Decimal(value) - Decimal(previous)
        if ind.compare == "pp":
            change_pp = diff.quantize(TENTH, rounding=ROUND_HALF_UP)
        else:
            change_abs = to_display(
                ind, diff if ind.money_divisor or ind.unit == "%" else int(diff)
            )
            if Decimal(previous) > 0:
                change_pct = (diff / Decimal(previous) * 100).quantize(
                    TENTH, rounding=ROUND_HALF_UP
                )
    return IndicatorRow(
        code=ind.code,
        section=ind.section,
        label=ind.label,
        unit=ind.unit,
        service=ind.service,
        definition=ind.definition,
        region_only=ind.region_only,
        value=to_display(ind, value),
        previous=to_display(ind, previous),
        change_abs=change_abs,
        change_pct=change_pct,
        change_pp=change_pp,
        raw_value=value,
        raw_previous=previous,
        numerator=cur.numerator,
        denominator=cur.denominator,
        by_city=(
            {c: to_display(ind, v) for c, v in cur.by_city.items()}
            if cur.by_city is not None
            else None
        ),
        items=cur.items,
    )


async def fetch_all(
    clients: Mapping[str, WorkstreamClient], period: Period, city: str | None, deadline: float
) -> tuple[dict[str, IndicatorsResponse], dict[str, IndicatorsResponse]]:
    prev = period.previous()
    names = list(clients)
    calls = [clients[n].indicators(period.start, period.end, city) for n in names] + [
        clients[n].indicators(prev.start, prev.end, city) for n in names
    ]
    try:
        async with asyncio.timeout(deadline):
            results = await asyncio.gather(*calls, return_exceptions=True)
    except TimeoutError as exc:
        raise UpstreamUnavailable(
            "the workstream services did not all answer within the deadline",
            extra={"services": names, "reason": "deadline"},
        ) from exc
    failures: dict[str, str] = {}
    for res in results:
        if isinstance(res, WorkstreamCallFailed):
            failures.setdefault(res.service, res.reason)
        elif isinstance(res, BaseException):
            raise res
    if failures:
        first = next(iter(failures))
        raise UpstreamUnavailable(
            f"service {first} is unavailable: {failures[first]}",
            extra={"service": first, "services": sorted(failures), "reasons": failures},
        )
    ok = [r for r in results if isinstance(r, IndicatorsResponse)]
    return dict(zip(names, ok[: len(names)], strict=True)), dict(
        zip(names, ok[len(names) :], strict=True)
    )


async def consolidated_report(
    clients: Mapping[str, WorkstreamClient], period: Period, city: str | None, deadline: float
) -> ConsolidatedReport:
    current, previous = await fetch_all(clients, period, city, deadline)
    cur_figs = {f.code: f for r in current.values() for f in r.indicators}
    prev_figs = {f.code: f for r in previous.values() for f in r.indicators}
    rows = [
        build_row(ind, cur_figs[ind.code], prev_figs.get(ind.code))
        for ind in CATALOGUE
        if ind.code in cur_figs
    ]
    prev = period.previous()
    return ConsolidatedReport(
        period=period.name,
        title=f"{period.title}重点工作情况",
        **{"from": period.start},
        to=period.end,
        previous_from=prev.start,
        previous_to=prev.end,
        city=city,
        indicators=rows,
    )
