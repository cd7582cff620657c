"""Data versions, indicator ETags and reporting's revalidating cache, on real PostgreSQL.

Every table of a workstream service's schema moves the service's data version, so a
write to any record a figure stands on changes the indicators' ETag (200, new tag),
and nothing else does (304). The tables are walked from the models' metadata and from
the indicator specs' SQL, never listed by hand, so a table another change adds is
covered or this test says which one is not.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Table, text
from sqlalchemy.sql import visitors

from reporting_service.clients.workstream import WorkstreamClient
from reporting_service.consolidated.service import consolidated_report
from reporting_service.period.service import named_period
from shared_kit import data_version
from shared_kit.context import principal_token_var
from shared_kit.indicators import PeriodQuery

pytestmark = pytest.mark.asyncio(loop_scope="session")

SERVICES = ("projects", "enterprise", "talent", "transfer")
H1 = {"from": "2023-01-01", "to": "2023-06-30"}


def service_tables(service: str) -> tuple[list[Table], frozenset[str]]:
    """Every table the service's models declare (all models loaded via its app) and the
    exemptions it declares."""
    importlib.import_module(f"{service}_service.main")
    db = importlib.import_module(f"{service}_service.db")
    metadata = db.Base.metadata
    return list(metadata.sorted_tables), data_version.exempt_tables(metadata)


def figure_tables(service: str) -> set[str]:
    """The tables the indicator SQL of ``service`` reads, found by walking each spec's select."""
    specs = importlib.import_module(f"{service}_service.indicator.specs").SPECS
    period = PeriodQuery(date(2023, 1, 1), date(2023, 6, 30), None)
    found: set[str] = set()
    for spec in specs:
        for element in visitors.iterate(spec.records(period)):
            if isinstance(element, Table):
                found.add(element.name)
    return found


async def indicators(client: Any, etag: str | None = None) -> httpx.Response:
    headers = {"If-None-Match": etag} if etag else {}
    return await client.as_("analyst").get("/v1/indicators", params=H1, headers=headers)  # type: ignore[no-any-return]


@pytest.mark.parametrize("service", SERVICES)
async def test_every_table_moves_the_etag(service_client_factory: Any, service: str) -> None:
    main = importlib.import_module(f"{service}_service.main")
    svc = await service_client_factory(service, main.create_app)
    tables, exempt = service_tables(service)
    read_by_figures = figure_tables(service)
    assert read_by_figures, "the specs' SQL names no table: the walk is broken"
    assert not read_by_figures & exempt, f"{service} exempts a table a figure reads"

    triggered = await svc.connection.run_sync(
        lambda c: data_version.triggered_tables(c, service)  # type: ignore[arg-type]
    )
    counted = [t for t in tables if t.name not in exempt]
    untriggered = sorted({t.name for t in counted} - triggered)
    assert not untriggered, f"{service}: tables without the data-version trigger: {untriggered}"

    first = await indicators(svc)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert (await indicators(svc, etag)).status_code == 304

    for table in counted:
        # A write to the table, whatever rows it holds: statement-level triggers fire anyway.
        pk = next(iter(table.primary_key.columns)).name
        await svc.connection.execute(text(f'UPDATE "{service}"."{table.name}" SET "{pk}" = "{pk}"'))
        again = await indicators(svc, etag)
        assert again.status_code == 200, f"a write to {table.name} kept the ETag"
        assert again.headers["etag"] != etag
        etag = again.headers["etag"]
        assert (await indicators(svc, etag)).status_code == 304, table.name


async def test_scope_and_query_are_in_the_tag(service_client_factory: Any) -> None:
    from transfer_service.main import create_app

    svc = await service_client_factory("transfer", create_app)
    region = await indicators(svc)
    etag = region.headers["etag"]
    # The same URL for a city bureau is another answer: the region's tag must not confirm it.
    city = await svc.as_("city_bureau", city="450100").get(
        "/v1/indicators", params=H1, headers={"If-None-Match": etag}
    )
    assert city.status_code == 200
    assert city.headers["etag"] != etag
    other = await svc.as_("analyst").get(
        "/v1/indicators", params={**H1, "to": "2023-06-29"}, headers={"If-None-Match": etag}
    )
    assert other.status_code == 200
    assert other.headers["etag"] != etag
    # A reader with no right to the figures is refused before any tag is looked at.
    bank = await svc.as_("bank", bank="B1").get(
        "/v1/indicators", params=H1, headers={"If-None-Match": etag}
    )
    assert bank.status_code == 403


class Counting(httpx.AsyncBaseTransport):
    """An ASGI transport to a real service app that counts the answers by status.

    One request at a time: the app's requests share the test's one connection."""

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.statuses: list[int] = []
        self.one_at_a_time = asyncio.Lock()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with self.one_at_a_time:
            response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response


_serial = itertools.count(1)


