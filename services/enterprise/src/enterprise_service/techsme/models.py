from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps


class TechSmeRegistration(Timestamps, Base):
    """An enterprise's entry in the national tech-SME database (科技型中小企业入库) for a year."""

    __tablename__ = "tech_sme_registrations"
    __table_args__ = (
        # A firm registers once a year; a revoked one cannot re-apply that year.
        UniqueConstraint("enterprise_uscc", "year"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint("batch >= 1", name="batch_positive"),
        Index("ix_tech_sme_registrations_registered_on", "registered_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_uscc: Mapped[str] = mapped_column(
        String(18), ForeignKey("enterprises.uscc", onupdate="CASCADE")
    )
    year: Mapped[int] = mapped_column(Integer)
    batch: Mapped[int] = mapped_column(Integer)
    registration_no: Mapped[str] = mapped_column(String(18), unique=True)
    registered_on: Mapped[date] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoke_reason: Mapped[str | None] = mapped_column(String(500))
