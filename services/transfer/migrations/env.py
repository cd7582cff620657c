# Import every models module so autogenerate sees all tables.
import transfer_service.achievement.models
import transfer_service.contract.models
import transfer_service.institution.models
import transfer_service.pilot.models
import transfer_service.recruitment.models  # noqa: F401
from shared_kit.migrations import run_migrations
from transfer_service.db import SCHEMA, Base

run_migrations(Base.metadata, SCHEMA, "TRANSFER_")
