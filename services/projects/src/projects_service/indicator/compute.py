"""All figures of the service in one SQL statement.

Computing the figures one statement at a time costs a round trip and the ORM's
per-statement overhead for each (about 17 statements with the named lists). Here
every figure's ``city_rollup`` over its own ``records(period)`` select, and every
named list, become branches of one ``UNION ALL``: the database does the same work,
the service makes one round trip. The statement is built once (the period and city
are bound parameters), so a request neither rebuilds nor recompiles it. The figures are
identical to shared_kit's ``compute_figure`` over the same specs (a test holds them equal).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    String,
    Text,
    bindparam,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.indicator.specs import BASE_SPECS, NAMED
from shared_kit.indicators import IndicatorFigure, IndicatorSpec, PeriodQuery

_CENT = Decimal("0.01")


def _branches(spec: IndicatorSpec, period: PeriodQuery) -> list[Any]:
    code = literal(spec.code, String)
    sub = spec.records(period).subquery()
    value = sql_cast(spec.value_expr(sub), Numeric)
    no_name = sql_cast(null(), Text)
    zero = literal(0, Integer)
    if spec.region_only:
        out = [
            select(
                code, sql_cast(null(), String), literal(1, Integer), value, no_name, zero
            ).select_from(sub)
        ]
        if spec.names_column:
            name = sub.c[spec.names_column]
            out.append(
                select(
                    code,
                    sql_cast(null(), String),
                    literal(2, Integer),
                    sql_cast(null(), Numeric),
                    sql_cast(name, Text),
                    func.row_number().over(order_by=name),
                )
            )
        return out
    city = sub.c.city
    figure = select(code, city, func.grouping(city), value, no_name, zero).group_by(
        func.rollup(city)
    )
    if period.city is not None:
        figure = figure.where(city == period.city)
    out = [figure]
    if spec.code in NAMED:
        column, order = NAMED[spec.code]
        name = sub.c[column]
        names = select(
            code,
            sql_cast(null(), String),
            literal(2, Integer),
            sql_cast(null(), Numeric),
            sql_cast(name, Text),
            func.row_number().over(order_by=(func.min(sub.c[order]), name)),
        ).group_by(name)
        if period.city is not None:
            names = names.where(city == period.city)
        out.append(names)
    return out


@lru_cache(maxsize=2)
def _statement(with_city: bool) -> Any:
    """The UNION ALL of every figure, over parameters ``p_start``, ``p_end`` (``p_city``)."""
    period = PeriodQuery(
        cast(Any, bindparam("p_start", type_=Date)),
        cast(Any, bindparam("p_end", type_=Date)),
        cast(Any, bindparam("p_city", type_=String)) if with_city else None,
    )
    live = [s for s in BASE_SPECS if not (s.region_only and with_city)]
    return union_all(*(b for spec in live for b in _branches(spec, period)))


async def compute_all(session: AsyncSession, period: PeriodQuery) -> list[IndicatorFigure]:
    """Every figure of ``BASE_SPECS`` (plus named lists) for ``period``, in spec order."""
    params: dict[str, Any] = {"p_start": period.start, "p_end": period.end}
    if period.city is not None:
        params["p_city"] = period.city
    rows = (await session.execute(_statement(period.city is not None), params)).all()

    totals: dict[str, Any] = {}
    cities: dict[str, dict[str, Any]] = {}
    names: dict[str, list[tuple[int, str]]] = {}
    # Rows are aggregates (≤ 15 per figure) and names, never records.
    for code, city, kind, value, name, order in rows:
        if kind == 2:
            names.setdefault(code, []).append((order, name))
        elif kind == 1:
            totals[code] = value
        elif city is not None:
            cities.setdefault(code, {})[city] = value

    figures = []
    for spec in BASE_SPECS:
        if spec.region_only and period.city is not None:
            figures.append(
                IndicatorFigure(code=spec.code, unit=spec.unit, value=None, region_only=True)
            )
            continue

        def typed(v: Any, spec: IndicatorSpec = spec) -> Any:
            if spec.aggregate == "sum":
                return (v if v is not None else Decimal(0)).quantize(_CENT)
            return int(v) if v is not None else 0

        items = None
        if spec.names_column or spec.code in NAMED:
            items = [n for _, n in sorted(names.get(spec.code, []))]
        figures.append(
            IndicatorFigure(
                code=spec.code,
                unit=spec.unit,
                value=typed(totals.get(spec.code)),
                by_city=None
                if spec.region_only
                else {c: typed(v) for c, v in cities.get(spec.code, {}).items()},
                region_only=spec.region_only,
                items=items,
            )
        )
    return figures
