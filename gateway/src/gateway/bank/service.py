"""Partner-bank clients and RFC 9421 request-signature verification.

The cryptography and signature-base construction are the maintained
``http-message-signatures`` library's. Before calling it we parse the
``Signature-Input`` ourselves (with ``http_sf``, the library's own Structured
Fields parser) so each failure gets its own stable code: the library raises a
single ``InvalidSignature`` for every cause. Policy that RFC 9421 leaves to the
application lives here: required components and parameters, the time window,
the algorithm bound to the key (never the one the request names), and replay
protection through a nonce table.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import http_sf
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from http_message_signatures import (
    ContentDigest,
    HTTPMessageSignaturesException,
    HTTPMessageVerifier,
    InvalidSignature,
    MappingKeyResolver,
    algorithms,
)
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from gateway.bank.exceptions import (
    BadSignature,
    DigestMismatch,
    MalformedSignature,
    MissingCoveredComponent,
    MissingSignature,
    ReplayedNonce,
    SignatureExpired,
    SignatureInFuture,
    UnknownKey,
)
from gateway.bank.models import ALGORITHMS, BankClient
from shared_kit.auth import Principal, Role
from shared_kit.i18n import t

# bank-api.md: `created` more than 300 s old or more than 30 s ahead is refused.
MAX_AGE_SECONDS = 300
MAX_FUTURE_SECONDS = 30
# A signature stays acceptable until created + MAX_AGE, and created may be up to
# MAX_FUTURE ahead of our clock, so a nonce must be remembered this long.
NONCE_WINDOW_SECONDS = MAX_AGE_SECONDS + MAX_FUTURE_SECONDS
_PURGE_EVERY_SECONDS = 60.0
MAX_NONCE_LENGTH = 128
REQUIRED_PARAMETERS = ("created", "keyid", "nonce", "alg")
# RFC 9421 §2.3 metadata; anything else is refused (the library would too).
KNOWN_PARAMETERS = frozenset({"alg", "created", "expires", "keyid", "nonce", "tag"})
_ALGORITHM_CLASSES: dict[str, Any] = {
    "hmac-sha256": algorithms.HMAC_SHA256,
    "ed25519": algorithms.ED25519,
}
_BANK_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
HMAC_SECRET_PREFIX = "gxs_"


# --- bank clients ---------------------------------------------------------------------


@dataclass(frozen=True)
class NewBankClient:
    key_id: str
    bank: str
    alg: str
    secret: str | None


def load_ed25519_public_key(pem: str | bytes) -> Ed25519PublicKey:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise ValueError(f"not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("the public key must be an Ed25519 key")
    return key


def check_registration(*, bank: str, alg: str, public_key_pem: str | None) -> None:
    """ValueError unless the code, algorithm and key material make a valid registration."""
    if not _BANK_CODE.fullmatch(bank):
        raise ValueError("the bank code must be 1-64 letters, digits, '_', '.' or '-'")
    if alg not in ALGORITHMS:
        raise ValueError(f"alg must be one of {', '.join(ALGORITHMS)}")
    if alg == "hmac-sha256" and public_key_pem:
        raise ValueError("an hmac-sha256 client takes no public key")
    if alg == "ed25519":
        if not public_key_pem:
            raise ValueError("an ed25519 client needs the bank's public key (PEM)")
        load_ed25519_public_key(public_key_pem)


async def create_bank_client(
    session: AsyncSession, *, bank: str, alg: str, public_key_pem: str | None = None
) -> NewBankClient:
    """Register a bank key. HMAC: a fresh secret is generated and returned once.

    The partner registry is checked by the caller (gateway.cli, bank/partners.py);
    the enterprise service refuses every call of a bank that is no active partner.
    """
    check_registration(bank=bank, alg=alg, public_key_pem=public_key_pem)
    secret: str | None = None
    public_key: str | None = None
    if alg == "hmac-sha256":
        # The HMAC key is the ASCII bytes of this string, exactly as printed.
        secret = HMAC_SECRET_PREFIX + secrets.token_urlsafe(32)
    else:
        assert public_key_pem is not None
        public_key = public_key_pem.strip() + "\n"
    key_id = f"bk_{secrets.token_hex(8)}"
    session.add(BankClient(key_id=key_id, bank=bank, alg=alg, secret=secret, public_key=public_key))
    await session.flush()
    return NewBankClient(key_id, bank, alg, secret)


async def deactivate_bank_client(session: AsyncSession, *, key_id: str) -> bool:
    row = (
        await session.execute(select(BankClient).where(BankClient.key_id == key_id))
    ).scalar_one_or_none()
    if row is None:
        return False
    row.active = False
    await session.flush()
    return True


@dataclass(frozen=True)
class BankKey:
    key_id: str
    bank: str
    alg: str
    key: bytes | Ed25519PublicKey


class BankClientStore:
    """Active bank keys by key id, cached briefly (hits and misses) like API keys."""

    def __init__(self, engine: AsyncEngine, ttl: float = 30.0) -> None:
        self.engine, self.ttl = engine, ttl
        self._cache: dict[str, tuple[float, BankKey | None]] = {}

    async def get(self, key_id: str) -> BankKey | None:
        now = time.monotonic()
        hit = self._cache.get(key_id)
        if hit and hit[0] > now:
            return hit[1]
        stmt = select(
            BankClient.bank, BankClient.alg, BankClient.secret, BankClient.public_key
        ).where(BankClient.key_id == key_id, BankClient.active.is_(True))
        async with self.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        found: BankKey | None = None
        if row is not None:
            material: bytes | Ed25519PublicKey = (
                row.secret.encode()
                if row.alg == "hmac-sha256"
                else load_ed25519_public_key(row.public_key)
            )
            found = BankKey(key_id, row.bank, row.alg, material)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[key_id] = (now + self.ttl, found)
        return found


class NonceLedger:
    """Remembers (key id, nonce) pairs for the replay window, in the gateway schema.

    Shared by every gateway instance through the database, so a replay sent to
    another instance is caught too.
    """

    def __init__(self, engine: AsyncEngine, window_seconds: int = NONCE_WINDOW_SECONDS) -> None:
        self.engine, self.window = engine, window_seconds
        self._last_purge = 0.0

    async def first_use(self, key_id: str, nonce: str) -> bool:
        """Record the nonce; False when it was already seen inside the window."""
        # A row older than the window (not yet purged) is taken over rather than
        # counted as a replay: only a nonce seen *inside* the window is refused.
        stmt = text(
            "INSERT INTO gateway.bank_nonces AS n (key_id, nonce) VALUES (:k, :n) "
            "ON CONFLICT (key_id, nonce) DO UPDATE SET created_at = now() "
            "WHERE n.created_at < now() - make_interval(secs => :w) "
            "RETURNING 1"
        )
        async with self.engine.begin() as conn:
            fresh = (await conn.execute(stmt, {"k": key_id, "n": nonce, "w": self.window})).first()
            now = time.monotonic()
            if now - self._last_purge > _PURGE_EVERY_SECONDS:
                self._last_purge = now
                await conn.execute(
                    text(
                        "DELETE FROM gateway.bank_nonces "
                        "WHERE created_at < now() - make_interval(secs => :w)"
                    ),
                    {"w": self.window},
                )
        return fresh is not None


# --- signature verification -------------------------------------------------------------


class _Fields:
    """Read-only header view in wire order, as the library's resolvers expect."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items

    def items(self) -> Iterable[tuple[str, str]]:
        return self._items


