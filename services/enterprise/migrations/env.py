# Import every models module so autogenerate sees all tables.
import enterprise_service.enterprise.models
import enterprise_service.voucher.models  # noqa: F401
from enterprise_service.db import SCHEMA, Base
from shared_kit.migrations import run_migrations

run_migrations(Base.metadata, SCHEMA, "ENTERPRISE_")
