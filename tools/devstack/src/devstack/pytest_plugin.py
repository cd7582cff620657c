"""Pytest plugin: a real PostgreSQL for the whole run, and per-test fixtures.

- ``pg``: an embedded PostgreSQL in a temporary folder, bootstrapped (database,
  per-service roles and schemas) and migrated, stopped at the end of the run.
- ``tokens``: mints principal tokens as the gateway would.
- ``service_client``: an ASGI client for a service app whose every request runs
  inside one outer transaction that is rolled back after the test, so tests
  never see each other's rows. Nothing here mocks the database.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from devstack.bootstrap import Secrets, bootstrap, component_dsns, migrate
from devstack.layout import DATABASE
from devstack.pg import EmbeddedPostgres, RunningPostgres
from devstack.problem_language import Recorder
from shared_kit.auth import Principal, PrincipalSigner, Role
from shared_kit.db import get_read_conn, get_session, make_engine
from shared_kit.settings import normalise_dsn


@dataclass
class TestDatabase:
    __test__: ClassVar[bool] = False  # not a test class, despite the name

    server: RunningPostgres
    secrets: Secrets
    admin_dsn: str
    dsns: dict[str, str]
    root: Path

    def dsn(self, component: str) -> str:
        return self.dsns[component]

    def fresh_database(self, name: str) -> dict[str, str]:
        """Another bootstrapped and migrated database on the same server (e2e runs)."""
        asyncio.run(bootstrap(self.admin_dsn, self.secrets, database=name))
        dsns = component_dsns(self.admin_dsn, self.secrets, database=name)
        migrate(dsns)
        return dsns


@pytest.fixture(scope="session")
def pg() -> Iterator[TestDatabase]:
    root = Path(tempfile.mkdtemp(prefix="gxst-test-"))
    server = EmbeddedPostgres(root / "pg").start()
    try:
        creds = Secrets.load_or_create(root / "secrets.json")
        admin = server.admin_dsn()
        asyncio.run(bootstrap(admin, creds))
        dsns = component_dsns(admin, creds, DATABASE)
        migrate(dsns)
        yield TestDatabase(server, creds, admin, dsns, root)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


class Tokens:
    def __init__(self, secrets: Secrets) -> None:
        self.signer = PrincipalSigner(secrets.principal_private_key.encode())
        self.public_pem = secrets.principal_public_key

    def token(
        self,
        role: Role | str,
        *,
        city: str | None = None,
        bank: str | None = None,
        signed: bool | None = None,
        expert: str | None = None,
    ) -> str:
        """A principal token; a bank's carries the gateway's signature mark unless
        ``signed=False`` (the gateway's bank path is the only one that mints bank principals)."""
        role = Role(role)
        mark = role is Role.bank if signed is None else signed
        principal = Principal(
            f"test-{role.value}", role, city=city, bank=bank, signed=mark, expert_id=expert
        )
        return self.signer.sign(principal)

    def headers(
        self,
        role: Role | str,
        *,
        city: str | None = None,
        bank: str | None = None,
        signed: bool | None = None,
        expert: str | None = None,
    ) -> dict[str, str]:
        token = self.token(role, city=city, bank=bank, signed=signed, expert=expert)
        return {"X-Principal": token}


@pytest.fixture(scope="session")
def tokens(pg: TestDatabase) -> Tokens:
    return Tokens(pg.secrets)


@dataclass
class ServiceClient:
    app: FastAPI
    http: httpx.AsyncClient
    connection: AsyncConnection
    tokens: Tokens

    def as_(
        self,
        role: Role | str,
        *,
        city: str | None = None,
        bank: str | None = None,
        signed: bool | None = None,
        expert: str | None = None,
    ) -> Any:
        """A client whose requests carry a principal of ``role``."""
        headers = self.tokens.headers(role, city=city, bank=bank, signed=signed, expert=expert)
        return _AsRole(self.http, headers)

    @property
    def session_maker(self) -> async_sessionmaker[AsyncSession]:
        return async_sessionmaker(
            bind=self.connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        )


class _AsRole:
    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self._http, self._headers = http, headers

    async def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        headers = {**self._headers, **kw.pop("headers", {})}
        return await self._http.request(method, url, headers=headers, **kw)

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("GET", url, **kw)

    async def post(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("POST", url, **kw)

    async def put(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("PUT", url, **kw)

    async def patch(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("PATCH", url, **kw)

    async def delete(self, url: str, **kw: Any) -> httpx.Response:
        return await self.request("DELETE", url, **kw)


AppFactory = Callable[..., FastAPI]


@pytest_asyncio.fixture(loop_scope="session")
async def service_client_factory(
    pg: TestDatabase, tokens: Tokens
) -> AsyncIterator[Callable[[str, AppFactory], Any]]:
    """``await factory("projects", create_app)`` → a :class:`ServiceClient` for that app."""
    cleanups: list[Callable[[], Any]] = []

    async def make(component: str, create_app: AppFactory, **settings: Any) -> ServiceClient:
        app = create_app_with(create_app, component, pg, tokens, settings)
        engine = make_engine(normalise_dsn(pg.dsn(component)), pool_size=2)
        conn = await engine.connect()
        trans = await conn.begin()
        maker = async_sessionmaker(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

        async def session_override() -> AsyncIterator[AsyncSession]:
            async with maker() as session, session.begin():
                yield session

        app.dependency_overrides[get_session] = session_override
        # The fast read path must see the test's uncommitted rows: same connection.
        driver = (await conn.get_raw_connection()).driver_connection

        async def read_override() -> AsyncIterator[Any]:
            yield driver

        app.dependency_overrides[get_read_conn] = read_override
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")

        async def cleanup() -> None:
            await http.aclose()
            await lifespan.__aexit__(None, None, None)
            await trans.rollback()
            await conn.close()
            await engine.dispose()

        cleanups.append(cleanup)
        return ServiceClient(app, http, conn, tokens)

    yield make
    for cleanup in reversed(cleanups):
        await cleanup()


def create_app_with(
    create_app: AppFactory,
    component: str,
    pg: TestDatabase,
    tokens: Tokens,
    overrides: dict[str, Any],
) -> FastAPI:
    import importlib

    config = importlib.import_module(f"{component}_service.config")
    settings = config.Settings(
        database_url=pg.dsn(component),
        principal_public_key=tokens.public_pem,
        log_json=False,
        log_level="WARNING",
        **overrides,
    )
    return create_app(settings)


# Every problem answer of the run is checked for its language (see devstack.problem_language).
_problems = Recorder()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "problem_language_exempt: the test fabricates problem answers of its own "
        "(a fake upstream), which the language check must not judge",
    )
    _problems.install()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    _problems.test = item.nodeid
    _problems.exempt = item.get_closest_marker("problem_language_exempt") is not None
    try:
        return (yield)
    finally:
        _problems.test, _problems.exempt = "(outside a test)", False


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _problems.uninstall()
    if not _problems.violations:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [str(v) for v in _problems.violations]
    if reporter is not None:
        reporter.section("problem answers in one language only", sep="=", red=True)
        for line in lines[:200]:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
