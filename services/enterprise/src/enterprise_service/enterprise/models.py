from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps

CHANGE_FIELDS = ("name", "city")


class Enterprise(Timestamps, Base):
    """The registry entry of one enterprise; every enterprise record names it by USCC."""

    __tablename__ = "enterprises"
    __table_args__ = (Index("ix_enterprises_city_uscc", "city", "uscc"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(6))
    industry: Mapped[str] = mapped_column(String(100))
    # True when an admin registered a legacy code whose check digit fails.
    check_overridden: Mapped[bool] = mapped_column(Boolean, default=False)


class EnterpriseChange(Base):
    """One dated change of an enterprise's name or city (the registry keeps the current one)."""

    __tablename__ = "enterprise_changes"
    __table_args__ = (
        CheckConstraint(
            "field IN (" + ",".join(f"'{f}'" for f in CHANGE_FIELDS) + ")", name="field_known"
        ),
        Index("ix_enterprise_changes_enterprise_changed", "enterprise_id", "changed_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    enterprise_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE")
    )
    field: Mapped[str] = mapped_column(String(10))
    old_value: Mapped[str] = mapped_column(String(200))
    new_value: Mapped[str] = mapped_column(String(200))
    changed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
