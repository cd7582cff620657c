from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from talent_service.academician.models import one_of
from talent_service.db import Base

EXPERT_STATUSES = ("active", "suspended", "retired", "revoked")


class Expert(Timestamps, Base):
    """An entry of the expert database (专家库); one per person."""

    __tablename__ = "experts"
    __table_args__ = (
        CheckConstraint(one_of("status", EXPERT_STATUSES), name="status_known"),
        CheckConstraint("cardinality(fields) > 0", name="has_fields"),
        Index("ix_experts_added_city", "added_on", "city"),
        Index("ix_experts_fields", "fields", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), unique=True)
    city: Mapped[str] = mapped_column(String(6))
    fields: Mapped[list[str]] = mapped_column(ARRAY(String(100)))
    added_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")


class ExpertConflict(Timestamps, Base):
    """A declared conflict of interest with an organisation (by USCC, by name, or both)."""

    __tablename__ = "expert_conflicts"
    __table_args__ = (
        Index("ix_expert_conflicts_uscc", "organisation_uscc"),
        Index("ix_expert_conflicts_name", "organisation_name"),
        # A conflict sent by another service carries its own reference: sent twice, kept once.
        Index(
            "uq_expert_conflicts_source",
            "expert_id",
            "source_ref",
            unique=True,
            postgresql_where=text("source_ref IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    expert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("experts.id"), index=True)
    organisation_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    declared_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Where a conflict came from when not typed in here, e.g. ``projects:review-assignment:<id>``.
    source_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
