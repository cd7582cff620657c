from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from projects_service.main import create_app

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
USCC_NANNING = "914501005794165304"


def demand(**over: Any) -> dict[str, Any]:
    body = {
        "title": "高端轴承材料",
        "organisation_name": "南宁某企业",
        "organisation_uscc": USCC_NANNING,
        "city": NANNING,
        "field": "新材料",
        "goal": "国产替代",
        "budget": "1500000.50",
        "submitted_on": "2023-03-01",
    }
    body.update(over)
    return body


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


class TestCreate:
    async def test_admin_creates_and_money_is_exact(self, svc: Any) -> None:
        r = await svc.as_("admin").post("/v1/challenge-demands", json=demand())
        assert r.status_code == 201, r.text
        assert r.json()["budget"] == "1500000.50"
        got = await svc.as_("analyst").get(f"/v1/challenge-demands/{r.json()['id']}")
        assert got.status_code == 200
        assert got.json()["title"] == "高端轴承材料"

    async def test_bad_uscc_date_and_money_are_problems(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/challenge-demands",
            json=demand(
                organisation_uscc="91350100M0001TGQXM",
                submitted_on="2023-02-30",
                budget="1.234",
                city="440100",
            ),
        )
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["code"] == "validation_error"
        fields = {e["field"] for e in body["errors"]}
        assert {
            "body.organisation_uscc",
            "body.submitted_on",
            "body.budget",
            "body.city",
        } <= fields

    async def test_analyst_cannot_write(self, svc: Any) -> None:
        r = await svc.as_("analyst").post("/v1/challenge-demands", json=demand())
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"


class TestAuth:
    async def test_no_principal_is_401(self, svc: Any) -> None:
        r = await svc.http.get("/v1/challenge-demands")
        assert r.status_code == 401
        assert r.json()["code"] == "unauthorized"

    async def test_forged_principal_is_401(self, svc: Any) -> None:
        r = await svc.http.get("/v1/challenge-demands", headers={"X-Principal": "a.b.c"})
        assert r.status_code == 401

    async def test_health_needs_no_principal(self, svc: Any) -> None:
        assert (await svc.http.get("/healthz")).status_code == 200
        assert (await svc.http.get("/readyz")).status_code == 200


class TestCityScope:
    async def test_city_bureau_sees_only_its_city(self, svc: Any) -> None:
        admin = svc.as_("admin")
        mine = (await admin.post("/v1/challenge-demands", json=demand())).json()
        other = (
            await admin.post("/v1/challenge-demands", json=demand(city=LIUZHOU, title="柳州需求"))
        ).json()
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/challenge-demands/{mine['id']}")).status_code == 200
        r = await bureau.get(f"/v1/challenge-demands/{other['id']}")
        assert r.status_code == 404
        assert r.json()["code"] == "challenge_demand_not_found"
        listed = (await bureau.get("/v1/challenge-demands")).json()["items"]
        assert {d["city"] for d in listed} == {NANNING}

    async def test_city_bureau_cannot_write_other_city(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post("/v1/challenge-demands", json=demand(city=LIUZHOU))
        assert r.status_code == 403
        assert r.json()["code"] == "city_not_allowed"


class TestListing:
    async def test_keyset_pages_cover_everything_once(self, svc: Any) -> None:
        admin = svc.as_("admin")
        for day in range(1, 8):
            await admin.post("/v1/challenge-demands", json=demand(submitted_on=f"2023-01-0{day}"))
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            page = (await admin.get("/v1/challenge-demands", params=params)).json()
            seen += [d["id"] for d in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 7 == len(set(seen))


class TestIndicators:
    async def test_collected_counts_period_edges_and_cities(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await admin.post("/v1/challenge-demands", json=demand(submitted_on="2023-01-01"))
        await admin.post("/v1/challenge-demands", json=demand(submitted_on="2023-06-30"))
        await admin.post(
            "/v1/challenge-demands", json=demand(submitted_on="2023-06-30", city=LIUZHOU)
        )
        await admin.post("/v1/challenge-demands", json=demand(submitted_on="2023-07-01"))
        await admin.post("/v1/challenge-demands", json=demand(submitted_on="2022-12-31"))
        r = await admin.get("/v1/indicators", params={"from": "2023-01-01", "to": "2023-06-30"})
        assert r.status_code == 200, r.text
        fig = {f["code"]: f for f in r.json()["indicators"]}["projects.challenge_demands_collected"]
        assert fig["value"] == 3
        assert fig["by_city"] == {NANNING: 2, LIUZHOU: 1}
        recs = await admin.get(
            "/v1/indicators/projects.challenge_demands_collected/records",
            params={"from": "2023-01-01", "to": "2023-06-30", "city": NANNING},
        )
        assert len(recs.json()["items"]) == 2

    async def test_city_bureau_figures_are_scoped(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await admin.post("/v1/challenge-demands", json=demand())
        await admin.post("/v1/challenge-demands", json=demand(city=LIUZHOU))
        bureau = svc.as_("city_bureau", city=LIUZHOU)
        r = await bureau.get("/v1/indicators", params={"from": "2023-01-01", "to": "2023-06-30"})
        fig = {f["code"]: f for f in r.json()["indicators"]}["projects.challenge_demands_collected"]
        assert fig["value"] == 1
        r = await bureau.get(
            "/v1/indicators", params={"from": "2023-01-01", "to": "2023-06-30", "city": NANNING}
        )
        assert r.status_code == 403

    async def test_reversed_period_is_a_problem(self, svc: Any) -> None:
        r = await svc.as_("admin").get(
            "/v1/indicators", params={"from": "2023-06-30", "to": "2023-01-01"}
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "period_reversed"
