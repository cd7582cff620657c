"""Why a caller was not identified: each a 401 (or 403) problem with a stable code."""

from __future__ import annotations

from shared_kit.errors import AppError
from shared_kit.i18n import t

_BEARER = 'Bearer error="invalid_token"'


class MissingCredentials(AppError):
    status, code, title = 401, "missing_credentials", t("需要身份认证", "Authentication required")


class InvalidApiKey(AppError):
    status, code, title = 401, "invalid_api_key", t("未提供有效的 API 密钥", "Invalid API key")


class BearerError(AppError):
    """A bearer token that cannot be accepted; answers carry ``WWW-Authenticate``."""

    status, code, title = 401, "invalid_token", t("令牌无效", "Invalid token")

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": _BEARER})


class InvalidToken(BearerError):
    pass


class TokenExpired(BearerError):
    code, title = "token_expired", t("令牌已过期", "Token expired")


class InvalidAudience(BearerError):
    code, title = "invalid_audience", t("令牌的受众不是本平台", "Token for another audience")


class InvalidIssuer(BearerError):
    code, title = "invalid_issuer", t("令牌的签发方不受信任", "Token from an untrusted issuer")


class UnknownSigningKey(BearerError):
    code, title = "unknown_signing_key", t("未知的签名密钥", "Unknown signing key")


class NoPlatformRole(AppError):
    status, code, title = 403, "no_platform_role", t("没有平台角色", "No platform role")


class KeysUnavailable(AppError):
    status, code, title = (
        503,
        "signing_keys_unavailable",
        t("签名密钥暂不可用", "Signing keys unavailable"),
    )
