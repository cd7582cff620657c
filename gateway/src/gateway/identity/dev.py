"""A local development issuer (``GATEWAY_DEV_ISSUER=true``, for ``make run`` only).

The gateway mints frontend tokens with a key made at start-up and trusts that
key for its own issuer name, so the stack works without an identity provider.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from gateway.identity.bearer import KeySource, parse_key_set
from shared_kit.auth import Role


class DevIssuer:
    def __init__(self, *, issuer: str, audience: str, ttl_seconds: int) -> None:
        self.issuer, self.audience, self.ttl = issuer, audience, ttl_seconds
        self._key = Ed25519PrivateKey.generate()
        self.kid = f"dev-{uuid.uuid4().hex[:12]}"
        jwk: dict[str, Any] = OKPAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        self._jwks = {"keys": [jwk | {"kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def jwks(self) -> dict[str, Any]:
        return self._jwks

    def key_source(self) -> KeySource:
        return KeySource(parse_key_set(self._jwks))

    def mint(self, *, username: str, role: Role, city: str | None) -> tuple[str, int]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": username,
            "preferred_username": username,
            "roles": [role.value],
            "iat": now,
            "exp": now + self.ttl,
            "jti": uuid.uuid4().hex,
        }
        if city:
            claims["city"] = city
        token = jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.kid})
        return token, self.ttl
