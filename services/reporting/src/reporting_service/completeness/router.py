from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from reporting_service.completeness import service
from reporting_service.completeness.schemas import CompletenessReport
from reporting_service.config import Settings
from reporting_service.consolidated.router import UNAVAILABLE
from reporting_service.period.service import named_period
from shared_kit import scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import GUANGXI_CITIES
from shared_kit.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/completeness", tags=["completeness"], responses=PROBLEM_RESPONSES)
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]


@router.get("", response_model=CompletenessReport, responses=UNAVAILABLE)
async def get_completeness(
    request: Request,
    principal: Reader,
    period: Annotated[str, Query(description="2023-H1, 2024-Q1, 2023, 2023-M05")],
    as_of: Annotated[
        date | None, Query(description="judge as on this day (default: today, UTC+8)")
    ] = None,
) -> CompletenessReport:
    """Per city and dataset: expected, received, on time, late, overdue; the rates.
    Roles: admin, analyst, service, city_bureau (own city only)."""
    settings: Settings = request.app.state.settings
    visible = scope.visible_cities(principal)
    cities = [c for c in GUANGXI_CITIES if visible is None or c in visible]
    return await service.completeness(
        request.app.state.workstreams,
        period=named_period(period),
        cities=cities,
        as_of=as_of or service.today(),
        deadline=settings.call_deadline_seconds,
    )
