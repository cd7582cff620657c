"""Settings base shared by every service.

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix``
(``PROJECTS_``…). Values that are the same for the whole platform fall back to
unprefixed variables: ``DATABASE_URL`` and ``PRINCIPAL_PUBLIC_KEY``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def normalise_dsn(url: str) -> str:
    """Return an SQLAlchemy asyncpg URL for any ``postgres://``/``postgresql://`` DSN."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="SERVICE_")

    database_url: SecretStr = SecretStr("")
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_statement_timeout_ms: int = 30_000
    # PEM text of the gateway's Ed25519 public key, or a path to a PEM file.
    principal_public_key: str = ""
    principal_issuer: str = "gxst-gateway"
    principal_audience: str = "gxst-services"
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _fallbacks(self) -> ServiceSettings:
        if not self.database_url.get_secret_value():
            self.database_url = SecretStr(os.environ.get("DATABASE_URL", ""))
        if not self.principal_public_key:
            self.principal_public_key = os.environ.get("PRINCIPAL_PUBLIC_KEY", "")
        return self

    @property
    def dsn(self) -> str:
        url = self.database_url.get_secret_value()
        if not url:
            raise RuntimeError(
                f"no database configured: set {self.model_config.get('env_prefix')}DATABASE_URL "
                "or DATABASE_URL"
            )
        return normalise_dsn(url)

    def principal_public_key_pem(self) -> bytes:
        value = self.principal_public_key.strip()
        if not value:
            raise RuntimeError("PRINCIPAL_PUBLIC_KEY is not set: services cannot verify callers")
        if value.startswith("-----BEGIN"):
            return value.encode()
        return Path(value).read_bytes()
