from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base
from shared_kit.db import Timestamps


class ApiKey(Timestamps, Base):
    """A client credential. Only the SHA-256 of the key is stored."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin','analyst','city_bureau','bank','service','expert')",
            name="role_known",
        ),
        CheckConstraint("role <> 'city_bureau' OR city IS NOT NULL", name="city_bureau_has_city"),
        CheckConstraint("role <> 'bank' OR bank IS NOT NULL", name="bank_has_bank"),
        CheckConstraint(
            "(role = 'expert') = (expert_id IS NOT NULL)", name="expert_key_has_expert"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(6), nullable=True)
    bank: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The talent expert an ``expert`` key is bound to (a plain id: talent owns experts).
    expert_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
