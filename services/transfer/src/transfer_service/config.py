from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRANSFER_", extra="ignore")

    # One contract import (POST /v1/imports/tech-contracts): data rows, and bytes of the upload.
    contract_import_max_rows: int = 100_000
    contract_import_max_bytes: int = 64 * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()
