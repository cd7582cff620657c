from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from reporting_service.config import Settings
from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.consolidated.service import consolidated_report
from reporting_service.period.service import resolve_period
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.errors import PROBLEM_RESPONSES, Forbidden, Problem

router = APIRouter(prefix="/reports", tags=["reports"], responses=PROBLEM_RESPONSES)

Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]


@router.get(
    "/consolidated",
    response_model=ConsolidatedReport,
    response_model_by_alias=True,
    responses={503: {"model": Problem, "description": "a workstream service is down"}},
)
async def get_consolidated_report(
    request: Request,
    principal: Reader,
    period: Annotated[str | None, Query(description="2023-H1, 2024-Q1, 2023, 2023-M05")] = None,
    from_: Annotated[date | None, Query(alias="from")] = None,
    to: Annotated[date | None, Query()] = None,
    city: Annotated[CityCode | None, Query()] = None,
) -> ConsolidatedReport:
    """Every figure for a period with its 同比 comparison. Roles: admin, analyst, service,
    city_bureau (own city only)."""
    own = principal.city_scope
    if own is not None:
        if city not in (None, own):
            raise Forbidden("a city bureau may read only its own city's report")
        city = own
    settings: Settings = request.app.state.settings
    return await consolidated_report(
        request.app.state.workstreams,
        resolve_period(period, from_, to),
        city,
        settings.call_deadline_seconds,
    )
