"""The projects record kinds the lock guards by trigger (projects_service.period_locks):
innovation platforms and key-lab applications, by request. Nanning's 2023-H1 is locked."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from projects_service.main import create_app

from .helpers import LIUZHOU, NANNING, platform

pytestmark = pytest.mark.asyncio(loop_scope="session")
IN, OUT = "2023-03-01", "2023-07-01"
LOCK = {"start": "2023-01-01", "end": "2023-06-30"}


@pytest_asyncio.fixture(loop_scope="session")
async def admin(service_client_factory: Any) -> Any:
    svc = await service_client_factory("projects", create_app)
    r = await svc.as_("service").put(f"/v1/period-locks/{NANNING}/2023-H1", json=LOCK)
    assert r.status_code == 200, r.text
    admin = svc.as_("admin")
    admin.service = svc.as_("service")
    return admin


def locked(r: Any) -> None:
    assert (r.status_code, r.json()["code"]) == (409, "period_locked"), r.text


async def test_platforms(admin: Any) -> None:
    locked(await admin.post("/v1/platforms", json=platform(approved_on=IN)))
    joint = platform(kind="joint_state_key_lab", approved_on=None, plan_approved_on=IN)
    locked(await admin.post("/v1/platforms", json=joint))
    assert (await admin.post("/v1/platforms", json=platform(approved_on=OUT))).status_code == 201
    r = await admin.post("/v1/platforms", json=platform(city=LIUZHOU, approved_on=IN))
    assert r.status_code == 201, r.text
    # A regional platform feeds no figure: its date does not matter.
    r = await admin.post("/v1/platforms", json=platform(level="regional", approved_on=IN))
    assert r.status_code == 201, r.text
    old = (await admin.post("/v1/platforms", json=platform(approved_on="2022-05-01"))).json()
    locked(await admin.patch(f"/v1/platforms/{old['id']}", json={"approved_on": IN}))
    r = await admin.patch(f"/v1/platforms/{old['id']}", json={"status": "revoked"})
    assert r.status_code == 200, r.text  # 2022's figure, not a locked one


async def test_key_lab_applications(admin: Any) -> None:
    batch = await admin.post("/v1/key-lab-batches", json={"number": 9, "opened_on": "2023-01-01"})
    assert batch.status_code == 201, batch.text

    def body(**over: Any) -> dict[str, Any]:
        return {
            "batch_id": batch.json()["id"],
            "lab_name": "广西海洋生态重点实验室",
            "organisation_name": "某研究所",
            "city": NANNING,
            "submitted_on": IN,
        } | over

    locked(await admin.post("/v1/key-lab-applications", json=body()))
    r = await admin.post("/v1/key-lab-applications", json=body(city=LIUZHOU))
    assert r.status_code == 201, r.text
    r = await admin.post("/v1/key-lab-applications", json=body(submitted_on=OUT))
    assert r.status_code == 201, r.text
    withdraw = {"status": "withdrawn"}
    r = await admin.patch(f"/v1/key-lab-applications/{r.json()['id']}", json=withdraw)
    assert r.status_code == 200, r.text  # dated after the period
    service = admin.service
    await service.delete(f"/v1/period-locks/{NANNING}/2023-H1")
    made = (await admin.post("/v1/key-lab-applications", json=body())).json()
    await service.put(f"/v1/period-locks/{NANNING}/2023-H1", json=LOCK)
    locked(await admin.patch(f"/v1/key-lab-applications/{made['id']}", json=withdraw))
