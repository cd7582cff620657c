"""``python -m gateway.cli create-key --role admin`` (used by ``make key``); an expert's
key names its talent expert: ``create-key --role expert --expert <expert id>``.

``create-bank-client --bank CODE --alg hmac-sha256|ed25519 [--public-key-file F]``
registers a partner bank's signing key (bank-api.md) and prints ``key_id=…`` and,
for hmac-sha256, ``secret=…`` (shown once); the code must be an active partner in
the enterprise service's registry (asked at ``GATEWAY_UPSTREAM_ENTERPRISE``).
``deactivate-bank-client KEY_ID``. There are no API keys of role ``bank``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from gateway.apikey.service import create_key
from gateway.bank.service import check_registration, create_bank_client, deactivate_bank_client
from gateway.config import Settings
from shared_kit.auth import Role
from shared_kit.db import make_engine, make_sessionmaker


async def _create(args: argparse.Namespace) -> str:
    settings = Settings()
    engine = make_engine(settings.dsn, pool_size=1, application_name="gateway-cli")
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            new = await create_key(
                session,
                role=Role(args.role),
                name=args.name,
                city=args.city or None,
                expert_id=uuid.UUID(args.expert) if args.expert else None,
            )
            print(f"created {args.role} key {new.id}", file=sys.stderr)
            return new.key
    finally:
        await engine.dispose()


async def _create_bank_client(args: argparse.Namespace, public_key: str | None) -> list[str]:
    from gateway.bank.partners import PartnerRegistry  # aiohttp: only for this command

    settings = Settings()
    registry = PartnerRegistry(settings)
    if not args.bank:
        raise ValueError("需要银行代码（BANK）。" + await registry.hint())
    check_registration(bank=args.bank, alg=args.alg, public_key_pem=public_key)
    await registry.require_active(args.bank)
    engine = make_engine(settings.dsn, pool_size=1, application_name="gateway-cli")
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            new = await create_bank_client(
                session, bank=args.bank, alg=args.alg, public_key_pem=public_key
            )
    finally:
        await engine.dispose()
    print(f"created {new.alg} client for bank {new.bank}", file=sys.stderr)
    lines = [f"key_id={new.key_id}"]
    if new.secret:
        lines.append(f"secret={new.secret}")
    return lines


async def _deactivate_bank_client(args: argparse.Namespace) -> list[str]:
    settings = Settings()
    engine = make_engine(settings.dsn, pool_size=1, application_name="gateway-cli")
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            found = await deactivate_bank_client(session, key_id=args.key_id)
    finally:
        await engine.dispose()
    if not found:
        raise ValueError(f"no bank client with key id {args.key_id!r}")
    return [f"deactivated {args.key_id}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gateway.cli")
    sub = parser.add_subparsers(dest="cmd", required=True)
    ck = sub.add_parser("create-key", help="create an API key; prints the key on the last line")
    ck.add_argument("--role", required=True, choices=[r.value for r in Role])
    ck.add_argument("--city", default="")
    ck.add_argument("--name", default="")
    ck.add_argument("--expert", default="", help="expert keys: the talent expert's id")
    bc = sub.add_parser(
        "create-bank-client",
        help="register a partner bank's signing key; prints key_id= (and secret= for hmac)",
    )
    bc.add_argument(
        "--bank", required=True, help="an active partner bank's code, carried in its principal"
    )
    bc.add_argument("--alg", required=True, choices=["hmac-sha256", "ed25519"])
    bc.add_argument("--public-key-file", default="", help="ed25519: the bank's public key PEM")
    dc = sub.add_parser("deactivate-bank-client", help="stop accepting a bank key")
    dc.add_argument("key_id")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "create-bank-client":
            public_key = None
            if args.public_key_file:
                with open(args.public_key_file, encoding="ascii") as fh:
                    public_key = fh.read()
            lines = asyncio.run(_create_bank_client(args, public_key))
        elif args.cmd == "deactivate-bank-client":
            lines = asyncio.run(_deactivate_bank_client(args))
        else:
            lines = [asyncio.run(_create(args))]
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
