from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from projects_service.db import Base
from shared_kit.db import Timestamps

# Every status and its word: a Chinese message names the word, never the code.
DEMAND_STATUS_WORDS = {
    "submitted": "已提交",
    "under_review": "论证遴选中",
    "listed": "已张榜",
    "rejected": "未通过",
    "claimed": "已揭榜",
    "contracted": "已立项",
    "accepted": "已验收",
    "terminated": "已终止",
    "withdrawn": "已撤回",
}
DEMAND_STATUSES = tuple(DEMAND_STATUS_WORDS)


class ChallengeDemand(Timestamps, Base):
    """A 揭榜挂帅 technology demand submitted by an organisation."""

    __tablename__ = "challenge_demands"
    __table_args__ = (
        CheckConstraint("budget >= 0", name="budget_non_negative"),
        CheckConstraint("reward_amount >= 0", name="reward_amount_non_negative"),
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in DEMAND_STATUSES) + ")",
            name="status_known",
        ),
        Index("ix_challenge_demands_submitted_city", "submitted_on", "city"),
        Index("ix_challenge_demands_listed_city", "listed_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # The submitter's own reference: the natural key of bulk imports.
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_uscc: Mapped[str] = mapped_column(String(18), index=True)
    city: Mapped[str] = mapped_column(String(6))
    field: Mapped[str] = mapped_column(String(100))
    goal: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    submitted_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    # 张榜 (listing) terms
    listed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reward_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), nullable=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    eligibility: Mapped[str | None] = mapped_column(Text, nullable=True)
    # 揭榜 (claim) by the solver organisation
    claimed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    solver_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    solver_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    contracted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # accepted, terminated, rejected or withdrawn
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Set by a withdrawal (shared_kit.corrections): the record stays, never counted.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ChallengeDemandTransition(Base):
    """One step of a demand's workflow. Append-only (a trigger refuses UPDATE/DELETE)."""

    __tablename__ = "challenge_demand_transitions"
    __table_args__ = (Index("ix_challenge_demand_transitions_demand_seq", "demand_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # Orders steps within one transaction, where now() is the same for all.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    demand_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("challenge_demands.id", ondelete="RESTRICT")
    )
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_subject: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
