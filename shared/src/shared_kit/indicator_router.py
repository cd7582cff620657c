"""The two indicator endpoints every workstream service exposes, built from its specs."""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from shared_kit import scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, NotFound, Problem
from shared_kit.i18n import t
from shared_kit.indicators import (
    IndicatorSpec,
    IndicatorsResponse,
    PeriodQuery,
    compute_figure,
    period_query,
    records_select,
)
from shared_kit.pagination import Page, PageParams, keyset, page_from_rows, page_params

READ_ROLES = (Role.admin, Role.analyst, Role.city_bureau, Role.service)


def scoped_period(principal: Principal, period: PeriodQuery) -> PeriodQuery:
    """A city bureau sees its own city only: its scope is forced, another city is refused."""
    city = scope.read_city(principal, period.city)
    return period if city == period.city else PeriodQuery(period.start, period.end, city)


def indicators_router(service: str, specs: Sequence[IndicatorSpec]) -> APIRouter:
    by_code = {s.code: s for s in specs}
    router = APIRouter(prefix="/indicators", tags=["indicators"], responses=PROBLEM_RESPONSES)
    Reader = Annotated[Principal, Depends(require_roles(*READ_ROLES))]
    Period = Annotated[PeriodQuery, Depends(period_query)]

    @router.get("", response_model=IndicatorsResponse, response_model_by_alias=True)
    async def get_indicators(
        session: SessionDep, principal: Reader, period: Period
    ) -> IndicatorsResponse:
        """Every figure this service owns for an inclusive date range, by city and in total."""
        period = scoped_period(principal, period)
        figures = [await compute_figure(session, spec, period) for spec in specs]
        return IndicatorsResponse(
            service=service,
            **{"from": period.start},
            to=period.end,
            city=period.city,
            indicators=figures,
        )

    @router.get(
        "/{code}/records",
        response_model=Page[dict[str, Any]],
        responses={404: {"model": Problem}},
    )
    async def list_indicator_records(
        session: SessionDep,
        principal: Reader,
        period: Period,
        code: Annotated[
            str, Path(description="indicator code, e.g. projects.challenge_demands_collected")
        ],
        page: Annotated[PageParams, Depends(page_params)],
    ) -> Page[dict[str, Any]]:
        """The records behind one figure: counting or summing them gives the figure."""
        spec = by_code.get(code)
        if spec is None:
            raise NotFound(
                t(
                    f"{service} 服务没有指标 {code!r}",
                    f"no indicator {code!r} in the {service} service",
                )
            )
        period = scoped_period(principal, period)
        stmt, id_col = records_select(spec, period)
        rows = (await session.execute(keyset(stmt, [id_col], page))).mappings().all()
        items, cursor = page_from_rows(rows, page, lambda r: (r["id"],))
        return Page[dict[str, Any]](items=[dict(r) for r in items], next_cursor=cursor)

    return router
