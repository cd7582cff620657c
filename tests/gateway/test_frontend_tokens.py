"""Frontend sign-in: bearer JWTs checked against a JWKS, and the development issuer.

The identity provider is a real HTTP server publishing a JWKS; the gateway
runs in-process against the test PostgreSQL and forwards to a real upstream
that verifies the principal it receives.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from shared_kit.auth import Role
from tests.gateway.helpers import assert_problem, echo_upstream, gateway, gateway_settings

asyncio_mark = pytest.mark.asyncio(loop_scope="session")

ISSUER = "https://sso.gxst.example/realms/staff"
AUDIENCE = "gxst-frontend"
NANNING = "450100"


@dataclass
class Idp:
    """A real JWKS endpoint whose key set the tests can change (rotation)."""

    url: str
    keys: dict[str, Any]
    published: list[dict[str, Any]]
    fetches: list[float] = field(default_factory=list)
    down: bool = False

    def add_key(self, kid: str) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys[kid] = key
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        self.published.append(jwk | {"kid": kid, "alg": "RS256", "use": "sig"})

    def token(
        self,
        *,
        kid: str = "k1",
        sub: str = "alice",
        roles: Any = ("admin",),
        iss: str = ISSUER,
        aud: str = AUDIENCE,
        exp_in: int = 300,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims = {"iss": iss, "aud": aud, "sub": sub, "iat": now, "exp": now + exp_in}
        if roles is not None:
            claims["roles"] = list(roles) if not isinstance(roles, str) else roles
        claims |= extra
        return jwt.encode(claims, self.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def idp() -> AsyncIterator[Idp]:
    published: list[dict[str, Any]] = []
    state = Idp(url="", keys={}, published=published)
    state.add_key("k1")

    async def jwks(request: web.Request) -> web.Response:
        state.fetches.append(time.monotonic())
        if state.down:
            return web.json_response({"error": "maintenance"}, status=503)
        return web.json_response({"keys": published})

    app = web.Application()
    app.router.add_get("/jwks", jwks)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    state.url = f"http://127.0.0.1:{port}/jwks"
    yield state
    await runner.cleanup()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def upstream(pg: TestDatabase) -> AsyncIterator[str]:
    async with echo_upstream(pg) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def gw(pg: TestDatabase, idp: Idp, upstream: str) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway(
        pg,
        upstream_projects=upstream,
        jwks_url=idp.url,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_leeway_seconds=30,
        jwks_min_refresh_seconds=0,
    ) as client:
        yield client


def hs256(claims: dict[str, Any], secret: bytes, *, kid: str) -> str:
    """An HS256 JWT made by hand (PyJWT refuses a JWK-looking secret)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def call(gw: httpx.AsyncClient, token: str) -> httpx.Response:
    return await gw.get("/api/projects/v1/things", headers=bearer(token))


