from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from reporting_service.db import Base


class NarrativeDraft(Base):
    """One saved version of a period's edited narrative (for the region or one city).

    Each save is a new row with the next version number; rows are never updated or
    deleted (a trigger in the migration refuses it), so every version stays readable.
    """

    __tablename__ = "narrative_drafts"
    __table_args__ = (
        UniqueConstraint(
            "start_on", "end_on", "city", "version", postgresql_nulls_not_distinct=True
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period: Mapped[str | None] = mapped_column(String(20), nullable=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    city: Mapped[str | None] = mapped_column(String(6), nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    intro: Mapped[str] = mapped_column(Text)
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
