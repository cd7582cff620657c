"""The trend API (one figure over half-years) and the latest half-year with data."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from reporting_service.main import create_app
from tests.reporting.fakes import FakeWorkstreams, count, money

pytestmark = pytest.mark.asyncio(loop_scope="session")
NANNING, GUILIN = "450100", "450300"
TREND = "/v1/reports/trend"
LATEST = "/v1/reports/latest-period"
VALUE = "transfer.contract_value"


def half(start: str, contracts: str, demands: int) -> tuple[str, dict[str, Any]]:
    return start, {
        # All of a half-year's demands are Guilin's, so a city's latest period has data too.
        "projects": [
            count(
                "projects.challenge_demands_collected",
                demands,
                {GUILIN: demands} if demands else None,
            )
        ],
        "enterprise": [count("enterprise.hitech_zones", 12)],  # a stock: never "data"
        "talent": [],
        "transfer": [
            money("transfer.contract_value", contracts),
            count("transfer.contracts_total", demands * 10),
        ],
    }


def dataset() -> dict[Any, dict[str, list[dict[str, Any]]]]:
    figures: dict[Any, dict[str, list[dict[str, Any]]]] = dict(
        [
            half("2021-01-01", "100000000.00", 3),
            half("2021-07-01", "0", 0),
            half("2022-01-01", "250000000.00", 5),
            half("2022-07-01", "300000000.00", 8),
            half("2023-01-01", "1037000000.00", 13),
        ]
    )
    # Every later half-year: only the stock, which is not data.
    for year in range(2023, 2031):
        for start in (f"{year}-01-01", f"{year}-07-01"):
            figures.setdefault(start, half(start, "0", 0)[1])
    return figures


@pytest_asyncio.fixture(loop_scope="session")
async def reporting(service_client_factory: Any) -> Any:
    svc = await service_client_factory("reporting", create_app)
    svc.fake = FakeWorkstreams(dataset())
    svc.app.state.workstreams = svc.fake.clients()
    return svc


async def test_trend_is_one_call_per_half_year_to_the_owning_service(reporting: Any) -> None:
    reporting.fake.calls.clear()
    r = await reporting.as_("analyst").get(
        TREND, params={"code": "transfer.contract_value", "from": "2021-H1", "to": "2023-H1"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit"] == "亿元"
    assert [p["period"] for p in body["points"]] == [
        "2021-H1",
        "2021-H2",
        "2022-H1",
        "2022-H2",
        "2023-H1",
    ]
    assert [p["value"] for p in body["points"]] == ["1.00", "0.00", "2.50", "3.00", "10.37"]
    assert body["points"][-1]["title"] == "2023年上半年"
    assert body["points"][-1]["raw_value"] == "1037000000.00"
    # Only transfer was asked, once per half-year: no full report per period.
    assert sorted(reporting.fake.calls) == sorted(
        ("transfer", d)
        for d in ("2021-01-01", "2021-07-01", "2022-01-01", "2022-07-01", "2023-01-01")
    )


async def test_trend_is_scoped_for_a_city_bureau(reporting: Any) -> None:
    guilin = reporting.as_("city_bureau", city=GUILIN)
    q = {"code": "projects.challenge_demands_collected", "from": "2022-H1", "to": "2023-H1"}
    r = await guilin.get(TREND, params=q)
    assert r.status_code == 200, r.text
    assert r.json()["city"] == GUILIN
    r = await guilin.get(TREND, params={**q, "city": NANNING})
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"code": "nope.nothing", "from": "2021-H1", "to": "2023-H1"}, "unknown_indicator"),
        ({"code": VALUE, "from": "2023-H1", "to": "2021-H1"}, "period_reversed"),
        ({"code": VALUE, "from": "2021-Q1", "to": "2023-H1"}, "invalid_period"),
        ({"code": VALUE, "from": "2000-H1", "to": "2023-H1"}, "trend_too_long"),
    ],
)
async def test_trend_refuses_bad_queries(reporting: Any, params: dict[str, str], code: str) -> None:
    r = await reporting.as_("admin").get(TREND, params=params)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == code


async def test_trend_names_a_down_service(reporting: Any) -> None:
    reporting.fake.down.add("transfer")
    try:
        r = await reporting.as_("admin").get(
            TREND, params={"code": "transfer.contract_value", "from": "2022-H1", "to": "2023-H1"}
        )
    finally:
        reporting.fake.down.clear()
    assert r.status_code == 503
    assert r.json()["service"] == "transfer"


async def test_latest_period_skips_empty_half_years_and_stocks(reporting: Any) -> None:
    r = await reporting.as_("admin").get(LATEST)
    assert r.status_code == 200, r.text
    body = r.json()
    # 2023-H2 onwards hold only a stock figure (high-tech zones), which is not data.
    assert body["period"] == "2023-H1"
    assert body["title"] == "2023年上半年"
    assert (body["from"], body["to"]) == ("2023-01-01", "2023-06-30")
    assert body["missing_services"] == []


async def test_latest_period_with_a_service_down_names_it(reporting: Any) -> None:
    reporting.fake.down.add("talent")
    try:
        r = await reporting.as_("city_bureau", city=GUILIN).get(LATEST)
    finally:
        reporting.fake.down.clear()
    assert r.status_code == 200, r.text
    assert r.json()["period"] == "2023-H1"
    assert r.json()["city"] == GUILIN
    assert r.json()["missing_services"] == ["talent"]


async def test_latest_period_is_null_without_data(reporting: Any) -> None:
    saved = reporting.fake.figures
    reporting.fake.figures = {}
    try:
        r = await reporting.as_("admin").get(LATEST)
    finally:
        reporting.fake.figures = saved
    assert r.status_code == 200, r.text
    assert r.json()["period"] is None


async def test_report_rows_say_how_they_compare(reporting: Any) -> None:
    r = await reporting.as_("admin").get("/v1/reports/consolidated", params={"period": "2023-H1"})
    rows = {i["code"]: i for i in r.json()["indicators"]}
    assert rows["transfer.contract_value"]["compare"] == "pct"
    # The contract count is compared as an absolute number (+80项), as the documents do.
    assert rows["transfer.contracts_total"]["compare"] == "abs"
    assert rows["transfer.contracts_total"]["change_abs"] == 80


async def test_a_partial_report_names_the_missing_figures(reporting: Any) -> None:
    reporting.fake.down.add("talent")
    try:
        r = await reporting.as_("admin").get(
            "/v1/reports/consolidated", params={"period": "2023-H1", "allow_partial": "true"}
        )
    finally:
        reporting.fake.down.clear()
    missing = {m["code"]: m for m in r.json()["missing"]}
    days = missing["talent.commissioner_service_days"]
    assert (days["label"], days["section"], days["service"]) == ("下乡服务天次", 5, "talent")