@asyncio_mark
class TestValidTokens:
    async def test_admin_token_reaches_the_service_as_its_principal(
        self, gw: httpx.AsyncClient, idp: Idp
    ) -> None:
        r = await call(gw, idp.token(sub="alice", roles=["offline_access", "admin"]))
        assert r.status_code == 200, r.text
        principal = r.json()["principal"]
        assert principal["role"] == Role.admin
        assert principal["subject"] == "user:alice"
        assert principal["client_id"] == "alice"
        assert principal["city"] is None
        assert r.json()["path"] == "/v1/things"

    async def test_city_bureau_carries_its_city(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        r = await call(gw, idp.token(sub="li", roles=["city_bureau"], city=NANNING))
        assert r.status_code == 200, r.text
        principal = r.json()["principal"]
        assert (principal["role"], principal["city"]) == (Role.city_bureau, NANNING)

    async def test_strongest_platform_role_wins_and_single_role_claim(
        self, gw: httpx.AsyncClient, idp: Idp
    ) -> None:
        r = await call(gw, idp.token(roles=["city_bureau", "analyst"], city=NANNING))
        assert r.json()["principal"]["role"] == Role.analyst
        assert r.json()["principal"]["city"] is None
        r = await call(gw, idp.token(roles=None, role="analyst"))
        assert r.json()["principal"]["role"] == Role.analyst

    async def test_expiry_within_the_leeway_is_accepted(
        self, gw: httpx.AsyncClient, idp: Idp
    ) -> None:
        r = await call(gw, idp.token(exp_in=-10))
        assert r.status_code == 200, r.text

    async def test_keys_are_cached(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        await call(gw, idp.token())
        before = len(idp.fetches)
        for n in range(3):
            assert (await call(gw, idp.token(sub=f"u{n}"))).status_code == 200
        assert len(idp.fetches) == before

    async def test_rotated_key_is_fetched_on_unknown_kid(
        self, gw: httpx.AsyncClient, idp: Idp
    ) -> None:
        await call(gw, idp.token())
        before = len(idp.fetches)
        idp.add_key("k2")
        r = await call(gw, idp.token(kid="k2", sub="bob"))
        assert r.status_code == 200, r.text
        assert len(idp.fetches) == before + 1


@asyncio_mark
class TestRefusedTokens:
    async def test_expired(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        r = await call(gw, idp.token(exp_in=-120))
        assert_problem(r, 401, "token_expired")
        assert r.headers["www-authenticate"].startswith("Bearer")

    async def test_wrong_audience(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        assert_problem(await call(gw, idp.token(aud="another-app")), 401, "invalid_audience")

    async def test_wrong_issuer(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        r = await call(gw, idp.token(iss="https://evil.example"))
        assert_problem(r, 401, "invalid_issuer")

    async def test_unknown_signing_key(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        stranger = ec.generate_private_key(ec.SECP256R1())
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "roles": ["admin"], "exp": now + 60}
        token = jwt.encode(claims, stranger, algorithm="ES256", headers={"kid": "unknown-kid"})
        assert_problem(await call(gw, token), 401, "unknown_signing_key")

    async def test_known_kid_but_other_key_is_invalid(
        self, gw: httpx.AsyncClient, idp: Idp
    ) -> None:
        forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "roles": ["admin"], "exp": now + 60}
        token = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": "k1"})
        assert_problem(await call(gw, token), 401, "invalid_token")

    async def test_symmetric_and_none_algorithms_are_refused(
        self, gw: httpx.AsyncClient, idp: Idp
    ) -> None:
        # An HS256 token "signed" with the public JWK text: the classic confusion attack.
        public = json.dumps(idp.published[0])
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "roles": ["admin"],
                  "exp": int(time.time()) + 60}  # fmt: skip
        hs = hs256(claims, public.encode(), kid="k1")
        assert_problem(await call(gw, hs), 401, "invalid_token")
        none = jwt.encode(claims, "", algorithm="none", headers={"kid": "k1"})
        assert_problem(await call(gw, none), 401, "invalid_token")

    async def test_garbage_and_missing_claims(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        assert_problem(await call(gw, "not.a.jwt"), 401, "invalid_token")
        now = int(time.time())
        no_sub = jwt.encode(
            {"iss": ISSUER, "aud": AUDIENCE, "roles": ["admin"], "exp": now + 60},
            idp.keys["k1"], algorithm="RS256", headers={"kid": "k1"},
        )  # fmt: skip
        assert_problem(await call(gw, no_sub), 401, "invalid_token")

    async def test_city_bureau_needs_a_region_city(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        assert_problem(await call(gw, idp.token(roles=["city_bureau"])), 401, "invalid_token")
        bad_city = idp.token(roles=["city_bureau"], city="110000")
        assert_problem(await call(gw, bad_city), 401, "invalid_token")

    async def test_no_platform_role_is_forbidden(self, gw: httpx.AsyncClient, idp: Idp) -> None:
        r = await call(gw, idp.token(roles=["bank", "service", "viewer"]))
        assert_problem(r, 403, "no_platform_role")

    async def test_no_credentials(self, gw: httpx.AsyncClient) -> None:
        r = await gw.get("/api/projects/v1/things")
        assert_problem(r, 401, "missing_credentials")
        r = await gw.get("/api/projects/v1/things", headers={"Authorization": "Basic eDp5"})
        assert_problem(r, 401, "missing_credentials")


@asyncio_mark
async def test_inline_jwks_and_unconfigured_bearer(
    pg: TestDatabase, idp: Idp, upstream: str
) -> None:
    inline = json.dumps({"keys": idp.published[:1]})
    async with gateway(pg, upstream_projects=upstream, jwks_json=inline, jwt_issuer=ISSUER) as gw:
        assert (await call(gw, idp.token())).status_code == 200
    async with gateway(pg, upstream_projects=upstream) as gw:
        r = await call(gw, idp.token())
        assert_problem(r, 401, "invalid_token")


@asyncio_mark
async def test_identity_provider_down_is_503(pg: TestDatabase, idp: Idp, upstream: str) -> None:
    down = f"http://127.0.0.1:{free_port()}/jwks"
    async with gateway(pg, upstream_projects=upstream, jwks_url=down, jwt_issuer=ISSUER) as gw:
        assert_problem(await call(gw, idp.token()), 503, "signing_keys_unavailable")


@asyncio_mark
async def test_known_keys_outlive_an_identity_provider_outage(
    pg: TestDatabase, idp: Idp, upstream: str
) -> None:
    async with gateway(
        pg,
        upstream_projects=upstream,
        jwks_url=idp.url,
        jwt_issuer=ISSUER,
        jwks_cache_seconds=0,  # every request wants a fresh set
        jwks_min_refresh_seconds=60,
    ) as gw:
        assert (await call(gw, idp.token(sub="o1"))).status_code == 200
        idp.down = True
        try:
            before = len(idp.fetches)
            assert (await call(gw, idp.token(sub="o2"))).status_code == 200
            assert len(idp.fetches) == before + 1  # tried, failed, kept the keys
            assert (await call(gw, idp.token(sub="o3"))).status_code == 200
            assert len(idp.fetches) == before + 1  # backed off
        finally:
            idp.down = False


@asyncio_mark
class TestDevIssuer:
    async def test_dev_token_works_end_to_end(self, pg: TestDatabase, upstream: str) -> None:
        async with gateway(pg, upstream_projects=upstream, dev_issuer=True) as gw:
            jwks = (await gw.get("/dev/jwks.json")).json()
            assert jwks["keys"][0]["kty"] == "OKP"
            r = await gw.post(
                "/dev/token", json={"username": "li", "role": "city_bureau", "city": NANNING}
            )
            assert r.status_code == 200, r.text
            token = r.json()["access_token"]
            assert r.json()["token_type"] == "Bearer"
            r = await gw.post("/api/projects/v1/things", headers=bearer(token), json={"a": 1})
            assert r.status_code == 200, r.text
            principal = r.json()["principal"]
            assert principal == {
                "subject": "user:li",
                "role": "city_bureau",
                "city": NANNING,
                "bank": None,
                "client_id": "li",
                "expert_id": None,
                "signed": False,
            }
            admin = (await gw.post("/dev/token", json={"username": "w", "role": "admin"})).json()
            r = await gw.get(
                "/gateway/v1/audit-log?client=li", headers=bearer(admin["access_token"])
            )
            assert r.status_code == 200, r.text
            assert [e["method"] for e in r.json()["items"]] == ["POST"]

    async def test_dev_token_input_is_checked(self, pg: TestDatabase, upstream: str) -> None:
        async with gateway(pg, upstream_projects=upstream, dev_issuer=True) as gw:
            for body in (
                {"username": "x", "role": "bank"},
                {"username": "x", "role": "city_bureau"},
                {"username": "x", "role": "city_bureau", "city": "110000"},
                {"username": "x", "role": "admin", "city": NANNING},
                {"username": "", "role": "admin"},
            ):
                assert_problem(await gw.post("/dev/token", json=body), 422, "validation_error")

    async def test_off_by_default_and_its_tokens_are_not_trusted_elsewhere(
        self, pg: TestDatabase, upstream: str, idp: Idp
    ) -> None:
        async with gateway(pg, upstream_projects=upstream, dev_issuer=True) as dev:
            token = (await dev.post("/dev/token", json={"username": "x", "role": "admin"})).json()
        async with gateway(
            pg, upstream_projects=upstream, jwks_url=idp.url, jwt_issuer=ISSUER
        ) as gw:
            assert (
                await gw.post("/dev/token", json={"username": "x", "role": "admin"})
            ).status_code == 404
            assert (await gw.get("/dev/jwks.json")).status_code == 404
            r = await call(gw, token["access_token"])
            assert_problem(r, 401, "invalid_issuer")
        # Another process's dev issuer: same issuer name, different key.
        async with gateway(pg, upstream_projects=upstream, dev_issuer=True) as other:
            r = await call(other, token["access_token"])
            assert_problem(r, 401, "unknown_signing_key")


def test_dev_issuer_is_off_by_default(pg: TestDatabase) -> None:
    assert gateway_settings(pg).dev_issuer is False
