from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from reporting_service.db import Base

STATES = ("open", "submitted", "returned", "approved")
ACTIONS = ("submit", "approve", "return", "unlock")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class CityApproval(Base):
    """A city's data for one period: its current state (a city without a row is open)."""

    __tablename__ = "approvals"
    __table_args__ = (
        UniqueConstraint("period", "city"),
        CheckConstraint(_in("state", STATES), name="state_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(6))
    state: Mapped[str] = mapped_column(String(16))
    # Who moved it to this state, when, and the comment or reason they gave.
    changed_by: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The warning-level validation findings recorded with the latest submission.
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class ApprovalEvent(Base):
    """One step of a city's period: the audit history (never updated or deleted)."""

    __tablename__ = "approval_events"
    __table_args__ = (
        CheckConstraint(_in("action", ACTIONS), name="action_known"),
        Index("ix_approval_events_period_city", "period", "city", "at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(6))
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ApprovalIntent(Base):
    """A decision on a city's period whose locks are being placed or released.

    Committed on its own before the services are called and deleted in the transaction
    that records the new state: one left behind (the request failed or its commit did)
    means the services may disagree with the state, and ``service.heal`` puts them right.
    """

    __tablename__ = "approval_intents"
    __table_args__ = (Index("ix_approval_intents_period_city", "period", "city"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(6))
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
