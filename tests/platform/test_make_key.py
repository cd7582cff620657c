"""`make key` against a database that is up: the fast path, in parallel, refusing bad codes.

The fast path must not bootstrap or migrate: the test holds the setup lock those take
(devstack.bootstrap.setup_lock) while five keys are made at once, so a call that tried
would wait for it and time out instead of answering.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import asyncpg
import pytest

from devstack.bootstrap import SETUP_LOCK, with_database
from devstack.layout import REPO
from devstack.pytest_plugin import TestDatabase
from gateway.apikey.service import KEY_PREFIX


@pytest.fixture
def key_env(pg: TestDatabase) -> dict[str, str]:
    """`make key`'s environment pointed at the test server (its secrets, its DSN)."""
    return dict(os.environ, DATABASE_URL=pg.admin_dsn, GXST_DATA_DIR=str(pg.root))


@pytest.fixture
def setup_lock_held(pg: TestDatabase) -> Iterator[None]:
    loop = asyncio.new_event_loop()
    conn = loop.run_until_complete(asyncpg.connect(with_database(pg.admin_dsn, "postgres")))
    try:
        loop.run_until_complete(conn.execute("SELECT pg_advisory_lock($1)", SETUP_LOCK))
        yield
    finally:
        loop.run_until_complete(conn.close())
        loop.close()


def make_key(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "devstack.cli", "key", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_five_keys_at_once_without_bootstrap(
    key_env: dict[str, str], setup_lock_held: None
) -> None:
    started = time.perf_counter()
    procs = [make_key(key_env, "--role", "admin") for _ in range(4)]
    procs.append(make_key(key_env, "--role", "city_bureau", "--city", "450100"))
    keys = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        keys.append(out.strip().splitlines()[-1])
    assert all(k.startswith(KEY_PREFIX) for k in keys)
    assert len(set(keys)) == 5
    print(f"5 keys in parallel: {time.perf_counter() - started:.2f} s wall")


def test_unknown_codes_are_refused_with_the_valid_ones(
    key_env: dict[str, str], setup_lock_held: None
) -> None:
    proc = make_key(key_env, "--role", "city_bureau", "--city", "459999")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "450100 南宁市" in err
    assert "451400 崇左市" in err
    assert KEY_PREFIX not in out
    proc = make_key(key_env, "--role", "bank", "--bank", "ANYBANK", "--city", "450100")
    proc.communicate(timeout=120)
    assert proc.returncode == 2


def test_the_slow_path_bootstraps_one_at_a_time(pg: TestDatabase) -> None:
    """Five first-time setups at once (a cold `make key` each): the setup lock serialises
    CREATE DATABASE and the role grants that otherwise fail with "tuple concurrently
    updated" or "database already exists"."""
    from concurrent.futures import ThreadPoolExecutor

    from devstack.bootstrap import bootstrap, setup_lock

    database = f"gxst_parallel_{os.getpid()}"

    def setup() -> None:
        with setup_lock(pg.admin_dsn):
            asyncio.run(bootstrap(pg.admin_dsn, pg.secrets, database=database))

    with ThreadPoolExecutor(5) as pool:
        for future in [pool.submit(setup) for _ in range(5)]:
            future.result(timeout=120)

    async def exists() -> bool:
        conn = await asyncpg.connect(with_database(pg.admin_dsn, "postgres"))
        try:
            found = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
            await conn.execute(f'DROP DATABASE "{database}"')
        finally:
            await conn.close()
        return bool(found)

    assert asyncio.run(exists())


def test_expert_keys_name_their_expert(key_env: dict[str, str], setup_lock_held: None) -> None:
    """`make key ROLE=expert EXPERT=<id>`: the key is bound to that talent expert."""
    proc = make_key(key_env, "--role", "expert")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "EXPERT" in err
    proc = make_key(key_env, "--role", "admin", "--expert", "6f1c4c0e-0000-4000-8000-000000000001")
    proc.communicate(timeout=120)
    assert proc.returncode == 2
    proc = make_key(key_env, "--role", "expert", "--expert", "6f1c4c0e-0000-4000-8000-000000000001")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.strip().splitlines()[-1].startswith(KEY_PREFIX)