@dataclass
class SignedRequest:
    """What the verifier needs: method, the public target URI, raw headers and body."""

    method: str
    url: str
    headers: _Fields
    body: bytes

    @classmethod
    def build(
        cls, method: str, url: str, raw_headers: Iterable[tuple[bytes, bytes]], body: bytes
    ) -> SignedRequest:
        items = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw_headers]
        return cls(method.upper(), url, _Fields(items), body)

    def header(self, name: str) -> str | None:
        values = [v.strip() for k, v in self.headers.items() if k == name]
        return ", ".join(values) if values else None


@dataclass(frozen=True)
class ParsedSignature:
    label: str
    components: list[tuple[str, dict[str, Any]]]
    params: dict[str, Any]

    @property
    def plain_components(self) -> set[str]:
        """Covered components without parameters (the only form our policy accepts)."""
        return {name for name, params in self.components if not params}


def _reject_duplicate(key: str, context: str) -> None:
    if context == "dictionary":
        raise ValueError(f"duplicate member {key!r}")


def _parse_dictionary(name: str, value: str) -> dict[str, Any]:
    try:
        parsed = http_sf.parse(
            value.encode("ascii"), tltype="dictionary", on_duplicate_key=_reject_duplicate
        )
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise MalformedSignature(
            t(
                f"{name} 不是有效的结构化字段字典",
                f"{name} is not a valid structured-field dictionary",
            )
        ) from exc
    if not isinstance(parsed, dict):
        raise MalformedSignature(
            t(
                f"{name} 不是有效的结构化字段字典",
                f"{name} is not a valid structured-field dictionary",
            )
        )
    return parsed


