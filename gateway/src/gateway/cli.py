"""``python -m gateway.cli create-key --role admin`` (used by ``make key``)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from gateway.apikey.service import create_key
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
                bank=args.bank or None,
            )
            print(f"created {args.role} key {new.id}", file=sys.stderr)
            return new.key
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gateway.cli")
    sub = parser.add_subparsers(dest="cmd", required=True)
    ck = sub.add_parser("create-key", help="create an API key; prints the key on the last line")
    ck.add_argument("--role", required=True, choices=[r.value for r in Role])
    ck.add_argument("--city", default="")
    ck.add_argument("--bank", default="")
    ck.add_argument("--name", default="")
    args = parser.parse_args(argv)
    try:
        key = asyncio.run(_create(args))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
