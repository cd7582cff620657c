# Import every models module so autogenerate sees all tables.
import gateway.apikey.models
import gateway.audit.models
import gateway.bank.models
import gateway.limit.models  # noqa: F401
from gateway.db import SCHEMA, Base
from shared_kit.migrations import run_migrations

run_migrations(Base.metadata, SCHEMA, "GATEWAY_")
