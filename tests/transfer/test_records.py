"""Institutions and their transfers, achievements, pilots, bases, recruitment: the figures."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from tests.transfer.conftest import GUILIN, LIUZHOU, NANNING, USCC_LIUZHOU, USCC_NANNING

pytestmark = pytest.mark.asyncio(loop_scope="session")

H1 = {"from": "2023-01-01", "to": "2023-06-30"}
_serial = itertools.count(1)
USCC_OTHER = "91350100M000100Y43"


async def post(client: Any, url: str, body: dict[str, Any], status: int = 201) -> Any:
    r = await client.post(url, json=body)
    assert r.status_code == status, r.text
    return r.json()


async def figures(client: Any, **params: str) -> dict[str, Any]:
    r = await client.get("/v1/indicators", params={**H1, **params})
    assert r.status_code == 200, r.text
    return {f["code"]: f for f in r.json()["indicators"]}


async def institution(client: Any, name: str, city: str = NANNING) -> str:
    body = {"name": name, "kind": "university", "city": city}
    return str((await post(client, "/v1/institutions", body))["id"])


async def transfer(client: Any, inst: str, on: str, revenue: str, **over: Any) -> Any:
    body = {
        "institution_id": inst,
        "title": "一种高效稻米加工方法",
        "method": "licence",
        "transferee_name": "某企业",
        "transferred_on": on,
        "revenue": revenue,
    } | over
    return await post(client, "/v1/transfer-records", body)


class TestInstitutionTransfers:
    async def test_known_answers(self, svc: Any) -> None:
        admin = svc.as_("admin")
        gxu = await institution(admin, "广西大学")
        gxmu = await institution(admin, "广西医科大学")
        glut = await institution(admin, "桂林理工大学", GUILIN)
        await institution(admin, "无转化院所", LIUZHOU)  # reports nothing: never counted
        await transfer(admin, gxu, "2023-01-01", "100.00")
        await transfer(admin, gxu, "2023-06-30", "50.25", method="equity")
        await transfer(admin, gxmu, "2023-03-01", "0.00", method="transfer")
        await transfer(admin, glut, "2023-04-01", "1000.00")
        await transfer(admin, glut, "2023-07-01", "999.00")  # after the period
        gone = await transfer(admin, gxmu, "2023-05-01", "555.00")
        await post(admin, f"/v1/transfer-records/{gone['id']}/withdraw", {}, 200)
        f = await figures(admin)
        reporting = f["transfer.institutions_reporting"]
        assert (reporting["value"], reporting["by_city"]) == (3, {NANNING: 2, GUILIN: 1})
        count = f["transfer.institution_transfers"]
        assert (count["value"], count["by_city"]) == (4, {NANNING: 3, GUILIN: 1})
        revenue = f["transfer.institution_transfer_revenue"]
        assert Decimal(revenue["value"]) == Decimal("1150.25")
        assert {k: Decimal(v) for k, v in revenue["by_city"].items()} == {
            NANNING: Decimal("150.25"),
            GUILIN: Decimal("1000.00"),
        }

    async def test_bad_method_and_money_are_problems(self, svc: Any) -> None:
        admin = svc.as_("admin")
        inst = await institution(admin, "广西科学院")
        r = await admin.post(
            "/v1/transfer-records",
            json={
                "institution_id": inst,
                "title": "x",
                "method": "gift",
                "transferred_on": "2023-01-01",
                "revenue": "-1",
            },
        )
        assert r.status_code == 422
        assert {e["field"] for e in r.json()["errors"]} == {"body.method", "body.revenue"}

    async def test_duplicate_institution_is_409(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await institution(admin, "广西师范大学", GUILIN)
        r = await admin.post(
            "/v1/institutions", json={"name": "广西师范大学", "kind": "university", "city": GUILIN}
        )
        assert r.status_code == 409

    async def test_city_scope(self, svc: Any) -> None:
        admin = svc.as_("admin")
        mine = await institution(admin, "南宁院所")
        other = await institution(admin, "柳州院所", LIUZHOU)
        record = await transfer(admin, other, "2023-02-01", "10.00")
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/institutions/{mine}")).status_code == 200
        assert (await bureau.get(f"/v1/institutions/{other}")).status_code == 404
        assert (await bureau.get(f"/v1/transfer-records/{record['id']}")).status_code == 404
        r = await bureau.post(
            "/v1/transfer-records",
            json={
                "institution_id": other,
                "title": "x",
                "method": "transfer",
                "transferred_on": "2023-01-01",
                "revenue": "1.00",
            },
        )
        assert r.status_code == 403
        assert (await bureau.get("/v1/transfer-records")).json()["items"] == []
        await transfer(bureau, mine, "2023-02-01", "3.00")
        f = await figures(bureau)
        assert f["transfer.institution_transfers"]["value"] == 1


class TestAchievements:
    async def achievement(self, client: Any, **over: Any) -> Any:
        body = {
            "registration_no": f"GK2023{next(_serial):05d}",
            "title": "甘蔗机械化收获技术",
            "category": "applied",
            "organisation_name": "广西农科院",
            "city": NANNING,
            "registered_on": "2023-03-01",
        } | over
        return await post(client, "/v1/achievements", body)

    async def test_known_answers(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await self.achievement(admin, registered_on="2023-01-01")
        await self.achievement(admin, category="basic", city=LIUZHOU)
        await self.achievement(admin, category="soft_science", registered_on="2023-06-30")
        await self.achievement(admin, registered_on="2022-12-31")
        gone = await self.achievement(admin)
        await post(admin, f"/v1/achievements/{gone['id']}/revoke", {}, 200)
        f = await figures(admin)
        fig = f["transfer.achievements_registered"]
        assert (fig["value"], fig["by_city"]) == (3, {NANNING: 2, LIUZHOU: 1})
        recs = await admin.get(
            "/v1/indicators/transfer.achievements_registered/records",
            params={**H1, "city": LIUZHOU},
        )
        assert [r["category"] for r in recs.json()["items"]] == ["basic"]

    async def test_unknown_category_and_duplicate_number(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await admin.post(
            "/v1/achievements",
            json={
                "registration_no": "GK1",
                "title": "x",
                "category": "theory",
                "organisation_name": "y",
                "city": NANNING,
                "registered_on": "2023-01-01",
            },
        )
        assert r.status_code == 422
        a = await self.achievement(admin)
        r = await admin.post(
            "/v1/achievements",
            json={
                "registration_no": a["registration_no"],
                "title": "x",
                "category": "basic",
                "organisation_name": "y",
                "city": NANNING,
                "registered_on": "2023-01-01",
            },
        )
        assert r.status_code == 409
        assert r.json()["code"] == "achievement_registration_no_taken"

    async def test_city_scope(self, svc: Any) -> None:
        admin = svc.as_("admin")
        other = await self.achievement(admin, city=LIUZHOU)
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/achievements/{other['id']}")).status_code == 404
        r = await bureau.post(
            "/v1/achievements",
            json={
                "registration_no": "GK9999999",
                "title": "x",
                "category": "basic",
                "organisation_name": "y",
                "city": LIUZHOU,
                "registered_on": "2023-01-01",
            },
        )
        assert r.status_code == 403


class TestPilots:
    async def test_known_answers(self, svc: Any) -> None:
        admin = svc.as_("admin")

        async def pilot(kind: str, on: str, city: str = NANNING) -> Any:
            body = {"kind": kind, "organisation_name": "某单位", "city": city, "started_on": on}
            return await post(admin, "/v1/pilots", body)

        async def base(on: str, city: str = NANNING) -> Any:
            body = {
                "name": "中试基地",
                "operator_name": "某公司",
                "field": "生物医药",
                "city": city,
                "established_on": on,
            }
            return await post(admin, "/v1/pilot-bases", body)

        await pilot("ownership_reform", "2023-01-01")
        await pilot("ownership_reform", "2023-06-30", GUILIN)
        await pilot("ownership_reform", "2023-07-01")
        await pilot("achievement_evaluation", "2023-02-01", LIUZHOU)
        cancelled = await pilot("achievement_evaluation", "2023-02-01")
        await post(admin, f"/v1/pilots/{cancelled['id']}/cancel", {}, 200)
        await base("2023-05-05")
        await base("2023-05-06", LIUZHOU)
        dropped = await base("2023-05-07")
        await post(admin, f"/v1/pilot-bases/{dropped['id']}/cancel", {}, 200)
        await base("2022-05-05")
        f = await figures(admin)
        reform = f["transfer.ownership_reform_pilots"]
        assert (reform["value"], reform["by_city"]) == (2, {NANNING: 1, GUILIN: 1})
        evaluation = f["transfer.evaluation_pilot_institutions"]
        assert (evaluation["value"], evaluation["by_city"]) == (1, {LIUZHOU: 1})
        bases = f["transfer.pilot_bases"]
        assert (bases["value"], bases["by_city"]) == (2, {NANNING: 1, LIUZHOU: 1})

    async def test_city_scope(self, svc: Any) -> None:
        admin = svc.as_("admin")
        other = await post(
            admin,
            "/v1/pilots",
            {
                "kind": "ownership_reform",
                "organisation_name": "x",
                "city": LIUZHOU,
                "started_on": "2023-01-01",
            },
        )
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/pilots/{other['id']}")).status_code == 404
        r = await bureau.post(f"/v1/pilots/{other['id']}/cancel")
        assert r.status_code == 404
        r = await bureau.post(
            "/v1/pilot-bases",
            json={
                "name": "x",
                "operator_name": "y",
                "city": LIUZHOU,
                "established_on": "2023-01-01",
            },
        )
        assert r.status_code == 403


class TestRecruitment:
    async def test_distinct_enterprises_per_city_and_total(self, svc: Any) -> None:
        admin = svc.as_("admin")
        event = await post(
            admin,
            "/v1/recruitment-events",
            {"name": "科技招商推介会", "city": NANNING, "held_on": "2023-03-01"},
        )

        async def intention(uscc: str, on: str, **over: Any) -> Any:
            body = {
                "event_id": event["id"],
                "enterprise_name": "某企业",
                "enterprise_uscc": uscc,
                "signed_on": on,
            } | over
            return await post(admin, "/v1/cooperation-intentions", body)

        first = await intention(USCC_OTHER, "2023-03-01")
        assert first["city"] == NANNING  # from the event
        await intention(USCC_OTHER, "2023-04-01")  # the same enterprise again
        await intention(USCC_OTHER, "2023-04-01", city=LIUZHOU)  # and in another city
        await intention(USCC_NANNING, "2023-06-30")
        await intention(USCC_LIUZHOU, "2023-07-01")  # after the period
        gone = await intention(USCC_LIUZHOU, "2023-05-01")
        await post(admin, f"/v1/cooperation-intentions/{gone['id']}/withdraw", {}, 200)
        fig = (await figures(admin))["transfer.recruitment_intentions"]
        # Distinct within each column and within the total (reading rule 3).
        assert (fig["value"], fig["by_city"]) == (2, {NANNING: 2, LIUZHOU: 1})

    async def test_intention_needs_a_city(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/cooperation-intentions",
            json={
                "enterprise_name": "某企业",
                "enterprise_uscc": USCC_OTHER,
                "signed_on": "2023-01-01",
            },
        )
        assert r.status_code == 422
        assert r.json()["code"] == "intention_city_missing"

    async def test_city_scope(self, svc: Any) -> None:
        admin = svc.as_("admin")
        event = await post(
            admin,
            "/v1/recruitment-events",
            {"name": "柳州招商会", "city": LIUZHOU, "held_on": "2023-03-01"},
        )
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/recruitment-events/{event['id']}")).status_code == 404
        r = await bureau.post(
            "/v1/cooperation-intentions",
            json={
                "event_id": event["id"],
                "enterprise_name": "某企业",
                "enterprise_uscc": USCC_OTHER,
                "signed_on": "2023-03-01",
            },
        )
        assert r.status_code == 403


class TestAllFigures:
    async def test_every_transfer_code_is_answered(self, svc: Any) -> None:
        f = await figures(svc.as_("analyst"), **{"from": "1999-01-01", "to": "1999-12-31"})
        assert set(f) == {
            "transfer.ownership_reform_pilots",
            "transfer.evaluation_pilot_institutions",
            "transfer.pilot_bases",
            "transfer.institutions_reporting",
            "transfer.institution_transfers",
            "transfer.institution_transfer_revenue",
            "transfer.recruitment_intentions",
            "transfer.contracts_outflow",
            "transfer.contracts_absorbed",
            "transfer.contracts_total",
            "transfer.contract_value",
            "transfer.tech_transaction_value",
            "transfer.achievements_registered",
        }
        assert all(Decimal(str(x["value"])) == 0 for x in f.values())
