"""Completeness and timeliness per city and dataset (DHIS2's reporting rate and on-time rate).

For each dataset the period's slots (months, or quarters wholly inside it) that ended
by ``as_of`` are expected from every city. A slot is received when the owning service
holds a record of that city dated in it; on time when the first such record was stored
by the due date; overdue when nothing came and the due date has passed. Rates are
received (on time) over expected, in per cent with one decimal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from reporting_service.clients.workstream import (
    DEADLINE_EXCEEDED,
    WorkstreamCallFailed,
    WorkstreamClient,
)
from reporting_service.completeness.expectations import DATASETS, Dataset
from reporting_service.completeness.schemas import (
    CityDataset,
    CompletenessReport,
    DatasetRates,
    Rates,
    Slot,
)
from reporting_service.consolidated.exceptions import UpstreamUnavailable
from reporting_service.period.service import Period
from shared_kit.codes import GUANGXI_CITIES

# The region's calendar: a due date passes at midnight in Guangxi (UTC+8).
REGION_OFFSET = timedelta(hours=8)


def today() -> date:
    return (datetime.now(UTC) + REGION_OFFSET).date()


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def slots(ds: Dataset, period: Period) -> list[tuple[str, date, date, date]]:
    """(name, first day, last day, due date) of each slot wholly inside the period."""
    out: list[tuple[str, date, date, date]] = []
    step = 1 if ds.frequency == "monthly" else 3
    first = date(period.start.year, period.start.month, 1)
    if step == 3:  # quarters start in January, April, July, October
        while (first.month - 1) % 3:
            first = _next_month(first)
    while True:
        end = first
        for _ in range(step):
            end = _next_month(end)
        last = end - timedelta(days=1)
        if last > period.end:
            return out
        if first >= period.start:
            name = (
                f"{first.year}-{first.month:02d}"
                if step == 1
                else f"{first.year}-Q{(first.month + 2) // 3}"
            )
            out.append((name, first, last, end.replace(day=ds.due_day)))
        first = end


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _rates(rows: Sequence[CityDataset]) -> Rates:
    expected = sum(r.expected for r in rows)
    received = sum(r.received for r in rows)
    on_time = sum(r.on_time for r in rows)
    return Rates(
        expected=expected,
        received=received,
        on_time=on_time,
        overdue=sum(r.overdue for r in rows),
        completeness_rate=_rate(received, expected),
        timeliness_rate=_rate(on_time, expected),
    )


async def completeness(
    clients: Mapping[str, WorkstreamClient],
    *,
    period: Period,
    cities: Sequence[str],
    as_of: date,
    deadline: float,
) -> CompletenessReport:
    async def fetch(ds: Dataset) -> dict[tuple[str, date], date]:
        async with asyncio.timeout(deadline):
            got = await clients[ds.service].arrivals(ds.dataset, period.start, period.end)
        return {(a.city, a.month): (a.first_at + REGION_OFFSET).date() for a in got}

    results = await asyncio.gather(*(fetch(ds) for ds in DATASETS), return_exceptions=True)
    failures: dict[str, str] = {}
    for ds, res in zip(DATASETS, results, strict=True):
        if isinstance(res, WorkstreamCallFailed):
            failures[ds.service] = res.reason
        elif isinstance(res, TimeoutError):
            failures[ds.service] = DEADLINE_EXCEEDED
        elif isinstance(res, BaseException):
            raise res
    if failures:
        raise UpstreamUnavailable.of(failures)
    rows: list[CityDataset] = []
    per_dataset: list[DatasetRates] = []
    for ds, arrived in zip(DATASETS, results, strict=True):
        assert isinstance(arrived, dict)
        due_slots = [s for s in slots(ds, period) if s[2] <= as_of]
        mine: list[CityDataset] = []
        for city in cities:
            missing: list[Slot] = []
            late: list[Slot] = []
            received = on_time = overdue = pending = 0
            for name, first, last, due in due_slots:
                # What arrived after ``as_of`` had not arrived then.
                months = [
                    m
                    for (c, m), at in arrived.items()
                    if c == city and first <= m <= last and at <= as_of
                ]
                if not months:
                    missing.append(Slot(slot=name, due=due))
                    if as_of > due:
                        overdue += 1
                    else:
                        pending += 1
                    continue
                received += 1
                at = min(arrived[(city, m)] for m in months)
                if at <= due:
                    on_time += 1
                else:
                    late.append(Slot(slot=name, due=due, received_at=at))
            mine.append(
                CityDataset(
                    city=city,
                    city_name=GUANGXI_CITIES.get(city, city),
                    dataset=ds.code,
                    title=ds.title,
                    expected=len(due_slots),
                    received=received,
                    on_time=on_time,
                    late=len(late),
                    overdue=overdue,
                    pending=pending,
                    missing=missing,
                    late_slots=late,
                )
            )
        rows += mine
        per_dataset.append(
            DatasetRates(
                dataset=ds.code,
                title=ds.title,
                frequency=ds.frequency,
                due_day=ds.due_day,
                **_rates(mine).model_dump(),
            )
        )
    return CompletenessReport(
        period=period.name or f"{period.start}~{period.end}",
        as_of=as_of,
        rows=rows,
        datasets=per_dataset,
        total=_rates(rows),
    )
