from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from transfer_service.common import in_check
from transfer_service.db import Base

# 应用技术, 基础理论, 软科学 (国科发计字〔2000〕542号).
ACHIEVEMENT_CATEGORIES = ("applied", "basic", "soft_science")
ACHIEVEMENT_STATUSES = ("registered", "revoked", "withdrawn")


class Achievement(Timestamps, Base):
    """A registered S&T achievement (科技成果登记); city of the registering organisation."""

    __tablename__ = "achievements"
    __table_args__ = (
        CheckConstraint(in_check("category", ACHIEVEMENT_CATEGORIES), name="category_known"),
        CheckConstraint(in_check("status", ACHIEVEMENT_STATUSES), name="status_known"),
        Index(
            "ix_achievements_registered_city",
            "registered_on",
            "city",
            postgresql_where=text("status = 'registered'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    registration_no: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(16))
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    city: Mapped[str] = mapped_column(String(6))
    registered_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="registered")
    # Set by a withdrawal (shared_kit.corrections): the record stays, never counted.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
