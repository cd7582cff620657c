"""Developer commands behind the Makefile: migrate, revision, key, dbshell."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from devstack.layout import ALL, REPO
from devstack.stack import database


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
    """Create an API key in the gateway's schema; the key alone on the last line."""
    with database(do_migrate=True) as db:
        env = dict(os.environ, GATEWAY_DATABASE_URL=db.dsns["gateway"])
        cmd = [sys.executable, "-m", "gateway.cli", "create-key", "--role", args.role]
        if args.city:
            cmd += ["--city", args.city]
        if args.bank:
            cmd += ["--bank", args.bank]
        if args.name:
            cmd += ["--name", args.name]
        return subprocess.run(cmd, env=env, cwd=REPO, check=False).returncode


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
    key.set_defaults(fn=cmd_key)
    args = parser.parse_args(argv)
    return int(args.fn(args))


if __name__ == "__main__":
    raise SystemExit(main())
