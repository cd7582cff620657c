from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from reporting_service.consolidated.dependencies import LiveReport
from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.narrative_template import service
from reporting_service.period.service import Period, resolve_period
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.codes import CityCode
from shared_kit.db import SessionDep

NarrativeChoice = Literal["latest", "generated"]
NARRATIVE_QUERY = Query(
    description="latest: the newest saved draft of this report's text when there is one "
    "(the default); generated: the text generated from the figures"
)


async def attach_draft(
    session: AsyncSession, report: ConsolidatedReport, choice: NarrativeChoice
) -> ConsolidatedReport:
    """The report told with its latest edited text, unless the generated one is asked for."""
    if choice == "latest":
        period = Period(report.from_, report.to, report.period)
        row = await service.latest_draft(session, period=period, city=report.city)
        if row is not None:
            report.with_narrative(service.edited(row))
    return report


async def narrated_report(
    report: LiveReport,
    session: SessionDep,
    narrative: Annotated[NarrativeChoice, NARRATIVE_QUERY] = "latest",
) -> ConsolidatedReport:
    return await attach_draft(session, report, narrative)


NarratedReport = Annotated[ConsolidatedReport, Depends(narrated_report)]


def period_scope(
    principal: Principal,
    period: str | None,
    from_: date | None,
    to: date | None,
    city: CityCode | None,
) -> tuple[Period, str | None]:
    return resolve_period(period, from_, to), scope.read_city(principal, city)
