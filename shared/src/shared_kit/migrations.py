"""The body of every service's Alembic ``env.py``: async, one schema, its own version table."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared_kit import data_version
from shared_kit.settings import normalise_dsn


def _dsn(env_prefix: str) -> str:
    url = os.environ.get(env_prefix + "DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError(f"set {env_prefix}DATABASE_URL (or DATABASE_URL) to migrate")
    return normalise_dsn(url)


def run_migrations(metadata: MetaData, schema: str, env_prefix: str) -> None:
    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return name == schema if type_ == "schema" else True

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        # Neither Alembic's own table nor the data-version log is declared by the models.
        return not (type_ == "table" and name in data_version.ALWAYS_EXEMPT)

    def do_run(connection: Connection) -> None:
        exists = connection.execute(
            text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
            {"s": schema},
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=include_name,
            include_object=include_object,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            # Every table, old or added by this upgrade, moves the data version (ETags).
            data_version.attach_all(connection, schema, data_version.exempt_tables(metadata))

    if context.is_offline_mode():
        context.configure(
            url=_dsn(env_prefix),
            target_metadata=metadata,
            version_table_schema=schema,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    async def main() -> None:
        # Keep the service schema out of the default search path (set before SQLAlchemy reads
        # the default schema at connect): autogenerate then reflects it under its own name, as
        # the models declare it, instead of as the unnamed default schema, which would make
        # every table look new. Migrations qualify every name.
        engine = create_async_engine(
            _dsn(env_prefix), connect_args={"server_settings": {"search_path": "pg_catalog"}}
        )
        async with engine.connect() as conn:
            await conn.run_sync(do_run)
            await conn.commit()
        await engine.dispose()

    asyncio.run(main())
