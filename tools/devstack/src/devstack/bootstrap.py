"""Create the database, one schema and one login role per component, and run migrations.

Each role owns only its own schema and has no rights on any other: a service
that tries to read another's tables gets "permission denied".
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from devstack.layout import ALL, DATA_DIR, DATABASE, Component

# pg_advisory_lock key held while one process bootstraps and migrates ("gxst" in ASCII):
# concurrent GRANT/ALTER ROLE fail with "tuple concurrently updated", concurrent
# migrations race on alembic_version.
SETUP_LOCK = 0x67787374


@dataclass
class Secrets:
    """Generated credentials for a local stack, kept in the ignored data folder."""

    path: Path
    role_passwords: dict[str, str]
    principal_private_key: str
    principal_public_key: str
    talent_pii_key: str  # base64 of 32 bytes: AES-256-GCM key for personal identifiers

    @classmethod
    def load_or_create(cls, path: Path = DATA_DIR / "secrets.json") -> Secrets:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.loads(path.read_text()) if path.exists() else {}
        changed = False
        passwords: dict[str, str] = data.get("role_passwords", {})
        for comp in ALL:
            if comp.role not in passwords:
                passwords[comp.role] = secrets.token_urlsafe(24)
                changed = True
        if "principal_private_key" not in data:
            from shared_kit.auth import generate_keypair  # (imports the web framework)

            private, public = generate_keypair()
            data["principal_private_key"] = private.decode()
            data["principal_public_key"] = public.decode()
            changed = True
        if "talent_pii_key" not in data:
            data["talent_pii_key"] = base64.b64encode(secrets.token_bytes(32)).decode()
            changed = True
        data["role_passwords"] = passwords
        if changed:
            path.write_text(json.dumps(data, indent=2))
            path.chmod(0o600)
        return cls(
            path,
            passwords,
            data["principal_private_key"],
            data["principal_public_key"],
            data["talent_pii_key"],
        )


def with_credentials(dsn: str, user: str, password: str, database: str | None = None) -> str:
    parts = urlsplit(dsn)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user)}:{quote(password)}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    path = f"/{database}" if database else parts.path
    return urlunsplit(("postgresql", netloc, path, parts.query, ""))


def component_dsns(admin_dsn: str, creds: Secrets, database: str = DATABASE) -> dict[str, str]:
    """The DSN each component connects with: its own role, the shared database.

    ``<NAME>_DATABASE_URL`` in the environment wins for that component.
    """
    out = {}
    for comp in ALL:
        explicit = os.environ.get(comp.env_prefix + "DATABASE_URL")
        out[comp.name] = explicit or with_credentials(
            admin_dsn, comp.role, creds.role_passwords[comp.role], database
        )
    return out


async def bootstrap(admin_dsn: str, creds: Secrets, database: str = DATABASE) -> None:
    """Idempotently create the database, roles and schemas (needs a superuser-ish DSN)."""
    conn = await asyncpg.connect(with_database(admin_dsn, "postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}" ENCODING UTF8')
    finally:
        await conn.close()
    conn = await asyncpg.connect(with_database(admin_dsn, database))
    try:
        async with conn.transaction():
            await conn.execute(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC')
            await conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
            for comp in ALL:
                if os.environ.get(comp.env_prefix + "DATABASE_URL"):
                    continue  # an operator-provided DSN: its role is managed elsewhere
                await _ensure_role(conn, comp, creds.role_passwords[comp.role], database)
    finally:
        await conn.close()


async def _ensure_role(
    conn: asyncpg.Connection, comp: Component, password: str, database: str
) -> None:
    role, schema = comp.role, comp.name
    has_role = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    verb = "ALTER" if has_role else "CREATE"
    # Identifiers come from our own layout, passwords are quoted literals.
    pw = password.replace("'", "''")
    await conn.execute(
        f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{pw}'"
    )
    await conn.execute(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {role}')
    await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {role}")
    await conn.execute(f"ALTER SCHEMA {schema} OWNER TO {role}")
    await conn.execute(f"ALTER ROLE {role} SET search_path = {schema}")


@contextmanager
def setup_lock(admin_dsn: str) -> Iterator[None]:
    """Hold the server-wide setup lock (on the ``postgres`` database) for the block."""
    loop = asyncio.new_event_loop()
    try:
        conn = loop.run_until_complete(asyncpg.connect(with_database(admin_dsn, "postgres")))
        try:
            loop.run_until_complete(conn.execute("SELECT pg_advisory_lock($1)", SETUP_LOCK))
            yield
        finally:
            # Closing the session releases the lock, also after an error.
            loop.run_until_complete(conn.close())
    finally:
        loop.close()


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    scheme = "postgresql"
    return urlunsplit((scheme, parts.netloc, f"/{database}", parts.query, ""))


def migrate(dsns: dict[str, str], components: tuple[Component, ...] = ALL) -> None:
    """``alembic upgrade head`` for every component, each with its own role (a separate step).

    Runs in this process, one component after another: one interpreter start and
    one set of imports instead of six.
    """
    from alembic import command
    from alembic.config import Config

    for comp in components:
        if comp.alembic_ini is None or not comp.alembic_ini.exists():
            continue
        var = comp.env_prefix + "DATABASE_URL"
        saved = os.environ.get(var)
        os.environ[var] = dsns[comp.name]
        try:
            command.upgrade(Config(str(comp.alembic_ini)), "head")
        finally:
            if saved is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = saved
