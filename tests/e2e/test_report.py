"""The consolidated report assembled over real HTTP from real service processes."""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.conftest import Stack
from tests.e2e.gw import api_key
from tests.e2e.test_platform import demand


def figure(report: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in report["indicators"] if i["code"] == code)


class TestConsolidatedReport:
    def test_figures_and_comparison_through_gateway(self, stack: Stack) -> None:
        admin = api_key(stack, "admin")
        with stack.client(admin) as c:
            # 2021-H1 (three, one on the last day) against 2020-H1 (two); 2021-07-01 is outside.
            for day, city in [
                ("2021-01-01", "450100"),
                ("2021-06-30", "450100"),
                ("2021-04-01", "450300"),
                ("2021-07-01", "450100"),
                ("2020-02-29", "450100"),
                ("2020-06-30", "450300"),
            ]:
                r = c.post(
                    "/api/projects/v1/challenge-demands",
                    json=demand(submitted_on=day, city=city),
                )
                assert r.status_code == 201, r.text
            r = c.get("/api/reporting/v1/reports/consolidated", params={"period": "2021-H1"})
        assert r.status_code == 200, r.text
        report = r.json()
        assert report["from"] == "2021-01-01"
        assert report["to"] == "2021-06-30"
        assert report["title"] == "2021年上半年重点工作情况"
        fig = figure(report, "projects.challenge_demands_collected")
        assert fig["value"] == 3
        assert fig["previous"] == 2
        assert fig["change_abs"] == 1
        assert fig["change_pct"] == "50.0"
        assert fig["by_city"] == {"450100": 2, "450300": 1}
        # Every workstream service contributed figures.
        assert {i["service"] for i in report["indicators"]} == {
            "projects",
            "enterprise",
            "talent",
            "transfer",
        }

    def test_city_bureau_gets_its_own_city(self, stack: Stack) -> None:
        key = api_key(stack, "city_bureau", city="450300")
        with stack.client(key) as c:
            r = c.get("/api/reporting/v1/reports/consolidated", params={"period": "2021-H1"})
            assert r.status_code == 200, r.text
            assert r.json()["city"] == "450300"
            other = c.get(
                "/api/reporting/v1/reports/consolidated",
                params={"period": "2021-H1", "city": "450100"},
            )
            assert other.status_code == 403

    def test_stopped_service_gives_503_naming_it(self, stack: Stack) -> None:
        admin = api_key(stack, "admin")
        stack.stop("transfer")
        try:
            started = time.monotonic()
            with stack.client(admin) as c:
                r = c.get("/api/reporting/v1/reports/consolidated", params={"period": "2021-H1"})
            assert r.status_code == 503
            assert r.headers["content-type"] == "application/problem+json"
            body = r.json()
            assert body["code"] == "upstream_unavailable"
            assert body["service"] == "transfer"
            assert "transfer" in body["detail"]
            assert time.monotonic() - started < 15

            started = time.monotonic()
            with stack.client(admin) as c:
                r = c.get(
                    "/api/reporting/v1/reports/consolidated",
                    params={"period": "2021-H1", "allow_partial": "true"},
                )
            elapsed = time.monotonic() - started
            assert r.status_code == 200, r.text
            partial = r.json()
            assert partial["partial"] is True
            missing = partial["missing"]
            assert missing
            assert {m["service"] for m in missing} == {"transfer"}
            assert all(m["reason"] for m in missing)
            assert all(m["code"].startswith("transfer.") for m in missing)
            # Every other service's figures are there; none of transfer's.
            services = {i["service"] for i in partial["indicators"]}
            assert services == {"projects", "enterprise", "talent"}
            # Within the deadline (10 s by default); a refused connection fails fast.
            assert elapsed < 10
        finally:
            stack.start("transfer")
        with stack.client(admin) as c:
            r = c.get("/api/reporting/v1/reports/consolidated", params={"period": "2021-H1"})
        assert r.status_code == 200
