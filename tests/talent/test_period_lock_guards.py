"""The talent record kinds the lock guards by trigger (talent_service.period_locks), by
request: each record takes its city from the person. Nanning's 2023-H1 is locked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tests.talent.conftest import LIUZHOU, NANNING, new_person

pytestmark = pytest.mark.asyncio(loop_scope="session")
IN, OUT = "2023-03-01", "2023-07-01"
LOCK = {"start": "2023-01-01", "end": "2023-06-30"}

Write = Callable[[Any, str, str], Awaitable[httpx.Response]]


async def candidate(admin: Any, person: str, day: str) -> httpx.Response:
    body = {"person_id": person, "discipline": "作物学", "selected_year": 2021}
    made = await admin.post("/v1/academician-candidates", json=body)
    assert made.status_code == 201, made.text
    return await admin.patch(
        f"/v1/academician-candidates/{made.json()['id']}", json={"valid_candidate_on": day}
    )


async def grant(admin: Any, person: str, day: str) -> httpx.Response:
    body = {"person_id": person, "discipline": "作物学", "selected_year": 2021}
    made = await admin.post("/v1/academician-candidates", json=body)
    assert made.status_code == 201, made.text
    award = {"candidate_id": made.json()["id"], "kind": "team_allowance", "amount": "10"}
    award["paid_on"] = day
    return await admin.post("/v1/academician-grants", json=award)


async def young(admin: Any, person: str, day: str) -> httpx.Response:
    body = {"person_id": person, "university": "清华大学", "awarded_on": day}
    return await admin.post("/v1/young-phd-grants", json=body)


async def nomination(admin: Any, person: str, day: str) -> httpx.Response:
    body = {"person_id": person, "category": "科技创新领军人才", "nominated_on": day}
    return await admin.post("/v1/national-nominations", json=body)


async def international(admin: Any, person: str, day: str) -> httpx.Response:
    body = {
        "person_id": person,
        "program": "asean_young_scientist",
        "origin": "越南",
        "host_organisation": "广西农业科学院",
        "received_on": day,
    }
    return await admin.post("/v1/international-talents", json=body)


async def expert(admin: Any, person: str, day: str) -> httpx.Response:
    body = {"person_id": person, "fields": ["农业"], "added_on": day}
    return await admin.post("/v1/experts", json=body)


WRITES: dict[str, Write] = {
    "academician_candidates": candidate,
    "academician_grants": grant,
    "young_phd_grants": young,
    "national_nominations": nomination,
    "international_talents": international,
    "experts": expert,
}


@pytest.mark.parametrize("kind", list(WRITES))
async def test_a_write_inside_the_locked_period_is_refused(svc: Any, kind: str) -> None:
    admin, write = svc.as_("admin"), WRITES[kind]
    r = await svc.as_("service").put(f"/v1/period-locks/{NANNING}/2023-H1", json=LOCK)
    assert r.status_code == 200, r.text

    async def person(city: str) -> str:
        return str((await new_person(admin, city=city))["id"])

    r = await write(admin, await person(NANNING), IN)
    assert (r.status_code, r.json()["code"]) == (409, "period_locked"), r.text
    assert "南宁" in r.json()["detail"]
    for city, day in ((NANNING, OUT), (LIUZHOU, IN)):  # after the period; another city
        r = await write(admin, await person(city), day)
        assert r.status_code in (200, 201), r.text


async def test_withdrawing_a_locked_record_is_refused(svc: Any) -> None:
    admin = svc.as_("admin")
    nn = (await new_person(admin, city=NANNING))["id"]
    made = (await nomination(admin, nn, IN)).json()
    r = await svc.as_("service").put(f"/v1/period-locks/{NANNING}/2023-H1", json=LOCK)
    assert r.status_code == 200, r.text
    url = f"/v1/national-nominations/{made['id']}"
    r = await admin.patch(url, json={"status": "withdrawn"})
    assert (r.status_code, r.json()["code"]) == (409, "period_locked"), r.text
    await svc.as_("service").delete(f"/v1/period-locks/{NANNING}/2023-H1")
    assert (await admin.patch(url, json={"status": "withdrawn"})).status_code == 200
