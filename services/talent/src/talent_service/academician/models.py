from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from talent_service.db import Base

ACADEMIES = ("cae", "cas")
CANDIDATE_STATUSES = ("active", "elected", "withdrawn")
GRANT_KINDS = ("team_allowance", "research_project")
GRANT_STATUSES = ("paid", "revoked")


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class AcademicianCandidate(Timestamps, Base):
    """A 院士后备人选 of the regional cultivation programme.

    ``city`` is the person's city when the candidate was selected: the figures
    attribute each record to the party's city.
    """

    __tablename__ = "academician_candidates"
    __table_args__ = (
        CheckConstraint(one_of("academy", ACADEMIES), name="academy_known"),
        CheckConstraint(one_of("status", CANDIDATE_STATUSES), name="status_known"),
        Index("ix_academician_candidates_valid_city", "valid_candidate_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    city: Mapped[str] = mapped_column(String(6))
    academy: Mapped[str] = mapped_column(String(10))
    discipline: Mapped[str] = mapped_column(String(100))
    selected_year: Mapped[int] = mapped_column(SmallInteger)
    valid_candidate_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")


class AcademicianGrant(Timestamps, Base):
    """A payment to a reserve candidate: 学科团队建设津贴 or 自主选题科研经费."""

    __tablename__ = "academician_grants"
    __table_args__ = (
        CheckConstraint(one_of("kind", GRANT_KINDS), name="kind_known"),
        CheckConstraint(one_of("status", GRANT_STATUSES), name="status_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_academician_grants_paid_city", "paid_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    candidate_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("academician_candidates.id"), index=True
    )
    city: Mapped[str] = mapped_column(String(6))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    paid_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="paid")
