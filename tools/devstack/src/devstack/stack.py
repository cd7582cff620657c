"""Database resolution shared by every devstack command.

With ``DATABASE_URL`` set, that server is used (the DSN must be allowed to create
roles and schemas, or every component must have its own ``<NAME>_DATABASE_URL``).
Otherwise an embedded PostgreSQL keeps its data in ``$GXST_DATA_DIR/pg``
(``.data/pg`` by default) on ``PG_PORT``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate
from devstack.layout import PG_DIR
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
        asyncio.run(bootstrap(admin, creds))
        dsns = component_dsns(admin, creds)
        if do_migrate:
            migrate(dsns)
        yield Database(admin, dsns, creds, running)
    finally:
        if running is not None and not keep_running:
            running.stop()
