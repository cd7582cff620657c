"""When each city's records for a month first arrived: what reporting's completeness reads.

A service names its periodic datasets, each as a select of ``(city, day, created_at)``
over its records: ``day`` is the date the indicators read (the month the record belongs
to), ``created_at`` when the platform first stored it. ``GET /v1/arrivals/{dataset}``
answers, per city and month of ``day`` in the range, the earliest ``created_at``: the
moment that city's data for that month arrived. One aggregate statement.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import Date, Select, cast, func, select

from shared_kit import data_version, scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import ReadConnDep, SessionDep
from shared_kit.errors import PROBLEM_RESPONSES, FieldError, NotFound, Problem, ValidationFailed
from shared_kit.i18n import t

ArrivalSource = Callable[[], Select[Any]]


class Arrival(BaseModel):
    city: str
    month: date
    first_at: datetime


def arrivals_router(service: str, sources: Mapping[str, ArrivalSource]) -> APIRouter:
    router = APIRouter(prefix="/arrivals", tags=["arrivals"], responses=PROBLEM_RESPONSES)
    Reader = Annotated[
        Principal,
        Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service)),
    ]

    @router.get("/{dataset}", response_model=list[Arrival], responses={404: {"model": Problem}})
    async def list_arrivals(
        request: Request,
        response: Response,
        conn: ReadConnDep,
        session: SessionDep,
        principal: Reader,
        dataset: Annotated[str, Path(description=f"one of: {', '.join(sorted(sources))}")],
        start: Annotated[date, Query(alias="from")],
        end: Annotated[date, Query(alias="to")],
    ) -> list[Arrival] | Response:
        """Per city and month, when the first record of that month was stored.
        Roles: admin, analyst, service, city_bureau (own city only). Strong ``ETag``;
        ``If-None-Match`` with a current tag gets 304."""
        source = sources.get(dataset)
        if source is None:
            raise NotFound(
                t(f"{service} 服务没有数据集 {dataset!r}", f"{service} has no dataset {dataset!r}")
            )
        if end < start:
            raise ValidationFailed(
                t("结束日期早于开始日期", "the range ends before it starts"),
                errors=[
                    FieldError(
                        field="query.to",
                        code="period_reversed",
                        message=t("结束日期（to）早于开始日期（from）", "to < from"),
                    )
                ],
            )
        version = await data_version.current(conn, service)
        etag = data_version.strong_etag(
            service, version, request.url.path, start, end, scope.own_city(principal)
        )
        if data_version.matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers={"ETag": etag})
        response.headers["ETag"] = etag
        sub = source().subquery()
        month = cast(func.date_trunc("month", sub.c.day), Date)
        stmt = (
            select(sub.c.city, month.label("month"), func.min(sub.c.created_at).label("first_at"))
            .where(sub.c.day.between(start, end), sub.c.city.is_not(None))
            .group_by(sub.c.city, month)
            .order_by(sub.c.city, month)
        )
        stmt = scope.where(stmt, principal, sub.c.city)
        rows = (await session.execute(stmt)).all()
        return [Arrival(city=r.city, month=r.month, first_at=r.first_at) for r in rows]

    return router
