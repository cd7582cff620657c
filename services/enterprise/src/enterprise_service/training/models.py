from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps


class TrainingSession(Timestamps, Base):
    """A business coaching session (业务辅导班) held in a city."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("attendees >= 0", name="attendees_non_negative"),
        Index("ix_training_sessions_held_city", "held_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    city: Mapped[str] = mapped_column(String(6))
    topic: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[int] = mapped_column(Integer)
    organiser: Mapped[str] = mapped_column(String(200), default="")
    cancelled_on: Mapped[date | None] = mapped_column(Date)
