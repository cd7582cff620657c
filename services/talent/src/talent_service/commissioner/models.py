from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from talent_service.db import Base

COMMISSIONER_KINDS = ("individual", "legal_person", "team")
DISPATCH_STATUSES = ("active", "cancelled", "withdrawn")
# A dispatch cancelled, or withdrawn as entered in error, counts as never made: neither it
# nor service logged under it counts, and no service can be logged under it.
DISPATCH_ENDED = ("cancelled", "withdrawn")
LOG_STATUSES = ("recorded", "withdrawn")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class Commissioner(Timestamps, Base):
    """A 科技特派员: a person, a legal person (法人) or a team."""

    __tablename__ = "commissioners"
    __table_args__ = (CheckConstraint(_one_of("kind", COMMISSIONER_KINDS), name="kind_known"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    home_city: Mapped[str] = mapped_column(String(6), index=True)


class Dispatch(Timestamps, Base):
    """One 选派: a commissioner sent by a dispatching unit to a county of a city."""

    __tablename__ = "commissioner_dispatches"
    __table_args__ = (
        CheckConstraint(_one_of("status", DISPATCH_STATUSES), name="status_known"),
        CheckConstraint("year BETWEEN 1990 AND 2100", name="year_plausible"),
        # The county lies in the dispatch city (first four digits agree).
        CheckConstraint("left(county, 4) = left(city, 4)", name="county_in_city"),
        Index("ix_commissioner_dispatches_dispatched_city", "dispatched_on", "city"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    commissioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commissioners.id"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    dispatching_unit: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(6))
    county: Mapped[str] = mapped_column(String(6))
    dispatched_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")
    cancelled_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class ServiceLog(Timestamps, Base):
    """A 下乡服务 record under a dispatch.

    ``city`` copies the dispatch's city (dispatches never move) so the indicator
    queries filter and group on one indexed table.
    """

    __tablename__ = "commissioner_service_logs"
    __table_args__ = (
        CheckConstraint("days BETWEEN 1 AND 31", name="days_in_range"),
        CheckConstraint("village_code ~ '^([0-9]{9}|[0-9]{12})$'", name="village_code_digits"),
        CheckConstraint(_one_of("status", LOG_STATUSES), name="status_known"),
        Index("ix_commissioner_service_logs_served_city", "served_on", "city"),
        # The same visit recorded twice (a re-uploaded spreadsheet) would double the days.
        UniqueConstraint(
            "dispatch_id", "village_code", "served_on", name="uq_commissioner_service_logs_visit"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dispatch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commissioner_dispatches.id"), index=True
    )
    city: Mapped[str] = mapped_column(String(6))
    village_code: Mapped[str] = mapped_column(String(12))
    served_on: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(SmallInteger)
    content: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text, default="")
    # A withdrawal (shared_kit.corrections) keeps the log, never counted.
    status: Mapped[str] = mapped_column(String(16), default="recorded", server_default="recorded")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
