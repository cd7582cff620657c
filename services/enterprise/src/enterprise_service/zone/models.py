from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from enterprise_service.db import Base
from shared_kit.db import Timestamps

ZONE_LEVELS = ("national", "regional")


class HitechZone(Timestamps, Base):
    """A high-tech industrial development zone (高新区)."""

    __tablename__ = "hitech_zones"
    __table_args__ = (
        CheckConstraint(
            "level IN (" + ",".join(f"'{v}'" for v in ZONE_LEVELS) + ")", name="level_known"
        ),
        CheckConstraint("closed_on IS NULL OR closed_on > established_on", name="closed_after"),
        Index("ix_hitech_zones_established_closed", "established_on", "closed_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    city: Mapped[str] = mapped_column(String(6))
    level: Mapped[str] = mapped_column(String(10))
    established_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class ZoneQuarterStat(Timestamps, Base):
    """A zone's statistics for one calendar quarter; quarter_start/_end make period tests SQL."""

    __tablename__ = "zone_quarter_stats"
    __table_args__ = (
        UniqueConstraint("zone_id", "year", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint("gross_output >= 0", name="output_non_negative"),
        Index("ix_zone_quarter_stats_quarter", "quarter_start", "quarter_end"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    zone_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hitech_zones.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    quarter_start: Mapped[date] = mapped_column(Date)
    quarter_end: Mapped[date] = mapped_column(Date)
    gross_output: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    enterprises: Mapped[int | None] = mapped_column(Integer)
