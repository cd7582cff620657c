"""The body of every service's Alembic ``env.py``: async, one schema, its own version table."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared_kit.settings import normalise_dsn


def _dsn(env_prefix: str) -> str:
    url = os.environ.get(env_prefix + "DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError(f"set {env_prefix}DATABASE_URL (or DATABASE_URL) to migrate")
    return normalise_dsn(url)


def run_migrations(metadata: MetaData, schema: str, env_prefix: str) -> None:
    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return name == schema if type_ == "schema" else True

    def do_run(connection: Connection) -> None:
        exists = connection.execute(
            text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
            {"s": schema},
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f'SET search_path TO "{schema}"'))
        # The role's search_path makes the service schema the dialect's default schema,
        # which autogenerate reflects as schema None: every table would look new.
        connection.dialect.default_schema_name = "public"
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=include_name,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

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
        engine = create_async_engine(_dsn(env_prefix))
        async with engine.connect() as conn:
            await conn.run_sync(do_run)
            await conn.commit()
        await engine.dispose()

    asyncio.run(main())
