from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
NN, LZ, A = "914501005794165304", "91450200MAA7L76A5R", "91350100M000100Y43"
H1 = {"from": "2023-01-01", "to": "2023-06-30"}


async def issued(admin: Any, uscc: str, amount: str, on: str) -> str:
    r = await admin.post("/v1/vouchers", json={"enterprise_uscc": uscc, "applied_on": "2022-12-01"})
    vid = str(r.json()["id"])
    r = await admin.post(f"/v1/vouchers/{vid}/issue", json={"face_amount": amount, "issued_on": on})
    assert r.status_code == 200, r.text
    return vid


async def figures(client: Any, **params: str) -> dict[str, Any]:
    r = await client.get("/v1/indicators", params=params)
    assert r.status_code == 200, r.text
    return {f["code"]: f for f in r.json()["indicators"]}


class TestVoucherIndicators:
    async def test_known_data_with_period_edges(self, svc: Any, register: Any) -> None:
        admin = svc.as_("admin")
        await register(NN, NANNING)
        await register(LZ, LIUZHOU)
        # A USCC with 3501 digits inside but registered in 南宁: the registry decides the city.
        await register(A, NANNING)
        await issued(admin, NN, "10000.00", "2023-01-01")  # first day: counts
        await issued(admin, NN, "2500.50", "2023-06-30")  # last day, same enterprise
        await issued(admin, LZ, "30000.00", "2023-03-15")
        await issued(admin, A, "100.00", "2023-04-01")
        await issued(admin, LZ, "7.00", "2022-12-31")  # before
        await issued(admin, A, "9.00", "2023-07-01")  # after
        cancelled = await issued(admin, LZ, "5000.00", "2023-05-01")
        await admin.post(f"/v1/vouchers/{cancelled}/cancel", json={"cancelled_on": "2023-08-01"})
        expired = await issued(admin, A, "1.00", "2023-02-01")  # expiry does not undo issue
        await admin.post(f"/v1/vouchers/{expired}/expire", json={"expired_on": "2023-12-01"})
        await admin.post(
            "/v1/vouchers", json={"enterprise_uscc": NN, "applied_on": "2023-02-01"}
        )  # applied only: not issued

        f = await figures(admin, **H1)
        ent = f["enterprise.voucher_enterprises"]
        assert ent["value"] == 3
        assert ent["by_city"] == {NANNING: 2, LIUZHOU: 1}
        amt = f["enterprise.voucher_amount"]
        assert amt["unit"] == "yuan"
        assert amt["value"] == "42601.50"
        assert amt["by_city"] == {NANNING: "12601.50", LIUZHOU: "30000.00"}

        f = await figures(admin, **H1, city=LIUZHOU)
        assert f["enterprise.voucher_amount"]["value"] == "30000.00"
        recs = await admin.get(
            "/v1/indicators/enterprise.voucher_amount/records", params={**H1, "city": NANNING}
        )
        items = recs.json()["items"]
        assert len(items) == 4
        assert all(i["city"] == NANNING for i in items)

    async def test_empty_period_is_zero(self, svc: Any) -> None:
        f = await figures(svc.as_("admin"), **H1)
        assert f["enterprise.voucher_enterprises"]["value"] == 0
        assert Decimal(f["enterprise.voucher_amount"]["value"]) == 0

    async def test_city_bureau_is_scoped(self, svc: Any, register: Any) -> None:
        admin = svc.as_("admin")
        await register(NN, NANNING)
        await register(LZ, LIUZHOU)
        await issued(admin, NN, "10.00", "2023-02-01")
        await issued(admin, LZ, "20.00", "2023-02-01")
        f = await figures(svc.as_("city_bureau", city=LIUZHOU), **H1)
        assert f["enterprise.voucher_amount"]["value"] == "20.00"
