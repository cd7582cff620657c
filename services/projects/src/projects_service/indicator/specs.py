"""The projects.* figures of the consolidated report (see docs/indicators.md)."""

from __future__ import annotations

from typing import Any

from shared_kit.indicators import IndicatorSpec, PeriodQuery
from sqlalchemy import Select, select

from projects_service.challenge.models import ChallengeDemand

# Withdrawn demands never count; later statuses (rejected, terminated) do not undo the
# dated event they passed through.
_NEVER_COUNTS = ("withdrawn",)


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
        d.submitted_on.between(p.start, p.end), d.status.not_in(_NEVER_COUNTS)
    )


def demands_listed(p: PeriodQuery) -> Select[Any]:
    d = ChallengeDemand
    return select(*_demand_columns()).where(
        d.listed_on.between(p.start, p.end), d.status.not_in(_NEVER_COUNTS)
    )


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("projects.challenge_demands_collected", "count", demands_collected),
    IndicatorSpec("projects.challenge_demands_listed", "count", demands_listed),
)
