from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from reporting_service.consolidated.router import UNAVAILABLE
from reporting_service.period.service import named_period
from reporting_service.validation import service
from reporting_service.validation.schemas import ValidationReport
from shared_kit import scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import CityCode
from shared_kit.errors import PROBLEM_RESPONSES, FieldError, ValidationFailed
from shared_kit.i18n import t

router = APIRouter(prefix="/validation", tags=["validation"], responses=PROBLEM_RESPONSES)
Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service))
]


@router.get("", response_model=ValidationReport, responses=UNAVAILABLE)
async def get_validation(
    request: Request,
    principal: Reader,
    period: Annotated[str, Query(description="2023-H1, 2024-Q1, 2023, 2023-M05")],
    city: Annotated[CityCode | None, Query(description="required except for a city bureau")] = None,
) -> ValidationReport:
    """The validation rules and outliers a city's figures for a period break.
    Roles: admin, analyst, service, city_bureau (own city only)."""
    target = scope.read_city(principal, city)
    if target is None:
        raise ValidationFailed(
            t("请指定地市", "name the city"),
            errors=[
                FieldError(
                    field="query.city", code="missing", message=t("须指定地市", "city is required")
                )
            ],
        )
    return await service.validate(
        request.app.state.workstreams, request.app.state.settings, named_period(period), target
    )
