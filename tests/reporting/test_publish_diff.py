"""A publish diff lists only the figures whose exact value moved."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from reporting_service.main import create_app
from tests.reporting.fakes import FakeWorkstreams, count, money

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def reporting(service_client_factory: Any) -> Any:
    svc = await service_client_factory("reporting", create_app)
    svc.fake = FakeWorkstreams(
        {
            year: {
                "projects": [count("projects.challenge_demands_collected", 10 + year % 2)],
                "enterprise": [money("enterprise.loan_amount", "123456789.01")],
                "talent": [],
                "transfer": [
                    money("transfer.contract_value", "1037000000.00"),
                    count("transfer.contracts_total", 1500),
                ],
            }
            for year in (2022, 2023)
        }
    )
    svc.app.state.workstreams = svc.fake.clients()
    return svc


async def test_nothing_moved_nothing_listed_then_one_yuan_is_listed(reporting: Any) -> None:
    admin = reporting.as_("admin")
    r = await admin.post(
        "/v1/reports/published",
        json={"period": "2023-H1", "approval_override": "测试：未经审核发布"},
    )
    assert r.status_code == 201, r.text
    report_id = r.json()["id"]
    diff = (await admin.get(f"/v1/reports/published/{report_id}/diff")).json()
    assert diff["changed"] == []
    assert diff["unchanged"] >= 4

    # One yuan more: the rounded figure reads the same, the exact one moved.
    reporting.fake.figures[2023]["transfer"][0]["value"] = "1037000001.00"
    diff = (await admin.get(f"/v1/reports/published/{report_id}/diff")).json()
    assert [c["code"] for c in diff["changed"]] == ["transfer.contract_value"]
    change = diff["changed"][0]
    assert change["published"] == change["live"] == "10.37"
    assert (change["published_raw"], change["live_raw"]) == ("1037000000.00", "1037000001.00")
