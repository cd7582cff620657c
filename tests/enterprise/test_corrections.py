"""Corrections and withdrawals of 业务辅导班 sessions (shared_kit.corrections)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.enterprise.conftest import LIUZHOU, NANNING

pytestmark = pytest.mark.asyncio(loop_scope="session")
H1 = {"from": "2023-01-01", "to": "2023-06-30"}
CODE = "enterprise.training_sessions"


async def count(client: Any) -> int:
    r = await client.get("/v1/indicators", params=H1)
    assert r.status_code == 200, r.text
    (f,) = [f for f in r.json()["indicators"] if f["code"] == CODE]
    return int((f["by_city"] or {}).get(NANNING) or 0)


async def test_a_session_is_corrected_withdrawn_and_stops_counting(svc: Any) -> None:
    nanning = svc.as_("city_bureau", city=NANNING)
    body = {"city": NANNING, "topic": "高企申报辅导", "held_on": "2023-05-10", "attendees": 40}
    r = await nanning.post("/v1/training-sessions", json=body)
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["status"] == "held"
    before = await count(nanning)
    base = f"/v1/training-sessions/{s['id']}"

    r = await nanning.post(
        f"{base}/corrections", json={"changes": {"held_on": "2023-07-02"}, "reason": "日期录错"}
    )
    assert r.status_code == 200, r.text
    assert await count(nanning) == before - 1
    r = await nanning.post(
        f"{base}/corrections", json={"changes": {"held_on": "2023-05-10"}, "reason": "改回"}
    )
    assert r.status_code == 200, r.text
    assert await count(nanning) == before

    r = await svc.as_("city_bureau", city=LIUZHOU).post(f"{base}/withdraw", json={"reason": "x"})
    assert r.status_code == 404
    r = await nanning.post(
        f"{base}/corrections", json={"changes": {"city": LIUZHOU}, "reason": "x"}
    )
    assert r.status_code == 403
    assert r.json()["code"] == "correction_not_allowed"

    r = await nanning.post(f"{base}/withdraw", json={"reason": "未实际举办"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["withdrawal_reason"]) == ("withdrawn", "未实际举办")
    assert await count(nanning) == before - 1
    listed = (await nanning.get("/v1/training-sessions", params={"limit": 1000})).json()["items"]
    assert s["id"] not in {x["id"] for x in listed}
    history = (await nanning.get(f"{base}/corrections")).json()
    assert [h["action"] for h in history] == ["correct", "correct", "withdraw"]
