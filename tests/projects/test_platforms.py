from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from projects_service.main import create_app

from .helpers import LIUZHOU, NANNING, platform

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def make_batch(admin: Any, number: int = 9) -> dict[str, Any]:
    r = await admin.post("/v1/key-lab-batches", json={"number": number, "opened_on": "2023-04-01"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def application(batch_id: str, **over: Any) -> dict[str, Any]:
    body = {
        "batch_id": batch_id,
        "lab_name": "广西海洋生态重点实验室",
        "organisation_name": "某研究所",
        "city": NANNING,
        "submitted_on": "2023-05-01",
    }
    return body | over


class TestPlatforms:
    async def test_create_filter_and_revoke(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await admin.post("/v1/platforms", json=platform())
        assert r.status_code == 201, r.text
        pid = r.json()["id"]
        await admin.post(
            "/v1/platforms",
            json=platform(name="联合实验室", kind="joint_state_key_lab", approved_on=None),
        )
        items = (
            await svc.as_("analyst").get("/v1/platforms", params={"kind": "joint_state_key_lab"})
        ).json()["items"]
        assert [i["name"] for i in items] == ["联合实验室"]
        r = await admin.patch(f"/v1/platforms/{pid}", json={"status": "revoked"})
        assert r.json()["status"] == "revoked"

    async def test_unknown_kind_and_level_are_422(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/platforms", json=platform(kind="lab", level="provincial", city="999999")
        )
        assert r.status_code == 422
        fields = {e["field"] for e in r.json()["errors"]}
        assert {"body.kind", "body.level", "body.city"} <= fields

    async def test_city_bureau_reads_only_its_city_and_cannot_write(self, svc: Any) -> None:
        admin = svc.as_("admin")
        mine = (await admin.post("/v1/platforms", json=platform())).json()
        other = (await admin.post("/v1/platforms", json=platform(city=LIUZHOU))).json()
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/platforms/{mine['id']}")).status_code == 200
        r = await bureau.get(f"/v1/platforms/{other['id']}")
        assert r.status_code == 404
        assert r.json()["code"] == "platform_not_found"
        assert {i["city"] for i in (await bureau.get("/v1/platforms")).json()["items"]} == {NANNING}
        assert (await bureau.post("/v1/platforms", json=platform())).status_code == 403


class TestKeyLabApplications:
    async def test_batch_label_and_duplicate_number(self, svc: Any) -> None:
        admin = svc.as_("admin")
        batch = await make_batch(admin)
        assert batch["label"] == "第9批"
        r = await admin.post("/v1/key-lab-batches", json={"number": 9, "opened_on": "2023-04-01"})
        assert r.status_code == 409
        assert r.json()["code"] == "batch_number_taken"

    async def test_city_bureau_applies_for_its_city_only(self, svc: Any) -> None:
        admin = svc.as_("admin")
        batch = await make_batch(admin)
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post("/v1/key-lab-applications", json=application(batch["id"]))
        assert r.status_code == 201, r.text
        r = await bureau.post(
            "/v1/key-lab-applications", json=application(batch["id"], city=LIUZHOU)
        )
        assert r.status_code == 403
        other = (
            await admin.post(
                "/v1/key-lab-applications", json=application(batch["id"], city=LIUZHOU)
            )
        ).json()
        items = (await bureau.get("/v1/key-lab-applications")).json()["items"]
        assert {i["city"] for i in items} == {NANNING}
        r = await bureau.patch(
            f"/v1/key-lab-applications/{other['id']}", json={"status": "withdrawn"}
        )
        assert r.status_code == 404
        assert r.json()["code"] == "key_lab_application_not_found"

    async def test_unknown_batch_is_404(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/key-lab-applications",
            json=application("00000000-0000-0000-0000-000000000000"),
        )
        assert r.status_code == 404
        assert r.json()["code"] == "key_lab_batch_not_found"
