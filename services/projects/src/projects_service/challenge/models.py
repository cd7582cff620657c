from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from projects_service.db import Base
from shared_kit.db import Timestamps

DEMAND_STATUSES = (
    "submitted",
    "under_review",
    "listed",
    "rejected",
    "claimed",
    "contracted",
    "accepted",
    "terminated",
    "withdrawn",
)


class ChallengeDemand(Timestamps, Base):
    """A 揭榜挂帅 technology demand submitted by an organisation."""

    __tablename__ = "challenge_demands"
    __table_args__ = (
        CheckConstraint("budget >= 0", name="budget_non_negative"),
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in DEMAND_STATUSES) + ")",
            name="status_known",
        ),
        Index("ix_challenge_demands_submitted_city", "submitted_on", "city"),
        Index("ix_challenge_demands_listed_city", "listed_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(300))
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_uscc: Mapped[str] = mapped_column(String(18), index=True)
    city: Mapped[str] = mapped_column(String(6))
    field: Mapped[str] = mapped_column(String(100))
    goal: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    submitted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    listed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
