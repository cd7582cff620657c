"""The kept consolidated report: answered again only while nothing it is made of moved.

Reporting calls the four real workstream apps (in process, each on its own test
transaction, the HTTP between them real ASGI) and keeps the assembled report by their
``ETag``s and the approvals. These show that an unchanged report is the kept body, and
that a write to a counted record, a period lock taken in a service, or an approval
change all make the very next report fresh.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text

from reporting_service.clients.workstream import WorkstreamClient
from reporting_service.main import create_app
from tests.reporting.fakes import SERVICES

pytestmark = pytest.mark.asyncio(loop_scope="session")
PERIOD = {"period": "2019-H1"}
NANNING = "450100"


@pytest_asyncio.fixture(loop_scope="session")
async def stack(service_client_factory: Any) -> Any:
    services = {}
    for name in SERVICES:
        main = importlib.import_module(f"{name}_service.main")
        services[name] = await service_client_factory(name, main.create_app)
    reporting = await service_client_factory("reporting", create_app)
    reporting.app.state.workstreams = {
        name: WorkstreamClient(
            name,
            "http://testserver",
            deadline=30.0,
            retries=0,
            transport=httpx.ASGITransport(app=svc.app),
        )
        for name, svc in services.items()
    }
    reporting.services = services
    return reporting


async def report(stack: Any) -> dict[str, Any]:
    r = await stack.as_("admin").get("/v1/reports/consolidated", params=PERIOD)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def figure(body: dict[str, Any], code: str) -> Any:
    return next(row["raw_value"] for row in body["indicators"] if row["code"] == code)


def kept(stack: Any) -> int:
    hits: int = stack.app.state.report_cache.hits
    return hits


async def test_unchanged_report_is_kept_and_a_write_refreshes_it(stack: Any) -> None:
    first = await report(stack)
    assert await report(stack) == first
    assert kept(stack) == 1  # the second report was the kept body (four 304s)

    r = (
        await stack.services["transfer"]
        .as_("admin")
        .post(
            "/v1/tech-contracts",
            json={
                "registration_no": "2345010177000001",
                "type": "consulting",
                "title": "缓存报告合同",
                "seller_name": "甲",
                "seller_region": NANNING,
                "buyer_name": "乙",
                "buyer_region": "110108",
                "contract_amount": "1000.00",
                "tech_transaction_amount": "800.00",
                "signed_on": "2019-02-01",
                "registered_on": "2019-03-10",
                "city": NANNING,
            },
        )
    )
    assert r.status_code == 201, r.text
    after = await report(stack)
    assert kept(stack) == 1  # not answered from the kept body
    assert (
        figure(after, "transfer.contracts_outflow")
        == figure(first, "transfer.contracts_outflow") + 1
    )
    value = Decimal(str(figure(after, "transfer.contract_value")))
    assert value == Decimal(str(figure(first, "transfer.contract_value"))) + 1000
    assert await report(stack) == after
    assert kept(stack) == 2


async def test_a_lock_or_an_approval_change_refreshes_the_report(stack: Any) -> None:
    first = await report(stack)
    await report(stack)
    assert kept(stack) == 1

    # A period lock taken in one service (as reporting takes it on approval) moves its tag.
    lock = (
        await stack.services["talent"]
        .as_("service")
        .put(
            f"/v1/period-locks/{NANNING}/2019-H1", json={"start": "2019-01-01", "end": "2019-06-30"}
        )
    )
    assert lock.status_code == 200, lock.text
    assert await report(stack) == first
    assert kept(stack) == 1  # assembled afresh, though no figure moved

    # An approval recorded in reporting's own database shows in the very next report.
    await stack.connection.execute(
        text(
            "INSERT INTO reporting.approvals (id, period, city, state, changed_by, warnings)"
            " VALUES (gen_random_uuid(), '2019-H1', :city, 'submitted', 'tester', '[]')"
        ),
        {"city": NANNING},
    )
    after = await report(stack)
    assert kept(stack) == 1
    nanning = next(a for a in after["approvals"] if a["city"] == NANNING)
    assert nanning["state"] == "submitted"
    assert nanning["changed_by"] == "tester"
    assert await report(stack) == after
    assert kept(stack) == 2


async def test_the_kept_report_is_the_assembled_one(stack: Any) -> None:
    """The body kept is byte for byte the one the report route serialises afresh."""
    client = stack.as_("admin")
    fresh = await client.get("/v1/reports/consolidated", params=PERIOD)
    again = await client.get("/v1/reports/consolidated", params=PERIOD)
    assert kept(stack) == 1
    assert again.content == fresh.content
    english = await client.get(
        "/v1/reports/consolidated", params=PERIOD, headers={"Accept-Language": "en"}
    )
    assert english.status_code == 200
    assert kept(stack) == 1  # another language is another report
