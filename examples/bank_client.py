"""Reference client for the 科创贷 partner-bank interface (docs/bank-integration.md).

Copy this file. It depends only on ``httpx``, ``http-message-signatures`` (RFC 9421)
and ``cryptography``. It signs every request, adds ``Content-Digest`` (RFC 9530,
sha-256) for bodies and an ``Idempotency-Key`` on POST, and can be used as a
library or from the command line::

    export BANK_GATEWAY_URL=https://<gateway>  BANK_KEY_ID=bk_…
    export BANK_SECRET=gxs_…                     # hmac-sha256, or:
    export BANK_PRIVATE_KEY_FILE=bank-ed25519.pem  # ed25519

    python bank_client.py push loans.csv --batch-ref 2024-05-31
    python bank_client.py push loans.json --dry-run
    python bank_client.py listed [--cursor C] [--limit 1000]
    python bank_client.py batch <batch-id>
    python bank_client.py reconcile 2024-05-31

Library use::

    creds = Credentials.from_env()
    with BankClient("https://<gateway>", creds) as bank:
        r = bank.push_loans("2024-05-31", read_loans("loans.csv"))
        for enterprise in bank.listed_enterprises():
            ...
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

ALGORITHMS = {"hmac-sha256": algorithms.HMAC_SHA256, "ed25519": algorithms.ED25519}
# What the gateway requires a signature to cover (content-digest is added for bodies).
COVERED = ("@method", "@target-uri")
LOAN_COLUMNS = (
    "contract_no",
    "uscc",
    "enterprise_name",
    "amount",
    "disbursed_on",
    "maturity_on",
    "annual_rate",
    "guarantee",
    "status",
)


@dataclass(frozen=True)
class Credentials:
    """A bank's key id and signing key (HMAC secret bytes or an Ed25519 private key)."""

    key_id: str
    alg: str
    key: bytes | Ed25519PrivateKey

    @classmethod
    def hmac(cls, key_id: str, secret: str) -> Credentials:
        # The key is the secret's ASCII bytes exactly as the department issued it.
        return cls(key_id, "hmac-sha256", secret.encode("ascii"))

    @classmethod
    def ed25519(cls, key_id: str, private_key_pem: bytes) -> Credentials:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the private key must be an Ed25519 key")
        return cls(key_id, "ed25519", key)

    @classmethod
    def from_env(cls) -> Credentials:
        key_id = os.environ["BANK_KEY_ID"]
        if os.environ.get("BANK_PRIVATE_KEY_FILE"):
            return cls.ed25519(key_id, Path(os.environ["BANK_PRIVATE_KEY_FILE"]).read_bytes())
        return cls.hmac(key_id, os.environ["BANK_SECRET"])


