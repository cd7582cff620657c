from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from cryptography.hazmat.primitives import serialization
from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared_kit.settings import ServiceSettings

SERVICES = ("projects", "enterprise", "talent", "transfer", "reporting")


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    # PEM of the Ed25519 key that signs forwarded principals (or a path to it).
    principal_private_key: SecretStr = SecretStr("")
    principal_ttl_seconds: int = 300
    # Upstream base URLs, GATEWAY_UPSTREAM_<SERVICE>.
    upstream_projects: str = "http://127.0.0.1:8001"
    upstream_enterprise: str = "http://127.0.0.1:8002"
    upstream_talent: str = "http://127.0.0.1:8003"
    upstream_transfer: str = "http://127.0.0.1:8004"
    upstream_reporting: str = "http://127.0.0.1:8005"
    upstream_timeout_seconds: float = 30.0
    upstream_connect_timeout_seconds: float = 2.0
    api_key_cache_seconds: float = 30.0
    max_body_bytes: int = 20 * 1024 * 1024
    # The gateway's public base URL (e.g. https://api.example.gov.cn) when behind a proxy;
    # bank signatures cover @target-uri, which must be the URL the bank called.
    public_base_url: str = ""

    # Frontend sign-in: bearer JWTs from an OIDC provider. Keys come from a JWKS URL
    # (fetched and cached; refetched when a token names an unknown key) or inline JSON.
    jwks_url: str = ""
    jwks_json: str = ""
    jwks_cache_seconds: float = 300.0
    # A token naming an unknown kid triggers a refetch at most this often.
    jwks_min_refresh_seconds: float = 10.0
    jwt_issuer: str = ""
    jwt_audience: str = "gxst-frontend"
    jwt_leeway_seconds: int = 30
    jwt_algorithms: str = "RS256,RS384,RS512,PS256,ES256,ES384,EdDSA"
    # Claim holding the user's roles (a list), dotted for nested claims
    # (e.g. realm_access.roles); a single ``role`` claim is also read.
    jwt_roles_claim: str = "roles"
    jwt_city_claim: str = "city"
    # Local development issuer for ``make run`` (POST /dev/token); never on by default.
    dev_issuer: bool = False
    dev_issuer_name: str = "gxst-dev-issuer"
    dev_token_ttl_seconds: int = 8 * 3600

    # Token bucket per client: sustained requests per second and burst size; 0 turns it off.
    rate_limit_per_second: float = 50.0
    rate_limit_burst: int = 100
    # database: one bucket per client shared by every replica (gateway.rate_buckets);
    # memory: per process (N replicas allow N times the rate). See gateway.limit.
    rate_limit_store: Literal["database", "memory"] = "database"
    # Comma-separated origins the frontend is served from.
    cors_origins: str = ""
    # The merged OpenAPI document is rebuilt at most this often.
    openapi_cache_seconds: float = 30.0
    # A service builds its OpenAPI document lazily on first request, which takes seconds
    # on a busy 2-core host; a missing service is still reported, just not too eagerly.
    openapi_fetch_timeout_seconds: float = 10.0
    # The built dashboard served at / (index.html + assets/); empty: the repository's
    # web/dashboard/dist (``make web``). Missing files answer 503 dashboard_not_built.
    web_dir: str = ""

    @model_validator(mode="after")
    def _derive_public_key(self) -> Settings:
        if not self.principal_private_key.get_secret_value():
            self.principal_private_key = SecretStr(os.environ.get("PRINCIPAL_PRIVATE_KEY", ""))
        if not self.principal_public_key and self.principal_private_key.get_secret_value():
            key = serialization.load_pem_private_key(self.private_key_pem(), password=None)
            self.principal_public_key = (
                key.public_key()
                .public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
                .decode()
            )
        return self

    def private_key_pem(self) -> bytes:
        value = self.principal_private_key.get_secret_value().strip()
        if not value:
            raise RuntimeError("GATEWAY_PRINCIPAL_PRIVATE_KEY is not set")
        if value.startswith("-----BEGIN"):
            return value.encode()
        with open(value, "rb") as fh:
            return fh.read()

    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    def jwt_algorithm_list(self) -> list[str]:
        return [a.strip() for a in self.jwt_algorithms.split(",") if a.strip()]

    def upstreams(self) -> dict[str, str]:
        return {name: getattr(self, f"upstream_{name}").rstrip("/") for name in SERVICES}


@lru_cache
def get_settings() -> Settings:
    return Settings()
