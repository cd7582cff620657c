"""Assemble the consolidated figures from the four workstream services.

Every service is asked for the current and the comparison period in one call
(four concurrent calls), so the report takes about as long as the slowest
service. Comparisons use exact values first, then round (reading rule 4).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from reporting_service.catalogue.indicators import CATALOGUE, Indicator
from reporting_service.clients.workstream import (
    DEADLINE_EXCEEDED,
    WorkstreamCallFailed,
    WorkstreamClient,
)
from reporting_service.consolidated import metrics as report_metrics
from reporting_service.consolidated.exceptions import UpstreamUnavailable
from reporting_service.consolidated.schemas import (
    ConsolidatedReport,
    Display,
    IndicatorRow,
    MissingIndicator,
)
from reporting_service.period.service import Period
from shared_kit.i18n import localize
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


def exact_value(fig: IndicatorFigure | None) -> Number | None:
    """A rate from its numerator and denominator when given, so comparisons use exact values."""
    if fig is None:
        return None
    if fig.numerator is not None and fig.denominator:
        return Decimal(100 * fig.numerator) / Decimal(fig.denominator)
    return fig.value


def build_row(ind: Indicator, cur: IndicatorFigure, prev: IndicatorFigure | None) -> IndicatorRow:
    value, previous = exact_value(cur), exact_value(prev)
    change_abs = change_pct = change_pp = None
    if value is not None and previous is not None:
        diff = Decimal(value) - Decimal(previous)
        # A rate's change_abs is its change in percentage points (reading rule 1).
        change_abs = to_display(ind, diff if ind.money_divisor or ind.unit == "%" else int(diff))
        if ind.compare == "pp":
            change_pp = diff.quantize(TENTH, rounding=ROUND_HALF_UP)
        else:
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
        compare=ind.compare,
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
        unattributed=to_display(ind, cur.unattributed),
        items=cur.items,
    )


@dataclass
class Fetched:
    """What every service answered for both periods, and the tags of those answers."""

    current: dict[str, IndicatorsResponse]
    previous: dict[str, IndicatorsResponse]
    failures: dict[str, str]
    # Each service's ETag of its answer; None when it gave none (or answered in two calls).
    tags: dict[str, str | None] = field(default_factory=dict)


async def fetch_all(
    clients: Mapping[str, WorkstreamClient],
    period: Period,
    city: str | None,
    deadline: float,
    *,
    allow_partial: bool = False,
) -> Fetched:
    """Both periods from every service, one call each, all at once; failures by service
    when ``allow_partial``."""
    prev = period.previous()
    names = list(clients)
    tags: dict[str, str | None] = {}

    async def both(name: str) -> tuple[IndicatorsResponse, IndicatorsResponse]:
        client = clients[name]
        cur, tags[name] = await client.tagged_indicators(
            period.start, period.end, city, previous=(prev.start, prev.end)
        )
        if cur.previous is None:  # a service that predates the comparison parameters
            tags[name] = None
            return cur, await client.indicators(prev.start, prev.end, city)
        earlier = cur.model_copy(
            update={
                "from_": cur.previous.from_,
                "to": cur.previous.to,
                "indicators": cur.previous.indicators,
                "previous": None,
            }
        )
        return cur, earlier

    async def bounded(name: str) -> tuple[IndicatorsResponse, IndicatorsResponse]:
        # Each call has the deadline; the clients' own timeouts and retries fit inside it.
        try:
            async with asyncio.timeout(deadline):
                return await both(name)
        except TimeoutError as exc:
            raise WorkstreamCallFailed(name, DEADLINE_EXCEEDED) from exc

    results = await asyncio.gather(*(bounded(n) for n in names), return_exceptions=True)
    failures: dict[str, str] = {}
    for res in results:
        if isinstance(res, WorkstreamCallFailed):
            failures.setdefault(res.service, res.reason)
        elif isinstance(res, BaseException):
            raise res
    if failures and not allow_partial:
        raise UpstreamUnavailable.of(failures)
    current: dict[str, IndicatorsResponse] = {}
    previous: dict[str, IndicatorsResponse] = {}
    for name, res in zip(names, results, strict=True):
        if isinstance(res, tuple):
            current[name], previous[name] = res
    return Fetched(current, previous, failures, {n: tags.get(n) for n in current})


def records_path(code: str, start: date, end: date, city: str | None) -> str:
    """The public (gateway) path of the records behind a figure (indicators.md, Provenance)."""
    service = code.split(".", 1)[0]
    query = {"from": start.isoformat(), "to": end.isoformat()}
    if city:
        query["city"] = city
    return f"/api/{service}/v1/indicators/{code}/records?{urlencode(query)}"


async def consolidated_report(
    clients: Mapping[str, WorkstreamClient],
    period: Period,
    city: str | None,
    deadline: float,
    *,
    allow_partial: bool = False,
) -> ConsolidatedReport:
    started = time.perf_counter()
    try:
        fetched = await fetch_all(clients, period, city, deadline, allow_partial=allow_partial)
    except Exception:
        report_metrics.observe("failed", time.perf_counter() - started)
        raise
    report = assemble(fetched, period, city)
    report_metrics.observe(
        "partial" if report.partial else "complete", time.perf_counter() - started
    )
    return report


def assemble(fetched: Fetched, period: Period, city: str | None) -> ConsolidatedReport:
    """The report from what the services answered (no I/O)."""
    current, previous, failures = fetched.current, fetched.previous, fetched.failures
    cur_figs = {f.code: f for r in current.values() for f in r.indicators}
    prev_figs = {f.code: f for r in previous.values() for f in r.indicators}
    rows = []
    missing = []
    for ind in CATALOGUE:
        if ind.service in failures:
            missing.append(
                MissingIndicator(
                    code=ind.code,
                    label=ind.label,
                    section=ind.section,
                    service=ind.service,
                    reason=localize(failures[ind.service]) or "",
                )
            )
            continue
        if ind.code not in cur_figs:
            continue
        row = build_row(ind, cur_figs[ind.code], prev_figs.get(ind.code))
        row.records = records_path(ind.code, period.start, period.end, city)
        if row.by_city is not None:
            row.by_city_records = {
                c: records_path(ind.code, period.start, period.end, c) for c in row.by_city
            }
        rows.append(row)
    prev = period.previous()
    return ConsolidatedReport(
        partial=bool(failures),
        missing=missing,
        period=period.name,
        title=f"{period.title}重点工作情况",
        **{"from": period.start},
        to=period.end,
        previous_from=prev.start,
        previous_to=prev.end,
        city=city,
        indicators=rows,
    )
