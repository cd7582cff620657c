"""Period locks in the talent service: service logs, their import, dispatches."""

from __future__ import annotations

from typing import Any

import pytest

import tests.talent.test_service_log_import as logs
from tests.talent.conftest import LIUZHOU_VILLAGE, NANNING_VILLAGE

pytestmark = pytest.mark.asyncio(loop_scope="session")
LOCK = "/v1/period-locks/450100/2023-H1"


def log(dispatch: str, village: str, day: str) -> dict[str, Any]:
    return {"dispatch_id": dispatch, "village_code": village, "served_on": day, "days": 1,
            "content": "技术指导"}  # fmt: skip


async def test_locked_writes_are_refused_and_released(svc: Any) -> None:
    d = await logs.setup_dispatches(svc)
    admin = svc.as_("admin")
    first = await admin.post(
        "/v1/commissioner-service-logs", json=log(d["nn"], NANNING_VILLAGE, "2023-03-01")
    )
    assert first.status_code == 201, first.text
    r = await svc.as_("service").put(LOCK, json={"start": "2023-01-01", "end": "2023-06-30"})
    assert r.status_code == 200, r.text

    bureau = svc.as_("city_bureau", city="450100")
    r = await bureau.post(
        "/v1/commissioner-service-logs", json=log(d["nn"], NANNING_VILLAGE, "2023-03-02")
    )
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "period_locked"
    assert "南宁市" in r.json()["detail"]
    rows = [[d["nn"], NANNING_VILLAGE, "2023-07-04", "1", "培训", ""],
            [d["nn"], NANNING_VILLAGE, "2023-04-04", "1", "培训", ""]]  # fmt: skip
    r = await logs.upload(bureau, logs.csv_bytes(logs.EN, rows))
    assert r.status_code == 409, r.text
    assert [e["row"] for e in r.json()["errors"]] == [2]
    assert await logs.count_logs(admin) == 1
    # Cancelling the dispatch would stop its March log counting.
    r = await admin.post(f"/v1/commissioner-dispatches/{d['nn']}/cancel", json={})
    assert r.status_code == 409, r.text

    # After the period, and another city, pass.
    r = await bureau.post(
        "/v1/commissioner-service-logs", json=log(d["nn"], NANNING_VILLAGE, "2023-07-03")
    )
    assert r.status_code == 201, r.text
    r = await admin.post(
        "/v1/commissioner-service-logs", json=log(d["lz"], LIUZHOU_VILLAGE, "2023-03-02")
    )
    assert r.status_code == 201, r.text

    assert (await svc.as_("service").delete(LOCK)).status_code == 204
    r = await logs.upload(bureau, logs.csv_bytes(logs.EN, rows))
    assert r.status_code == 201, r.text
