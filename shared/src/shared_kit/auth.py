"""The principal: who is calling, as decided once at the gateway.

The gateway authenticates the client (API key, bank signature, frontend JWT)
and forwards a short-lived EdDSA JWT in ``X-Principal``. Every service
verifies it with the gateway's public key; without a valid one a request gets
401 (health and metrics aside). Services enforce role, city and bank
themselves as well.

A bank acts only through RFC 9421 signed requests on the gateway's
``/bank/v1/…``: only that path marks a principal ``signed`` (claim ``amr``), and
a bank principal without the mark is refused here, so a bank principal that
reached a service any other way fails closed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request

from shared_kit.context import principal_token_var
from shared_kit.errors import Forbidden, Unauthorized
from shared_kit.i18n import t

PRINCIPAL_HEADER = "x-principal"
# RFC 8176-style authentication-method reference the gateway's bank path sets.
SIGNED_REQUEST_AMR = "rfc9421"


class BankSignatureRequired(Forbidden):
    code, title = (
        "bank_signature_required",
        t("银行接口须使用签名请求", "Bank calls must be signed requests"),
    )


# Reporting and projects also receive a token of their own (role ``service``): the period
# locks reporting places in the workstream services, and the expert draws projects asks
# talent for (an expert's declared conflict re-draws too), are their decisions, not their
# caller's.
SERVICE_PRINCIPAL_HEADER = "x-service-principal"


class Role(StrEnum):
    admin = "admin"
    analyst = "analyst"
    city_bureau = "city_bureau"
    bank = "bank"
    service = "service"
    # A reviewer from the expert database (揭榜挂帅 review): sees only its own assignments.
    expert = "expert"


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    role: Role
    city: str | None = None
    bank: str | None = None
    client_id: str | None = None
    # The expert database entry an ``expert`` principal acts as (talent's expert id).
    expert_id: str | None = None
    # True only when the gateway verified an RFC 9421 request signature (bank path).
    signed: bool = False

    def to_claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = {"sub": self.subject, "role": self.role.value}
        if self.city:
            claims["city"] = self.city
        if self.bank:
            claims["bank"] = self.bank
        if self.client_id:
            claims["cid"] = self.client_id
        if self.expert_id:
            claims["expert"] = self.expert_id
        if self.signed:
            claims["amr"] = [SIGNED_REQUEST_AMR]
        return claims


class PrincipalSigner:
    """Mints principal tokens (used by the gateway only)."""

    def __init__(
        self,
        private_key_pem: bytes,
        *,
        issuer: str = "gxst-gateway",
        audience: str = "gxst-services",
        ttl_seconds: int = 300,
    ) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("principal signing key must be Ed25519")
        self._key = key
        self.issuer, self.audience, self.ttl = issuer, audience, ttl_seconds
        self._cache: dict[Principal, tuple[float, str]] = {}

    def sign(self, principal: Principal) -> str:
        """A token for ``principal``; reused while more than half its life remains."""
        now = time.time()
        hit = self._cache.get(principal)
        if hit and hit[0] > now + self.ttl / 2:
            return hit[1]
        exp = int(now) + self.ttl
        claims = principal.to_claims() | {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now),
            "exp": exp,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self._key, algorithm="EdDSA")
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[principal] = (float(exp), token)
        return token


class PrincipalVerifier:
    """Verifies principal tokens; caches verified tokens until they expire."""

    def __init__(
        self,
        public_key_pem: bytes,
        *,
        issuer: str = "gxst-gateway",
        audience: str = "gxst-services",
        leeway: int = 5,
    ) -> None:
        key = serialization.load_pem_public_key(public_key_pem)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("principal verification key must be Ed25519")
        self._key = key
        self.issuer, self.audience, self.leeway = issuer, audience, leeway
        self._cache: dict[str, tuple[float, Principal]] = {}

    def verify(self, token: str) -> Principal:
        now = time.time()
        hit = self._cache.get(token)
        if hit and hit[0] > now:
            return hit[1]
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["EdDSA"],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
            principal = Principal(
                subject=str(claims["sub"]),
                role=Role(claims["role"]),
                city=claims.get("city"),
                bank=claims.get("bank"),
                client_id=claims.get("cid"),
                expert_id=claims.get("expert"),
                signed=_signed(claims.get("amr")),
            )
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise Unauthorized(
                t("调用方身份令牌无效", "invalid principal token"), extra={"reason": str(exc)}
            ) from exc
        if principal.role is Role.city_bureau and not principal.city:
            raise Unauthorized(
                t("市级科技局身份必须带有所属地市", "a city bureau principal must carry its city")
            )
        if principal.role is Role.bank and not principal.bank:
            raise Unauthorized(
                t("银行身份必须带有银行代码", "a bank principal must carry its bank")
            )
        if principal.role is Role.expert and not principal.expert_id:
            raise Unauthorized(
                t("评审专家身份必须带有专家编号", "an expert principal must carry its expert id")
            )
        if principal.role is Role.bank and not principal.signed:
            raise BankSignatureRequired(
                t(
                    "银行只能通过网关 /bank/v1/ 以 RFC 9421 签名请求访问；此银行身份未经签名验证",
                    "a bank may call only through the gateway's /bank/v1/ with RFC 9421 signed "
                    "requests; this bank principal was not signature-verified",
                )
            )
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[token] = (float(claims["exp"]), principal)
        return principal


def _signed(amr: Any) -> bool:
    return isinstance(amr, list) and SIGNED_REQUEST_AMR in amr


def generate_keypair() -> tuple[bytes, bytes]:
    """A fresh Ed25519 key pair as (private PEM, public PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def principal_of(request: Request) -> Principal:
    """The verified principal of this request, or 401 (verified tokens are cached)."""
    token = request.headers.get(PRINCIPAL_HEADER)
    if not token:
        raise Unauthorized(
            t(
                "缺少调用方身份：请通过网关调用平台",
                "missing principal: call the platform through the gateway",
            )
        )
    verifier: PrincipalVerifier = request.app.state.principal_verifier
    principal = verifier.verify(token)
    principal_token_var.set(token)
    request.state.principal = principal
    return principal


async def get_principal(request: Request) -> Principal:
    """Dependency: the verified principal of this request, or 401."""
    return principal_of(request)


# The principal reporting calls the workstream services with for its own decisions.
REPORTING_PRINCIPAL = Principal(subject="reporting", role=Role.service)
# The principal projects calls talent with to draw reviewers (揭榜挂帅 review rounds).
PROJECTS_PRINCIPAL = Principal(subject="projects", role=Role.service)
# The services the gateway hands their own service principal (SERVICE_PRINCIPAL_HEADER).
SERVICE_PRINCIPALS: dict[str, Principal] = {
    "reporting": REPORTING_PRINCIPAL,
    "projects": PROJECTS_PRINCIPAL,
}

CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency factory: the principal, or 403 unless its role is one of ``roles``.

    The allowed roles are also recorded on the function (``allowed_roles``) so the
    roles matrix can be generated from the code.
    """
    allowed = frozenset(roles)

    # Reads the principal itself rather than through get_principal: one dependency
    # level less to solve on every request.
    async def check(request: Request) -> Principal:
        principal = principal_of(request)
        if principal.role not in allowed:
            raise Forbidden(
                t(
                    f"角色 {principal.role.value!r} 无权调用此接口",
                    f"role {principal.role.value!r} may not call this endpoint",
                ),
                extra={"allowed_roles": sorted(r.value for r in allowed)},
            )
        return principal

    check.allowed_roles = allowed  # type: ignore[attr-defined]
    return check
