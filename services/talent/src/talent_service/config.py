from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from pydantic import SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from shared_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TALENT_", extra="ignore")

    # AES-256-GCM key for personal identifiers (ID numbers, phones): base64 of 32 bytes,
    # e.g. `python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())"`.
    # Without it the service still runs but refuses to store or reveal identifiers.
    pii_key: SecretStr = SecretStr("")
    # Upper bound on one bulk-import upload.
    import_max_bytes: int = 20 * 1024 * 1024
    import_max_rows: int = 100_000

    @field_validator("pii_key")
    @classmethod
    def _key_is_32_bytes(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value().strip()
        if not raw:
            return value
        try:
            key = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("TALENT_PII_KEY must be base64") from exc
        if len(key) != 32:
            raise ValueError("TALENT_PII_KEY must decode to 32 bytes (AES-256)")
        if len(set(key)) < 8:
            raise ValueError("TALENT_PII_KEY looks like a placeholder: generate a random key")
        return value

    def pii_key_bytes(self) -> bytes | None:
        raw = self.pii_key.get_secret_value().strip()
        return base64.b64decode(raw) if raw else None


@lru_cache
def get_settings() -> Settings:
    return Settings()
