"""揭榜挂帅 review rounds (论证遴选): rules, drawn reviewers, scores and decisions.

Experts live in talent; their ids (and the name, organisation and city the draw saw)
are stored here as plain values, never as cross-schema foreign keys.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from projects_service.db import Base
from shared_kit.db import Timestamps

# An assignment is live while assigned or scored; the others are voided and replaced.
ASSIGNMENT_STATUSES = ("assigned", "scored", "declined", "unreachable", "conflict")
LIVE = ("assigned", "scored")
VOIDED = ("declined", "unreachable", "conflict")
DECISIONS = ("listed", "rejected")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class ReviewRound(Timestamps, Base):
    __tablename__ = "review_rounds"
    __table_args__ = (
        CheckConstraint("reviewers_per_demand BETWEEN 1 AND 15", name="reviewers_range"),
        CheckConstraint("max_demands_per_expert >= 1", name="max_demands_positive"),
        CheckConstraint("list_threshold BETWEEN 0 AND 100", name="threshold_range"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    reviewers_per_demand: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[str]] = mapped_column(ARRAY(String(100)))
    deadline: Mapped[date] = mapped_column(Date)
    exclude_same_city: Mapped[bool] = mapped_column(Boolean)
    max_demands_per_expert: Mapped[int] = mapped_column(Integer)
    # A weighted result (0–100) at or above this recommends listing.
    list_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    # The initial draw's seed; None until drawn.
    seed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    opened_by: Mapped[str] = mapped_column(String(200))


class ReviewCriterion(Base):
    __tablename__ = "review_criteria"
    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 100", name="weight_range"),)

    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("review_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class ReviewRoundDemand(Base):
    """A demand under review in a round: its draw order, candidate pool and decision."""

    __tablename__ = "review_round_demands"
    __table_args__ = (
        CheckConstraint(
            "decision IS NULL OR " + _one_of("decision", DECISIONS), name="decision_known"
        ),
    )

    round_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("review_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    # A demand is reviewed in one round only (it must be submitted to enter one).
    demand_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("challenge_demands.id", ondelete="RESTRICT"), primary_key=True, unique=True
    )
    # Demands are drawn in this order: the per-expert cap makes the order matter.
    position: Mapped[int] = mapped_column(Integer)
    # The conflict-free experts talent offered, ordered by id: [{id, name, organisation, city}].
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB, nullable=True)
    decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    weighted_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReviewDraw(Base):
    """One recorded draw: the round's initial draw of a demand, or a re-draw for a slot."""

    __tablename__ = "review_draws"
    __table_args__ = (
        CheckConstraint("kind IN ('initial','redraw')", name="kind_known"),
        Index("ix_review_draws_round_seq", "round_id", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True))
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"))
    demand_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("challenge_demands.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(10))
    seed: Mapped[int] = mapped_column(BigInteger)
    # The expert ids the draw chose from, in order (for a re-draw: the pool still open).
    pool: Mapped[list[str]] = mapped_column(JSONB)
    picked: Mapped[list[str]] = mapped_column(JSONB)
    # A re-draw replaces this assignment, voided for ``reason``.
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_subject: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ReviewAssignment(Base):
    __tablename__ = "review_assignments"
    __table_args__ = (
        CheckConstraint(_one_of("status", ASSIGNMENT_STATUSES), name="status_known"),
        # An expert reviews a demand at most once, voided or not.
        Index(
            "uq_review_assignments_demand_expert", "round_id", "demand_id", "expert_id", unique=True
        ),
        Index("ix_review_assignments_expert", "expert_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"))
    demand_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("challenge_demands.id", ondelete="RESTRICT")
    )
    draw_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_draws.id", ondelete="CASCADE"))
    expert_id: Mapped[uuid.UUID] = mapped_column()
    expert_name: Mapped[str] = mapped_column(String(200))
    expert_organisation: Mapped[str] = mapped_column(String(200))
    expert_city: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    voided_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # A declared conflict is also recorded in talent's expert database; null while not yet.
    talent_recorded_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReviewScore(Base):
    __tablename__ = "review_scores"
    __table_args__ = (CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),)

    assignment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("review_assignments.id", ondelete="CASCADE"), primary_key=True
    )
    criterion: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    comment: Mapped[str] = mapped_column(Text, default="")