async def test_report_revalidates_and_reflects_a_write_at_once(
    service_client_factory: Any, tokens: Any
) -> None:
    transports: dict[str, Counting] = {}
    clients: dict[str, WorkstreamClient] = {}
    svcs: dict[str, Any] = {}
    for name in SERVICES:
        main = importlib.import_module(f"{name}_service.main")
        svcs[name] = await service_client_factory(name, main.create_app)
        transports[name] = Counting(svcs[name].app)
        clients[name] = WorkstreamClient(
            name, "http://svc", deadline=5.0, retries=0, transport=transports[name]
        )
    reset = principal_token_var.set(tokens.token("analyst"))
    try:
        period = named_period("2023-H1")

        async def total() -> Any:
            report = await consolidated_report(clients, period, None, 5.0)
            return next(r for r in report.indicators if r.code == "transfer.contracts_total")

        before = await total()
        # One call per service carries both periods.
        assert all(t.statuses == [200] for t in transports.values())
        assert before.raw_previous is not None
        assert (await total()).raw_value == before.raw_value
        # Nothing changed: every call was a revalidation answered 304.
        assert all(t.statuses[1:] == [304] for t in transports.values())

        created = (
            await svcs["transfer"]
            .as_("admin")
            .post(
                "/v1/tech-contracts",
                json={
                    "registration_no": f"2345010199{next(_serial):06d}",
                    "type": "development_commissioned",
                    "title": "数据版本测试合同",
                    "seller_name": "广西大学",
                    "seller_uscc": "914501005794165304",
                    "seller_region": "450100",
                    "buyer_name": "柳州某公司",
                    "buyer_uscc": "91450200MAA7L76A5R",
                    "buyer_region": "450200",
                    "contract_amount": "1000.00",
                    "tech_transaction_amount": "800.00",
                    "signed_on": "2023-02-01",
                    "registered_on": "2023-03-10",
                    "city": "450100",
                },
            )
        )
        assert created.status_code == 201, created.text
        after = await total()
        # One contract between two cities counts once as outflow and once as absorbed.
        assert after.raw_value == before.raw_value + 2
        assert after.raw_previous == before.raw_previous
        # Only the service written to answered afresh; the others still revalidated.
        assert transports["transfer"].statuses[2:] == [200]
        assert all(t.statuses[2:] == [304] for n, t in transports.items() if n != "transfer")
    finally:
        principal_token_var.reset(reset)
        for client in clients.values():
            await client.aclose()


@pytest.mark.parametrize("service", SERVICES)
async def test_one_call_answers_both_periods(service_client_factory: Any, service: str) -> None:
    main = importlib.import_module(f"{service}_service.main")
    svc = await service_client_factory(service, main.create_app)
    reader = svc.as_("analyst")
    year_ago = {"from": "2022-01-01", "to": "2022-06-30"}
    both = await reader.get(
        "/v1/indicators", params={**H1, "previous_from": "2022-01-01", "previous_to": "2022-06-30"}
    )
    assert both.status_code == 200, both.text
    alone = [(await reader.get("/v1/indicators", params=p)).json() for p in (H1, year_ago)]
    assert both.json()["indicators"] == alone[0]["indicators"]
    assert both.json()["previous"] == {**year_ago, "indicators": alone[1]["indicators"]}
    half = await reader.get("/v1/indicators", params={**H1, "previous_from": "2022-01-01"})
    assert half.status_code == 422
    assert half.json()["errors"][0]["code"] == "comparison_incomplete"


async def test_arrivals_are_revalidated_too(service_client_factory: Any) -> None:
    from transfer_service.main import create_app

    svc = await service_client_factory("transfer", create_app)
    reader = svc.as_("analyst")
    url = "/v1/arrivals/tech-contracts"
    first = await reader.get(url, params=H1)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert (await reader.get(url, params=H1, headers={"If-None-Match": etag})).status_code == 304
    await svc.connection.execute(text('UPDATE "transfer"."tech_contracts" SET id = id'))
    after = await reader.get(url, params=H1, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag


@pytest.mark.parametrize("service", ["enterprise", "talent", "transfer"])
async def test_one_statement_gives_what_each_figure_gives(
    service_client_factory: Any, service: str
) -> None:
    from shared_kit.indicators import compute_figure, compute_figures

    main = importlib.import_module(f"{service}_service.main")
    svc = await service_client_factory(service, main.create_app)
    if service == "transfer":  # records in two cities, so cities and totals are not all zero
        for n, (seller, buyer) in enumerate([("450100", "450200"), ("450100", "110108")]):
            r = await svc.as_("admin").post(
                "/v1/tech-contracts",
                json={
                    "registration_no": f"2345010188{n:06d}",
                    "type": "development_commissioned",
                    "title": "一条语句合同",
                    "seller_name": "甲",
                    "seller_region": seller,
                    "buyer_name": "乙",
                    "buyer_region": buyer,
                    "contract_amount": "1000.00",
                    "tech_transaction_amount": "800.00",
                    "signed_on": "2023-02-01",
                    "registered_on": "2023-03-10",
                    "city": "450100",
                },
            )
            assert r.status_code == 201, r.text
    specs = tuple(importlib.import_module(f"{service}_service.indicator.specs").SPECS)
    for city in (None, "450100"):
        period = PeriodQuery(date(2023, 1, 1), date(2023, 6, 30), city)
        async with svc.session_maker() as session:
            batched = await compute_figures(session, specs, period)
            single = [await compute_figure(session, spec, period) for spec in specs]
        assert [f.model_dump() for f in batched] == [f.model_dump() for f in single]
