from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from transfer_service.common import in_check
from transfer_service.db import Base

EVENT_STATUSES = ("held", "cancelled")
INTENTION_STATUSES = ("signed", "withdrawn")


class RecruitmentEvent(Timestamps, Base):
    """A 科技招商 (S&T investment recruitment) event hosted by a city."""

    __tablename__ = "recruitment_events"
    __table_args__ = (
        CheckConstraint(in_check("status", EVENT_STATUSES), name="status_known"),
        Index("ix_recruitment_events_held_city", "held_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(6))
    held_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="held")


class CooperationIntention(Timestamps, Base):
    """A cooperation intention an enterprise signed (合作意向).

    Its city is where the cooperation lands (the recruiting city): the enterprises
    recruited are mostly from outside the region, so the enterprise registry cannot
    place them.
    """

    __tablename__ = "cooperation_intentions"
    __table_args__ = (
        CheckConstraint(in_check("status", INTENTION_STATUSES), name="status_known"),
        CheckConstraint(
            "intended_investment IS NULL OR intended_investment >= 0",
            name="investment_non_negative",
        ),
        Index(
            "ix_cooperation_intentions_signed_city",
            "signed_on",
            "city",
            postgresql_include=["enterprise_uscc"],
            postgresql_where=text("status = 'signed'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("recruitment_events.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    enterprise_name: Mapped[str] = mapped_column(String(200))
    enterprise_uscc: Mapped[str] = mapped_column(String(18), index=True)
    enterprise_region: Mapped[str | None] = mapped_column(String(6), nullable=True)
    project_name: Mapped[str] = mapped_column(String(300), default="")
    intended_investment: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), nullable=True)
    city: Mapped[str] = mapped_column(String(6))
    signed_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="signed")
