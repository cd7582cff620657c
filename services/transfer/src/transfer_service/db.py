from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared_kit.db import make_metadata

SCHEMA = "transfer"


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)
