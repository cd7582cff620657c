"""Who is calling: decided here once, for the proxy and the gateway's own endpoints.

``Authorization: Bearer <JWT>`` (frontend users) or ``X-API-Key`` (city
bureaus, department tools). Banks sign their requests instead (bank/): a
credential of role ``bank`` is refused here, on every route that identifies
its caller this way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from gateway.apikey.service import KeyVerifier
from gateway.identity.bearer import BearerAuthenticator
from gateway.identity.exceptions import InvalidApiKey, MissingCredentials
from shared_kit.auth import BankSignatureRequired, Principal, Role
from shared_kit.errors import Forbidden
from shared_kit.i18n import t

_CHALLENGE = {"WWW-Authenticate": 'Bearer, ApiKey header="X-API-Key"'}


async def identify(request: Request) -> Principal:
    """The caller's principal, or a 401/403 problem whose code says what was wrong."""
    principal = await _credential(request)
    if principal.role is Role.bank:
        # Bank keys can no longer be made; one made before still must not work unsigned.
        raise BankSignatureRequired(
            t(
                "银行身份不能使用 API 密钥或令牌访问 /api/…；请在 /bank/v1/… 使用 RFC 9421 签名"
                "请求",
                "a bank may not use an API key or token on /api/…; send RFC 9421 signed "
                "requests to /bank/v1/…",
            )
        )
    return principal


async def _credential(request: Request) -> Principal:
    state = request.app.state
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            bearer: BearerAuthenticator = state.bearer
            return await bearer.authenticate(token.strip())
    key = request.headers.get("x-api-key")
    if not key:
        raise MissingCredentials(
            t(
                "请发送 Authorization: Bearer <令牌>，或在 X-API-Key 中提供 API 密钥",
                "send Authorization: Bearer <token> or an API key in X-API-Key",
            ),
            headers=_CHALLENGE,
        )
    verifier: KeyVerifier = state.key_verifier
    principal = await verifier.resolve(key)
    if principal is None:
        raise InvalidApiKey(t("API 密钥不存在或已吊销", "unknown or revoked API key"))
    return principal


Caller = Annotated[Principal, Depends(identify)]


def gateway_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """Dependency for the gateway's own endpoints: the caller, or 403 unless in ``roles``."""
    allowed = frozenset(roles)

    async def check(principal: Caller) -> Principal:
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
