from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRANSFER_", extra="ignore")

    contract_import_max_rows: int = 100_000


@lru_cache
def get_settings() -> Settings:
    return Settings()
