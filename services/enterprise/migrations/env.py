# Import every models module so autogenerate sees all tables.
import enterprise_service.enterprise.models
import enterprise_service.hte.models
import enterprise_service.kcd.models
import enterprise_service.loan.models
import enterprise_service.partner.models
import enterprise_service.rdsubsidy.models
import enterprise_service.techsme.models
import enterprise_service.training.models
import enterprise_service.voucher.models
import enterprise_service.zone.models  # noqa: F401
from enterprise_service.db import SCHEMA, Base
from shared_kit.migrations import run_migrations

run_migrations(Base.metadata, SCHEMA, "ENTERPRISE_")
