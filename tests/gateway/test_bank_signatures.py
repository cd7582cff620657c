"""Partner banks through the gateway: RFC 9421 signatures, replay protection, bank principal.

The real gateway app runs in-process against the test PostgreSQL; the
enterprise upstream is a small real HTTP server that verifies and echoes the
principal it receives. Requests are signed with the reference client
(examples/bank_client.py), so the example banks copy is exercised too.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from aiohttp import web
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms
from sqlalchemy import text

from devstack.layout import REPO
from devstack.pg import free_port
from devstack.pytest_plugin import TestDatabase
from examples.bank_client import (
    BankClient,
    Credentials,
    build_request,
    generate_ed25519_keypair,
    read_loans,
    sign_request,
)
from gateway import cli as gateway_cli
from gateway.bank.service import NonceLedger, create_bank_client, deactivate_bank_client
from gateway.config import Settings
from gateway.main import create_app
from shared_kit.auth import Principal, PrincipalSigner, PrincipalVerifier, Role
from shared_kit.db import make_engine, make_sessionmaker
from shared_kit.settings import normalise_dsn

asyncio_mark = pytest.mark.asyncio(loop_scope="session")

BASE = "http://testserver"
PUBLIC = "https://bank-api.gxst.example"
LISTED_COUNT = 5
LOAN = {
    "contract_no": "HT-2024-0001",
    "uscc": "914501005794165304",
    "enterprise_name": "南宁某科技有限公司",
    "amount": "1500000.00",
    "disbursed_on": "2024-05-31",
    "maturity_on": "2025-05-30",
    "annual_rate": "3.45",
    "guarantee": "credit",
    "status": "disbursed",
}


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def partner_registry(pg: TestDatabase) -> Iterator[str]:
    """Stands in for the enterprise service's partner-bank registry, in a thread (the CLI
    runs its own event loop): codes BANK* are in force, ENDED* terminated, others unknown.
    It answers only the gateway's own service principal."""
    verifier = PrincipalVerifier(pg.secrets.principal_public_key.encode())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            principal = verifier.verify(self.headers["X-Principal"])
            assert principal.role is Role.service
            code = self.path.removeprefix("/v1/partner-banks").strip("/")
            status, body = 200, [{"code": "BANKX", "status": "active"}]
            if code:
                state = "active" if code.startswith("BANK") else "terminated"
                known = code.startswith(("BANK", "ENDED"))
                status, body = (200, {"code": code, "status": state}) if known else (404, {})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def cli(pg: TestDatabase, *args: str) -> CliResult:
    """The gateway CLI (``python -m gateway.cli``), as an operator registering a bank runs it.

    Run in-process (a subprocess costs seconds of imports); from sync code only,
    since the command runs its own event loop.
    """
    out, err = io.StringIO(), io.StringIO()
    env = {
        "GATEWAY_DATABASE_URL": pg.dsn("gateway"),
        "GATEWAY_PRINCIPAL_PRIVATE_KEY": pg.secrets.principal_private_key,
    }
    with pytest.MonkeyPatch.context() as mp, partner_registry(pg) as registry:
        for name, value in env.items():
            mp.setenv(name, value)
        mp.setenv("GATEWAY_UPSTREAM_ENTERPRISE", registry)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = gateway_cli.main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


def parse_cli(out: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in out.strip().splitlines() if "=" in line)


@dataclass
class Banks:
    a: Credentials
    a_code: str
    b: Credentials
    b_code: str
    b_private_pem: bytes


