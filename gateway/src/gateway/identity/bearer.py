"""Frontend sign-in: bearer JWTs checked against trusted issuers' JSON Web Key Sets.

The issuer is chosen by the token's (unverified) ``iss``; the key by its
``kid`` from that issuer's key set only, so one issuer's key can never vouch
for another's tokens. Symmetric and ``none`` algorithms are never accepted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
import orjson

from gateway.identity.exceptions import (
    InvalidAudience,
    InvalidIssuer,
    InvalidToken,
    KeysUnavailable,
    NoPlatformRole,
    TokenExpired,
    UnknownSigningKey,
)
from shared_kit.auth import Principal, Role
from shared_kit.codes import GUANGXI_CITIES
from shared_kit.i18n import t

log = logging.getLogger("gateway.identity")

# Roles a frontend user may hold, strongest first: a user with several gets the first.
FRONTEND_ROLES = (Role.admin, Role.analyst, Role.city_bureau)
_SYMMETRIC = frozenset({"HS256", "HS384", "HS512", "none"})


def parse_key_set(data: Any) -> dict[str, jwt.PyJWK]:
    """Usable keys of a JWKS document by ``kid`` (keys without one under ``""``)."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValueError("a JWKS document is an object with a 'keys' list")
    keys: dict[str, jwt.PyJWK] = {}
    for item in data["keys"]:
        if not isinstance(item, dict) or item.get("use", "sig") != "sig":
            continue
        try:
            key = jwt.PyJWK(item)
        except jwt.PyJWTError as exc:
            log.warning(
                "skipping an unusable JWK", extra={"kid": item.get("kid"), "error": str(exc)}
            )
            continue
        keys[str(item.get("kid", ""))] = key
    return keys


class KeySource:
    """A fixed key set (inline JSON or the development issuer's key)."""

    def __init__(self, keys: dict[str, jwt.PyJWK]) -> None:
        self._keys = keys

    async def key(self, kid: str | None) -> jwt.PyJWK | None:
        return _lookup(self._keys, kid)


class RemoteKeySource(KeySource):
    """A JWKS URL: cached, refreshed on expiry and (rate-limited) on an unknown kid."""

    def __init__(
        self,
        url: str,
        http: aiohttp.ClientSession,
        *,
        cache_seconds: float = 300.0,
        min_refresh_seconds: float = 10.0,
        timeout_seconds: float = 5.0,
    ) -> None:
        super().__init__({})
        self.url, self.http = url, http
        self.cache_seconds, self.min_refresh = cache_seconds, min_refresh_seconds
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._loaded = False
        self._fetched_at = float("-inf")
        self._failed_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> jwt.PyJWK | None:
        now = time.monotonic()
        if not self._loaded or now - self._fetched_at >= self.cache_seconds:
            await self._refresh(stale_before=now - self.cache_seconds)
        found = _lookup(self._keys, kid)
        if found is None and time.monotonic() - self._fetched_at >= self.min_refresh:
            # A rotated key: the provider publishes it before signing with it.
            await self._refresh(stale_before=time.monotonic() - self.min_refresh)
            found = _lookup(self._keys, kid)
        return found

    async def _refresh(self, *, stale_before: float) -> None:
        async with self._lock:
            if self._loaded and self._fetched_at > stale_before:
                return  # another request refreshed while this one waited
            if time.monotonic() - self._failed_at < self.min_refresh:
                # The provider is down: do not send every sign-in to wait on it again;
                # keep serving the keys we have, if any.
                if not self._loaded:
                    raise KeysUnavailable(
                        t(
                            "无法获取身份提供方的签名密钥",
                            "the identity provider's keys could not be fetched",
                        )
                    )
                return
            try:
                async with self.http.get(
                    self.url, timeout=self.timeout, headers={"Accept-Encoding": "identity"}
                ) as resp:
                    resp.raise_for_status()
                    keys = parse_key_set(orjson.loads(await resp.read()))
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                log.warning("JWKS fetch failed", extra={"url": self.url, "error": repr(exc)})
                self._failed_at = time.monotonic()
                if not self._loaded:
                    raise KeysUnavailable(
                        t(
                            "无法获取身份提供方的签名密钥",
                            "the identity provider's keys could not be fetched",
                        )
                    ) from exc
                return  # keep serving the keys we have
            self._keys, self._loaded, self._fetched_at = keys, True, time.monotonic()