def parse_signature(message: SignedRequest) -> ParsedSignature:
    """The one signature of the request, its covered components and parameters."""
    sig_input = message.header("signature-input")
    signature = message.header("signature")
    if sig_input is None and signature is None:
        raise MissingSignature(
            t(
                "请对请求签名（RFC 9421）：Signature-Input 和 Signature",
                "sign the request (RFC 9421): Signature-Input and Signature",
            )
        )
    if sig_input is None or signature is None:
        raise MalformedSignature(
            t(
                "Signature-Input 和 Signature 两个请求头都必须提供",
                "both Signature-Input and Signature headers are required",
            )
        )
    inputs = _parse_dictionary("Signature-Input", sig_input)
    signatures = _parse_dictionary("Signature", signature)
    if len(inputs) != 1 or inputs.keys() != signatures.keys():
        raise MalformedSignature(
            t(
                "只能发送一个签名，Signature-Input 与 Signature 中的标签须一致",
                "send exactly one signature, with the same label in Signature-Input and Signature",
            )
        )
    label = next(iter(inputs))
    members, params = inputs[label]
    if not isinstance(members, list):
        raise MalformedSignature(
            t(
                "Signature-Input 的成员必须是组件的内部列表",
                "Signature-Input member must be an inner list of components",
            )
        )
    sig_value = signatures[label][0]
    if not isinstance(sig_value, bytes) or not sig_value:
        raise MalformedSignature(
            t(
                "Signature 的成员必须是字节序列（:base64:）",
                "Signature member must be a byte sequence (:base64:)",
            )
        )
    components: list[tuple[str, dict[str, Any]]] = []
    for item, item_params in members:
        if not isinstance(item, str):
            raise MalformedSignature(
                t("被覆盖的组件必须是字符串", "covered components must be strings")
            )
        components.append((item, dict(item_params)))
    for name in REQUIRED_PARAMETERS:
        if name not in params:
            raise MalformedSignature(
                t(f"缺少签名参数 {name!r}", f"signature parameter {name!r} is required")
            )
    unknown = set(params) - KNOWN_PARAMETERS
    if unknown:
        raise MalformedSignature(
            t(
                f"未知的签名参数：{', '.join(sorted(unknown))}",
                f"unknown signature parameter(s): {', '.join(sorted(unknown))}",
            )
        )
    for name in ("created", "expires"):
        if name in params and type(params[name]) is not int:
            raise MalformedSignature(
                t(
                    f"签名参数 {name!r} 必须是整数",
                    f"signature parameter {name!r} must be an integer",
                )
            )
    for name in ("keyid", "nonce", "alg", "tag"):
        if name in params and (not isinstance(params[name], str) or not params[name]):
            raise MalformedSignature(
                t(
                    f"签名参数 {name!r} 必须是非空字符串",
                    f"signature parameter {name!r} must be a non-empty string",
                )
            )
    if len(params["nonce"]) > MAX_NONCE_LENGTH:
        raise MalformedSignature(
            t(
                f"nonce 最多 {MAX_NONCE_LENGTH} 个字符",
                f"the nonce may have at most {MAX_NONCE_LENGTH} characters",
            )
        )
    if params["alg"] not in ALGORITHMS:
        raise MalformedSignature(
            t(
                f"alg 必须是 {', '.join(ALGORITHMS)} 之一",
                f"alg must be one of {', '.join(ALGORITHMS)}",
            )
        )
    return ParsedSignature(label, components, dict(params))


def required_components(message: SignedRequest) -> list[str]:
    required = ["@method", "@target-uri"]
    if message.body or message.header("content-digest") is not None:
        required.append("content-digest")
    # Without the header the request goes on and the service answers 400 (bank-api.md);
    # when present it must be signed, or a replay could swap it.
    if message.method == "POST" and message.header("idempotency-key") is not None:
        required.append("idempotency-key")
    return required


def check_coverage(parsed: ParsedSignature, message: SignedRequest) -> None:
    covered = parsed.plain_components
    missing = [c for c in required_components(message) if c not in covered]
    if missing:
        raise MissingCoveredComponent(
            t(
                f"签名必须覆盖 {', '.join(repr(c) for c in missing)}",
                f"the signature must cover {', '.join(repr(c) for c in missing)}",
            )
        )


