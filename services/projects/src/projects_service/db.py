from __future__ import annotations

from shared_kit.db import make_metadata
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "projects"


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)
