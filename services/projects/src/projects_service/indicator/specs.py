"""The projects.* figures of the consolidated report (see docs/indicators.md).

Each figure is a count or sum over a ``records(period)`` select, so the provenance listing
(``/v1/indicators/{code}/records``) and the figure can never disagree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Select, String, cast, func, literal, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.challenge.models import ChallengeDemand
from projects_service.funded_project.models import FundedProject
from projects_service.innovation_platform.models import KeyLabApplication, KeyLabBatch, Platform
from projects_service.plan.models import ActionPlan, ActionPlanTask, Program, SpecialField
from projects_service.review.models import ReviewRoundDemand
from shared_kit.corrections import not_withdrawn
from shared_kit.indicators import IndicatorFigure, IndicatorSpec, PeriodQuery, compute_figure

# Reading rule 1: withdrawn, cancelled and revoked records never count; later statuses
# (rejected, terminated) do not undo the dated event they passed through.
_DEMAND_NEVER = ("withdrawn",)
_PROJECT_NEVER = ("cancelled", "withdrawn")
_PLATFORM_NEVER = ("revoked",)
_APPLICATION_NEVER = ("withdrawn",)
# The two categories the report calls 科技项目 (the platform category is section 四).
_RESEARCH_CATEGORIES = ("major_special", "key_rd")


def _no_city() -> Any:
    return cast(null(), String(6)).label("city")


# 一、三年行动方案 --------------------------------------------------------------


def action_plan_programs(p: PeriodQuery) -> Select[Any]:
    # Reading rule 6: the plan's years include every year the period touches.
    return (
        select(
            Program.id,
            _no_city(),
            Program.name,
            ActionPlan.name.label("plan_name"),
            ActionPlan.start_year,
            ActionPlan.end_year,
        )
        .join(ActionPlan, Program.plan_id == ActionPlan.id)
        .where(
            # In SQL, so the period may also be a bound parameter (indicator.compute).
            ActionPlan.start_year <= func.extract("year", cast(p.start, Date)),
            ActionPlan.end_year >= func.extract("year", cast(p.end, Date)),
            not_withdrawn(Program.status),
        )
    )


def action_plan_tasks_completed(p: PeriodQuery) -> Select[Any]:
    t = ActionPlanTask
    return (
        select(
            t.id,
            _no_city(),
            t.title,
            t.owner,
            Program.name.label("program_name"),
            t.due_on,
            t.completed_on,
        )
        .join(Program, t.program_id == Program.id)
        .where(t.status == "completed", t.completed_on.between(p.start, p.end))
    )


# 二、关键核心技术攻坚 ----------------------------------------------------------


def special_plans_completed(p: PeriodQuery) -> Select[Any]:
    f = SpecialField
    return select(f.id, _no_city(), f.name, f.plan_status, f.completed_on).where(
        f.plan_status == "completed", f.completed_on.between(p.start, p.end)
    )


def _demand_columns() -> list[Any]:
    d = ChallengeDemand
    return [
        d.id,
        d.city,
        d.title,
        d.organisation_name,
        d.organisation_uscc,
        d.field,
        d.status,
        d.submitted_on,
        d.listed_on,
    ]


def demands_collected(p: PeriodQuery) -> Select[Any]:
    d = ChallengeDemand
    return select(*_demand_columns()).where(
        d.submitted_on.between(p.start, p.end), d.status.not_in(_DEMAND_NEVER)
    )


def demands_listed(p: PeriodQuery) -> Select[Any]:
    d, r = ChallengeDemand, ReviewRoundDemand
    # The review round that argued the demand, and its weighted result (a demand is
    # reviewed in one round at most, so the outer join adds no rows).
    review: list[Any] = [
        r.round_id.label("review_round_id"),
        r.weighted_score.label("review_score"),
    ]
    return (
        select(*_demand_columns(), *review)
        .outerjoin(r, r.demand_id == d.id)
        .where(d.listed_on.between(p.start, p.end), d.status.not_in(_DEMAND_NEVER))
    )


def _projects(p: PeriodQuery, categories: tuple[str, ...]) -> Select[Any]:
    f = FundedProject
    columns: list[Any] = [
        f.id,
        f.city,
        f.project_code,
        f.name,
        f.category,
        f.field,
        f.lead_organisation_name,
        f.lead_organisation_uscc,
        f.approved_on,
        f.funding_amount,
        f.status,
    ]
    return select(*columns).where(
        f.approved_on.between(p.start, p.end),
        f.category.in_(categories),
        f.status.not_in(_PROJECT_NEVER),
    )


def major_projects_funded(p: PeriodQuery) -> Select[Any]:
    return _projects(p, ("major_special",))


def key_rd_projects_funded(p: PeriodQuery) -> Select[Any]:
    return _projects(p, ("key_rd",))


def research_project_funding(p: PeriodQuery) -> Select[Any]:
    return _projects(p, _RESEARCH_CATEGORIES)


# 四、科技创新平台 --------------------------------------------------------------


def platform_funding(p: PeriodQuery) -> Select[Any]:
    return _projects(p, ("platform",))


def _platform_columns() -> list[Any]:
    x = Platform
    return [
        x.id,
        x.city,
        x.name,
        x.level,
        x.kind,
        x.host_organisation_name,
        x.approved_on,
        x.plan_approved_on,
        x.status,
    ]


def national_platforms_added(p: PeriodQuery) -> Select[Any]:
    x = Platform
    return select(*_platform_columns()).where(
        x.level == "national",
        x.approved_on.between(p.start, p.end),
        x.status.not_in(_PLATFORM_NEVER),
    )


def joint_lab_plans_approved(p: PeriodQuery) -> Select[Any]:
    x = Platform
    return select(*_platform_columns()).where(
        x.kind == "joint_state_key_lab",
        x.plan_approved_on.between(p.start, p.end),
        x.status.not_in(_PLATFORM_NEVER),
    )


def key_lab_applications(p: PeriodQuery) -> Select[Any]:
    a, b = KeyLabApplication, KeyLabBatch
    columns: list[Any] = [
        a.id,
        a.city,
        a.lab_name,
        a.organisation_name,
        a.submitted_on,
        a.status,
        b.number.label("batch_number"),
        (literal("第") + cast(b.number, String) + literal("批")).label("batch_label"),
    ]
    return (
        select(*columns)
        .join(b, a.batch_id == b.id)
        .where(a.submitted_on.between(p.start, p.end), a.status.not_in(_APPLICATION_NEVER))
    )


def _with_names(
    base: IndicatorSpec, column: str, order: str
) -> Callable[[AsyncSession, PeriodQuery], Awaitable[IndicatorFigure]]:
    """A city-attributed figure that also names what it counts (the narrative lists them).

    Names are distinct, in the order of ``order`` (then the name), and respect
    the period's city like the figure does.
    """

    async def compute(session: AsyncSession, period: PeriodQuery) -> IndicatorFigure:
        figure = await compute_figure(session, base, period)
        sub = base.records(period).subquery()
        name = sub.c[column]
        stmt = select(name).group_by(name).order_by(func.min(sub.c[order]), name)
        if period.city is not None:
            stmt = stmt.where(sub.c.city == period.city)
        figure.items = [str(v) for v in (await session.execute(stmt)).scalars()]
        return figure

    return compute


_CENT = Decimal("0.01")


def _money(
    base: IndicatorSpec,
) -> Callable[[AsyncSession, PeriodQuery], Awaitable[IndicatorFigure]]:
    """A yuan sum, always with two decimals (an empty period gives "0.00", not "0")."""

    def cents(value: Any) -> Any:
        return value.quantize(_CENT) if isinstance(value, Decimal) else value

    async def compute(session: AsyncSession, period: PeriodQuery) -> IndicatorFigure:
        figure = await compute_figure(session, base, period)
        figure.value = cents(figure.value)
        if figure.by_city is not None:
            figure.by_city = {city: cents(v) for city, v in figure.by_city.items()}
        return figure

    return compute


def _spec(code: str, unit: Any, records: Any, **kw: Any) -> IndicatorSpec:
    return IndicatorSpec(code, unit, records, **kw)


BASE_SPECS: tuple[IndicatorSpec, ...] = (
    _spec(
        "projects.action_plan_programs",
        "count",
        action_plan_programs,
        region_only=True,
        names_column="name",
    ),
    _spec(
        "projects.action_plan_tasks_completed",
        "count",
        action_plan_tasks_completed,
        region_only=True,
    ),
    _spec(
        "projects.special_plans_completed",
        "count",
        special_plans_completed,
        region_only=True,
        names_column="name",
    ),
    _spec("projects.challenge_demands_collected", "count", demands_collected),
    _spec("projects.challenge_demands_listed", "count", demands_listed),
    _spec("projects.major_projects_funded", "count", major_projects_funded),
    _spec("projects.key_rd_projects_funded", "count", key_rd_projects_funded),
    _spec(
        "projects.project_funding",
        "yuan",
        research_project_funding,
        aggregate="sum",
        column="funding_amount",
    ),
    _spec(
        "projects.platform_funding",
        "yuan",
        platform_funding,
        aggregate="sum",
        column="funding_amount",
    ),
    _spec("projects.national_platforms_added", "count", national_platforms_added),
    _spec("projects.joint_lab_plans_approved", "count", joint_lab_plans_approved),
    _spec("projects.key_lab_applications", "count", key_lab_applications),
)
"""The figures as plain aggregates over their records (what the batched computation runs)."""

# City-attributed figures that also name what they count: code -> (name column, order column).
NAMED: dict[str, tuple[str, str]] = {
    "projects.national_platforms_added": ("name", "name"),
    "projects.key_lab_applications": ("batch_label", "batch_number"),
}


def _complete(spec: IndicatorSpec) -> IndicatorSpec:
    if spec.unit == "yuan":
        return replace(spec, compute=_money(spec))
    if spec.code in NAMED:
        return replace(spec, compute=_with_names(spec, *NAMED[spec.code]))
    return spec


SPECS: tuple[IndicatorSpec, ...] = tuple(_complete(s) for s in BASE_SPECS)
"""The same figures, each computable alone by shared_kit's compute_figure (and listed by
the records endpoint); ``indicator.compute.compute_all`` gives identical answers in one query."""
