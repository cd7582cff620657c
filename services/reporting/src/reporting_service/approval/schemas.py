from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ApprovalRead(BaseModel):
    """A city's state for a period; ``open`` with no one and no time when nothing happened yet."""

    period: str
    city: str
    city_name: str
    state: str = Field(description="open, submitted, returned or approved")
    changed_by: str | None = None
    changed_at: datetime | None = None
    comment: str | None = Field(default=None, description="the return comment or unlock reason")
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    warnings: list[dict[str, Any]] = Field(default_factory=list)


class ApprovalEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    from_state: str
    to_state: str
    actor: str
    actor_role: str
    comment: str | None
    warnings: list[dict[str, Any]]
    at: datetime


class ApprovalDetail(ApprovalRead):
    history: list[ApprovalEventRead]


class CommentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(min_length=1, max_length=2000, description="退回意见")


class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="解锁原因")
