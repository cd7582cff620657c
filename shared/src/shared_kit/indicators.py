"""The indicator contract between workstream services and reporting.

Every workstream service answers ``GET /v1/indicators?from=&to=[&city=]`` with
:class:`IndicatorsResponse` and lists the records behind a figure at
``GET /v1/indicators/{code}/records``. What each figure means lives in the
owning service; this module only fixes the wire shape and the query helpers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    Numeric,
    Select,
    String,
    Text,
    bindparam,
    cast,
    distinct,
    false,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit.codes import GUANGXI_CITIES
from shared_kit.db import _DIALECT, ReadConn, fetch_planned
from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import t

Number = int | Decimal
BaseUnit = Literal["count", "yuan", "percent"]


class IndicatorFigure(BaseModel):
    code: str
    unit: BaseUnit = Field(description="count, yuan (exact decimal string) or percent")
    value: Number | None
    by_city: dict[str, Number | None] | None = Field(
        default=None, description="per-city values; absent for region-only indicators"
    )
    unattributed: Number | None = Field(
        default=None,
        description=(
            "the part of the region total that no city column holds: records whose party"
            " has no known city (a loan to a borrower missing from the enterprise registry)."
            " Absent when there are none; total = sum of the city columns + this"
        ),
    )
    region_only: bool = False
    numerator: int | None = None
    denominator: int | None = None
    items: list[str] | None = Field(default=None, description="names behind a count, if any")


class ComparisonFigures(BaseModel):
    """The same figures for the comparison period asked with ``previous_from``/``previous_to``."""

    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    indicators: list[IndicatorFigure]

    model_config = {"populate_by_name": True}


class IndicatorsResponse(BaseModel):
    service: str
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    city: str | None = None
    indicators: list[IndicatorFigure]
    previous: ComparisonFigures | None = Field(
        default=None,
        description="the comparison period's figures, when previous_from and previous_to are given",
    )

    model_config = {"populate_by_name": True}


@dataclass(frozen=True, slots=True)
class PeriodQuery:
    start: date
    end: date
    city: str | None
    # The comparison period reporting asks for in the same call (one call per service).
    previous: tuple[date, date] | None = None

    def comparison(self) -> PeriodQuery | None:
        if self.previous is None:
            return None
        return PeriodQuery(self.previous[0], self.previous[1], self.city)


async def period_query(
    from_: Annotated[date, Query(alias="from", description="first day, inclusive")],
    to: Annotated[date, Query(description="last day, inclusive")],
    city: Annotated[str | None, Query(description="restrict to one city code")] = None,
    previous_from: Annotated[
        date | None, Query(description="comparison period's first day (with previous_to)")
    ] = None,
    previous_to: Annotated[
        date | None, Query(description="comparison period's last day (with previous_from)")
    ] = None,
) -> PeriodQuery:
    if from_ > to:
        raise ValidationFailed(
            t("期间的结束早于开始", "the period ends before it starts"),
            errors=[
                FieldError(
                    field="query.to",
                    code="period_reversed",
                    message=t("结束日期（to）早于开始日期（from）", "to < from"),
                )
            ],
        )
    previous = None
    if (previous_from is None) != (previous_to is None):
        raise ValidationFailed(
            t("比较期须同时给出起止日期", "the comparison period needs both ends"),
            errors=[
                FieldError(
                    field="query.previous_to" if previous_to is None else "query.previous_from",
                    code="comparison_incomplete",
                    message=t(
                        "previous_from 与 previous_to 须同时给出",
                        "give previous_from and previous_to together",
                    ),
                )
            ],
        )
    if previous_from is not None and previous_to is not None:
        if previous_from > previous_to:
            raise ValidationFailed(
                t("比较期的结束日期早于开始日期", "the comparison period ends before it starts"),
                errors=[
                    FieldError(
                        field="query.previous_to",
                        code="period_reversed",
                        message="previous_to < previous_from",
                    )
                ],
            )
        previous = (previous_from, previous_to)
    if city is not None and city not in GUANGXI_CITIES:
        raise ValidationFailed(
            t("未知的地市", "unknown city"),
            errors=[
                FieldError(
                    field="query.city",
                    code="invalid_city",
                    message=t(
                        "不是自治区 14 个地市的代码之一", "not one of the region's 14 city codes"
                    ),
                )
            ],
        )
    return PeriodQuery(from_, to, city, previous)


def city_rollup(city: Any, value: Any) -> Select[Any]:
    """``SELECT city, value, GROUPING(city) … GROUP BY ROLLUP(city)``; add FROM and WHERE."""
    return select(city, value, func.grouping(city)).group_by(func.rollup(city))


@dataclass(frozen=True, slots=True)
class CityRollup:
    total: Number
    by_city: dict[str, Number]
    unattributed: Number | None  # the NULL-city group: records no city column can hold


async def rollup_by_city(
    session: AsyncSession, stmt: Select[Any], *, zero: Number = 0
) -> CityRollup:
    """Run a :func:`city_rollup` statement: the total and the per-city values, one round trip.

    Distinct counts stay distinct within each city and within the total. Records
    without a city count in the total and are reported apart as ``unattributed``
    rather than silently breaking "total = sum of the cities" (indicators.md, Scope).
    """
    total: Number = zero
    by_city: dict[str, Number] = {}
    unattributed: Number | None = None
    for city, value, grouping in (await session.execute(stmt)).all():
        if grouping:
            total = value if value is not None else zero
        elif city is not None:
            by_city[city] = value if value is not None else zero
        elif value:
            unattributed = value
    return CityRollup(total, by_city, unattributed)


Aggregate = Literal["count", "distinct", "sum"]
RecordsQuery = Callable[[PeriodQuery], Select[Any]]
CustomCompute = Callable[[AsyncSession, PeriodQuery], Awaitable[IndicatorFigure]]


@dataclass(frozen=True)
class IndicatorSpec:
    """One figure: the records it stands on and how they aggregate.

    ``records(period)`` selects exactly the records the figure counts or sums,
    with at least the columns ``id`` (unique, the listing order) and ``city``
    (``NULL`` for region-only figures). The figure is ``count(*)``,
    ``count(DISTINCT column)`` or ``sum(column)`` over that selection, so the
    provenance listing and the figure can never disagree. ``compute`` replaces
    the generic aggregate for figures that are not one of those (rates).
    """

    code: str
    unit: BaseUnit
    records: RecordsQuery
    aggregate: Aggregate = "count"
    column: str | None = None
    region_only: bool = False
    compute: CustomCompute | None = None
    names_column: str | None = None  # a qualitative list the narrative names
    # Codes of figures of the same spec set whose records, taken together, are exactly this
    # figure's (a union of them): its count per city is their sum. The batched computation
    # adds them up instead of scanning the union again; alone it is computed as any other.
    sum_of: tuple[str, ...] = ()

    def value_expr(self, sub: Any) -> Any:
        if self.aggregate == "count":
            return func.count()
        assert self.column is not None, f"{self.code}: {self.aggregate} needs a column"
        if self.aggregate == "distinct":
            return func.count(distinct(sub.c[self.column]))
        return func.coalesce(func.sum(sub.c[self.column]), 0)


async def compute_figure(
    session: AsyncSession, spec: IndicatorSpec, period: PeriodQuery
) -> IndicatorFigure:
    if spec.region_only and period.city is not None:
        return IndicatorFigure(code=spec.code, unit=spec.unit, value=None, region_only=True)
    if spec.compute is not None:
        return await spec.compute(session, period)
    sub = spec.records(period).subquery()
    value = spec.value_expr(sub)
    zero: Number = Decimal("0.00") if spec.aggregate == "sum" else 0
    if spec.region_only:
        total = (await session.execute(select(value).select_from(sub))).scalar_one()
        names = None
        if spec.names_column:
            names = list(
                (
                    await session.execute(
                        select(sub.c[spec.names_column]).order_by(sub.c[spec.names_column])
                    )
                ).scalars()
            )
        return IndicatorFigure(
            code=spec.code,
            unit=spec.unit,
            value=total if total is not None else zero,
            region_only=True,
            items=names,
        )
    stmt = city_rollup(sub.c.city, value).select_from(sub)
    if period.city is not None:
        stmt = stmt.where(sub.c.city == period.city)
    rolled = await rollup_by_city(session, stmt, zero=zero)
    return IndicatorFigure(
        code=spec.code,
        unit=spec.unit,
        value=rolled.total,
        by_city=rolled.by_city,
        unattributed=rolled.unattributed,
    )


def records_select(spec: IndicatorSpec, period: PeriodQuery) -> tuple[Select[Any], Any]:
    """The provenance listing of ``spec`` (ordered by ``id``) and its id column."""
    sub = spec.records(period).subquery()
    stmt = select(sub)
    if period.city is not None:
        # A region-only figure is null under a city scope, so no record stands behind it;
        # listing them would show a city bureau other cities' records (e.g. registrations).
        stmt = stmt.where(false() if spec.region_only else sub.c.city == period.city)
    return stmt, sub.c.id


# --- Every plain figure of a service in one statement -------------------------------------
# One statement per figure costs a round trip and SQLAlchemy's per-statement work each
# (a service has a dozen). The plain figures (no custom compute) become branches of one
# UNION ALL over bound parameters, built once per spec set; the database does the same
# work, the service one round trip. Rows: (figure index, city, kind, value, name, order)
# with kind 0 a city, 1 the total, 2 a name of a region-only figure's list. Figures over
# the same records (the same ``records`` function) share one scan and one ROLLUP (a CTE
# each branch reads), and a figure that is the sum of others (``sum_of``) is added up from
# their rows rather than scanned: the database reads each table's rows once.


def _plain(spec: IndicatorSpec) -> bool:
    return spec.compute is None


def _derived(specs: tuple[IndicatorSpec, ...]) -> dict[int, tuple[int, ...]]:
    """Plain figures with ``sum_of`` whose parts are plain figures of the set: index -> parts."""
    index = {s.code: i for i, s in enumerate(specs)}
    out = {}
    for i, spec in enumerate(specs):
        if not spec.sum_of or not _plain(spec) or spec.region_only or spec.aggregate == "distinct":
            continue
        parts = tuple(index[c] for c in spec.sum_of if c in index)
        if len(parts) == len(spec.sum_of) and all(
            _plain(specs[p]) and not specs[p].region_only and not specs[p].sum_of for p in parts
        ):
            out[i] = parts
    return out


def _column(spec: IndicatorSpec) -> str:
    assert spec.column is not None, f"{spec.code}: {spec.aggregate} needs a column"
    return spec.column


def _shared_branches(group: list[tuple[int, IndicatorSpec]], period: PeriodQuery) -> list[Any]:
    """City figures over the same records: one ROLLUP computing each figure's value (a CTE,
    which PostgreSQL materialises once), read by one branch per figure."""
    sub = group[0][1].records(period).subquery()
    rows: Any = sub.c.city == period.city if period.city is not None else None
    distinct_columns = sorted(
        {s.column for _, s in group if s.aggregate == "distinct" and s.column}
    )
    if distinct_columns:
        # A distinct count under ROLLUP sorts every record by city (2.6M service logs in a
        # national half-year, spilling to disk). Grouping first by city and the distinct
        # columns is a hash aggregate with no sort; the ROLLUP then reads those few
        # thousand groups. Counts and sums add up their groups' partial values, and a
        # distinct count over (city, value) groups is the same per city and in the total.
        keys = [sub.c.city, *(sub.c[c] for c in distinct_columns)]
        partial = [
            (func.count() if s.aggregate == "count" else func.sum(sub.c[_column(s)])).label(f"p{n}")
            for n, (_, s) in enumerate(group)
            if s.aggregate != "distinct"
        ]
        grouped = select(*keys, *partial).group_by(*keys)
        pre = (grouped.where(rows) if rows is not None else grouped).subquery()
        city = pre.c.city
        values = [
            cast(
                func.count(distinct(pre.c[_column(s)]))
                if s.aggregate == "distinct"
                else func.coalesce(func.sum(pre.c[f"p{n}"]), 0),
                Numeric,
            ).label(f"v{n}")
            for n, (_, s) in enumerate(group)
        ]
        rolled = select(city.label("city"), func.grouping(city).label("g"), *values).group_by(
            func.rollup(city)
        )
    else:
        city = sub.c.city
        values = [
            cast(spec.value_expr(sub), Numeric).label(f"v{n}") for n, (_, spec) in enumerate(group)
        ]
        rolled = select(city.label("city"), func.grouping(city).label("g"), *values).group_by(
            func.rollup(city)
        )
        if rows is not None:
            rolled = rolled.where(rows)
    cte = rolled.cte(f"shared_{group[0][0]}")
    return [
        select(
            literal(index, Integer),
            cte.c.city,
            cte.c.g,
            cte.c[f"v{n}"],
            cast(null(), Text),
            literal(0, BigInteger),
        )
        for n, (index, _) in enumerate(group)
    ]


def _branches(index: int, spec: IndicatorSpec, period: PeriodQuery) -> list[Any]:
    sub = spec.records(period).subquery()
    idx = literal(index, Integer)
    value = cast(spec.value_expr(sub), Numeric)
    no_name = cast(null(), Text)
    zero = literal(0, BigInteger)
    no_city = cast(null(), String)
    if spec.region_only:
        out = [select(idx, no_city, literal(1, Integer), value, no_name, zero).select_from(sub)]
        if spec.names_column:
            name = sub.c[spec.names_column]
            out.append(
                select(
                    idx,
                    no_city,
                    literal(2, Integer),
                    cast(null(), Numeric),
                    cast(name, Text),
                    func.row_number().over(order_by=name),
                )
            )
        return out
    city = sub.c.city
    figure = select(idx, city, func.grouping(city), value, no_name, zero).group_by(
        func.rollup(city)
    )
    if period.city is not None:
        figure = figure.where(city == period.city)
    return [figure]


@dataclass(frozen=True, slots=True)
class _Batch:
    stmt: Any  # None when no figure is plain
    integer_sums: frozenset[int]  # sums of an integer column stay integers, as compute_figure's
    sql: str = ""  # the statement as asyncpg SQL, for a read connection
    positions: tuple[str, ...] = ()  # its parameters in order, by name
    constants: tuple[tuple[str, Any], ...] = ()  # the values bound at build time

    def args(self, period: PeriodQuery) -> list[Any]:
        given = {"p_start": period.start, "p_end": period.end, "p_city": period.city}
        fixed = dict(self.constants)
        return [given[n] if n in given else fixed[n] for n in self.positions]


@lru_cache(maxsize=16)
def _batched(specs: tuple[IndicatorSpec, ...], with_city: bool) -> _Batch:
    start: Any = bindparam("p_start", type_=Date)
    end: Any = bindparam("p_end", type_=Date)
    city: Any = bindparam("p_city", type_=String) if with_city else None
    period = PeriodQuery(start, end, city)
    branches = []
    integer_sums = set()
    derived = _derived(specs)
    shared: dict[Any, list[tuple[int, IndicatorSpec]]] = {}
    for i, spec in enumerate(specs):
        if _plain(spec) and not spec.region_only and i not in derived:
            shared.setdefault(spec.records, []).append((i, spec))
    for i, spec in enumerate(specs):
        if not _plain(spec) or (spec.region_only and with_city) or i in derived:
            continue
        group = shared.get(spec.records, [])
        if len(group) > 1:
            if group[0][0] == i:  # the group's branches come once, with its first figure
                branches += _shared_branches(group, period)
        else:
            branches += _branches(i, spec, period)
        if spec.aggregate == "sum" and spec.column is not None:
            column = spec.records(period).subquery().c[spec.column]
            if isinstance(column.type, Integer):
                integer_sums.add(i)
    if not branches:
        return _Batch(None, frozenset(integer_sums))
    stmt = union_all(*branches)
    # Expanding parameters (NOT IN lists) are rendered once, here, which needs a value for
    # every parameter: placeholders for the period's, replaced at each call (_Batch.args).
    placeholders: dict[str, Any] = {"p_start": date.min, "p_end": date.min}
    if with_city:
        placeholders["p_city"] = ""
    state = stmt.compile(dialect=_DIALECT).construct_expanded_state(placeholders)
    positions = tuple(state.positiontup or ())
    constants = tuple(
        (name, value) for name, value in state.parameters.items() if name not in placeholders
    )
    return _Batch(stmt, frozenset(integer_sums), state.statement, positions, constants)


async def compute_figures(
    session: AsyncSession,
    specs: tuple[IndicatorSpec, ...],
    period: PeriodQuery,
    conn: ReadConn | asyncpg.Connection | None = None,
) -> list[IndicatorFigure]:
    """Every figure of ``specs`` for ``period``, in order: the plain ones from one statement,
    those with a custom ``compute`` by it. Identical to :func:`compute_figure` one by one.

    With a read connection ``conn`` the statement runs there, one round trip in autocommit;
    the session (its checkout, BEGIN and COMMIT) is then only opened for custom figures."""
    batch = _batched(specs, period.city is not None)
    stmt = batch.stmt
    rows: list[Any] = []
    if stmt is not None and conn is not None:
        args = batch.args(period)
        planned = (
            conn.fetch_planned(batch.sql, *args)
            if isinstance(conn, ReadConn)
            else fetch_planned(conn, batch.sql, *args)
        )
        rows = list(await planned)
    elif stmt is not None:
        params: dict[str, Any] = {"p_start": period.start, "p_end": period.end}
        if period.city is not None:
            params["p_city"] = period.city
        rows = list((await session.execute(stmt, params)).all())
    totals: dict[int, Any] = {}
    cities: dict[int, dict[str, Any]] = {}
    unattributed: dict[int, Any] = {}
    names: dict[int, list[tuple[int, str]]] = {}
    for index, city, kind, value, name, order in rows:
        if kind == 2:
            names.setdefault(index, []).append((order, name))
        elif kind == 1:
            totals[index] = value
        elif city is not None:
            cities.setdefault(index, {})[city] = value
        elif value:
            unattributed[index] = value
    for index, parts in _derived(specs).items():
        if specs[index].region_only and period.city is not None:
            continue
        for part in parts:
            if part in totals:
                totals[index] = totals.get(index, 0) + totals[part]
            for city, value in cities.get(part, {}).items():
                into = cities.setdefault(index, {})
                into[city] = into.get(city, 0) + value
            if part in unattributed:
                unattributed[index] = unattributed.get(index, 0) + unattributed[part]
    figures = []
    for index, spec in enumerate(specs):
        if not _plain(spec) or (spec.region_only and period.city is not None):
            figures.append(await compute_figure(session, spec, period))
            continue
        decimal = spec.aggregate == "sum" and index not in batch.integer_sums
        zero: Number = Decimal("0.00") if spec.aggregate == "sum" else 0

        def typed(v: Any, decimal: bool = decimal, zero: Number = zero) -> Number:
            if v is None:
                return zero
            return v if decimal else int(v)

        if spec.region_only:
            items = None
            if spec.names_column:
                items = [n for _, n in sorted(names.get(index, []))]
            figures.append(
                IndicatorFigure(
                    code=spec.code,
                    unit=spec.unit,
                    value=typed(totals.get(index)),
                    region_only=True,
                    items=items,
                )
            )
            continue
        extra = unattributed.get(index)
        figures.append(
            IndicatorFigure(
                code=spec.code,
                unit=spec.unit,
                value=typed(totals.get(index)),
                by_city={c: typed(v) for c, v in cities.get(index, {}).items()},
                unattributed=typed(extra) if extra is not None else None,
            )
        )
    return figures
