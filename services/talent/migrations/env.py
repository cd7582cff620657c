# Import every models module so autogenerate sees all tables.
import talent_service.academician.models
import talent_service.commissioner.models
import talent_service.expert.models
import talent_service.person.models
import talent_service.programme.models  # noqa: F401
from shared_kit.migrations import run_migrations
from talent_service.db import SCHEMA, Base

run_migrations(Base.metadata, SCHEMA, "TALENT_")
