from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PROJECTS_", extra="ignore")


@lru_cache
def get_settings() -> Settings:
    return Settings()
