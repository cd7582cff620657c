"""Every enterprise.* figure on data with known answers, including the period edges."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from enterprise_service.indicator.specs import SPECS
from enterprise_service.loan.models import Loan

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
NN, LZ, A = "914501005794165304", "91450200MAA7L76A5R", "91350100M000100Y43"
H1 = {"from": "2023-01-01", "to": "2023-06-30"}


async def figures(client: Any, **params: str) -> dict[str, Any]:
    r = await client.get("/v1/indicators", params=params)
    assert r.status_code == 200, r.text
    return {f["code"]: f for f in r.json()["indicators"]}


async def ok(r: Any, status: int = 201) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return dict(r.json())


async def add_loans(svc: Any, *rows: tuple[str, str, str, str]) -> None:
    """Loans straight into the table (the bank interface has its own tests)."""
    async with svc.session_maker() as s, s.begin():
        for uscc, amount, disbursed_on, status in rows:
            s.add(
                Loan(
                    bank_code="BANKA",
                    contract_no=uuid.uuid4().hex,
                    uscc=uscc,
                    enterprise_name="x",
                    amount=Decimal(amount),
                    disbursed_on=date.fromisoformat(disbursed_on),
                    maturity_on=date(2030, 1, 1),
                    annual_rate=Decimal("3.45"),
                    guarantee="credit",
                    status=status,
                    listed=True,
                )
            )


async def test_every_figure_is_returned(svc: Any) -> None:
    f = await figures(svc.as_("admin"), **H1)
    assert set(f) == {s.code for s in SPECS}
    assert len(f) == 14


async def test_training_sessions(svc: Any) -> None:
    admin = svc.as_("admin")
    for city, held in [
        (NANNING, "2023-01-01"),
        (NANNING, "2023-06-30"),
        (LIUZHOU, "2023-03-03"),
        (LIUZHOU, "2022-12-31"),
        (LIUZHOU, "2023-07-01"),
    ]:
        await ok(
            await admin.post(
                "/v1/training-sessions",
                json={"city": city, "topic": "政策解读", "held_on": held, "attendees": 30},
            )
        )
    cancelled = await ok(
        await admin.post(
            "/v1/training-sessions",
            json={"city": LIUZHOU, "topic": "x", "held_on": "2023-02-02", "attendees": 1},
        )
    )
    await ok(
        await admin.post(
            f"/v1/training-sessions/{cancelled['id']}/cancel",
            json={"cancelled_on": "2023-09-01"},
        ),
        200,
    )
    fig = (await figures(admin, **H1))["enterprise.training_sessions"]
    assert fig["value"] == 3
    assert fig["by_city"] == {NANNING: 2, LIUZHOU: 1}


async def test_tech_sme_batches_and_registered(svc: Any, register: Any) -> None:
    admin = svc.as_("admin")
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)
    await register(A, NANNING)

    async def reg(uscc: str, year: int, batch: int, on: str) -> dict[str, Any]:
        no = f"{year}450100A{uuid.uuid4().int % 10**7:07d}"
        return await ok(
            await admin.post(
                "/v1/tech-sme-registrations",
                json={
                    "enterprise_uscc": uscc,
                    "year": year,
                    "batch": batch,
                    "registration_no": no,
                    "registered_on": on,
                },
            )
        )

    await reg(NN, 2023, 1, "2023-01-01")
    await reg(LZ, 2023, 1, "2023-02-01")
    await reg(A, 2023, 2, "2023-06-30")
    await reg(NN, 2022, 9, "2022-12-31")  # before the period
    revoked = await reg(LZ, 2022, 3, "2023-03-01")  # a batch only a revoked firm is in
    await ok(
        await admin.post(
            f"/v1/tech-sme-registrations/{revoked['id']}/revoke",
            json={"revoked_on": "2023-08-01"},
        ),
        200,
    )
    f = await figures(admin, **H1)
    assert f["enterprise.tech_sme_batches"]["value"] == 2  # (2023,1) and (2023,2)
    assert f["enterprise.tech_sme_batches"]["region_only"] is True
    reg_fig = f["enterprise.tech_sme_registered"]
    assert reg_fig["value"] == 3
    assert reg_fig["by_city"] == {NANNING: 2, LIUZHOU: 1}
    f = await figures(admin, **H1, city=LIUZHOU)
    assert f["enterprise.tech_sme_batches"]["value"] is None
    assert f["enterprise.tech_sme_registered"]["value"] == 1


async def test_hte_pool_and_awards(svc: Any, register: Any) -> None:
    admin = svc.as_("admin")
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)
    for uscc, on in [(NN, "2023-01-01"), (NN, "2023-05-05"), (LZ, "2023-07-01")]:
        await ok(
            await admin.post(
                "/v1/hte-pool-entries", json={"enterprise_uscc": uscc, "entered_on": on}
            )
        )
    withdrawn = await ok(
        await admin.post(
            "/v1/hte-pool-entries", json={"enterprise_uscc": LZ, "entered_on": "2023-02-02"}
        )
    )
    await ok(
        await admin.post(
            f"/v1/hte-pool-entries/{withdrawn['id']}/withdraw",
            json={"withdrawn_on": "2023-12-01"},
        ),
        200,
    )
    rec_nn = await ok(
        await admin.post(
            "/v1/hte-recognitions",
            json={
                "enterprise_uscc": NN,
                "certificate_no": "GR202245001224",
                "kind": "new",
                "issued_on": "2022-12-14",
            },
        )
    )
    assert rec_nn["valid_until"] == "2025-12-13"
    rec_lz = await ok(
        await admin.post(
            "/v1/hte-recognitions",
            json={
                "enterprise_uscc": LZ,
                "certificate_no": "GR202245000001",
                "kind": "re_recognition",
                "issued_on": "2022-11-01",
            },
        )
    )
    for rec, amount, on in [
        (rec_nn, "100000.00", "2023-06-30"),
        (rec_lz, "50000.50", "2023-01-01"),
        (rec_lz, "1.00", "2022-12-31"),
    ]:
        await ok(
            await admin.post(
                f"/v1/hte-recognitions/{rec['id']}/awards",
                json={"amount": amount, "awarded_on": on},
            )
        )
    cancelled = await ok(
        await admin.post(
            f"/v1/hte-recognitions/{rec_nn['id']}/awards",
            json={"amount": "7.00", "awarded_on": "2023-03-01"},
        )
    )
    await ok(
        await admin.post(
            f"/v1/hte-recognition-awards/{cancelled['id']}/cancel",
            json={"cancelled_on": "2023-04-01"},
        ),
        200,
    )
    f = await figures(admin, **H1)
    assert f["enterprise.hte_pool_entered"]["value"] == 1
    assert f["enterprise.hte_pool_entered"]["by_city"] == {NANNING: 1}
    award = f["enterprise.hte_recognition_award"]
    assert award["value"] == "150000.50"
    assert award["by_city"] == {NANNING: "100000.00", LIUZHOU: "50000.50"}
    # Revoking a certificate takes its award out of every figure.
    await ok(
        await admin.post(
            f"/v1/hte-recognitions/{rec_lz['id']}/revoke", json={"revoked_on": "2023-09-01"}
        ),
        200,
    )
    f = await figures(admin, **H1)
    assert f["enterprise.hte_recognition_award"]["value"] == "100000.00"


async def test_partner_banks_region_only(svc: Any) -> None:
    admin = svc.as_("admin")
    for code, on in [("B1", "2023-01-01"), ("B2", "2023-06-30"), ("B3", "2022-12-31")]:
        await ok(
            await admin.post(
                "/v1/partner-banks",
                json={"code": code, "name": f"银行{code}", "agreement_signed_on": on},
            )
        )
    await ok(
        await admin.post(
            "/v1/partner-banks",
            json={"code": "B4", "name": "银行B4", "agreement_signed_on": "2023-03-01"},
        )
    )
    await ok(await admin.post("/v1/partner-banks/B4/cancel", json={"on": "2023-03-02"}), 200)
    await ok(await admin.post("/v1/partner-banks/B2/terminate", json={"on": "2023-08-01"}), 200)
    f = await figures(admin, **H1)
    fig = f["enterprise.partner_banks_signed"]
    assert fig["value"] == 2
    assert fig["items"] == ["银行B1", "银行B2"]
    assert fig.get("by_city") is None
    f = await figures(admin, **H1, city=NANNING)
    assert f["enterprise.partner_banks_signed"]["value"] is None


async def test_loan_amount_by_registry_city(svc: Any, register: Any) -> None:
    await register(NN, NANNING)
    await register(A, LIUZHOU)  # the digits say 3501, the registry says 柳州
    await add_loans(
        svc,
        (NN, "1000000.00", "2023-01-01", "disbursed"),
        (NN, "500000.00", "2023-06-30", "repaid"),  # repaid still lent
        (A, "250000.25", "2023-03-01", "disbursed"),
        (A, "9.00", "2023-04-01", "cancelled"),
        (A, "9.00", "2023-07-01", "disbursed"),
    )
    fig = (await figures(svc.as_("admin"), **H1))["enterprise.loan_amount"]
    assert fig["value"] == "1750000.25"
    assert fig["by_city"] == {NANNING: "1500000.00", LIUZHOU: "250000.25"}
    assert fig.get("unattributed") is None


async def test_loan_to_unregistered_borrower_is_unattributed(svc: Any, register: Any) -> None:
    """Counted in the region total, in no city column, and reported apart so that the
    total still equals the city columns plus the unattributed part."""
    await register(NN, NANNING)
    stranger = "91450100MA5KB1XW82"  # valid USCC, not in the registry
    await add_loans(
        svc,
        (NN, "1000000.00", "2023-01-01", "disbursed"),
        (stranger, "300000.50", "2023-02-01", "disbursed"),
    )
    fig = (await figures(svc.as_("admin"), **H1))["enterprise.loan_amount"]
    assert fig["value"] == "1300000.50"
    assert fig["by_city"] == {NANNING: "1000000.00"}
    assert fig["unattributed"] == "300000.50"
    scoped = (await figures(svc.as_("admin"), **H1, city=NANNING))["enterprise.loan_amount"]
    assert scoped["value"] == "1000000.00"
    assert scoped.get("unattributed") is None


class TestListedRate:
    async def test_empty_list_is_null(self, svc: Any) -> None:
        fig = (await figures(svc.as_("admin"), **H1))["enterprise.loan_listed_rate"]
        assert fig["value"] is None
        assert fig["numerator"] == 0
        assert fig["denominator"] == 0
        assert fig["unit"] == "percent"

    async def test_rule_10_and_delisting(self, svc: Any, register: Any) -> None:
        admin = svc.as_("admin")
        ents = {
            NN: NANNING,
            LZ: LIUZHOU,
            A: NANNING,
            "91450100MA5KB1XW82": NANNING,
        }
        for uscc, city in ents.items():
            r = await admin.post(
                "/v1/enterprises",
                json={"uscc": uscc, "name": "n", "city": city, "industry": "i"},
            )
            if r.status_code == 422:  # keep the test honest if a sample code is wrong
                pytest.fail(r.text)

        async def listing(uscc: str, on: str) -> dict[str, Any]:
            return await ok(
                await admin.post(
                    "/v1/kcd-listings", json={"enterprise_uscc": uscc, "listed_on": on}
                )
            )

        await listing(NN, "2023-05-01")  # listed after its loan: still counts (rule 10)
        await listing(LZ, "2022-01-01")  # on the list, no loan in period
        gone = await listing(A, "2022-01-01")  # delisted before period end: excluded
        await ok(
            await admin.post(
                f"/v1/kcd-listings/{gone['id']}/delist", json={"delisted_on": "2023-06-30"}
            ),
            200,
        )
        await listing("91450100MA5KB1XW82", "2023-07-01")  # listed after period end
        await add_loans(
            svc,
            (NN, "100.00", "2023-02-01", "disbursed"),
            (A, "100.00", "2023-02-01", "disbursed"),
            (LZ, "100.00", "2023-07-01", "disbursed"),
            (LZ, "100.00", "2023-03-01", "cancelled"),
        )
        fig = (await figures(admin, **H1))["enterprise.loan_listed_rate"]
        assert fig["numerator"] == 1
        assert fig["denominator"] == 2
        assert Decimal(fig["value"]) == Decimal("50")
        assert {k: Decimal(v) for k, v in fig["by_city"].items()} == {
            NANNING: Decimal(100),
            LIUZHOU: Decimal(0),
        }
        fig = (await figures(admin, **H1, city=LIUZHOU))["enterprise.loan_listed_rate"]
        assert Decimal(fig["value"]) == 0
        assert fig["denominator"] == 1
        recs = await admin.get("/v1/indicators/enterprise.loan_listed_rate/records", params=H1)
        items = recs.json()["items"]
        assert sorted((i["enterprise_uscc"], i["has_loan"]) for i in items) == [
            (NN, True),
            (LZ, False),
        ]


async def test_rd_subsidies(svc: Any, register: Any) -> None:
    admin = svc.as_("admin")
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)
    ids = []
    for uscc, amount, on in [
        (NN, "300000.00", "2023-01-01"),
        (NN, "200000.00", "2023-06-30"),
        (LZ, "100000.10", "2023-04-04"),
        (LZ, "1.00", "2023-07-01"),
        (LZ, "5.00", "2023-02-01"),
    ]:
        r = await ok(
            await admin.post(
                "/v1/rd-subsidy-applications",
                json={
                    "enterprise_uscc": uscc,
                    "year": 2022,
                    "requested_amount": amount,
                    "submitted_on": on,
                },
            )
        )
        ids.append(r["id"])
    await ok(
        await admin.post(
            f"/v1/rd-subsidy-applications/{ids[4]}/withdraw", json={"decided_on": "2023-02-02"}
        ),
        200,
    )
    await ok(
        await admin.post(
            f"/v1/rd-subsidy-applications/{ids[2]}/reject", json={"decided_on": "2023-05-02"}
        ),
        200,
    )
    r = await admin.post(
        f"/v1/rd-subsidy-applications/{ids[4]}/reject", json={"decided_on": "2023-05-02"}
    )
    assert r.status_code == 409
    assert r.json()["detail"] == "「已撤回」的申请不能转为「未通过」"  # words, not codes
    f = await figures(admin, **H1)
    assert f["enterprise.rd_subsidy_applicants"]["value"] == 2
    assert f["enterprise.rd_subsidy_amount"]["value"] == "600000.10"
    assert f["enterprise.rd_subsidy_amount"]["by_city"] == {
        NANNING: "500000.00",
        LIUZHOU: "100000.10",
    }


class TestZones:
    async def _zones(self, admin: Any) -> tuple[str, str]:
        nn = await ok(
            await admin.post(
                "/v1/hitech-zones",
                json={
                    "name": "南宁高新区",
                    "city": NANNING,
                    "level": "national",
                    "established_on": "1992-11-09",
                },
            )
        )
        lz = await ok(
            await admin.post(
                "/v1/hitech-zones",
                json={
                    "name": "柳州高新区",
                    "city": LIUZHOU,
                    "level": "national",
                    "established_on": "2010-11-26",
                },
            )
        )
        closed = await ok(
            await admin.post(
                "/v1/hitech-zones",
                json={
                    "name": "已撤销园区",
                    "city": LIUZHOU,
                    "level": "regional",
                    "established_on": "2000-01-01",
                },
            )
        )
        await ok(
            await admin.post(
                f"/v1/hitech-zones/{closed['id']}/close", json={"closed_on": "2023-06-30"}
            ),
            200,
        )
        await ok(
            await admin.post(
                "/v1/hitech-zones",
                json={
                    "name": "新园区",
                    "city": NANNING,
                    "level": "regional",
                    "established_on": "2023-07-01",
                },
            )
        )
        for zone, year, q, out in [
            (nn, 2023, 1, "100.00"),
            (nn, 2023, 2, "200.00"),
            (lz, 2023, 2, "50.50"),
            (closed, 2023, 1, "1.00"),  # closed later: its whole-quarter output still sums
            (nn, 2022, 4, "1000.00"),
            (nn, 2023, 3, "1000.00"),
        ]:
            await ok(
                await admin.put(
                    f"/v1/hitech-zones/{zone['id']}/quarters/{year}/{q}",
                    json={"gross_output": out},
                ),
                200,
            )
        return nn["id"], lz["id"]

    async def test_active_zones_and_output(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await self._zones(admin)
        f = await figures(admin, **H1)
        zones = f["enterprise.hitech_zones"]
        # Closed on the period's last day: not active at period end; the new one opens after.
        assert zones["value"] == 2
        assert zones["items"] == ["南宁高新区", "柳州高新区"]
        out = f["enterprise.hitech_zone_output"]
        assert out["value"] == "351.50"
        assert out["by_city"] == {NANNING: "300.00", LIUZHOU: "51.50"}
        # Only Q2 lies wholly inside 15 Feb – 30 Jun.
        f = await figures(admin, **{"from": "2023-02-15", "to": "2023-06-30"})
        assert f["enterprise.hitech_zone_output"]["value"] == "250.50"

    async def test_no_whole_quarter_is_null(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await self._zones(admin)
        f = await figures(admin, **{"from": "2023-01-02", "to": "2023-06-29"})
        assert f["enterprise.hitech_zone_output"]["value"] is None
        f = await figures(admin, **{"from": "2023-04-01", "to": "2023-06-30"})
        assert f["enterprise.hitech_zone_output"]["value"] == "250.50"

    async def test_future_quarter_is_refused(self, svc: Any) -> None:
        admin = svc.as_("admin")
        nn, _ = await self._zones(admin)
        r = await admin.put(f"/v1/hitech-zones/{nn}/quarters/2099/1", json={"gross_output": "1"})
        assert r.status_code == 422
        assert r.json()["code"] == "quarter_not_over"