def _lookup(keys: Mapping[str, jwt.PyJWK], kid: str | None) -> jwt.PyJWK | None:
    if kid is not None:
        return keys.get(kid)
    # A token without kid is acceptable only when the set has exactly one key.
    return next(iter(keys.values())) if len(keys) == 1 else None


@dataclass(frozen=True)
class ClaimRules:
    audience: str
    leeway: int
    algorithms: frozenset[str]
    roles_claim: str = "roles"
    city_claim: str = "city"


class BearerAuthenticator:
    def __init__(self, issuers: dict[str, KeySource], rules: ClaimRules) -> None:
        self.issuers, self.rules = issuers, rules
        self.algorithms = rules.algorithms - _SYMMETRIC
        self._cache: dict[str, tuple[float, Principal]] = {}

    async def authenticate(self, token: str) -> Principal:
        """The principal of a valid token, or a :class:`BearerError` saying why not."""
        hit = self._cache.get(token)
        if hit and hit[0] > time.time():
            return hit[1]
        if not self.issuers:
            raise InvalidToken(
                t(
                    "此处不接受 Bearer 令牌：未配置身份提供方（issuer）",
                    "bearer tokens are not accepted here: no issuer is configured",
                )
            )
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise InvalidToken(
                t(f"不是格式正确的 JWT（{exc}）", f"not a well-formed JWT ({exc})")
            ) from exc
        alg = header.get("alg")
        if alg not in self.algorithms:
            raise InvalidToken(t(f"不接受签名算法 {alg!r}", f"algorithm {alg!r} is not accepted"))
        issuer = unverified.get("iss")
        source = self.issuers.get(issuer) if isinstance(issuer, str) else None
        if source is None:
            raise InvalidIssuer(t(f"不信任签发方 {issuer!r}", f"issuer {issuer!r} is not trusted"))
        kid = header.get("kid")
        key = await source.key(kid if isinstance(kid, str) else None)
        if key is None:
            raise UnknownSigningKey(
                t(
                    f"签发方 {issuer!r} 没有签名密钥 {kid!r}",
                    f"issuer {issuer!r} has no signing key {kid!r}",
                )
            )
        if key.algorithm_name != alg:
            raise InvalidToken(t(f"密钥 {kid!r} 不适用于 {alg}", f"key {kid!r} is not for {alg}"))
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.rules.audience,
                issuer=issuer,
                leeway=self.rules.leeway,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenExpired(
                t("令牌已过期，请重新登录", "the token has expired; sign in again")
            ) from exc
        except jwt.InvalidAudienceError as exc:
            raise InvalidAudience(
                t(
                    f"令牌的受众不是 {self.rules.audience!r}",
                    f"the token is not for {self.rules.audience!r}",
                )
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise InvalidIssuer(t(f"令牌的签发方不受信任（{exc}）", str(exc))) from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(t(f"令牌无效（{exc}）", str(exc))) from exc
        principal = self.principal(claims)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[token] = (float(claims["exp"]), principal)
        return principal

    def principal(self, claims: dict[str, Any]) -> Principal:
        """Role and city from the claims: the strongest platform role the user holds."""
        held: set[str] = set()
        roles = _claim(claims, self.rules.roles_claim)
        if isinstance(roles, str):
            held.add(roles)
        elif isinstance(roles, list):
            held.update(r for r in roles if isinstance(r, str))
        if isinstance(claims.get("role"), str):
            held.add(claims["role"])
        role = next((r for r in FRONTEND_ROLES if r.value in held), None)
        if role is None:
            roles = [r.value for r in FRONTEND_ROLES]
            raise NoPlatformRole(
                t(
                    "令牌不含平台的任何角色（" + "、".join(roles) + "）",
                    "the token carries none of the platform roles " + ", ".join(roles),
                )
            )
        city = None
        if role is Role.city_bureau:
            city = claims.get(self.rules.city_claim)
            if not isinstance(city, str) or city not in GUANGXI_CITIES:
                raise InvalidToken(
                    t(
                        f"city_bureau 令牌须带有 {self.rules.city_claim!r} 声明，取值为自治区 14 "
                        "个地市代码之一",
                        f"a city_bureau token needs a {self.rules.city_claim!r} claim with one "
                        "of the region's 14 city codes",
                    )
                )
        sub = str(claims["sub"])
        return Principal(subject=f"user:{sub}", role=role, city=city, client_id=sub)


def _claim(claims: dict[str, Any], dotted: str) -> Any:
    value: Any = claims
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