def check_time(params: dict[str, Any], now: float) -> None:
    created: int = params["created"]
    if created > now + MAX_FUTURE_SECONDS:
        raise SignatureInFuture(
            t(
                f"'created' 比网关时钟超前 {created - int(now)} 秒（最多允许 "
                f"{MAX_FUTURE_SECONDS} 秒），请检查客户端时钟",
                f"'created' is {created - int(now)} s ahead of the gateway's clock (at most "
                f"{MAX_FUTURE_SECONDS} s allowed); check the client's clock",
            )
        )
    if created < now - MAX_AGE_SECONDS:
        raise SignatureExpired(
            t(
                f"'created' 已是 {int(now) - created} 秒前（最多允许 {MAX_AGE_SECONDS} 秒）",
                f"'created' is {int(now) - created} s old (at most {MAX_AGE_SECONDS} s allowed)",
            )
        )
    expires = params.get("expires")
    if expires is not None and expires < now:
        raise SignatureExpired(
            t("签名的 'expires' 时间已过", "the signature's 'expires' time has passed")
        )


def verify_with_key(message: SignedRequest, parsed: ParsedSignature, key: BankKey) -> None:
    """Cryptographic check by the library with the algorithm registered for the key."""
    if parsed.params["alg"] != key.alg:
        raise BadSignature(
            t(
                f"密钥 {key.key_id!r} 登记的算法是 {key.alg}",
                f"key {key.key_id!r} is registered for {key.alg}",
            )
        )
    verifier = HTTPMessageVerifier(
        signature_algorithm=_ALGORITHM_CLASSES[key.alg],
        key_resolver=MappingKeyResolver(public_keys={key.key_id: key.key}, private_keys={}),
    )
    # Our own window was enforced above; the library's checks must not be stricter.
    verifier.max_clock_skew = timedelta(seconds=MAX_FUTURE_SECONDS)
    try:
        results = verifier.verify(message, max_age=timedelta(seconds=MAX_AGE_SECONDS))
    except InvalidSignature as exc:
        raise BadSignature(
            t(
                "签名与此请求和密钥不符，验证未通过",
                "the signature does not verify for this request and key",
            )
        ) from exc
    except HTTPMessageSignaturesException as exc:
        raise MalformedSignature(t(f"请求签名格式有误（{exc}）", str(exc))) from exc
    covered = results[0].covered_components
    if any(c.startswith('"content-digest"') for c in covered):
        check_digest(message, covered)


def check_digest(message: SignedRequest, covered: dict[str, str]) -> None:
    """RFC 9530: the signed Content-Digest must carry sha-256 and match the body."""
    value = message.header("content-digest") or ""
    try:
        members = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise DigestMismatch(
            t(
                "Content-Digest 不是有效的结构化字段字典",
                "Content-Digest is not a valid structured-field dictionary",
            )
        ) from exc
    if not isinstance(members, dict) or "sha-256" not in members:
        raise DigestMismatch(
            t(
                "Content-Digest 必须包含 sha-256 成员",
                "Content-Digest must include a sha-256 member",
            )
        )
    try:
        ContentDigest.verify_components(covered, message.body)
    except (InvalidSignature, HTTPMessageSignaturesException) as exc:
        raise DigestMismatch(t(f"Content-Digest 与请求体不符（{exc}）", str(exc))) from exc


@dataclass(frozen=True)
class VerifiedBank:
    key_id: str
    bank: str

    def principal(self) -> Principal:
        # The bank comes from the registered key only, never from the request; only this
        # path marks a principal as signed, which services require of every bank principal.
        return Principal(
            subject=f"bank-key:{self.key_id}",
            role=Role.bank,
            bank=self.bank,
            client_id=self.key_id,
            signed=True,
        )


class BankAuthenticator:
    def __init__(self, clients: BankClientStore, nonces: NonceLedger) -> None:
        self.clients, self.nonces = clients, nonces

    async def authenticate(
        self, message: SignedRequest, *, now: float | None = None
    ) -> VerifiedBank:
        """The verified bank behind ``message``, or a :class:`BankAuthError`.

        Order: parse → coverage → time → key → signature → digest → nonce. The
        nonce is recorded last, so unauthenticated traffic cannot fill the table
        and a rejected request does not burn the bank's nonce.
        """
        parsed = parse_signature(message)
        check_coverage(parsed, message)
        check_time(parsed.params, time.time() if now is None else now)
        key_id: str = parsed.params["keyid"]
        key = await self.clients.get(key_id)
        if key is None:
            raise UnknownKey(
                t(
                    f"没有密钥编号为 {key_id!r} 的有效银行客户端",
                    f"no active bank client with key id {key_id!r}",
                )
            )
        verify_with_key(message, parsed, key)
        if not await self.nonces.first_use(key_id, parsed.params["nonce"]):
            raise ReplayedNonce(
                t(
                    "此 nonce 已与该密钥一起使用过，请使用新的 nonce",
                    "this nonce was already used with this key; use a fresh one",
                )
            )
        return VerifiedBank(key_id, key.bank)
