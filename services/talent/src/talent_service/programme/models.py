"""Person-linked programme records, one dated event each.

``city`` is the person's city at recording time: figures attribute each record
to the party's city.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from talent_service.academician.models import one_of
from talent_service.db import Base

YOUNG_PHD_STATUSES = ("awarded", "revoked")
NOMINATION_STATUSES = ("nominated", "selected", "not_selected", "withdrawn")
INTERNATIONAL_PROGRAMS = ("asean_young_scientist", "hong_kong_macao_taiwan")
INTERNATIONAL_STATUSES = ("received", "completed", "cancelled")


class YoungPhdGrant(Timestamps, Base):
    """青年创新创业人才 scientific-research subsidy for a PhD graduate of a top university."""

    __tablename__ = "young_phd_grants"
    __table_args__ = (
        CheckConstraint(one_of("status", YOUNG_PHD_STATUSES), name="status_known"),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        Index("ix_young_phd_grants_awarded_city", "awarded_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    city: Mapped[str] = mapped_column(String(6))
    university: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), nullable=True)
    awarded_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="awarded")


class NationalNomination(Timestamps, Base):
    """A recommendation to the ministry for the national 万人计划 (Ten Thousand Talents)."""

    __tablename__ = "national_nominations"
    __table_args__ = (
        CheckConstraint(one_of("status", NOMINATION_STATUSES), name="status_known"),
        Index("ix_national_nominations_nominated_city", "nominated_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    city: Mapped[str] = mapped_column(String(6))
    programme: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(100))
    nominated_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="nominated")


class InternationalTalent(Timestamps, Base):
    """A talent received under 东盟杰青 or 港澳台英才."""

    __tablename__ = "international_talents"
    __table_args__ = (
        CheckConstraint(one_of("program", INTERNATIONAL_PROGRAMS), name="program_known"),
        CheckConstraint(one_of("status", INTERNATIONAL_STATUSES), name="status_known"),
        Index("ix_international_talents_received_city", "received_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    city: Mapped[str] = mapped_column(String(6))
    program: Mapped[str] = mapped_column(String(30))
    origin: Mapped[str] = mapped_column(String(100))
    host_organisation: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="received")