@pytest.fixture(scope="module")
def banks(pg: TestDatabase, tmp_path_factory: pytest.TempPathFactory) -> Banks:
    """Bank A with an HMAC secret and bank B with an Ed25519 key, made by the CLI."""
    suffix = uuid.uuid4().hex[:6]
    a_code, b_code = f"BANKA{suffix}", f"BANKB{suffix}"
    out = cli(pg, "create-bank-client", "--bank", a_code, "--alg", "hmac-sha256")
    assert out.returncode == 0, out.stderr
    a = parse_cli(out.stdout)
    private, public = generate_ed25519_keypair()
    pub_file = tmp_path_factory.mktemp("keys") / "bank-b.pub.pem"
    pub_file.write_bytes(public)
    out = cli(
        pg, "create-bank-client", "--bank", b_code, "--alg", "ed25519",
        "--public-key-file", str(pub_file),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    b = parse_cli(out.stdout)
    assert "secret" not in b
    return Banks(
        a=Credentials.hmac(a["key_id"], a["secret"]),
        a_code=a_code,
        b=Credentials.ed25519(b["key_id"], private),
        b_code=b_code,
        b_private_pem=private,
    )


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def upstream(pg: TestDatabase) -> AsyncIterator[str]:
    """Stands in for the enterprise service: verifies the principal and echoes the request."""
    verifier = PrincipalVerifier(pg.secrets.principal_public_key.encode())

    async def echo(request: web.Request) -> web.Response:
        token = request.headers.get("x-principal")
        principal = asdict(verifier.verify(token)) if token else None
        body = await request.read()
        page: dict[str, Any] = {}
        if request.path == "/v1/bank/listed-enterprises":
            # LISTED_COUNT rows paged by cursor, as the enterprise service pages its list.
            start = int(request.query.get("cursor", "0"))
            stop = min(start + int(request.query.get("limit", "100")), LISTED_COUNT)
            bank = principal["bank"] if principal else None
            page = {
                "items": [{"uscc": f"U{i:03d}", "bank": bank} for i in range(start, stop)],
                "next_cursor": str(stop),
            }
        return web.json_response(
            {
                "method": request.method,
                "path": request.path,
                "query": request.query_string,
                "principal": principal,
                "body_sha256": hashlib.sha256(body).hexdigest(),
                "headers": {k.lower(): v for k, v in request.headers.items()},
                **page,
            }
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def _gateway(
    pg: TestDatabase, upstream: str, **over: Any
) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        database_url=pg.dsn("gateway"),
        principal_private_key=pg.secrets.principal_private_key,
        principal_public_key=pg.secrets.principal_public_key,
        upstream_enterprise=upstream,
        api_key_cache_seconds=0,
        log_json=False,
        log_level="WARNING",
        **over,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            yield client


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def gw(pg: TestDatabase, upstream: str) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _gateway(pg, upstream):
        yield client


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def get(creds: Credentials, path: str, **kw: Any) -> httpx.Request:
    return build_request(BASE, creds, "GET", path, **kw)


def post_batch(creds: Credentials, **kw: Any) -> httpx.Request:
    body = {"batch_ref": "2024-05-31", "loans": [LOAN]}
    return build_request(BASE, creds, "POST", "loan-batches", json_body=body, **kw)


def unsigned(method: str, path: str, **kw: Any) -> httpx.Request:
    return httpx.Request(method, f"{BASE}/bank/v1/{path}", **kw)


async def assert_refused(gw: httpx.AsyncClient, request: httpx.Request, code: str) -> None:
    r = await gw.send(request)
    assert r.status_code == 401, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == code, problem
    assert problem["status"] == 401


@asyncio_mark
class TestAccepted:
    async def test_hmac_get_is_forwarded_with_bank_principal(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        r = await gw.send(get(banks.a, "listed-enterprises", params={"limit": "5"}))
        assert r.status_code == 200, r.text
        echo = r.json()
        assert echo["method"] == "GET"
        assert echo["path"] == "/v1/bank/listed-enterprises"
        assert echo["query"] == "limit=5"
        assert echo["principal"]["role"] == Role.bank
        assert echo["principal"]["bank"] == banks.a_code
        assert echo["principal"]["client_id"] == banks.a.key_id
        # The signature is the gateway's business; the service trusts the principal only.
        assert "signature" not in echo["headers"]
        assert "signature-input" not in echo["headers"]

    async def test_ed25519_post_is_forwarded_with_body_and_idempotency_key(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        request = post_batch(banks.b, idempotency_key="batch-0001")
        assert "content-digest" in request.headers["signature-input"]
        assert "idempotency-key" in request.headers["signature-input"]
        r = await gw.send(request)
        assert r.status_code == 200, r.text
        echo = r.json()
        assert echo["method"] == "POST"
        assert echo["path"] == "/v1/bank/loan-batches"
        assert echo["principal"]["bank"] == banks.b_code
        assert echo["body_sha256"] == hashlib.sha256(request.content).hexdigest()
        assert echo["headers"]["idempotency-key"] == "batch-0001"
        assert echo["headers"]["content-digest"] == request.headers["content-digest"]

    async def test_nested_path_and_query_reach_the_bank_endpoint(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        batch_id = str(uuid.uuid4())
        r = await gw.send(get(banks.a, f"loan-batches/{batch_id}"))
        assert r.json()["path"] == f"/v1/bank/loan-batches/{batch_id}"
        r = await gw.send(get(banks.b, "reconciliation", params={"date": "2024-05-31"}))
        assert r.json()["query"] == "date=2024-05-31"

    async def test_created_inside_the_window_is_accepted(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        for created in (now() - dt.timedelta(seconds=280), now() + dt.timedelta(seconds=20)):
            request = sign_request(unsigned("GET", "listed-enterprises"), banks.a, created=created)
            r = await gw.send(request)
            assert r.status_code == 200, r.text


@asyncio_mark
class TestRefused:
    async def test_missing_signature(self, gw: httpx.AsyncClient) -> None:
        await assert_refused(gw, unsigned("GET", "listed-enterprises"), "missing_signature")

    async def test_malformed_headers(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        bad = unsigned(
            "GET",
            "listed-enterprises",
            headers={"Signature-Input": "sig1=(((", "Signature": "sig1=:AAAA:"},
        )
        await assert_refused(gw, bad, "malformed_signature")
        only_one = unsigned("GET", "listed-enterprises", headers={"Signature": "sig1=:AAAA:"})
        await assert_refused(gw, only_one, "malformed_signature")

    async def test_signature_without_nonce_is_malformed(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        request = get(banks.a, "listed-enterprises")
        sig_input = request.headers["signature-input"]
        nonce_param = next(p for p in sig_input.split(";") if p.startswith("nonce="))
        request.headers["signature-input"] = sig_input.replace(";" + nonce_param, "")
        await assert_refused(gw, request, "malformed_signature")

    async def test_two_signatures_are_malformed(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        request = get(banks.a, "listed-enterprises")
        for name in ("signature-input", "signature"):
            value = request.headers[name]
            request.headers[name] = value + ", " + value.replace("sig1=", "sig2=", 1)
        await assert_refused(gw, request, "malformed_signature")

    async def test_unknown_key(self, gw: httpx.AsyncClient) -> None:
        stranger = Credentials.hmac("bk_0000000000000000", "gxs_not-a-registered-secret")
        await assert_refused(gw, get(stranger, "listed-enterprises"), "unknown_key")

    async def test_wrong_secret_is_bad_signature(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        forged = Credentials.hmac(banks.a.key_id, "gxs_guessed-secret")
        await assert_refused(gw, get(forged, "listed-enterprises"), "bad_signature")

    async def test_other_ed25519_key_is_bad_signature(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        other_private, _ = generate_ed25519_keypair()
        forged = Credentials.ed25519(banks.b.key_id, other_private)
        await assert_refused(gw, get(forged, "listed-enterprises"), "bad_signature")

    async def test_algorithm_of_the_key_is_enforced(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        # Bank B's key is Ed25519; an HMAC "signature" naming it must not pass,
        # whatever secret the caller picks (e.g. the public key's bytes).
        confused = Credentials.hmac(banks.b.key_id, "gxs_public-key-as-secret")
        await assert_refused(gw, get(confused, "listed-enterprises"), "bad_signature")

    async def test_changed_query_after_signing_is_bad_signature(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        signed = get(banks.a, "reconciliation", params={"date": "2024-05-31"})
        tampered = httpx.Request(
            "GET", f"{BASE}/bank/v1/reconciliation?date=2024-06-01", headers=signed.headers
        )
        await assert_refused(gw, tampered, "bad_signature")

    async def test_changed_body_is_digest_mismatch(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        for creds in (banks.a, banks.b):
            signed = post_batch(creds)
            other = json.dumps({"batch_ref": "x", "loans": [{**LOAN, "amount": "9999999.00"}]})
            headers = {k: v for k, v in signed.headers.items() if k != "content-length"}
            tampered = httpx.Request(
                "POST", str(signed.url), headers=headers, content=other.encode()
            )
            await assert_refused(gw, tampered, "digest_mismatch")

    async def test_digest_without_sha256_is_digest_mismatch(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        body = b'{"batch_ref": "x", "loans": []}'
        digest = "sha-512=:" + base64.b64encode(hashlib.sha512(body).digest()).decode() + ":"
        request = unsigned(
            "POST",
            "loan-batches",
            content=body,
            headers={"Content-Digest": digest, "Idempotency-Key": "k-512"},
        )
        signed = sign_request(
            request,
            banks.a,
            covered=("@method", "@target-uri", "content-digest", "idempotency-key"),
        )
        await assert_refused(gw, signed, "digest_mismatch")

    async def test_stale_signature_is_expired(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        created = now() - dt.timedelta(seconds=301 + 5)
        request = sign_request(unsigned("GET", "listed-enterprises"), banks.a, created=created)
        await assert_refused(gw, request, "signature_expired")

    async def test_signature_from_the_future(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        created = now() + dt.timedelta(seconds=31 + 5)
        request = sign_request(unsigned("GET", "listed-enterprises"), banks.b, created=created)
        await assert_refused(gw, request, "signature_in_future")

    async def test_replayed_request_is_refused(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        request = post_batch(banks.a)
        first = await gw.send(request)
        assert first.status_code == 200, first.text
        await assert_refused(gw, request, "replayed_nonce")

    async def test_reused_nonce_in_a_new_signature_is_refused(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        nonce = uuid.uuid4().hex
        first = sign_request(unsigned("GET", "listed-enterprises"), banks.b, nonce=nonce)
        assert (await gw.send(first)).status_code == 200
        again = sign_request(unsigned("GET", "reconciliation"), banks.b, nonce=nonce)
        await assert_refused(gw, again, "replayed_nonce")

    async def test_nonces_are_per_key(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        nonce = uuid.uuid4().hex
        for creds in (banks.a, banks.b):
            request = sign_request(unsigned("GET", "listed-enterprises"), creds, nonce=nonce)
            assert (await gw.send(request)).status_code == 200

    async def test_refused_request_does_not_burn_the_nonce(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        nonce = uuid.uuid4().hex
        forged = Credentials.hmac(banks.a.key_id, "gxs_wrong")
        bad = sign_request(unsigned("GET", "listed-enterprises"), forged, nonce=nonce)
        await assert_refused(gw, bad, "bad_signature")
        good = sign_request(unsigned("GET", "listed-enterprises"), banks.a, nonce=nonce)
        assert (await gw.send(good)).status_code == 200

    async def test_uncovered_target_uri(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        request = sign_request(unsigned("GET", "listed-enterprises"), banks.a, covered=("@method",))
        await assert_refused(gw, request, "missing_covered_component")

    async def test_uncovered_idempotency_key_on_post(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        request = unsigned(
            "POST", "loan-batches", json={"batch_ref": "x", "loans": [LOAN]},
            headers={"Idempotency-Key": "k-uncovered"},
        )  # fmt: skip
        signed = sign_request(request, banks.a, covered=("@method", "@target-uri"))
        assert "content-digest" in signed.headers["signature-input"]
        await assert_refused(gw, signed, "missing_covered_component")

    async def test_body_without_covered_digest(self, gw: httpx.AsyncClient, banks: Banks) -> None:
        # A client that signs only the headers (the library without body=) leaves the
        # body unprotected; the gateway refuses it.
        request = unsigned("PUT", "loan-batches/x", content=b'{"a": 1}')
        HTTPMessageSigner(
            signature_algorithm=algorithms.HMAC_SHA256,
            key_resolver=MappingKeyResolver(
                public_keys={}, private_keys={banks.a.key_id: banks.a.key}
            ),
        ).sign(
            request,
            key_id=banks.a.key_id,
            nonce=uuid.uuid4().hex,
            covered_component_ids=("@method", "@target-uri"),
        )
        assert "content-digest" not in request.headers
        await assert_refused(gw, request, "missing_covered_component")

    async def test_dot_segments_are_not_forwarded(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        r = await gw.send(get(banks.a, "%2E%2E/%2E%2E/v1/enterprises"))
        assert r.status_code == 404
        assert r.json()["code"] == "not_found"


@asyncio_mark
class TestBankIdentity:
    async def test_bank_comes_from_the_key_not_the_request(
        self, gw: httpx.AsyncClient, banks: Banks, pg: TestDatabase
    ) -> None:
        # Even a validly minted principal for bank B in the request is replaced.
        signer = PrincipalSigner(pg.secrets.principal_private_key.encode())
        forged = signer.sign(Principal("x", Role.bank, bank=banks.b_code))
        request = get(
            banks.a,
            "listed-enterprises",
            params={"bank": banks.b_code},
            headers={"X-Principal": forged, "X-Bank": banks.b_code},
        )
        r = await gw.send(request)
        assert r.status_code == 200, r.text
        principal = r.json()["principal"]
        assert principal["bank"] == banks.a_code
        assert principal["role"] == Role.bank

    async def test_bank_a_secret_cannot_sign_for_bank_b(
        self, gw: httpx.AsyncClient, banks: Banks
    ) -> None:
        assert isinstance(banks.a.key, bytes)
        as_b = Credentials.hmac(banks.b.key_id, banks.a.key.decode())
        await assert_refused(gw, get(as_b, "listed-enterprises"), "bad_signature")

    async def test_deactivated_key_is_unknown(
        self, gw: httpx.AsyncClient, pg: TestDatabase
    ) -> None:
        engine = make_engine(normalise_dsn(pg.dsn("gateway")), pool_size=1)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                made = await create_bank_client(session, bank="BANKTMP", alg="hmac-sha256")
            assert made.secret
            creds = Credentials.hmac(made.key_id, made.secret)
            assert (await gw.send(get(creds, "listed-enterprises"))).status_code == 200
            async with make_sessionmaker(engine)() as session, session.begin():
                assert await deactivate_bank_client(session, key_id=made.key_id)
        finally:
            await engine.dispose()
        await assert_refused(gw, get(creds, "listed-enterprises"), "unknown_key")


@asyncio_mark
class TestPublicUrl:
    async def test_target_uri_is_the_configured_public_url(
        self, pg: TestDatabase, upstream: str, banks: Banks
    ) -> None:
        async for gw in _gateway(pg, upstream, public_base_url=PUBLIC + "/"):
            # The bank signed the public URL; the request arrives from the proxy.
            signed = build_request(PUBLIC, banks.a, "GET", "listed-enterprises")
            relayed = httpx.Request(
                "GET",
                f"{BASE}/bank/v1/listed-enterprises",
                headers={k: v for k, v in signed.headers.items() if k != "host"},
            )
            r = await gw.send(relayed)
            assert r.status_code == 200, r.text
            # A signature over the internal URL does not match the public one.
            await assert_refused(gw, get(banks.a, "listed-enterprises"), "bad_signature")


class TestCli:
    def test_rejects_incomplete_registrations(self, pg: TestDatabase, tmp_path: Path) -> None:
        assert cli(pg, "create-bank-client", "--bank", "X", "--alg", "ed25519").returncode == 2
        not_ed = tmp_path / "rsa.pem"
        not_ed.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
        out = cli(
            pg, "create-bank-client", "--bank", "X", "--alg", "ed25519",
            "--public-key-file", str(not_ed),
        )  # fmt: skip
        assert out.returncode == 2
        bad_code = cli(pg, "create-bank-client", "--bank", "bad code!", "--alg", "hmac-sha256")
        assert bad_code.returncode == 2

    @pytest.mark.parametrize(
        ("bank", "code"),
        [("NOPARTNER", "bank_partner_unknown"), ("ENDED1", "bank_partner_terminated")],
    )
    def test_only_partners_in_force_get_a_signing_key(
        self, pg: TestDatabase, bank: str, code: str
    ) -> None:
        out = cli(pg, "create-bank-client", "--bank", bank, "--alg", "hmac-sha256")
        assert out.returncode == 2, out.stdout
        assert code in out.stderr
        assert "key_id" not in out.stdout
        if code == "bank_partner_unknown":
            assert "BANKX" in out.stderr  # the valid codes are listed

    def test_a_missing_code_lists_the_valid_ones(self, pg: TestDatabase) -> None:
        out = cli(pg, "create-bank-client", "--bank", "", "--alg", "hmac-sha256")
        assert out.returncode == 2
        assert "BANKX" in out.stderr

    def test_no_api_keys_for_banks(self, pg: TestDatabase) -> None:
        out = cli(pg, "create-key", "--role", "bank")
        assert out.returncode == 2
        assert "create-bank-client" in out.stderr


@asyncio_mark
class TestNonceLedger:
    async def test_purges_old_nonces_and_allows_reuse_after_the_window(
        self, pg: TestDatabase
    ) -> None:
        engine = make_engine(normalise_dsn(pg.dsn("gateway")), pool_size=1)
        try:
            ledger = NonceLedger(engine)
            key_id, old, stale = f"bk_t{uuid.uuid4().hex[:8]}", "n-old", "n-stale"
            assert await ledger.first_use(key_id, old)
            assert not await ledger.first_use(key_id, old)
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO gateway.bank_nonces (key_id, nonce, created_at) "
                        "VALUES (:k, :n, now() - interval '1 hour')"
                    ),
                    {"k": key_id, "n": stale},
                )
            # Seen an hour ago: outside the window, so not a replay.
            ledger._last_purge = float("-inf")
            assert await ledger.first_use(key_id, stale)
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "UPDATE gateway.bank_nonces SET created_at = now() - interval '1 hour' "
                        "WHERE key_id = :k AND nonce = :n"
                    ),
                    {"k": key_id, "n": old},
                )
            ledger._last_purge = float("-inf")
            assert await ledger.first_use(key_id, "n-new")  # triggers the purge
            async with engine.connect() as conn:
                left = (
                    (
                        await conn.execute(
                            text("SELECT nonce FROM gateway.bank_nonces WHERE key_id = :k"),
                            {"k": key_id},
                        )
                    )
                    .scalars()
                    .all()
                )
            assert sorted(left) == ["n-new", "n-stale"]
        finally:
            await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def gw_url(pg: TestDatabase, upstream: str) -> AsyncIterator[str]:
    """The gateway on a real socket (uvicorn), for the synchronous reference client."""
    settings = Settings(
        database_url=pg.dsn("gateway"),
        principal_private_key=pg.secrets.principal_private_key,
        principal_public_key=pg.secrets.principal_public_key,
        upstream_enterprise=upstream,
        log_json=False,
        log_level="WARNING",
    )
    port = free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # up to 10 s
        if server.started or task.done():
            break
        await asyncio.sleep(0.02)
    assert server.started, task.exception() if task.done() else "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@asyncio_mark
class TestReferenceClient:
    """examples/bank_client.py as a bank runs it: over HTTP, as a library and as a CLI."""

    async def test_push_csv_and_pull_the_list(
        self, gw_url: str, banks: Banks, tmp_path: Path
    ) -> None:
        csv_file = tmp_path / "loans.csv"
        csv_file.write_text(
            ",".join(LOAN) + "\n" + ",".join(LOAN.values()) + "\n", encoding="utf-8"
        )
        loans = read_loans(csv_file)
        assert loans == [LOAN]
        json_file = tmp_path / "loans.json"
        json_file.write_text(json.dumps({"loans": [LOAN]}), encoding="utf-8")
        assert read_loans(json_file) == [LOAN]

        def run() -> tuple[httpx.Response, list[dict[str, Any]], str | None]:
            with BankClient(gw_url, banks.b) as bank:
                pushed = bank.push_loans("2024-05-31", loans, idempotency_key="csv-1")
                listed = list(bank.listed_enterprises(limit=2))
                return pushed, listed, bank.last_cursor

        pushed, listed, cursor = await asyncio.to_thread(run)
        assert pushed.status_code == 200, pushed.text
        echo = pushed.json()
        assert echo["principal"]["bank"] == banks.b_code
        assert echo["headers"]["idempotency-key"] == "csv-1"
        assert [row["uscc"] for row in listed] == [f"U{i:03d}" for i in range(LISTED_COUNT)]
        assert {row["bank"] for row in listed} == {banks.b_code}
        assert cursor == str(LISTED_COUNT)

    async def test_command_line(self, gw_url: str, banks: Banks, tmp_path: Path) -> None:
        loans = tmp_path / "loans.json"
        loans.write_text(json.dumps([LOAN]), encoding="utf-8")
        assert isinstance(banks.a.key, bytes)
        env = dict(
            os.environ,
            BANK_GATEWAY_URL=gw_url,
            BANK_KEY_ID=banks.a.key_id,
            BANK_SECRET=banks.a.key.decode(),
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(REPO / "examples" / "bank_client.py"), "push", str(loans),
            "--batch-ref", "cli-batch", env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        echo = json.loads(out)
        assert echo["path"] == "/v1/bank/loan-batches"
        assert echo["principal"]["bank"] == banks.a_code
        assert "Idempotency-Key:" in err.decode()
