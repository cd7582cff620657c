from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from reporting_service.approval import service as approval_service
from reporting_service.config import Settings
from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.consolidated.service import consolidated_report
from reporting_service.period.service import Period, resolve_period
from shared_kit import scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep

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


async def report_from_query(
    request: Request,
    session: SessionDep,
    principal: Reader,
    period: Annotated[str | None, Query(description="2023-H1, 2024-Q1, 2023, 2023-M05")] = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Annotated[date | None, Query()] = None,
    city: Annotated[CityCode | None, Query()] = None,
    allow_partial: Annotated[
        bool, Query(description="answer with the figures that could be had, marked partial")
    ] = False,
) -> ConsolidatedReport:
    resolved, target = resolve_period(period, from_, to), scope.read_city(principal, city)
    report = await live_report(request, resolved, target, allow_partial=allow_partial)
    report.approvals = await approval_service.report_approvals(
        session, period=resolved, city=target
    )
    return report


LiveReport = Annotated[ConsolidatedReport, Depends(report_from_query)]
