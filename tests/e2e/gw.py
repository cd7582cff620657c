"""Small helpers for end-to-end tests that write through the gateway."""

from __future__ import annotations

import contextlib
import io
import os
import time
from typing import Any
from urllib.parse import parse_qsl

import httpx

import gateway.cli
from examples.bank_client import BankClient, Credentials
from shared_kit.codes import uscc_check_char
from tests.e2e.conftest import Stack


def uscc(division: str, serial: int) -> str:
    """A valid USCC registered in ``division`` (the digits say nothing about the registry city)."""
    first17 = f"91{division}{serial:09d}"
    return first17 + uscc_check_char(first17)


def call(
    c: httpx.Client, method: str, path: str, *, expect: int | None = None, **kw: Any
) -> httpx.Response:
    """One request; waits out the gateway's rate limit (429) instead of failing on it."""
    for _ in range(50):
        r = c.request(method, path, **kw)
        if r.status_code != 429:
            break
        time.sleep(float(r.headers.get("retry-after", "0.2")) or 0.2)
    if expect is not None:
        assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
    return r


def post(c: httpx.Client, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    r = call(c, "POST", path, json=body if body is not None else {})
    assert r.status_code in (200, 201), f"POST {path}: {r.status_code} {r.text}\n{body}"
    out: dict[str, Any] = r.json()
    return out


def patch(c: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = call(c, "PATCH", path, json=body, expect=200).json()
    return out


def get(c: httpx.Client, path: str, **params: Any) -> Any:
    return call(c, "GET", path, params=params or None, expect=200).json()


def list_all(c: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated (keyset) listing, or of a plain JSON list."""
    # A link carries its own query (the records links do): keep it beside the paging.
    path, _, query_string = path.partition("?")
    params = {**dict(parse_qsl(query_string)), **params}
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = dict(params, limit=1000)
        if cursor:
            query["cursor"] = cursor
        page = get(c, path, **query)
        if isinstance(page, list):
            return page
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def gateway_cli(stack: Stack, *args: str) -> str:
    """The gateway CLI an operator runs (``make key``), in-process: a subprocess costs
    seconds of imports for every key. Its standard output; it must succeed."""
    code, out, err = run_gateway_cli(stack, *args)
    assert code == 0, (args, err)
    return out


def run_gateway_cli(stack: Stack, *args: str) -> tuple[int, str, str]:
    """The CLI's exit code, standard output and standard error (for refusals)."""
    out, err = io.StringIO(), io.StringIO()
    # The gateway's own environment: its database, its key, the partner registry's URL.
    names = ("GATEWAY_DATABASE_URL", "GATEWAY_PRINCIPAL_PRIVATE_KEY", "GATEWAY_UPSTREAM_ENTERPRISE")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: stack.envs["gateway"][name] for name in names})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = gateway.cli.main(list(args))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return code, out.getvalue(), err.getvalue()


def api_key(stack: Stack, role: str, *, city: str = "", expert: str = "") -> str:
    args = ["create-key", "--role", role] + (["--city", city] if city else [])
    args += ["--expert", expert] if expert else []
    return gateway_cli(stack, *args).strip().splitlines()[-1]


def ensure_partner(stack: Stack, bank: str) -> None:
    """Record ``bank``'s cooperation agreement (long before any test period) unless there."""
    with httpx.Client(base_url=stack.gateway, headers={"X-API-Key": api_key(stack, "admin")}) as c:
        body = {"code": bank, "name": f"{bank} 银行", "agreement_signed_on": "2015-01-01"}
        r = call(c, "POST", "/api/enterprise/v1/partner-banks", json=body)
        assert r.status_code in (201, 409), r.text


def bank_client(stack: Stack, bank: str) -> BankClient:
    """A partner bank's signing client, registered with the gateway CLI as an operator does
    (only a partner bank in force can be registered)."""
    ensure_partner(stack, bank)
    out = gateway_cli(stack, "create-bank-client", "--bank", bank, "--alg", "hmac-sha256")
    values = dict(line.split("=", 1) for line in out.strip().splitlines() if "=" in line)
    return BankClient(stack.gateway, Credentials.hmac(values["key_id"], values["secret"]))


def push_loans(bank: BankClient, loans: list[dict[str, str]]) -> dict[str, Any]:
    for _ in range(50):
        r = bank.push_loans("e2e", loans)
        if r.status_code != 429:
            break
        time.sleep(float(r.headers.get("retry-after", "0.2")) or 0.2)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out
