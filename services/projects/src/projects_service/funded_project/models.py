from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from projects_service.db import Base
from shared_kit.db import Timestamps

CATEGORIES = ("major_special", "key_rd", "platform")
# withdrawn: taken back by its city bureau (shared_kit.corrections), never counted.
PROJECT_STATUSES = ("approved", "in_progress", "completed", "cancelled", "withdrawn")


def _known(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class FundedProject(Timestamps, Base):
    """A project the department funds (科技重大专项, 重点研发计划, 平台建设)."""

    __tablename__ = "funded_projects"
    __table_args__ = (
        CheckConstraint(_known("category", CATEGORIES), name="category_known"),
        CheckConstraint(_known("status", PROJECT_STATUSES), name="status_known"),
        CheckConstraint("funding_amount >= 0", name="funding_non_negative"),
        # Covering index for the indicators: date range + city, the rest read from the index.
        Index(
            "ix_funded_projects_approved_city",
            "approved_on",
            "city",
            postgresql_include=["category", "status", "funding_amount"],
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # The department's project number: the natural key of bulk imports.
    project_code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(100))
    lead_organisation_name: Mapped[str] = mapped_column(String(200))
    lead_organisation_uscc: Mapped[str] = mapped_column(String(18), index=True)
    city: Mapped[str] = mapped_column(String(6))
    approved_on: Mapped[date] = mapped_column(Date)
    funding_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    status: Mapped[str] = mapped_column(String(20), default="approved")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProjectMilestone(Timestamps, Base):
    """A milestone (里程碑) of a funded project."""

    __tablename__ = "project_milestones"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funded_projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
