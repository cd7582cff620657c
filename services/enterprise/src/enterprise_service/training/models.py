from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps


class TrainingSession(Timestamps, Base):
    """A business coaching session (业务辅导班) held in a city."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("attendees >= 0", name="attendees_non_negative"),
        CheckConstraint("status IN ('held','withdrawn')", name="status_known"),
        Index("ix_training_sessions_held_city", "held_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    city: Mapped[str] = mapped_column(String(6))
    topic: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[int] = mapped_column(Integer)
    organiser: Mapped[str] = mapped_column(String(200), default="")
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    # held, or withdrawn by its city bureau (shared_kit.corrections): then never counted.
    status: Mapped[str] = mapped_column(String(16), default="held", server_default="held")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
