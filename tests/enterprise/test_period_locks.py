"""Period locks in the enterprise service's manual writes (tech-SME registrations).

Bank batches under a lock are tests/e2e/test_governance.py's (through the gateway)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")
NANNING, LIUZHOU = "450100", "450200"
NN, LZ = "914501005794165304", "91450200MAA7L76A5R"
LOCK = f"/v1/period-locks/{NANNING}/2023-H1"


def reg(uscc: str, no: str, day: str = "2023-03-01", year: int = 2023) -> dict[str, Any]:
    return {"enterprise_uscc": uscc, "year": year, "batch": 1, "registration_no": no,
            "registered_on": day}  # fmt: skip


async def test_registrations_in_a_locked_period_are_refused(svc: Any, register: Any) -> None:
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)
    admin = svc.as_("admin")
    before = await admin.post("/v1/tech-sme-registrations", json=reg(NN, "2022450100A0000001",
                                                                     year=2022))  # fmt: skip
    assert before.status_code == 201, before.text
    r = await svc.as_("service").put(LOCK, json={"start": "2023-01-01", "end": "2023-06-30"})
    assert r.status_code == 200, r.text

    # The registry decides the city: a Nanning firm's registration in March is locked.
    r = await admin.post("/v1/tech-sme-registrations", json=reg(NN, "2023450100A0000001"))
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "period_locked"
    # Revoking the registration made before the lock would change March's figure too.
    gone = {"revoked_on": "2023-08-01", "reason": "撤销"}
    r = await admin.post(f"/v1/tech-sme-registrations/{before.json()['id']}/revoke", json=gone)
    assert r.status_code == 409, r.text
    r = await admin.post("/v1/tech-sme-registrations", json=reg(LZ, "2023450200A0000001"))
    assert r.status_code == 201, r.text
    r = await admin.post(
        "/v1/tech-sme-registrations", json=reg(NN, "2024450100A0000001", "2023-07-01", 2024)
    )
    assert r.status_code == 201, r.text
