from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared_kit.corrections import Corrections
from shared_kit.db import make_metadata
from shared_kit.period_lock import period_locks_table

SCHEMA = "projects"


class Base(DeclarativeBase):
    metadata = make_metadata(SCHEMA)


# The periods reporting has locked for a city; writes into them are refused.
PERIOD_LOCKS = period_locks_table(Base.metadata)
# Corrections and withdrawals of the records city bureaus create, with their history.
CORRECTIONS = Corrections(schema=SCHEMA, metadata=Base.metadata)
