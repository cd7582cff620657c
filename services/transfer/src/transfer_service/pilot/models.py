from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from transfer_service.common import in_check
from transfer_service.db import Base

# 职务科技成果权属改革试点 and 科技成果评价试点 (service institutions).
PILOT_KINDS = ("ownership_reform", "achievement_evaluation")
STATUSES = ("active", "cancelled")


class Pilot(Timestamps, Base):
    """An organisation designated as a reform or evaluation pilot; city of the organisation."""

    __tablename__ = "pilots"
    __table_args__ = (
        CheckConstraint(in_check("kind", PILOT_KINDS), name="kind_known"),
        CheckConstraint(in_check("status", STATUSES), name="status_known"),
        Index(
            "ix_pilots_kind_started_city",
            "kind",
            "started_on",
            "city",
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(32))
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    city: Mapped[str] = mapped_column(String(6))
    started_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")


class PilotBase(Timestamps, Base):
    """A pilot-scale base (中试基地); city where it is established."""

    __tablename__ = "pilot_bases"
    __table_args__ = (
        CheckConstraint(in_check("status", STATUSES), name="status_known"),
        Index(
            "ix_pilot_bases_established_city",
            "established_on",
            "city",
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    operator_name: Mapped[str] = mapped_column(String(200))
    operator_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    field: Mapped[str] = mapped_column(String(100), default="")
    city: Mapped[str] = mapped_column(String(6))
    established_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
