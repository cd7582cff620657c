from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENTERPRISE_", extra="ignore")

    # Yearly ceiling on the face amounts issued to one enterprise (policy, so configurable).
    voucher_yearly_cap_yuan: Decimal = Decimal("200000.00")
    # Bank interface (docs/bank-api.md).
    loan_batch_max_rows: int = 10_000
    # One registry import (POST /v1/imports/enterprises): rows, and bytes of the upload.
    registry_import_max_rows: int = 100_000
    registry_import_max_bytes: int = 64 * 1024 * 1024
    # One import of training sessions, vouchers or R&D applications (POST /v1/imports/{kind}).
    import_max_rows: int = 5_000
    import_max_bytes: int = 20 * 1024 * 1024
    idempotency_ttl_days: int = 7
    # How long a retry waits for the first request with its key before answering 409.
    idempotency_wait_seconds: float = 10.0


@lru_cache
def get_settings() -> Settings:
    return Settings()
