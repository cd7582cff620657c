from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from reporting_service.catalogue.indicators import BY_CODE
from reporting_service.config import Settings
from reporting_service.consolidated.dependencies import Reader
from reporting_service.consolidated.router import UNAVAILABLE
from reporting_service.period.service import half_year
from reporting_service.trend import service
from reporting_service.trend.schemas import LatestPeriod, Trend
from shared_kit import scope
from shared_kit.codes import CityCode
from shared_kit.errors import PROBLEM_RESPONSES, FieldError, ValidationFailed
from shared_kit.i18n import t

router = APIRouter(prefix="/reports", tags=["reports"], responses=PROBLEM_RESPONSES)
# Enough for ten years on one chart; more is not a trend anyone reads.
MAX_TREND_POINTS = 20


@router.get("/trend", response_model=Trend, response_model_by_alias=True, responses=UNAVAILABLE)
async def get_trend(
    request: Request,
    principal: Reader,
    code: Annotated[str, Query(description="indicator code, e.g. transfer.contract_value")],
    from_: Annotated[str, Query(alias="from", description="first half-year, e.g. 2021-H1")],
    to: Annotated[str, Query(description="last half-year, e.g. 2023-H1")],
    city: Annotated[CityCode | None, Query()] = None,
) -> Trend:
    """One figure in every half-year from ``from`` to ``to``, as the report shows it.
    Roles: admin, analyst, service, city_bureau (own city only)."""
    ind = BY_CODE.get(code)
    if ind is None:
        raise ValidationFailed(
            t("没有这个指标", "no such indicator"),
            errors=[FieldError(field="query.code", code="unknown_indicator", message=code)],
        )
    first, last = half_year(from_, "query.from"), half_year(to, "query.to")
    if first.start > last.start:
        raise ValidationFailed(
            t("起始半年晚于结束半年", "the first half-year is after the last"),
            errors=[
                FieldError(
                    field="query.to",
                    code="period_reversed",
                    message=t("结束（to）早于开始（from）", "to < from"),
                )
            ],
        )
    periods = service.half_years_between(first, last)
    if len(periods) > MAX_TREND_POINTS:
        raise ValidationFailed(
            t(
                f"走势最多 {MAX_TREND_POINTS} 个半年",
                f"a trend spans at most {MAX_TREND_POINTS} half-years",
            ),
            errors=[
                FieldError(
                    field="query.from", code="trend_too_long", message=t("最多 20 个", "at most 20")
                )
            ],
        )
    settings: Settings = request.app.state.settings
    return await service.trend(
        request.app.state.workstreams,
        ind,
        periods,
        scope.read_city(principal, city),
        settings.call_deadline_seconds,
    )


@router.get(
    "/latest-period",
    response_model=LatestPeriod,
    response_model_by_alias=True,
    responses=UNAVAILABLE,
)
async def get_latest_period(
    request: Request,
    principal: Reader,
    city: Annotated[CityCode | None, Query()] = None,
) -> LatestPeriod:
    """The latest half-year (up to the current one) with any non-zero figure in the
    caller's scope: where the dashboard opens. Roles: admin, analyst, service,
    city_bureau (own city only)."""
    settings: Settings = request.app.state.settings
    return await service.latest_period(
        request.app.state.workstreams,
        scope.read_city(principal, city),
        settings.call_deadline_seconds,
        date.today(),
    )
