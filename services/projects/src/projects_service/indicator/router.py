"""GET /v1/indicators computed in one statement; the records listing comes from shared_kit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from projects_service.indicator.compute import compute_all
from projects_service.indicator.specs import SPECS
from shared_kit.auth import Principal, require_roles
from shared_kit.db import ReadConnDep, SessionDep
from shared_kit.errors import PROBLEM_RESPONSES
from shared_kit.indicator_router import (
    READ_ROLES,
    IndicatorsEtag,
    indicators_response,
    indicators_router,
    scoped_period,
)
from shared_kit.indicators import IndicatorsResponse, PeriodQuery, period_query

router = APIRouter(prefix="/indicators", tags=["indicators"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Principal, Depends(require_roles(*READ_ROLES))]
Period = Annotated[PeriodQuery, Depends(period_query)]
ETAGS = IndicatorsEtag("projects", SPECS, compute_all)


@router.get("", response_model=IndicatorsResponse, response_model_by_alias=True)
async def get_indicators(
    request: Request,
    response: Response,
    conn: ReadConnDep,
    session: SessionDep,
    principal: Reader,
    period: Period,
) -> IndicatorsResponse | Response:
    """Every projects.* figure for an inclusive date range, by city and in total.

    Roles: admin, analyst, service, city_bureau (its own city only). Answers with a strong
    ``ETag``; ``If-None-Match`` with a current tag gets 304.
    """
    period = scoped_period(principal, period)
    if (unchanged := await ETAGS.check(request, response, conn, period)) is not None:
        return unchanged
    return await indicators_response("projects", period, lambda p: compute_all(session, p))


# The provenance listing (/indicators/{code}/records) is shared_kit's, built from the specs.
_shared = indicators_router("projects", SPECS)
router.routes.extend(
    route for route in _shared.routes if getattr(route, "path", "").endswith("/records")
)
