from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from projects_service.db import Base
from shared_kit.db import Timestamps

LEVELS = ("national", "regional")
KINDS = (
    "state_key_lab",
    "joint_state_key_lab",
    "regional_key_lab",
    "engineering_center",
    "new_rd_institution",
    "other",
)
PLATFORM_STATUSES = ("active", "revoked")
APPLICATION_STATUSES = ("submitted", "approved", "rejected", "withdrawn")


def _known(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class Platform(Timestamps, Base):
    """An innovation platform (重点实验室, 工程中心, 新型研发机构…) hosted in a city."""

    __tablename__ = "platforms"
    __table_args__ = (
        CheckConstraint(_known("level", LEVELS), name="level_known"),
        CheckConstraint(_known("kind", KINDS), name="kind_known"),
        CheckConstraint(_known("status", PLATFORM_STATUSES), name="status_known"),
        Index("ix_platforms_approved_city", "approved_on", "city"),
        Index("ix_platforms_plan_approved_city", "plan_approved_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    host_organisation_name: Mapped[str] = mapped_column(String(200))
    host_organisation_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    city: Mapped[str] = mapped_column(String(6))
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # 建设运行实施方案通过论证 (joint state key labs)
    plan_approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")


class KeyLabBatch(Timestamps, Base):
    """A call for 自治区重点实验室 applications: 第N批."""

    __tablename__ = "key_lab_batches"
    __table_args__ = (CheckConstraint("number > 0", name="number_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    opened_on: Mapped[date] = mapped_column(Date)

    @property
    def label(self) -> str:
        return f"第{self.number}批"


class KeyLabApplication(Timestamps, Base):
    """An organisation's application to set up a regional key lab in one batch."""

    __tablename__ = "key_lab_applications"
    __table_args__ = (
        CheckConstraint(_known("status", APPLICATION_STATUSES), name="status_known"),
        Index("ix_key_lab_applications_submitted_city", "submitted_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("key_lab_batches.id"), index=True)
    lab_name: Mapped[str] = mapped_column(String(300))
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    city: Mapped[str] = mapped_column(String(6))
    submitted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    # Set by a withdrawal with a reason (shared_kit.corrections); withdrawn never counts.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
