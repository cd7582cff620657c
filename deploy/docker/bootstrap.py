"""One-shot database bootstrap for a deployed platform: database, roles, schemas.

The deployment twin of ``devstack.bootstrap.bootstrap``, without devstack (which
pulls an embedded PostgreSQL into the image): it needs only the standard library
and asyncpg, which every component image has. Run it from any component image:

    python /app/deploy/bootstrap.py

Input, from the environment (each ``X`` may instead be given as ``X_FILE``, a path
whose content is the value, for Docker/Kubernetes secrets mounted as files):

- ``ADMIN_DATABASE_URL``: a role allowed to create databases and roles
  (the ``postgres`` superuser, or a managed service's admin role).
- ``BOOTSTRAP_COMPONENTS`` (optional, comma-separated): only these components, for
  a server that holds only some of them (then run it once per server).
- ``<NAME>_DATABASE_URL`` for every (selected) component (PROJECTS, ENTERPRISE, TALENT,
  TRANSFER, REPORTING, GATEWAY): the DSN that component runs with. Its user and
  password are the role to create (or whose password to reset); its database is
  created if missing (usually all share ``gxst``; one may have its own). One
  source of truth: the role is made to match the DSN.

Each role logs in, owns only the schema named after its component, has
``search_path`` set to it and nothing else: no rights on another component's
schema, none on ``public``. Idempotent: run it on every deployment.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

COMPONENTS: tuple[str, ...] = (
    "projects",
    "enterprise",
    "talent",
    "transfer",
    "reporting",
    "gateway",
)
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class BootstrapError(Exception):
    """A configuration problem the operator must fix; printed without a traceback."""


@dataclass(frozen=True)
class RoleSpec:
    component: str  # also the schema name
    role: str
    password: str
    database: str


def env_value(name: str, environ: dict[str, str]) -> str | None:
    """``NAME`` from the environment, or the content of the file named by ``NAME_FILE``."""
    value = environ.get(name)
    if value:
        return value.strip()
    path = environ.get(name + "_FILE")
    if path:
        return Path(path).read_text().strip()
    return None


def identifier(value: str, what: str) -> str:
    # Roles, schemas and the database are interpolated into DDL: allow plain names only.
    if not _IDENT.match(value):
        raise BootstrapError(f"{what} {value!r} is not a plain lower-case identifier")
    return value


def say(message: str, *, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(f"bootstrap: {message}\n")
    stream.flush()


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def role_spec(component: str, dsn: str) -> RoleSpec:
    parts = urlsplit(dsn)
    if not parts.username or parts.password is None:
        raise BootstrapError(f"{component.upper()}_DATABASE_URL has no user or no password")
    database = parts.path.lstrip("/")
    return RoleSpec(
        component=identifier(component, "component"),
        role=identifier(unquote(parts.username), f"{component} role"),
        password=unquote(parts.password),
        database=identifier(database, f"{component} database"),
    )


def selected(environ: dict[str, str]) -> tuple[str, ...]:
    """``BOOTSTRAP_COMPONENTS`` (comma-separated) or all: a server holding only some of them."""
    raw = environ.get("BOOTSTRAP_COMPONENTS", "").strip()
    if not raw:
        return COMPONENTS
    chosen = tuple(c.strip() for c in raw.split(",") if c.strip())
    unknown = set(chosen) - set(COMPONENTS)
    if unknown:
        raise BootstrapError("unknown in BOOTSTRAP_COMPONENTS: " + ", ".join(sorted(unknown)))
    return chosen


def read_specs(environ: dict[str, str]) -> list[RoleSpec]:
    specs = []
    missing = []
    for comp in selected(environ):
        dsn = env_value(f"{comp.upper()}_DATABASE_URL", environ)
        if dsn is None:
            missing.append(f"{comp.upper()}_DATABASE_URL")
            continue
        specs.append(role_spec(comp, dsn))
    if missing:
        raise BootstrapError("not set: " + ", ".join(missing))
    if len({s.role for s in specs}) != len(specs):
        raise BootstrapError("every component needs its own role")
    return specs


def database_statements(database: str) -> list[str]:
    """Run once inside ``database``: nobody gets anything by default."""
    return [
        f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC',
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
    ]


def role_statements(spec: RoleSpec, *, role_exists: bool) -> list[str]:
    """Same grants as devstack's bootstrap: login, connect, own one schema, nothing else."""
    verb = "ALTER" if role_exists else "CREATE"
    role, schema, database = spec.role, spec.component, spec.database
    return [
        f"{verb} ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"PASSWORD {literal(spec.password)}",
        f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO {role}',
        f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {role}",
        f"ALTER SCHEMA {schema} OWNER TO {role}",
        f"ALTER ROLE {role} SET search_path = {schema}",
    ]


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(("postgresql", parts.netloc, f"/{database}", parts.query, ""))


async def bootstrap(admin_dsn: str, specs: list[RoleSpec]) -> None:
    import asyncpg  # imported here so the pure helpers above need no driver

    # Usually one database for all; a component may be given its own by its DSN alone.
    databases = sorted({s.database for s in specs})
    conn = await asyncpg.connect(with_database(admin_dsn, "postgres"))
    try:
        for database in databases:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{database}" ENCODING UTF8')
                say(f"created database {database}")
    finally:
        await conn.close()
    for database in databases:
        await _bootstrap_database(admin_dsn, database, [s for s in specs if s.database == database])


async def _bootstrap_database(admin_dsn: str, database: str, specs: list[RoleSpec]) -> None:
    import asyncpg

    conn = await asyncpg.connect(with_database(admin_dsn, database))
    try:
        async with conn.transaction():
            for stmt in database_statements(database):
                await conn.execute(stmt)
            for spec in specs:
                has_role = await conn.fetchval(
                    "SELECT 1 FROM pg_roles WHERE rolname = $1", spec.role
                )
                for stmt in role_statements(spec, role_exists=bool(has_role)):
                    await conn.execute(stmt)
                say(f"role {spec.role} owns schema {spec.component}")
    finally:
        await conn.close()


def main(environ: dict[str, str] | None = None) -> int:
    env = dict(os.environ if environ is None else environ)
    try:
        admin = env_value("ADMIN_DATABASE_URL", env)
        if not admin:
            raise BootstrapError("not set: ADMIN_DATABASE_URL")
        specs = read_specs(env)
    except (BootstrapError, OSError) as exc:
        say(str(exc), err=True)
        return 2
    asyncio.run(bootstrap(admin, specs))
    say("done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
