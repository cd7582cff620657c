from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from projects_service.main import create_app

from .helpers import LIUZHOU, NANNING, project

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


class TestFundedProjects:
    async def test_create_read_with_milestones(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await admin.post("/v1/funded-projects", json=project())
        assert r.status_code == 201, r.text
        pid = r.json()["id"]
        assert r.json()["funding_amount"] == "5000000.00"
        assert r.json()["status"] == "approved"
        m = await admin.post(
            f"/v1/funded-projects/{pid}/milestones",
            json={"name": "中期检查", "due_on": "2024-03-31"},
        )
        assert m.status_code == 201, m.text
        done = await admin.patch(
            f"/v1/funded-projects/{pid}/milestones/{m.json()['id']}", json={"done_on": "2024-03-20"}
        )
        assert done.status_code == 200, done.text
        got = (await svc.as_("analyst").get(f"/v1/funded-projects/{pid}")).json()
        assert [(x["name"], x["done_on"]) for x in got["milestones"]] == [
            ("中期检查", "2024-03-20")
        ]

    async def test_duplicate_code_is_409(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await admin.post("/v1/funded-projects", json=project())
        r = await admin.post("/v1/funded-projects", json=project(name="另一个"))
        assert r.status_code == 409
        assert r.json()["code"] == "project_code_taken"

    async def test_bad_category_money_uscc(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/funded-projects",
            json=project(category="basic", funding_amount="-1", lead_organisation_uscc="X"),
        )
        assert r.status_code == 422
        fields = {e["field"] for e in r.json()["errors"]}
        assert {"body.category", "body.funding_amount", "body.lead_organisation_uscc"} <= fields

    async def test_cancel_and_filter(self, svc: Any) -> None:
        admin = svc.as_("admin")
        pid = (await admin.post("/v1/funded-projects", json=project())).json()["id"]
        await admin.post("/v1/funded-projects", json=project(project_code="K-1", category="key_rd"))
        r = await admin.patch(f"/v1/funded-projects/{pid}", json={"status": "cancelled"})
        assert r.json()["status"] == "cancelled"
        items = (await admin.get("/v1/funded-projects", params={"category": "key_rd"})).json()[
            "items"
        ]
        assert [i["project_code"] for i in items] == ["K-1"]

    async def test_milestone_of_another_project_is_404(self, svc: Any) -> None:
        admin = svc.as_("admin")
        a = (await admin.post("/v1/funded-projects", json=project())).json()["id"]
        b = (await admin.post("/v1/funded-projects", json=project(project_code="B"))).json()["id"]
        m = (
            await admin.post(
                f"/v1/funded-projects/{a}/milestones", json={"name": "x", "due_on": "2024-01-01"}
            )
        ).json()
        r = await admin.patch(
            f"/v1/funded-projects/{b}/milestones/{m['id']}", json={"done_on": "2024-01-01"}
        )
        assert r.status_code == 404
        assert r.json()["code"] == "milestone_not_found"


class TestCityScope:
    async def test_city_bureau_reads_and_writes_only_its_city(self, svc: Any) -> None:
        admin = svc.as_("admin")
        mine = (await admin.post("/v1/funded-projects", json=project())).json()
        other = (
            await admin.post("/v1/funded-projects", json=project(project_code="LZ-1", city=LIUZHOU))
        ).json()
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/funded-projects/{mine['id']}")).status_code == 200
        r = await bureau.get(f"/v1/funded-projects/{other['id']}")
        assert r.status_code == 404
        assert r.json()["code"] == "funded_project_not_found"
        items = (await bureau.get("/v1/funded-projects")).json()["items"]
        assert {i["city"] for i in items} == {NANNING}
        assert (await bureau.get("/v1/funded-projects", params={"city": LIUZHOU})).json()[
            "items"
        ] == []
        r = await bureau.patch(f"/v1/funded-projects/{other['id']}", json={"status": "cancelled"})
        assert r.status_code == 404
        r = await bureau.post(
            f"/v1/funded-projects/{other['id']}/milestones",
            json={"name": "x", "due_on": "2024-01-01"},
        )
        assert r.status_code == 404
        r = await bureau.post("/v1/funded-projects", json=project(project_code="X", city=LIUZHOU))
        assert r.status_code == 403
        assert r.json()["code"] == "city_not_allowed"
        r = await bureau.post("/v1/funded-projects", json=project(project_code="Y"))
        assert r.status_code == 201

    async def test_analyst_reads_but_cannot_write(self, svc: Any) -> None:
        r = await svc.as_("analyst").post("/v1/funded-projects", json=project())
        assert r.status_code == 403
        assert (await svc.as_("bank", bank="B1").get("/v1/funded-projects")).status_code == 403
