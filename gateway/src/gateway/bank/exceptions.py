"""Why a bank request was not authenticated: one stable ``code`` per cause (401)."""

from __future__ import annotations

from typing import ClassVar


class BankAuthError(Exception):
    """A signature problem; the router answers 401 problem+json with ``code``."""

    code: ClassVar[str] = "bad_signature"
    title: ClassVar[str] = "Invalid request signature"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MissingSignature(BankAuthError):
    code, title = "missing_signature", "Request signature required"


class MalformedSignature(BankAuthError):
    code, title = "malformed_signature", "Malformed request signature"


class MissingCoveredComponent(BankAuthError):
    code, title = "missing_covered_component", "Signature does not cover a required component"


class UnknownKey(BankAuthError):
    code, title = "unknown_key", "Unknown signing key"


class BadSignature(BankAuthError):
    code, title = "bad_signature", "Invalid request signature"


class DigestMismatch(BankAuthError):
    code, title = "digest_mismatch", "Content-Digest does not match the body"


class SignatureExpired(BankAuthError):
    code, title = "signature_expired", "Signature too old"


class SignatureInFuture(BankAuthError):
    code, title = "signature_in_future", "Signature created in the future"


class ReplayedNonce(BankAuthError):
    code, title = "replayed_nonce", "Nonce already used"
