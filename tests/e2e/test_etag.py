"""Indicator ETags across real processes: the gateway relays the 304, and a report made
again after a write reflects it at once (reporting revalidates, never serves stale).

The stack is shared: the demand it writes is dated 2014-H1, a period no other
end-to-end test reads."""

from __future__ import annotations

from tests.e2e.conftest import Stack
from tests.e2e.gw import api_key
from tests.e2e.test_platform import demand

H1 = {"from": "2014-01-01", "to": "2014-06-30"}


def test_revalidation_through_the_gateway_and_a_fresh_report(stack: Stack) -> None:
    admin = api_key(stack, "admin")
    with stack.client(admin) as c:
        first = c.get("/api/projects/v1/indicators", params=H1)
        assert first.status_code == 200, first.text
        etag = first.headers["etag"]
        same = c.get("/api/projects/v1/indicators", params=H1, headers={"If-None-Match": etag})
        assert same.status_code == 304
        assert same.content == b""

        def collected() -> int:
            r = c.get("/api/reporting/v1/reports/consolidated", params={"period": "2014-H1"})
            assert r.status_code == 200, r.text
            row = next(
                i
                for i in r.json()["indicators"]
                if i["code"] == "projects.challenge_demands_collected"
            )
            return int(row["value"])

        before = collected()
        assert collected() == before  # answered from revalidated copies
        r = c.post(
            "/api/projects/v1/challenge-demands",
            json=demand(submitted_on="2014-03-01", city="450100"),
        )
        assert r.status_code == 201, r.text
        assert collected() == before + 1
        moved = c.get("/api/projects/v1/indicators", params=H1, headers={"If-None-Match": etag})
        assert moved.status_code == 200
        assert moved.headers["etag"] != etag
