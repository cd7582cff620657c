"""Each service's role owns its schema and has no rights on any other."""

from __future__ import annotations

import asyncpg
import pytest

from devstack.pytest_plugin import TestDatabase

pytestmark = pytest.mark.asyncio(loop_scope="session")

COMPONENTS = ("projects", "enterprise", "talent", "transfer", "reporting", "gateway")


async def test_role_cannot_read_another_schema(pg: TestDatabase) -> None:
    conn = await asyncpg.connect(pg.dsn("projects"))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.fetch("SELECT * FROM gateway.api_keys")
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.execute("CREATE TABLE enterprise.intruder (id int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.execute("CREATE TABLE public.intruder (id int)")
        assert await conn.fetchval("SELECT count(*) FROM projects.challenge_demands") == 0
    finally:
        await conn.close()


@pytest.mark.parametrize("component", COMPONENTS)
async def test_each_component_has_its_own_version_table(pg: TestDatabase, component: str) -> None:
    conn = await asyncpg.connect(pg.dsn(component))
    try:
        version = await conn.fetchval(f"SELECT version_num FROM {component}.alembic_version")
        assert version
        owner = await conn.fetchval(
            "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = $1", component
        )
        assert owner == f"gxst_{component}"
        others = [c for c in COMPONENTS if c != component]
        for other in others:
            usable = await conn.fetchval("SELECT has_schema_privilege($1, 'USAGE')", other)
            assert usable is False, f"{component} can use {other}"
    finally:
        await conn.close()
