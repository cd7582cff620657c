"""A 揭榜挂帅 demand as a correctable record (shared_kit.corrections).

The submitting city bureau corrects what it wrote (title, organisation, field, goal,
budget, submission date) and may withdraw its demand at any stage, listed ones
included: withdrawn is never counted. The listing terms and the city are the
department's decisions: a city bureau asks for those through a correction request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.challenge.exceptions import ChallengeDemandNotFound
from projects_service.challenge.models import ChallengeDemand, ChallengeDemandTransition
from projects_service.challenge.schemas import ChallengeDemandRead, Money
from projects_service.challenge.workflow import CLOSING, history_entry
from shared_kit.auth import Principal
from shared_kit.codes import CityCode, Uscc
from shared_kit.corrections import WITHDRAWN, Correctable, LockPoints
from shared_kit.patch import Patch


class DemandChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Patch[Annotated[str, Field(min_length=1, max_length=300)]] = None
    organisation_name: Patch[Annotated[str, Field(min_length=1, max_length=200)]] = None
    organisation_uscc: Patch[Uscc] = None
    field: Patch[Annotated[str, Field(min_length=1, max_length=100)]] = None
    goal: Patch[Annotated[str, Field(max_length=5000)]] = None
    budget: Patch[Money] = None
    submitted_on: Patch[date] = None
    # The department's alone (a city bureau files a correction request).
    city: Patch[CityCode] = None
    listed_on: Patch[date] = None
    reward_amount: Patch[Money] = None
    deadline: Patch[date] = None
    eligibility: Patch[Annotated[str, Field(min_length=1, max_length=5000)]] = None

    @field_validator("submitted_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("submitted_on is in the future")
        return value


def _lock_points(d: ChallengeDemand) -> LockPoints:
    # The two figures a demand counts in: collected (submitted_on), listed (listed_on).
    return [(d.city, d.submitted_on), (d.city, d.listed_on)]


async def _record_step(
    session: AsyncSession, demand: Any, principal: Principal, reason: str, to: str, on: date
) -> None:
    # A withdrawal, or undoing one, is also a workflow step, kept in the workflow history.
    session.add(
        ChallengeDemandTransition(
            **history_entry(
                demand_id=demand.id,
                principal=principal,
                from_status=demand.status,
                to_status=to,
                occurred_on=on,
                reason=reason,
            )
        )
    )
    if to == WITHDRAWN:
        demand.closed_on = on
    elif to not in CLOSING:
        demand.closed_on = None  # open again


DEMANDS = Correctable(
    kind="challenge_demand",
    model=ChallengeDemand,
    read_model=ChallengeDemandRead,
    changes=DemandChanges,
    not_found=ChallengeDemandNotFound,
    lock_points=_lock_points,
    department_only=frozenset({"city", "listed_on", "reward_amount", "deadline", "eligibility"}),
    on_move=_record_step,
)
