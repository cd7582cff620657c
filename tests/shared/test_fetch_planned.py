"""The figures statement is planned for its own arguments every time (a generic plan of a
date range cannot tell a half-year from the whole table), and only it: the pool's other
statements keep PostgreSQL's default plan cache."""

from __future__ import annotations

import pytest

from devstack.pytest_plugin import TestDatabase
from shared_kit.db import ReadConn, fetch_planned, make_read_pool
from shared_kit.settings import normalise_dsn

pytestmark = pytest.mark.asyncio(loop_scope="session")

MODE = "SELECT current_setting('plan_cache_mode')"


async def test_only_the_planned_statement_forces_a_custom_plan(pg: TestDatabase) -> None:
    pool = await make_read_pool(
        normalise_dsn(pg.admin_dsn), max_size=1, application_name="planned-test"
    )
    try:
        conn = ReadConn(pool)
        assert (await conn.fetch_planned(MODE))[0][0] == "force_custom_plan"
        # The same pooled connection, afterwards: the setting ended with its transaction.
        assert await conn.fetchval(MODE) == "auto"
        async with pool.acquire() as raw:
            async with raw.transaction():
                assert (await fetch_planned(raw, MODE))[0][0] == "force_custom_plan"
            assert await raw.fetchval(MODE) == "auto"
    finally:
        await pool.close()