def generate_ed25519_keypair() -> tuple[bytes, bytes]:
    """(private PEM, public PEM): keep the private key; send the public one to the department."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def sign_request(
    request: httpx.Request,
    creds: Credentials,
    *,
    created: dt.datetime | None = None,
    nonce: str | None = None,
    covered: Sequence[str] | None = None,
) -> httpx.Request:
    """Sign ``request`` in place (RFC 9421) and return it.

    Covers ``@method`` and ``@target-uri``, ``idempotency-key`` when present, and,
    when the request has a body, ``content-digest`` (added here from the body).
    Parameters: ``created`` (now), ``keyid``, ``nonce`` (fresh random), ``alg``.
    ``covered`` overrides the component list (tests use it to show refusals).
    """
    body = request.read()
    components = list(covered if covered is not None else COVERED)
    if covered is None and "idempotency-key" in request.headers:
        components.append("idempotency-key")
    signer = HTTPMessageSigner(
        signature_algorithm=ALGORITHMS[creds.alg],
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={creds.key_id: creds.key}),
    )
    signer.sign(
        request,
        key_id=creds.key_id,
        created=created or dt.datetime.now(dt.timezone.utc),  # noqa: UP017 (Python 3.10)
        nonce=nonce or uuid.uuid4().hex,
        label="sig1",
        covered_component_ids=components,
        # With the body given, the library adds Content-Digest and covers it; a digest
        # already present (e.g. a retry) is checked against the body and kept.
        body=body if body else None,
        use_existing_digest="content-digest" in request.headers,
    )
    return request


def build_request(
    base_url: str,
    creds: Credentials,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    json_body: Any = None,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
    idempotency_key: str | None = None,
) -> httpx.Request:
    """A signed request to ``{base_url}/bank/v1/{path}``; POST gets an Idempotency-Key.

    Reuse the same Idempotency-Key (and body) when retrying; sign each attempt
    afresh (new ``created`` and ``nonce``) by calling this again.
    """
    all_headers = dict(headers or {})
    if method.upper() == "POST":
        all_headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
    url = f"{base_url.rstrip('/')}/bank/v1/{path.lstrip('/')}"
    request = httpx.Request(
        method.upper(),
        url,
        params=params,
        json=json_body,
        content=content,
        headers=all_headers,
    )
    return sign_request(request, creds)


class BankClient:
    """Synchronous client for the bank interface; every request is signed."""

    def __init__(
        self,
        base_url: str,
        creds: Credentials,
        *,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url, self.creds = base_url.rstrip("/"), creds
        self.http = httpx.Client(timeout=timeout, transport=transport)
        # After listed_enterprises(): the cursor to store for the next incremental sync.
        self.last_cursor: str | None = None

    def __enter__(self) -> BankClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.http.send(build_request(self.base_url, self.creds, method, path, **kw))

    def push_loans(
        self,
        batch_ref: str,
        loans: list[dict[str, str]],
        *,
        idempotency_key: str | None = None,
        dry_run: bool = False,
    ) -> httpx.Response:
        """POST a batch (≤ 10,000 loans); keep ``idempotency_key`` to retry safely."""
        return self.request(
            "POST",
            "loan-batches",
            params={"dry_run": "true"} if dry_run else None,
            json_body={"batch_ref": batch_ref, "loans": loans},
            idempotency_key=idempotency_key or str(uuid.uuid4()),
        )

    def listed_enterprises(
        self, cursor: str | None = None, limit: int = 1000
    ) -> Iterator[dict[str, Any]]:
        """Every listed enterprise changed since ``cursor`` (all of them without one).

        Follows ``next_cursor`` until a short page; :attr:`last_cursor` is what to
        store for the next incremental sync.
        """
        self.last_cursor = cursor
        while True:
            params: dict[str, Any] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            r = self.request("GET", "listed-enterprises", params=params)
            r.raise_for_status()
            page = r.json()
            items: list[dict[str, Any]] = page.get("items", [])
            yield from items
            next_cursor = page.get("next_cursor")
            if next_cursor:
                self.last_cursor = next_cursor
            if not next_cursor or next_cursor == cursor or len(items) < limit:
                return
            cursor = next_cursor

    def batch(self, batch_id: str) -> httpx.Response:
        return self.request("GET", f"loan-batches/{batch_id}")

    def reconciliation(self, day: dt.date | str) -> httpx.Response:
        return self.request("GET", "reconciliation", params={"date": str(day)})


def read_loans(path: str | Path) -> list[dict[str, str]]:
    """Loans from a CSV file (header row with the loan columns) or a JSON file.

    JSON may be a list of loans or ``{"loans": [...]}``. Values are sent as
    strings so amounts keep their exact decimal form.
    """
    p = Path(path)
    if p.suffix.lower() == ".json":
        data = json.loads(p.read_text(encoding="utf-8"))
        rows = data["loans"] if isinstance(data, dict) else data
        return [{k: str(v) for k, v in row.items() if v is not None} for row in rows]
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = set(LOAN_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{p}: missing column(s) {', '.join(sorted(missing))}")
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _out(text: str, *, err: bool = False) -> None:
    (sys.stderr if err else sys.stdout).write(text + "\n")


def _show(r: httpx.Response) -> int:
    try:
        _out(json.dumps(r.json(), ensure_ascii=False, indent=2))
    except ValueError:
        _out(r.text)
    return 0 if r.is_success else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BANK_GATEWAY_URL", ""))
    sub = parser.add_subparsers(dest="cmd", required=True)
    push = sub.add_parser("push", help="send a batch of loans from a CSV or JSON file")
    push.add_argument("file")
    push.add_argument("--batch-ref", default="")
    push.add_argument("--idempotency-key", default="")
    push.add_argument("--dry-run", action="store_true")
    listed = sub.add_parser("listed", help="pull the listed enterprises (follows next_cursor)")
    listed.add_argument("--cursor", default="")
    listed.add_argument("--limit", type=int, default=1000)
    batch = sub.add_parser("batch", help="a batch's summary")
    batch.add_argument("batch_id")
    rec = sub.add_parser("reconcile", help="the department's view of one disbursement date")
    rec.add_argument("date")
    keygen = sub.add_parser("keygen", help="make an Ed25519 key pair (send the .pub file)")
    keygen.add_argument("prefix")
    args = parser.parse_args(argv)

    if args.cmd == "keygen":
        private, public = generate_ed25519_keypair()
        Path(args.prefix + ".pem").write_bytes(private)
        Path(args.prefix + ".pub.pem").write_bytes(public)
        _out(f"wrote {args.prefix}.pem (keep secret) and {args.prefix}.pub.pem")
        return 0
    if not args.url:
        parser.error("set --url or BANK_GATEWAY_URL")
    with BankClient(args.url, Credentials.from_env()) as bank:
        if args.cmd == "push":
            key = args.idempotency_key or str(uuid.uuid4())
            _out(f"Idempotency-Key: {key} (reuse it to retry this batch)", err=True)
            loans = read_loans(args.file)
            ref = args.batch_ref or Path(args.file).stem
            return _show(bank.push_loans(ref, loans, idempotency_key=key, dry_run=args.dry_run))
        if args.cmd == "listed":
            count = 0
            for row in bank.listed_enterprises(args.cursor or None, args.limit):
                _out(json.dumps(row, ensure_ascii=False))
                count += 1
            _out(f"{count} enterprise(s); next cursor: {bank.last_cursor}", err=True)
            return 0
        if args.cmd == "batch":
            return _show(bank.batch(args.batch_id))
        return _show(bank.reconciliation(args.date))


if __name__ == "__main__":
    raise SystemExit(main())
