# Import every models module so autogenerate sees all tables.
import reporting_service.approval.models
import reporting_service.narrative_template.models
import reporting_service.snapshot.models  # noqa: F401
from reporting_service.db import SCHEMA, Base
from shared_kit.migrations import run_migrations

run_migrations(Base.metadata, SCHEMA, "REPORTING_")
