"""Why a caller was not identified: each a 401 (or 403) problem with a stable code."""

from __future__ import annotations

from shared_kit.errors import AppError

_BEARER = 'Bearer error="invalid_token"'


class MissingCredentials(AppError):
    status, code, title = 401, "missing_credentials", "Authentication required"


class InvalidApiKey(AppError):
    status, code, title = 401, "invalid_api_key", "Invalid API key"


class BearerError(AppError):
    """A bearer token that cannot be accepted; answers carry ``WWW-Authenticate``."""

    status, code, title = 401, "invalid_token", "Invalid token"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": _BEARER})


class InvalidToken(BearerError):
    pass


class TokenExpired(BearerError):
    code, title = "token_expired", "Token expired"


class InvalidAudience(BearerError):
    code, title = "invalid_audience", "Token for another audience"


class InvalidIssuer(BearerError):
    code, title = "invalid_issuer", "Token from an untrusted issuer"


class UnknownSigningKey(BearerError):
    code, title = "unknown_signing_key", "Unknown signing key"


class NoPlatformRole(AppError):
    status, code, title = 403, "no_platform_role", "No platform role"


class KeysUnavailable(AppError):
    status, code, title = 503, "signing_keys_unavailable", "Signing keys unavailable"
