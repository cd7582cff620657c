from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from projects_service.plan.models import STATUS_WORDS
from shared_kit.i18n import Text, t
from shared_kit.patch import Patch

TaskStatus = Literal["planned", "in_progress", "completed", "cancelled"]
PlanStatus = Literal["not_started", "drafting", "completed", "cancelled"]
Year = Annotated[int, Field(ge=2000, le=2100)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def _not_future(value: date | None) -> date | None:
    if value is not None and value > date.today():
        raise ValueError(t("日期不能晚于今天", "the date is in the future"))
    return value


def completion_problem(status: str, completed_on: date | None, done: str) -> Text | None:
    """Why a (status, completed_on) pair is inconsistent, or None."""
    if status == done and completed_on is None:
        return t(
            f"状态为「{STATUS_WORDS[done]}」时须填写完成日期（completed_on）",
            f"status {done} needs completed_on",
        )
    if status != done and completed_on is not None:
        return t(
            f"只有状态为「{STATUS_WORDS[done]}」时才能填写完成日期（completed_on）",
            f"completed_on is only set when status is {done}",
        )
    return None


class ActionPlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=300)]
    start_year: Year
    end_year: Year

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_year < self.start_year:
            raise ValueError(
                t("结束年份（end_year）早于开始年份（start_year）", "end_year precedes start_year")
            )
        return self


class ActionPlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    start_year: int
    end_year: int
    created_at: datetime


class ProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan_id: uuid.UUID
    name: Name


class ProgramRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    plan_id: uuid.UUID
    name: str
    status: str
    withdrawn_at: datetime | None
    withdrawal_reason: str | None


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program_id: uuid.UUID
    title: Annotated[str, Field(min_length=1, max_length=300)]
    owner: Name
    due_on: date
    status: TaskStatus = "planned"
    completed_on: date | None = None

    _past = field_validator("completed_on")(_not_future)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problem = completion_problem(self.status, self.completed_on, "completed")
        if problem:
            raise ValueError(problem)
        return self


class TaskUpdate(BaseModel):
    """Fields to change; the resulting status and completed_on must agree."""

    model_config = ConfigDict(extra="forbid")

    title: Patch[Annotated[str, Field(min_length=1, max_length=300)]] = None
    owner: Patch[Name] = None
    due_on: Patch[date] = None
    status: Patch[TaskStatus] = None
    completed_on: date | None = None

    _past = field_validator("completed_on")(_not_future)


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    title: str
    owner: str
    due_on: date
    status: str
    completed_on: date | None


class SpecialFieldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    plan_status: PlanStatus = "not_started"
    completed_on: date | None = None

    _past = field_validator("completed_on")(_not_future)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problem = completion_problem(self.plan_status, self.completed_on, "completed")
        if problem:
            raise ValueError(problem)
        return self


class SpecialFieldUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan_status: Patch[PlanStatus] = None
    completed_on: date | None = None

    _past = field_validator("completed_on")(_not_future)


class SpecialFieldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    plan_status: str
    completed_on: date | None
