from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from projects_service.db import Base
from shared_kit.db import Timestamps

TASK_STATUSES = ("planned", "in_progress", "completed", "cancelled")
PLAN_STATUSES = ("not_started", "drafting", "completed", "cancelled")
PROGRAM_STATUSES = ("active", "withdrawn")
# The words of every status above: a Chinese message names the word, never the code.
STATUS_WORDS = {
    "planned": "计划中",
    "in_progress": "实施中",
    "completed": "已完成",
    "cancelled": "已取消",
    "not_started": "未开始",
    "drafting": "编制中",
    "active": "有效",
    "withdrawn": "已撤回",
}


def _known(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class ActionPlan(Timestamps, Base):
    """The three-year action plan (三年行动方案) and the years it covers."""

    __tablename__ = "action_plans"
    __table_args__ = (CheckConstraint("end_year >= start_year", name="years_ordered"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    start_year: Mapped[int] = mapped_column(SmallInteger)
    end_year: Mapped[int] = mapped_column(SmallInteger)


class Program(Timestamps, Base):
    """One 工程 of an action plan."""

    __tablename__ = "programs"
    __table_args__ = (
        UniqueConstraint("plan_id", "name"),
        CheckConstraint(_known("status", PROGRAM_STATUSES), name="status_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("action_plans.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # A programme taken back (shared_kit.corrections) stays stored and is never counted.
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ActionPlanTask(Timestamps, Base):
    """A key task (重点任务) of a program."""

    __tablename__ = "action_plan_tasks"
    __table_args__ = (
        CheckConstraint(_known("status", TASK_STATUSES), name="status_known"),
        # completed_on is the dated event the indicator counts: present exactly when completed.
        CheckConstraint(
            "(status = 'completed') = (completed_on IS NOT NULL)", name="completed_has_date"
        ),
        Index("ix_action_plan_tasks_completed_on", "completed_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class SpecialField(Timestamps, Base):
    """A 科技重大专项 field and the state of its implementation plan (实施方案)."""

    __tablename__ = "special_fields"
    __table_args__ = (
        CheckConstraint(_known("plan_status", PLAN_STATUSES), name="plan_status_known"),
        CheckConstraint(
            "(plan_status = 'completed') = (completed_on IS NOT NULL)", name="completed_has_date"
        ),
        Index("ix_special_fields_completed_on", "completed_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    plan_status: Mapped[str] = mapped_column(String(20), default="not_started")
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
