"""End to end through the gateway: real processes, real keys, real PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.e2e.gw import api_key

NANNING, LIUZHOU = "450100", "450200"


def demand(**over: Any) -> dict[str, Any]:
    body = {
        "title": "高端轴承材料攻关",
        "organisation_name": "南宁某企业",
        "organisation_uscc": "914501005794165304",
        "city": NANNING,
        "field": "新材料",
        "budget": "2000000.00",
        "submitted_on": "2023-03-15",
    }
    body.update(over)
    return body


@pytest.fixture(scope="module")
def admin_key(stack: Stack) -> str:
    return api_key(stack, "admin")


class TestGatewayIdentity:
    def test_health_through_gateway(self, stack: Stack) -> None:
        assert httpx.get(stack.gateway + "/healthz").status_code == 200

    def test_no_key_is_401_problem(self, stack: Stack) -> None:
        with stack.client() as c:
            r = c.get("/api/projects/v1/challenge-demands")
        assert r.status_code == 401
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "missing_credentials"

    def test_bad_key_is_401(self, stack: Stack) -> None:
        with stack.client("gxk_not-a-real-key") as c:
            r = c.get("/api/projects/v1/challenge-demands")
        assert r.status_code == 401
        assert r.json()["code"] == "invalid_api_key"

    def test_direct_call_without_principal_is_401(self, stack: Stack) -> None:
        paths = dict.fromkeys(
            ("projects", "enterprise", "talent", "transfer"),
            "/v1/indicators?from=2023-01-01&to=2023-06-30",
        )
        paths["reporting"] = "/v1/reports/consolidated?period=2023-H1"
        for name, path in paths.items():
            r = httpx.get(stack.urls[name] + path)
            assert r.status_code == 401, name
            assert r.json()["code"] == "unauthorized"

    def test_forged_principal_header_is_not_forwarded(self, stack: Stack, admin_key: str) -> None:
        bureau = api_key(stack, "city_bureau", city=LIUZHOU)
        with stack.client(admin_key) as c:
            rec = c.post("/api/projects/v1/challenge-demands", json=demand()).json()
        # The gateway replaces any client-supplied principal with the key's own.
        with stack.client(bureau, headers={"X-Principal": "forged"}) as c:
            r = c.get(f"/api/projects/v1/challenge-demands/{rec['id']}")
        assert r.status_code == 404

    def test_request_id_and_trace_come_back(self, stack: Stack, admin_key: str) -> None:
        tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        with stack.client(admin_key) as c:
            r = c.get(
                "/api/projects/v1/challenge-demands",
                headers={"X-Request-ID": "req-e2e-1", "traceparent": tp},
            )
        assert r.status_code == 200
        assert r.headers["x-request-id"] == "req-e2e-1"
        assert r.headers["traceparent"].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")


class TestCityScoping:
    def test_city_bureau_cannot_read_other_city(self, stack: Stack, admin_key: str) -> None:
        with stack.client(admin_key) as c:
            rec = c.post("/api/projects/v1/challenge-demands", json=demand()).json()
        liuzhou = api_key(stack, "city_bureau", city=LIUZHOU)
        nanning = api_key(stack, "city_bureau", city=NANNING)
        with stack.client(liuzhou) as c:
            assert c.get(f"/api/projects/v1/challenge-demands/{rec['id']}").status_code == 404
            ids = [d["id"] for d in c.get("/api/projects/v1/challenge-demands").json()["items"]]
            assert rec["id"] not in ids
        with stack.client(nanning) as c:
            assert c.get(f"/api/projects/v1/challenge-demands/{rec['id']}").status_code == 200
