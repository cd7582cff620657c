from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from projects_service.challenge.schemas import Money

Score = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class CriterionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    weight: Annotated[int, Field(ge=1, le=100, description="percent; the round's sum to 100")]


class CriterionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    name: str
    weight: int


class RoundCreate(BaseModel):
    """A review round's demands (each submitted, in a field the round covers) and rules."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    demand_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=500)]
    reviewers_per_demand: Annotated[int, Field(ge=1, le=15)]
    fields: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=100)]],
        Field(min_length=1, max_length=50, description="fields of expertise the round covers"),
    ]
    criteria: Annotated[list[CriterionIn], Field(min_length=1, max_length=20)]
    deadline: date = Field(description="last day reviewers may score")
    exclude_same_city: bool = Field(
        default=False, description="exclude experts of the demanding organisation's city"
    )
    max_demands_per_expert: Annotated[int, Field(ge=1, le=500)] = 3
    list_threshold: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] = (
        Decimal("60")
    )


class RoundRead(BaseModel):
    id: uuid.UUID
    name: str
    reviewers_per_demand: int
    fields: list[str]
    deadline: date
    exclude_same_city: bool
    max_demands_per_expert: int
    list_threshold: Decimal
    criteria: list[CriterionRead]
    demand_ids: list[uuid.UUID]
    seed: int | None = Field(description="the initial draw's seed; null until drawn")
    drawn_at: datetime | None
    opened_by: str
    created_at: datetime


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    round_id: uuid.UUID
    demand_id: uuid.UUID
    draw_id: uuid.UUID
    expert_id: uuid.UUID
    expert_name: str
    expert_organisation: str
    expert_city: str
    status: str
    voided_reason: str | None
    scored_at: datetime | None


class DrawRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int
    demand_id: uuid.UUID
    kind: str
    seed: int
    pool: list[str] = Field(description="expert ids the draw chose from, in order")
    picked: list[str]
    replaces_id: uuid.UUID | None
    reason: str
    actor_subject: str
    recorded_at: datetime


class ReplayedDraw(BaseModel):
    draw_id: uuid.UUID
    demand_id: uuid.UUID
    kind: str
    recorded: list[str] = Field(description="the experts assigned by this draw")
    replayed: list[str] = Field(description="the experts the stored seed and pool give")
    matches: bool


class DrawVerification(BaseModel):
    round_id: uuid.UUID
    seed: int
    matches: bool
    draws: list[ReplayedDraw]


class ReplaceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Literal["declined", "unreachable"]
    note: Annotated[str, Field(max_length=2000)] = ""


class ConflictDeclaration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class ScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion: Annotated[str, Field(min_length=1, max_length=40)]
    score: Score
    comment: Annotated[str, Field(max_length=2000)] = ""


class ScoreSubmission(BaseModel):
    """One score (0–100) per criterion of the round, each with an optional comment."""

    model_config = ConfigDict(extra="forbid")

    scores: Annotated[list[ScoreIn], Field(min_length=1, max_length=20)]
    comment: Annotated[str, Field(max_length=5000)] = ""


class ScoreRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    criterion: str
    score: Decimal
    comment: str


class ReviewerProgress(BaseModel):
    assignment_id: uuid.UUID
    expert_id: uuid.UUID
    expert_name: str
    expert_organisation: str
    status: str
    voided_reason: str | None
    weighted_score: Decimal | None


class DemandProgress(BaseModel):
    demand_id: uuid.UUID
    title: str
    organisation_name: str
    city: str
    field: str
    demand_status: str
    reviewers: list[ReviewerProgress]
    assigned: int = Field(description="live reviewers (assigned or scored)")
    scored: int
    conflicts_declared: int
    replaced: int = Field(description="reviewers who declined or could not be reached")
    complete: bool = Field(description="every required reviewer has scored")
    weighted_score: Decimal | None = Field(description="mean of the reviewers' weighted scores")
    recommendation: Literal["list", "not_list"] | None
    decision: str | None
    decision_reason: str | None


class RoundProgress(BaseModel):
    round: RoundRead
    demands: list[DemandProgress]


class DecisionRequest(BaseModel):
    """The admin's decision on a fully scored demand; listing carries the 张榜 terms."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["listed", "rejected"] = Field(
        description="listed (张榜) or rejected, moving the demand through its workflow"
    )
    reason: Annotated[str, Field(max_length=2000)] = ""
    on: date | None = Field(default=None, description="date of the decision; default today")
    reward_amount: Money | None = None
    deadline: date | None = None
    eligibility: Annotated[str | None, Field(min_length=1, max_length=5000)] = None


class MyDemand(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    organisation_name: str
    city: str
    field: str
    goal: str
    budget: Decimal
    submitted_on: date


class MyReview(BaseModel):
    """An assignment as its expert sees it: the demand, the criteria, its own scores."""

    assignment_id: uuid.UUID
    round_id: uuid.UUID
    round_name: str
    deadline: date
    status: str
    demand: MyDemand
    criteria: list[CriterionRead]
    scores: list[ScoreRead]
    comment: str
    scored_at: datetime | None
