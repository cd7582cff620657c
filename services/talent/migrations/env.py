# Import every models module so autogenerate sees all tables.
import talent_service.commissioner.models  # noqa: F401
from shared_kit.migrations import run_migrations
from talent_service.db import SCHEMA, Base

run_migrations(Base.metadata, SCHEMA, "TALENT_")
