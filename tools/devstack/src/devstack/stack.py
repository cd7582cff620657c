"""Database resolution shared by every devstack command.

With ``DATABASE_URL`` set, that server is used (the DSN must be allowed to create
roles and schemas, or every component must have its own ``<NAME>_DATABASE_URL``).
Otherwise an embedded PostgreSQL keeps its data in ``$GXST_DATA_DIR/pg``
(``.data/pg`` by default) on ``PG_PORT``.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import asyncpg

from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate, setup_lock
from devstack.layout import DATA_DIR, GATEWAY, PG_DIR, Component
from devstack.pg import EmbeddedPostgres, RunningPostgres


@dataclass
class Database:
    admin_dsn: str
    dsns: dict[str, str]
    secrets: Secrets
    embedded: RunningPostgres | None

    def where(self) -> str:
        """Which database this is, as the banner and the commands say it."""
        if self.embedded is None:
            return "DATABASE_URL"
        e = self.embedded
        return f"embedded PostgreSQL on {e.host}:{e.port}, data in {e.pgdata}"


def default_pg_port() -> int | None:
    value = os.environ.get("PG_PORT")
    return int(value) if value else 54329


@contextmanager
def database(*, do_migrate: bool = True, keep_running: bool = False) -> Iterator[Database]:
    """Resolve (and if needed start) the database, bootstrap it and run migrations.

    An embedded server started here is stopped on exit unless ``keep_running``;
    one that was already running (``make run`` in another terminal) is left alone.
    """
    creds = Secrets.load_or_create()
    external = os.environ.get("DATABASE_URL")
    running: RunningPostgres | None = None
    if external:
        admin = external
    else:
        running = EmbeddedPostgres(PG_DIR, port=default_pg_port()).start()
        admin = running.admin_dsn()
    try:
        with setup_lock(admin):
            asyncio.run(bootstrap(admin, creds))
            dsns = component_dsns(admin, creds)
            if do_migrate:
                migrate(dsns)
        yield Database(admin, dsns, creds, running)
    finally:
        if running is not None and not keep_running:
            running.stop()


def ready_database(component: Component = GATEWAY) -> Database | None:
    """The database as it is, when it is up and ``component``'s schema is migrated to head.

    The fast path of ``make key``: no server start, no bootstrap, no migration, no
    setup lock. None when anything is missing; the caller then uses :func:`database`.
    """
    path = DATA_DIR / "secrets.json"
    if not path.exists():
        return None
    creds = Secrets.load_or_create(path)
    admin = os.environ.get("DATABASE_URL")
    if not admin:
        server = EmbeddedPostgres(PG_DIR, port=default_pg_port())
        port = server.running_port()
        if port is None:
            return None
        admin = RunningPostgres(
            server.host, port, server.password(), None, server.pgdata
        ).admin_dsn()
    dsns = component_dsns(admin, creds)
    if asyncio.run(_revision(dsns[component.name], component.name)) != _head(component):
        return None
    return Database(admin, dsns, creds, None)


async def _revision(dsn: str, schema: str) -> str | None:
    try:
        conn = await asyncpg.connect(dsn, timeout=2)
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        value = await conn.fetchval(f"SELECT version_num FROM {schema}.alembic_version")
    except asyncpg.PostgresError:
        return None
    finally:
        await conn.close()
    return str(value) if value else None


_REVISION = re.compile(
    r"^(down_revision|revision)\b[^=]*=\s*(?:None|[\"']([0-9a-zA-Z_]+)[\"'])\s*$", re.M
)


def _head(component: Component) -> str | None:
    """The single head revision, read from the migration files' own assignments.

    Not through alembic: importing it and every migration costs more than the rest of
    ``make key``. Anything unusual (a merge, two heads) gives None: the slow path.
    """
    if component.migrations is None:
        return None
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (component.migrations / "versions").glob("*.py"):
        found = {m.group(1): m.group(2) for m in _REVISION.finditer(path.read_text())}
        if "revision" not in found or not found["revision"] or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
