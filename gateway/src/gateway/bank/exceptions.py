"""Why a bank request was not authenticated: one stable ``code`` per cause (401)."""

from __future__ import annotations

from typing import ClassVar

from shared_kit.i18n import t


class BankAuthError(Exception):
    """A signature problem; the router answers 401 problem+json with ``code``."""

    code: ClassVar[str] = "bad_signature"
    title: ClassVar[str] = t("请求签名无效", "Invalid request signature")

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MissingSignature(BankAuthError):
    code, title = "missing_signature", t("请求须带签名", "Request signature required")


class MalformedSignature(BankAuthError):
    code, title = "malformed_signature", t("请求签名格式有误", "Malformed request signature")


class MissingCoveredComponent(BankAuthError):
    code, title = (
        "missing_covered_component",
        t("签名未覆盖必需的组件", "Signature does not cover a required component"),
    )


class UnknownKey(BankAuthError):
    code, title = "unknown_key", t("未知的签名密钥", "Unknown signing key")


class BadSignature(BankAuthError):
    code, title = "bad_signature", t("请求签名无效", "Invalid request signature")


class DigestMismatch(BankAuthError):
    code, title = (
        "digest_mismatch",
        t("Content-Digest 与请求体不符", "Content-Digest does not match the body"),
    )


class SignatureExpired(BankAuthError):
    code, title = "signature_expired", t("签名已过期", "Signature too old")


class SignatureInFuture(BankAuthError):
    code, title = (
        "signature_in_future",
        t("签名的创建时间晚于当前时间", "Signature created in the future"),
    )


class ReplayedNonce(BankAuthError):
    code, title = "replayed_nonce", t("nonce 已被使用", "Nonce already used")
