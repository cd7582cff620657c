# Import every models module so autogenerate sees all tables.
import projects_service.challenge.models
import projects_service.funded_project.models
import projects_service.innovation_platform.models
import projects_service.plan.models
import projects_service.review.models  # noqa: F401
from projects_service.db import SCHEMA, Base
from shared_kit.migrations import run_migrations

run_migrations(Base.metadata, SCHEMA, "PROJECTS_")
