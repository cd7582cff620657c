"""Every enterprise record kind the lock guards (enterprise_service.period_locks), by request.

Nanning's 2023-H1 is locked: a write dated inside it is 409 period_locked, the same write
dated 2023-07-01 or for a Liuzhou firm succeeds. Changes that move no figure pass."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio

pytestmark = pytest.mark.asyncio(loop_scope="session")
NANNING, LIUZHOU = "450100", "450200"
NN, LZ = "914501005794165304", "91450200MAA7L76A5R"
FIRM = {NANNING: NN, LIUZHOU: LZ}
IN, OUT = "2023-03-01", "2023-07-01"
_serial = itertools.count(1)

Write = Callable[[Any, str, str], Awaitable[httpx.Response]]


async def ok(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code in (200, 201, 204), r.text
    return dict(r.json()) if r.content else {}


async def training(admin: Any, city: str, day: str) -> httpx.Response:
    body = {"city": city, "topic": "科技金融培训", "held_on": day, "attendees": 30}
    return await admin.post("/v1/training-sessions", json=body)


async def hte_pool(admin: Any, city: str, day: str) -> httpx.Response:
    body = {"enterprise_uscc": FIRM[city], "entered_on": day}
    return await admin.post("/v1/hte-pool-entries", json=body)


async def voucher_issue(admin: Any, city: str, day: str) -> httpx.Response:
    v = await ok(
        await admin.post(
            "/v1/vouchers", json={"enterprise_uscc": FIRM[city], "applied_on": "2022-12-01"}
        )
    )
    body = {"face_amount": "1000.00", "issued_on": day}
    return await admin.post(f"/v1/vouchers/{v['id']}/issue", json=body)


async def rd_subsidy(admin: Any, city: str, day: str) -> httpx.Response:
    body = {
        "enterprise_uscc": FIRM[city],
        "year": 2022,
        "requested_amount": "100.00",
        "submitted_on": day,
    }
    return await admin.post("/v1/rd-subsidy-applications", json=body)


async def kcd_listing(admin: Any, city: str, day: str) -> httpx.Response:
    return await admin.post(
        "/v1/kcd-listings", json={"enterprise_uscc": FIRM[city], "listed_on": day}
    )


async def hte_award(admin: Any, city: str, day: str) -> httpx.Response:
    n = next(_serial)
    body = {
        "enterprise_uscc": FIRM[city],
        "certificate_no": f"GR2022450{n:05d}",
        "kind": "new",
        "issued_on": "2022-12-01",
    }
    rec = await ok(await admin.post("/v1/hte-recognitions", json=body))
    award = {"amount": "50000.00", "awarded_on": day}
    return await admin.post(f"/v1/hte-recognitions/{rec['id']}/awards", json=award)


async def zone_quarter(admin: Any, city: str, day: str) -> httpx.Response:
    body = {
        "name": f"高新区{next(_serial)}",
        "city": city,
        "level": "regional",
        "established_on": "2001-01-01",
    }
    zone = await ok(await admin.post("/v1/hitech-zones", json=body))
    quarter = 1 if day == IN else 3
    return await admin.put(
        f"/v1/hitech-zones/{zone['id']}/quarters/2023/{quarter}", json={"gross_output": "1"}
    )


async def training_import(admin: Any, city: str, day: str) -> httpx.Response:
    text = f"city,topic,held_on,attendees\n{city},导入培训,{day},20\n"
    return await admin.post(
        "/v1/imports/training-sessions",
        content=text.encode(),
        headers={"Content-Type": "text/csv"},
    )


WRITES: dict[str, Write] = {
    "training_sessions": training,
    "hte_pool_entries": hte_pool,
    "vouchers": voucher_issue,
    "rd_subsidy_applications": rd_subsidy,
    "kcd_listings": kcd_listing,
    "hte_recognition_awards": hte_award,
    "zone_quarter_stats": zone_quarter,
    "import training_sessions": training_import,
}


@pytest_asyncio.fixture(loop_scope="session")
async def locked(svc: Any, register: Any) -> Any:
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)
    lock = {"start": "2023-01-01", "end": "2023-06-30"}
    r = await svc.as_("service").put(f"/v1/period-locks/{NANNING}/2023-H1", json=lock)
    assert r.status_code == 200, r.text
    return svc.as_("admin")


@pytest.mark.parametrize("kind", list(WRITES))
async def test_a_write_inside_the_locked_period_is_refused(locked: Any, kind: str) -> None:
    write = WRITES[kind]
    r = await write(locked, NANNING, IN)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "period_locked"
    assert "南宁" in r.json()["detail"]
    assert "2023-H1" in r.json()["detail"]
    await ok(await write(locked, NANNING, OUT))  # after the period
    await ok(await write(locked, LIUZHOU, IN))  # another city


async def test_withdrawals_and_revocations_of_locked_records(svc: Any, register: Any) -> None:
    """Records made before the lock: undoing one inside the period is refused; a change
    that moves no figure (an approval, a later delisting of an older listing) passes."""
    await register(NN, NANNING)
    admin = svc.as_("admin")
    pool = await ok(await hte_pool(admin, NANNING, IN))
    listing = await ok(await kcd_listing(admin, NANNING, "2020-05-01"))
    rd = await ok(await rd_subsidy(admin, NANNING, IN))
    award = await ok(await hte_award(admin, NANNING, IN))
    lock = {"start": "2023-01-01", "end": "2023-06-30"}
    await ok(await svc.as_("service").put(f"/v1/period-locks/{NANNING}/2023-H1", json=lock))

    refused = [
        (f"/v1/hte-pool-entries/{pool['id']}/withdraw", {"withdrawn_on": "2023-08-01"}),
        (f"/v1/kcd-listings/{listing['id']}/delist", {"delisted_on": "2023-05-01"}),
        (f"/v1/rd-subsidy-applications/{rd['id']}/withdraw", {"decided_on": "2023-08-01"}),
        (f"/v1/hte-recognitions/{award['recognition_id']}/revoke", {"revoked_on": "2023-08-01"}),
        (f"/v1/hte-recognition-awards/{award['id']}/cancel", {"cancelled_on": "2023-08-01"}),
    ]
    for url, body in refused:
        r = await admin.post(url, json=body)
        assert (r.status_code, r.json()["code"]) == (409, "period_locked"), (url, r.text)
    # The same listing delisted after the period's end: H1's list at 30 June is unchanged.
    await ok(
        await admin.post(
            f"/v1/kcd-listings/{listing['id']}/delist", json={"delisted_on": "2023-08-01"}
        )
    )
    decision = {"approved_amount": "80.00", "decided_on": "2023-08-01"}
    await ok(await admin.post(f"/v1/rd-subsidy-applications/{rd['id']}/approve", json=decision))

    await ok(await svc.as_("service").delete(f"/v1/period-locks/{NANNING}/2023-H1"))
    await ok(
        await admin.post(
            f"/v1/hte-pool-entries/{pool['id']}/withdraw", json={"withdrawn_on": "2023-08-01"}
        )
    )


async def test_moving_a_firm_with_locked_records_is_refused(svc: Any, register: Any) -> None:
    """A firm's records count in its registry city: moving it changes both cities."""
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)
    admin = svc.as_("admin")
    await ok(await voucher_issue(admin, NANNING, IN))
    await ok(await rd_subsidy(admin, LIUZHOU, OUT))
    lock = {"start": "2023-01-01", "end": "2023-06-30"}
    await ok(await svc.as_("service").put(f"/v1/period-locks/{NANNING}/2023-H1", json=lock))

    r = await admin.patch(f"/v1/enterprises/{NN}", json={"city": LIUZHOU})
    assert (r.status_code, r.json()["code"]) == (409, "period_locked"), r.text
    # Into the locked city, but its only record is dated July: nothing locked moves.
    r = await admin.patch(f"/v1/enterprises/{LZ}", json={"city": NANNING})
    assert r.status_code == 200, r.text
    # A rename moves nothing.
    r = await admin.patch(f"/v1/enterprises/{NN}", json={"name": "南宁某科技有限公司"})
    assert r.status_code == 200, r.text
