"""Figures over several half-years: one figure's trend, and the latest half-year with data.

The indicator contract answers one period per call (``GET /v1/indicators?from=&to=``),
so every half-year is one call to the owning service, all of them concurrently: a
trend costs as long as the slowest of its calls, never a full report per period.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date

from reporting_service.catalogue.indicators import BY_CODE, WORKSTREAM_SERVICES, Indicator
from reporting_service.clients.workstream import (
    DEADLINE_EXCEEDED,
    WorkstreamCallFailed,
    WorkstreamClient,
)
from reporting_service.consolidated.exceptions import UpstreamUnavailable
from reporting_service.consolidated.service import exact_value, to_display
from reporting_service.period.service import Period, earlier_half_year, half_year_of
from reporting_service.trend.schemas import LatestPeriod, Trend, TrendPoint
from shared_kit.indicators import IndicatorsResponse

# How far back the dashboard's opening period is looked for, and how many half-years
# are asked for at once while looking.
LATEST_SEARCH_HALF_YEARS = 20
LATEST_BATCH = 4


def half_years_between(first: Period, last: Period) -> list[Period]:
    """Every half-year from ``first`` to ``last``, oldest first."""
    out = [last]
    while out[-1].start > first.start:
        out.append(earlier_half_year(out[-1]))
    return out[::-1]


async def _ask(
    client: WorkstreamClient, period: Period, city: str | None, deadline: float
) -> IndicatorsResponse:
    try:
        async with asyncio.timeout(deadline):
            return await client.indicators(period.start, period.end, city)
    except TimeoutError as exc:
        raise WorkstreamCallFailed(client.service, DEADLINE_EXCEEDED) from exc


async def _gather(
    calls: Sequence[tuple[WorkstreamClient, Period]], city: str | None, deadline: float
) -> list[IndicatorsResponse | WorkstreamCallFailed]:
    results = await asyncio.gather(
        *(_ask(client, p, city, deadline) for client, p in calls), return_exceptions=True
    )
    out: list[IndicatorsResponse | WorkstreamCallFailed] = []
    for res in results:
        if isinstance(res, IndicatorsResponse | WorkstreamCallFailed):
            out.append(res)
        else:
            raise res
    return out


def _unavailable(service: str, reason: str) -> UpstreamUnavailable:
    return UpstreamUnavailable.of({service: reason})


async def trend(
    clients: Mapping[str, WorkstreamClient],
    ind: Indicator,
    periods: Sequence[Period],
    city: str | None,
    deadline: float,
) -> Trend:
    client = clients[ind.service]
    answers = await _gather([(client, p) for p in periods], city, deadline)
    points = []
    for p, res in zip(periods, answers, strict=True):
        if isinstance(res, WorkstreamCallFailed):
            raise _unavailable(res.service, res.reason)
        fig = next((f for f in res.indicators if f.code == ind.code), None)
        value = exact_value(fig)
        assert p.name is not None
        points.append(
            TrendPoint(
                period=p.name,
                title=p.title,
                **{"from": p.start},
                to=p.end,
                value=to_display(ind, value),
                raw_value=value,
            )
        )
    return Trend(code=ind.code, label=ind.label, unit=ind.unit, city=city, points=points)


def _has_data(res: IndicatorsResponse) -> bool:
    """Any figure of what happened in the period is non-zero (stocks say nothing)."""
    for fig in res.indicators:
        ind = BY_CODE.get(fig.code)
        if ind is None or ind.stock or fig.value is None:
            continue
        if fig.value != 0:
            return True
    return False


async def latest_period(
    clients: Mapping[str, WorkstreamClient], city: str | None, deadline: float, today: date
) -> LatestPeriod:
    """The latest half-year, up to the current one, in which any figure is non-zero.

    Half-years are looked at newest first, a few at a time, every service for each; a
    service that does not answer is named and the others decide.
    """
    names = [n for n in WORKSTREAM_SERVICES if n in clients]
    missing: dict[str, str] = {}
    newest = half_year_of(today)
    looked: list[Period] = []
    while len(looked) < LATEST_SEARCH_HALF_YEARS:
        batch = [earlier_half_year(looked[-1]) if looked else newest]
        while len(batch) < min(LATEST_BATCH, LATEST_SEARCH_HALF_YEARS - len(looked)):
            batch.append(earlier_half_year(batch[-1]))
        looked += batch
        # A service that failed once is not asked again: a hung one would cost the
        # deadline on every batch.
        asked = [n for n in names if n not in missing]
        answers = await _gather([(clients[n], p) for p in batch for n in asked], city, deadline)
        for res in answers:
            if isinstance(res, WorkstreamCallFailed):
                missing.setdefault(res.service, res.reason)
        if len(missing) == len(names):
            first = sorted(missing)[0]
            raise _unavailable(first, missing[first])
        for i, p in enumerate(batch):
            if any(
                isinstance(res, IndicatorsResponse) and _has_data(res)
                for res in answers[i * len(asked) : (i + 1) * len(asked)]
            ):
                return LatestPeriod(
                    period=p.name,
                    title=p.title,
                    **{"from": p.start},
                    to=p.end,
                    city=city,
                    searched_from=looked[-1].name or "",
                    missing_services=sorted(missing),
                )
    return LatestPeriod(
        period=None,
        city=city,
        searched_from=looked[-1].name or "",
        missing_services=sorted(missing),
    )
