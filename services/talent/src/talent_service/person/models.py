from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from shared_kit.db import Timestamps
from talent_service.db import Base

ID_KINDS = ("resident_id", "passport", "hmt_permit", "foreign_residence_permit")


class Person(Timestamps, Base):
    """Someone the talent programmes name. Identifiers are stored only encrypted."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(
            "id_kind IS NULL OR id_kind IN (" + ",".join(f"'{k}'" for k in ID_KINDS) + ")",
            name="id_kind_known",
        ),
        CheckConstraint(
            "(id_kind IS NULL) = (id_number_cipher IS NULL)", name="id_kind_with_number"
        ),
        # One person per identity document: the keyed digest finds duplicates.
        Index(
            "uq_people_id_number_digest",
            "id_number_digest",
            unique=True,
            postgresql_where="id_number_digest IS NOT NULL",
        ),
        Index("ix_people_city_name", "city", "name"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str] = mapped_column(String(200))
    organisation_uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    city: Mapped[str] = mapped_column(String(6))
    field: Mapped[str] = mapped_column(String(100))
    id_kind: Mapped[str | None] = mapped_column(String(30), nullable=True)
    id_number_cipher: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    id_number_digest: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    phone_cipher: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # The masked forms are what non-admin roles see anyway; keeping them lets those
    # reads skip decryption entirely.
    id_number_masked: Mapped[str | None] = mapped_column(String(30), nullable=True)
    phone_masked: Mapped[str | None] = mapped_column(String(30), nullable=True)
