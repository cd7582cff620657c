"""Corrections and withdrawals of commissioner service logs (shared_kit.corrections)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.talent.conftest import (
    LIUZHOU,
    LIUZHOU_COUNTY,
    LIUZHOU_VILLAGE,
    NANNING,
    NANNING_VILLAGE_2,
    indicators,
)
from tests.talent.test_commissioners import commissioner, dispatch, service_log

pytestmark = pytest.mark.asyncio(loop_scope="session")
H1 = ("2023-01-01", "2023-06-30")
DAYS, VILLAGES = "talent.commissioner_service_days", "talent.commissioner_villages_served"


async def days(client: Any, city: str = NANNING) -> int:
    fig = (await indicators(client, *H1))[DAYS]
    return int((fig["by_city"] or {}).get(city) or 0)


async def a_log(svc: Any, served_on: str, **over: Any) -> dict[str, Any]:
    admin = svc.as_("admin")
    c = await commissioner(admin)
    d = await dispatch(admin, c["id"])
    return await service_log(admin, d["id"], served_on=served_on, **over)


async def test_withdrawal_and_correction_move_the_service_days(svc: Any) -> None:
    log = await a_log(svc, "2023-05-11", days=4)
    nanning = svc.as_("city_bureau", city=NANNING)
    before = await days(nanning)

    r = await nanning.post(
        f"/v1/commissioner-service-logs/{log['id']}/corrections",
        json={"changes": {"days": 6, "village_code": NANNING_VILLAGE_2}, "reason": "天数漏记"},
    )
    assert r.status_code == 200, r.text
    assert await days(nanning) == before + 2

    r = await nanning.post(
        f"/v1/commissioner-service-logs/{log['id']}/withdraw", json={"reason": "重复录入"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["withdrawal_reason"]) == ("withdrawn", "重复录入")
    assert await days(nanning) == before - 4
    listed = (await nanning.get("/v1/commissioner-service-logs", params={"limit": 1000})).json()
    assert log["id"] not in {x["id"] for x in listed["items"]}
    asked = await nanning.get("/v1/commissioner-service-logs", params={"status": "withdrawn"})
    assert log["id"] in {x["id"] for x in asked.json()["items"]}
    history = (await nanning.get(f"/v1/commissioner-service-logs/{log['id']}/corrections")).json()
    assert [(h["action"], h["reason"]) for h in history] == [
        ("correct", "天数漏记"),
        ("withdraw", "重复录入"),
    ]
    assert history[0]["before"]["days"] == 4
    assert history[0]["after"]["days"] == 6

    r = await nanning.post(
        f"/v1/commissioner-service-logs/{log['id']}/corrections",
        json={"changes": {"days": 1}, "reason": "再改"},
    )
    assert r.status_code == 409
    assert r.json()["code"] == "record_withdrawn"


async def test_checks_scope_and_department_fields(svc: Any) -> None:
    log = await a_log(svc, "2023-05-12")
    nanning = svc.as_("city_bureau", city=NANNING)
    liuzhou = svc.as_("city_bureau", city=LIUZHOU)
    base = f"/v1/commissioner-service-logs/{log['id']}"
    r = await liuzhou.post(f"{base}/withdraw", json={"reason": "r"})
    assert r.status_code == 404
    r = await nanning.post(f"{base}/withdraw", json={"reason": " "})
    assert r.status_code == 422
    assert r.json()["code"] == "reason_required"
    # A village outside the dispatch's city is refused as at creation.
    r = await nanning.post(
        f"{base}/corrections", json={"changes": {"village_code": LIUZHOU_VILLAGE}, "reason": "r"}
    )
    assert r.status_code == 422
    assert r.json()["code"] == "correction_invalid"
    assert r.json()["errors"][0]["code"] == "village_not_in_city"

    # Another dispatch (here in Liuzhou) is the department's decision.
    admin = svc.as_("admin")
    other = await dispatch(
        admin, (await commissioner(admin))["id"], city=LIUZHOU, county=LIUZHOU_COUNTY
    )
    change = {"dispatch_id": other["id"], "village_code": LIUZHOU_VILLAGE}
    r = await nanning.post(f"{base}/corrections", json={"changes": change, "reason": "派错"})
    assert r.status_code == 403
    assert r.json()["code"] == "correction_not_allowed"
    filed = await nanning.post(
        f"{base}/correction-requests", json={"changes": change, "reason": "派错"}
    )
    assert filed.status_code == 201, filed.text
    r = await admin.post(f"/v1/correction-requests/{filed.json()['id']}/approve", json={})
    assert r.status_code == 200, r.text
    got = (await admin.get(base)).json()
    assert (got["city"], got["dispatch_id"]) == (LIUZHOU, other["id"])
    assert (await nanning.get(base)).status_code == 404


async def test_a_withdrawn_dispatch_and_its_service_stop_counting(svc: Any) -> None:
    admin = svc.as_("admin")
    nanning = svc.as_("city_bureau", city=NANNING)
    c = await commissioner(admin)
    d = await dispatch(admin, c["id"])
    await service_log(admin, d["id"], served_on="2023-05-20", days=5)
    figs = await indicators(nanning, *H1)

    def own(f: dict[str, Any]) -> int:
        return int((f["by_city"] or {}).get(NANNING) or 0)

    dispatched, served = own(figs["talent.commissioners_dispatched"]), own(figs[DAYS])
    base = f"/v1/commissioner-dispatches/{d['id']}"
    r = await nanning.post(
        f"{base}/corrections", json={"changes": {"county": LIUZHOU_COUNTY}, "reason": "县录错"}
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "county_not_in_city"
    r = await nanning.post(f"{base}/withdraw", json={"reason": "选派未成行"})
    assert r.status_code == 200, r.text
    figs = await indicators(nanning, *H1)
    assert own(figs["talent.commissioners_dispatched"]) == dispatched - 1
    assert own(figs[DAYS]) == served - 5
    # No service is logged under a withdrawn dispatch.
    r = await admin.post(
        "/v1/commissioner-service-logs",
        json={
            "dispatch_id": d["id"],
            "village_code": NANNING_VILLAGE_2,
            "served_on": "2023-05-21",
            "days": 1,
            "content": "补录",
        },
    )
    assert r.status_code == 409, r.text
