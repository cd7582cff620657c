"""The two indicator endpoints every workstream service exposes, built from its specs."""

import hashlib
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from shared_kit import data_version, scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import ReadConn, ReadConnDep, SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, NotFound, Problem
from shared_kit.i18n import t
from shared_kit.indicators import (
    ComparisonFigures,
    IndicatorFigure,
    IndicatorSpec,
    IndicatorsResponse,
    PeriodQuery,
    compute_figures,
    period_query,
    records_select,
)
from shared_kit.pagination import Page, PageParams, keyset, page_from_rows, page_params

READ_ROLES = (Role.admin, Role.analyst, Role.city_bureau, Role.service)


def scoped_period(principal: Principal, period: PeriodQuery) -> PeriodQuery:
    """A city bureau sees its own city only: its scope is forced, another city is refused."""
    city = scope.read_city(principal, period.city)
    return period if city == period.city else replace(period, city=city)


def definitions_digest(specs: Sequence[IndicatorSpec], *code: Callable[..., Any]) -> str:
    """A digest of the code that defines ``specs``: a deploy that changes a figure's meaning
    changes every ETag, while replicas running the same code agree on them."""
    h = hashlib.blake2b(digest_size=8)
    h.update(FilePath(__file__).with_name("indicators.py").read_bytes())
    modules = {s.records.__module__ for s in specs} | {c.__module__ for c in code}
    for module in sorted(modules):
        source = getattr(sys.modules.get(module), "__file__", None)
        h.update(FilePath(source).read_bytes() if source else module.encode())
    return h.hexdigest()


class IndicatorsEtag:
    """Strong ETags for the indicators of one service and a 304 when they still hold.

    The tag covers the data version of the service's schema (moved by every committed
    write, shared_kit.data_version), the code defining the figures, the period asked and
    the city the caller's scope resolves to. Checking it costs one small read, no figures.
    """

    def __init__(
        self, schema: str, specs: Sequence[IndicatorSpec], *code: Callable[..., Any]
    ) -> None:
        """``code``: functions outside the specs' modules that compute the figures."""
        self.schema, self.definitions = schema, definitions_digest(specs, *code)

    async def tag(self, conn: ReadConn, *parts: object) -> str:
        # Read the version before the figures: figures computed afterwards are at least as
        # new as the tag, so a tag never outlives the data it was given for.
        version = await data_version.current(conn, self.schema)
        return data_version.strong_etag(self.schema, self.definitions, version, *parts)

    async def check(
        self, request: Request, response: Response, conn: ReadConn, period: PeriodQuery
    ) -> Response | None:
        """Set ``ETag`` on ``response``; a 304 answer when the caller's copy is current.

        ``conn`` is a read connection: a 304 never opens the request's session."""
        etag = await self.tag(conn, request.url.path, period)
        if data_version.matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers={"ETag": etag})
        response.headers["ETag"] = etag
        return None


async def indicators_response(
    service: str,
    period: PeriodQuery,
    compute: Callable[[PeriodQuery], Awaitable[list[IndicatorFigure]]],
) -> IndicatorsResponse:
    """The answer for ``period`` and, when asked, its comparison period in the same call."""
    comparison = period.comparison()
    previous = None
    if comparison is not None:
        previous = ComparisonFigures(
            **{"from": comparison.start}, to=comparison.end, indicators=await compute(comparison)
        )
    return IndicatorsResponse(
        service=service,
        **{"from": period.start},
        to=period.end,
        city=period.city,
        indicators=await compute(period),
        previous=previous,
    )


def indicators_router(service: str, specs: Sequence[IndicatorSpec]) -> APIRouter:
    by_code = {s.code: s for s in specs}
    router = APIRouter(prefix="/indicators", tags=["indicators"], responses=PROBLEM_RESPONSES)
    Reader = Annotated[Principal, Depends(require_roles(*READ_ROLES))]
    Period = Annotated[PeriodQuery, Depends(period_query)]

    etags = IndicatorsEtag(service, specs)
    all_specs = tuple(specs)

    @router.get("", response_model=IndicatorsResponse, response_model_by_alias=True)
    async def get_indicators(
        request: Request,
        response: Response,
        conn: ReadConnDep,
        session: SessionDep,
        principal: Reader,
        period: Period,
    ) -> IndicatorsResponse | Response:
        """Every figure this service owns for an inclusive date range, by city and in total.

        Answers with a strong ``ETag``; ``If-None-Match`` with a current tag gets 304."""
        period = scoped_period(principal, period)
        if (unchanged := await etags.check(request, response, conn, period)) is not None:
            return unchanged

        async def compute(p: PeriodQuery) -> list[IndicatorFigure]:
            return await compute_figures(session, all_specs, p, conn)

        return await indicators_response(service, period, compute)

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
