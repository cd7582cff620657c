"""API keys: creation, and verification with a short in-memory cache.

Keys are 256-bit random tokens, so a plain SHA-256 is a sufficient hash (no
password stretching is needed against guessing) and lets us look a key up by
its hash in one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gateway.apikey.models import ApiKey
from shared_kit.auth import Principal, Role
from shared_kit.codes import GUANGXI_CITIES
from shared_kit.i18n import t

KEY_PREFIX = "gxk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewKey:
    id: uuid.UUID
    key: str


async def create_key(
    session: AsyncSession,
    *,
    role: Role,
    name: str = "",
    city: str | None = None,
    bank: str | None = None,
    expert_id: uuid.UUID | None = None,
) -> NewKey:
    if role is Role.city_bureau and city not in GUANGXI_CITIES:
        raise ValueError(
            f"a city_bureau key needs CITY, one of the region's 14 city codes (got {city!r}): "
            + ", ".join(f"{code} {name}" for code, name in GUANGXI_CITIES.items())
        )
    if role is not Role.city_bureau and city:
        raise ValueError("only city_bureau keys carry a city")
    if role is Role.bank:
        # A bank acts only through signed requests on /bank/v1 (create-bank-client).
        raise ValueError(
            "no API keys for role bank: a partner bank signs its requests; register its "
            "signing key with create-bank-client (make key ROLE=bank BANK=<code>)"
        )
    if bank:
        raise ValueError("only bank principals carry a bank")
    if (role is Role.expert) != (expert_id is not None):
        raise ValueError(
            t(
                "评审专家密钥须指定 EXPERT（人才服务中的专家编号），其他角色的密钥不能指定",
                "an expert key needs EXPERT (the talent expert's id), and only it carries one",
            )
        )
    secret = secrets.token_urlsafe(32)
    key = KEY_PREFIX + secret
    row = ApiKey(
        name=name or f"{role.value}{'-' + city if city else ''}",
        prefix=secret[:8],
        key_hash=hash_key(key),
        role=role.value,
        city=city,
        bank=bank or None,
        expert_id=expert_id,
    )
    session.add(row)
    await session.flush()
    return NewKey(row.id, key)


class KeyVerifier:
    """Resolves an API key to a principal; caches answers (hits and misses) briefly."""

    def __init__(self, engine: AsyncEngine, ttl: float = 30.0) -> None:
        self.engine, self.ttl = engine, ttl
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def resolve(self, key: str) -> Principal | None:
        if not key.startswith(KEY_PREFIX) or len(key) > 100:
            return None
        digest = hash_key(key)
        now = time.monotonic()
        hit = self._cache.get(digest)
        if hit and hit[0] > now:
            return hit[1]
        stmt = select(ApiKey.id, ApiKey.role, ApiKey.city, ApiKey.bank, ApiKey.expert_id).where(
            ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        principal = (
            Principal(
                subject=f"key:{row.id}",
                role=Role(row.role),
                city=row.city,
                bank=row.bank,
                client_id=str(row.id),
                expert_id=str(row.expert_id) if row.expert_id else None,
            )
            if row
            else None
        )
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[digest] = (now + self.ttl, principal)
        return principal
