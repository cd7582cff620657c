"""The talent.* figures of the consolidated report (see docs/indicators.md)."""

from __future__ import annotations

from typing import Any

from shared_kit.indicators import IndicatorSpec, PeriodQuery
from sqlalchemy import Select, select

from talent_service.commissioner.models import Dispatch, ServiceLog

_CANCELLED = "cancelled"


def commissioner_dispatches(p: PeriodQuery) -> Select[Any]:
    """Non-cancelled dispatches in the period; the figure counts distinct commissioners.

    Reading rule 3: distinct holds per city column and in the total, which the
    ROLLUP over ``count(DISTINCT commissioner_id)`` gives directly.
    """
    d = Dispatch
    columns: list[Any] = [
        d.id,
        d.city,
        d.commissioner_id,
        d.county,
        d.year,
        d.dispatching_unit,
        d.dispatched_on,
    ]
    return select(*columns).where(d.dispatched_on.between(p.start, p.end), d.status != _CANCELLED)


def commissioner_service_logs(p: PeriodQuery) -> Select[Any]:
    """Service logs in the period whose dispatch is not cancelled (a cancelled dispatch
    counts as never made, so service recorded under it does not count either)."""
    s, d = ServiceLog, Dispatch
    columns: list[Any] = [
        s.id,
        s.city,
        s.dispatch_id,
        d.commissioner_id,
        s.village_code,
        s.served_on,
        s.days,
    ]
    return (
        select(*columns)
        .join(d, d.id == s.dispatch_id)
        .where(s.served_on.between(p.start, p.end), d.status != _CANCELLED)
    )


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "talent.commissioners_dispatched",
        "count",
        commissioner_dispatches,
        aggregate="distinct",
        column="commissioner_id",
    ),
    IndicatorSpec(
        "talent.commissioner_service_days",
        "count",
        commissioner_service_logs,
        aggregate="sum",
        column="days",
    ),
    IndicatorSpec(
        "talent.commissioner_villages_served",
        "count",
        commissioner_service_logs,
        aggregate="distinct",
        column="village_code",
    ),
)
