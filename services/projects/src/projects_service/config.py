from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PROJECTS_", extra="ignore")

    # One bulk import (POST /v1/imports/{kind}): bytes of the upload, and data rows.
    import_max_bytes: int = 20 * 1024 * 1024
    import_max_rows: int = 100_000
    # Talent's expert database, asked when review rounds draw reviewers.
    talent_url: str = "http://127.0.0.1:8003"
    # Deadline of one call to talent, retries included.
    call_deadline_seconds: float = 10.0
    call_retries: int = 1


@lru_cache
def get_settings() -> Settings:
    return Settings()
