"""Completeness and timeliness counted over a real transfer service, reached over HTTP.

Nanning sends a contract for every month of 2023-H1, June's late; Liuzhou sends
January to May on time and nothing for June; no other city sends anything. The
talent and enterprise services answer that nothing arrived. Every count below is
counted by hand from that.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text

from reporting_service.clients.workstream import WorkstreamClient
from reporting_service.main import create_app
from transfer_service.main import create_app as create_transfer_app

pytestmark = pytest.mark.asyncio(loop_scope="session")
NN, LZ = "450100", "450200"
COUNTY = {NN: "450102", LZ: "450202"}
# (city, registered_on, stored at): the first record of a month decides when it arrived.
CONTRACTS = [
    (NN, "2023-01-15", "2023-02-03"),
    (NN, "2023-02-15", "2023-03-09"),
    (NN, "2023-03-15", "2023-04-02"),
    (NN, "2023-03-20", "2023-05-30"),  # a later March record: March still arrived on time
    (NN, "2023-04-15", "2023-05-10"),  # the due day itself is on time
    (NN, "2023-05-15", "2023-06-01"),
    (NN, "2023-06-15", "2023-07-20"),  # due 2023-07-10: late
    (LZ, "2023-01-10", "2023-02-01"),
    (LZ, "2023-02-10", "2023-03-01"),
    (LZ, "2023-03-10", "2023-04-01"),
    (LZ, "2023-04-10", "2023-05-01"),
    (LZ, "2023-05-10", "2023-06-01"),
    # Liuzhou's June never arrives: overdue.
]


def _empty(name: str) -> WorkstreamClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[])

    return WorkstreamClient(
        name, "http://svc", deadline=2.0, retries=0, transport=httpx.MockTransport(handler)
    )


@pytest_asyncio.fixture(loop_scope="session")
async def reporting(service_client_factory: Any) -> Any:
    transfer = await service_client_factory("transfer", create_transfer_app)
    admin = transfer.as_("admin")
    for n, (city, day, stored) in enumerate(CONTRACTS):
        no = f"CMPL{n:04d}"
        r = await admin.post(
            "/v1/tech-contracts",
            json={
                "registration_no": no,
                "type": "consulting",
                "seller_name": "卖方",
                "seller_region": COUNTY[city],
                "buyer_name": "买方",
                "buyer_region": "440305",
                "contract_amount": "100.00",
                "tech_transaction_amount": "50.00",
                "signed_on": day,
                "registered_on": day,
                "city": city,
            },
        )
        assert r.status_code == 201, r.text
        # Stored at noon Guangxi time on that day.
        await transfer.connection.execute(
            text("UPDATE transfer.tech_contracts SET created_at = :at WHERE registration_no = :no"),
            {"at": datetime.fromisoformat(f"{stored}T12:00:00+08:00"), "no": no},
        )
    svc = await service_client_factory("reporting", create_app)
    svc.app.state.workstreams = {
        "transfer": WorkstreamClient(
            "transfer",
            "http://transfer",
            deadline=5.0,
            retries=0,
            transport=httpx.ASGITransport(app=transfer.app),
        ),
        "talent": _empty("talent"),
        "enterprise": _empty("enterprise"),
        "projects": _empty("projects"),
    }
    return svc


def row(report: dict[str, Any], city: str, dataset: str) -> dict[str, Any]:
    out: dict[str, Any] = next(
        r for r in report["rows"] if r["city"] == city and r["dataset"] == dataset
    )
    return out


async def test_counts_match_the_hand_count(reporting: Any) -> None:
    r = await reporting.as_("admin").get(
        "/v1/completeness", params={"period": "2023-H1", "as_of": "2023-08-01"}
    )
    assert r.status_code == 200, r.text
    report = r.json()
    contracts = "transfer.tech-contracts"
    nn, lz = row(report, NN, contracts), row(report, LZ, contracts)
    counts = ("expected", "received", "on_time", "late", "overdue", "pending")
    assert [nn[k] for k in counts] == [6, 6, 5, 1, 0, 0]
    assert nn["late_slots"] == [
        {"slot": "2023-06", "due": "2023-07-10", "received_at": "2023-07-20"}
    ]
    assert [lz[k] for k in counts] == [6, 5, 5, 0, 1, 0]
    assert lz["missing"] == [{"slot": "2023-06", "due": "2023-07-10", "received_at": None}]
    assert [row(report, "450300", contracts)[k] for k in counts] == [6, 0, 0, 0, 6, 0]
    # Zone statistics are quarterly: two quarters of 2023-H1, due 04-15 and 07-15.
    zones = row(report, NN, "enterprise.zone-quarter-stats")
    assert [zones[k] for k in counts] == [2, 0, 0, 0, 2, 0]
    assert [s["due"] for s in zones["missing"]] == ["2023-04-15", "2023-07-15"]

    by_dataset = {d["dataset"]: d for d in report["datasets"]}
    c = by_dataset[contracts]
    # 14 cities × 6 months; Nanning 6 received (5 on time), Liuzhou 5 (5 on time).
    assert (c["expected"], c["received"], c["on_time"], c["overdue"]) == (84, 11, 10, 73)
    assert Decimal(c["completeness_rate"]) == Decimal("13.1")  # 11 / 84
    assert Decimal(c["timeliness_rate"]) == Decimal("11.9")  # 10 / 84
    total = report["total"]
    # + service logs 14 × 6 and zone statistics 14 × 2, none received.
    assert (total["expected"], total["received"], total["on_time"]) == (196, 11, 10)
    assert total["overdue"] == 185
    assert Decimal(total["completeness_rate"]) == Decimal("5.6")
    assert Decimal(total["timeliness_rate"]) == Decimal("5.1")


async def test_before_the_due_date_a_missing_month_is_pending(reporting: Any) -> None:
    r = await reporting.as_("city_bureau", city=LZ).get(
        "/v1/completeness", params={"period": "2023-H1", "as_of": "2023-07-05"}
    )
    assert r.status_code == 200, r.text
    report = r.json()
    # A bureau sees its own city's rows only.
    assert {x["city"] for x in report["rows"]} == {LZ}
    lz = row(report, LZ, "transfer.tech-contracts")
    assert (lz["received"], lz["overdue"], lz["pending"]) == (5, 0, 1)
    # Zone statistics: Q1 is overdue (04-15 passed), Q2 (due 07-15) is still pending.
    zones = row(report, LZ, "enterprise.zone-quarter-stats")
    assert (zones["expected"], zones["overdue"], zones["pending"]) == (2, 1, 1)
