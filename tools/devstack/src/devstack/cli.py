"""Developer commands behind the Makefile: migrate, revision, key, dbshell."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from devstack.layout import ALL, REPO, SERVICES
from devstack.stack import Database, database, ready_database

SERVICE_BY_NAME = {c.name: c for c in SERVICES}


def cmd_migrate(args: argparse.Namespace) -> int:
    with database(do_migrate=True):
        print("migrations applied:", ", ".join(c.name for c in ALL))
    return 0


def cmd_revision(args: argparse.Namespace) -> int:
    comp = next((c for c in ALL if c.name == args.service), None)
    if comp is None or comp.alembic_ini is None:
        print(f"unknown component {args.service}", file=sys.stderr)
        return 2
    with database(do_migrate=True) as db:
        env = dict(os.environ, **{comp.env_prefix + "DATABASE_URL": db.dsns[comp.name]})
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "alembic",
                "-c",
                str(comp.alembic_ini),
                "revision",
                "--autogenerate",
                "-m",
                args.message,
            ],
            env=env,
            cwd=REPO,
            check=False,
        ).returncode


def cmd_key(args: argparse.Namespace) -> int:
    """A credential, the secret alone on the last line(s).

    An API key for every role but ``bank``; for ``bank`` (``BANK=<code>``) a signing key
    (``key_id=``, ``secret=``), after the partner registry confirmed the code (the
    enterprise service of ``make run`` answers). With the database up and migrated this
    is the fast path: no bootstrap, no migrations, no setup lock.
    """
    db = ready_database()
    if db is not None:
        return _make_key(db, args)
    with database(do_migrate=True) as db:
        return _make_key(db, args)


def _make_key(db: Database, args: argparse.Namespace) -> int:
    import gateway.cli

    os.environ["GATEWAY_DATABASE_URL"] = db.dsns["gateway"]
    if args.role != "bank":
        if args.bank:
            print("error: BANK is for ROLE=bank only", file=sys.stderr)
            return 2
        argv = ["create-key", "--role", args.role]
        argv += ["--city", args.city] if args.city else []
        argv += ["--name", args.name] if args.name else []
        argv += ["--expert", args.expert] if args.expert else []
        return gateway.cli.main(argv)
    if args.city:
        print("error: CITY is for ROLE=city_bureau only", file=sys.stderr)
        return 2
    from devstack.layout import url_of

    # The CLI asks the enterprise service's registry, signing as the gateway does.
    os.environ["GATEWAY_PRINCIPAL_PRIVATE_KEY"] = db.secrets.principal_private_key
    os.environ["GATEWAY_UPSTREAM_ENTERPRISE"] = url_of(SERVICE_BY_NAME["enterprise"])
    argv = ["create-bank-client", "--bank", args.bank, "--alg", "hmac-sha256"]
    return gateway.cli.main(argv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devstack")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate").set_defaults(fn=cmd_migrate)
    rev = sub.add_parser("revision")
    rev.add_argument("service")
    rev.add_argument("message")
    rev.set_defaults(fn=cmd_revision)
    key = sub.add_parser("key")
    key.add_argument("--role", required=True)
    key.add_argument("--city", default="")
    key.add_argument("--bank", default="")
    key.add_argument("--name", default="")
    key.add_argument("--expert", default="")
    key.set_defaults(fn=cmd_key)
    args = parser.parse_args(argv)
    return int(args.fn(args))


if __name__ == "__main__":
    raise SystemExit(main())
