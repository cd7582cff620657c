from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import asyncpg
from fastapi import Depends, Query, Request
from pydantic import TypeAdapter

from reporting_service.approval import service as approval_service
from reporting_service.config import Settings
from reporting_service.consolidated import metrics as report_metrics
from reporting_service.consolidated.cache import ReportCache
from reporting_service.consolidated.schemas import CityApproval, ConsolidatedReport, today_in_china
from reporting_service.consolidated.service import assemble, consolidated_report, fetch_all
from reporting_service.period.service import Period, resolve_period
from shared_kit import scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep
from shared_kit.i18n import language_var

READ_ROLES = (Role.admin, Role.analyst, Role.city_bureau, Role.service)
Reader = Annotated[Principal, Depends(require_roles(*READ_ROLES))]


async def live_report(
    request: Request,
    period: Period,
    city: str | None,
    *,
    allow_partial: bool = False,
) -> ConsolidatedReport:
    settings: Settings = request.app.state.settings
    return await consolidated_report(
        request.app.state.workstreams,
        period,
        city,
        settings.call_deadline_seconds,
        allow_partial=allow_partial,
    )


@dataclass(frozen=True, slots=True)
class ReportQuery:
    period: Period
    city: str | None  # the caller's scope applied
    allow_partial: bool


async def report_query(
    principal: Reader,
    period: Annotated[str | None, Query(description="2023-H1, 2024-Q1, 2023, 2023-M05")] = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Annotated[date | None, Query()] = None,
    city: Annotated[CityCode | None, Query()] = None,
    allow_partial: Annotated[
        bool, Query(description="answer with the figures that could be had, marked partial")
    ] = False,
) -> ReportQuery:
    return ReportQuery(
        resolve_period(period, from_, to), scope.read_city(principal, city), allow_partial
    )


ReportQueryDep = Annotated[ReportQuery, Depends(report_query)]


async def report_from_query(
    request: Request, session: SessionDep, query: ReportQueryDep
) -> ConsolidatedReport:
    report = await live_report(request, query.period, query.city, allow_partial=query.allow_partial)
    report.approvals = await approval_service.report_approvals(
        session, period=query.period, city=query.city
    )
    return report


LiveReport = Annotated[ConsolidatedReport, Depends(report_from_query)]

_APPROVALS = TypeAdapter(list[CityApproval])


async def report_body(request: Request, conn: asyncpg.Connection, query: ReportQuery) -> bytes:
    """The report as JSON, the body kept from last time when nothing it is made of moved
    (consolidated.cache): the services revalidate, the approvals are read, as always."""
    settings: Settings = request.app.state.settings
    cache: ReportCache = request.app.state.report_cache
    period, city = query.period, query.city
    started = time.perf_counter()
    # The approvals are read while the services answer: neither waits for the other.
    reading = asyncio.ensure_future(
        approval_service.read_report_approvals(conn, period=period, city=city)
    )
    try:
        fetched = await fetch_all(
            request.app.state.workstreams,
            period,
            city,
            settings.call_deadline_seconds,
            allow_partial=query.allow_partial,
        )
    except Exception:
        report_metrics.observe("failed", time.perf_counter() - started)
        reading.cancel()
        with contextlib.suppress(BaseException):
            await reading
        raise
    approvals = await reading
    key = None
    tags = tuple(sorted(fetched.tags.items()))
    if not fetched.failures and all(tag for _, tag in tags):
        key = (
            (period.name, period.start, period.end, city, query.allow_partial),
            language_var.get(),
            today_in_china(),
            tags,
            _APPROVALS.dump_json(approvals),
        )
    body = cache.get(key) if key is not None else None
    if body is None:
        report = assemble(fetched, period, city)
        report.approvals = approvals
        body = report.model_dump_json(by_alias=True).encode()
        if key is not None:
            cache.put(key, body)
    outcome = "partial" if fetched.failures else "complete"
    report_metrics.observe(outcome, time.perf_counter() - started)
    return body
