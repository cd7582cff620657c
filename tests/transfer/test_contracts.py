from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from tests.transfer.conftest import (
    BEIJING_HAIDIAN,
    GUANGZHOU,
    GUILIN,
    LIUZHOU,
    NANNING,
    USCC_LIUZHOU,
    USCC_NANNING,
    WUMING,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

_serial = itertools.count(1)
H1 = {"from": "2023-01-01", "to": "2023-06-30"}


def contract(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "registration_no": f"2345010100{next(_serial):06d}",
        "type": "development_commissioned",
        "title": "高性能铝合金工艺开发",
        "seller_name": "广西大学",
        "seller_uscc": USCC_NANNING,
        "seller_region": NANNING,
        "buyer_name": "柳州某汽车零部件公司",
        "buyer_uscc": USCC_LIUZHOU,
        "buyer_region": LIUZHOU,
        "contract_amount": "1000000.00",
        "tech_transaction_amount": "800000.00",
        "signed_on": "2022-11-01",
        "registered_on": "2023-03-10",
        "city": NANNING,
    }
    body.update(over)
    return body


async def create(client: Any, **over: Any) -> dict[str, Any]:
    r = await client.post("/v1/tech-contracts", json=contract(**over))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def figures(client: Any, **params: str) -> dict[str, Any]:
    r = await client.get("/v1/indicators", params={**H1, **params})
    assert r.status_code == 200, r.text
    return {f["code"]: f for f in r.json()["indicators"]}


class TestCreate:
    async def test_create_derives_party_cities_and_keeps_money_exact(self, svc: Any) -> None:
        c = await create(
            svc.as_("admin"),
            seller_region=WUMING,
            buyer_region=GUANGZHOU,
            buyer_uscc=None,
            contract_amount="1234567.8",
            tech_transaction_amount="0.1",
        )
        assert c["seller_city"] == NANNING
        assert c["buyer_city"] is None
        assert c["contract_amount"] == "1234567.80"
        assert c["tech_transaction_amount"] == "0.10"
        assert c["status"] == "registered"
        got = await svc.as_("analyst").get(f"/v1/tech-contracts/{c['id']}")
        assert got.status_code == 200
        assert got.json()["registration_no"] == c["registration_no"]

    async def test_tech_amount_above_contract_is_422(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/tech-contracts",
            json=contract(contract_amount="100.00", tech_transaction_amount="100.01"),
        )
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["code"] == "tech_amount_exceeds_contract"
        assert body["errors"][0]["field"] == "body.tech_transaction_amount"

    async def test_equal_amounts_are_fine(self, svc: Any) -> None:
        c = await create(
            svc.as_("admin"), contract_amount="100.00", tech_transaction_amount="100.00"
        )
        assert c["tech_transaction_amount"] == "100.00"

    async def test_registered_before_signed_is_422(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/tech-contracts", json=contract(signed_on="2023-03-10", registered_on="2023-03-09")
        )
        assert r.status_code == 422
        assert r.json()["code"] == "registered_before_signed"

    async def test_bad_codes_dates_and_money_are_problems(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/tech-contracts",
            json=contract(
                seller_uscc="91350100M0001TGQXM",
                buyer_region="45AB00",
                seller_region="459900",  # in the region but no such city
                signed_on="2023-02-30",
                contract_amount="1.234",
                city="440100",
                type="licence",
            ),
        )
        assert r.status_code == 422
        fields = {e["field"] for e in r.json()["errors"]}
        assert {
            "body.seller_uscc",
            "body.buyer_region",
            "body.seller_region",
            "body.signed_on",
            "body.contract_amount",
            "body.city",
            "body.type",
        } <= fields

    async def test_duplicate_registration_no_is_409(self, svc: Any) -> None:
        admin = svc.as_("admin")
        c = await create(admin)
        r = await admin.post(
            "/v1/tech-contracts", json=contract(registration_no=c["registration_no"])
        )
        assert r.status_code == 409
        assert r.json()["code"] == "registration_no_taken"
        # The transaction is still usable after the conflict.
        assert (await admin.get(f"/v1/tech-contracts/{c['id']}")).status_code == 200

    async def test_analyst_cannot_write(self, svc: Any) -> None:
        r = await svc.as_("analyst").post("/v1/tech-contracts", json=contract())
        assert r.status_code == 403

    async def test_revoke_once(self, svc: Any) -> None:
        admin = svc.as_("admin")
        c = await create(admin)
        url = f"/v1/tech-contracts/{c['id']}/revoke"
        r = await admin.post(url, json={"revoked_on": "2023-07-01"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "revoked"
        again = await admin.post(url, json={"revoked_on": "2023-07-02"})
        assert again.status_code == 409
        assert again.json()["code"] == "contract_already_revoked"


class TestCityScope:
    async def test_bureau_sees_contracts_registered_or_with_a_party_in_its_city(
        self, svc: Any
    ) -> None:
        admin = svc.as_("admin")
        registered_here = await create(
            admin, city=GUILIN, seller_region=GUANGZHOU, buyer_region=BEIJING_HAIDIAN
        )
        seller_here = await create(admin, city=NANNING, seller_region=GUILIN)
        buyer_here = await create(admin, city=NANNING, seller_region=NANNING, buyer_region="450321")
        elsewhere = await create(admin, city=NANNING, seller_region=NANNING, buyer_region=LIUZHOU)
        bureau = svc.as_("city_bureau", city=GUILIN)
        for c in (registered_here, seller_here, buyer_here):
            assert (await bureau.get(f"/v1/tech-contracts/{c['id']}")).status_code == 200
        r = await bureau.get(f"/v1/tech-contracts/{elsewhere['id']}")
        assert r.status_code == 404
        assert r.json()["code"] == "tech_contract_not_found"
        listed = {c["id"] for c in (await bureau.get("/v1/tech-contracts")).json()["items"]}
        assert listed == {registered_here["id"], seller_here["id"], buyer_here["id"]}

    async def test_bureau_writes_only_its_registering_city(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post("/v1/tech-contracts", json=contract(city=LIUZHOU))
        assert r.status_code == 403
        assert r.json()["code"] == "city_not_allowed"
        ok = await bureau.post("/v1/tech-contracts", json=contract(city=NANNING))
        assert ok.status_code == 201

    async def test_bureau_cannot_revoke_a_contract_it_only_sees(self, svc: Any) -> None:
        c = await create(svc.as_("admin"), city=NANNING, buyer_region=LIUZHOU)
        bureau = svc.as_("city_bureau", city=LIUZHOU)
        r = await bureau.post(
            f"/v1/tech-contracts/{c['id']}/revoke", json={"revoked_on": "2023-07-01"}
        )
        assert r.status_code == 403


class TestListing:
    async def test_filters_and_pages(self, svc: Any) -> None:
        admin = svc.as_("admin")
        for day in range(1, 6):
            await create(admin, registered_on=f"2023-04-0{day}", type="consulting")
        await create(admin, registered_on="2023-05-01", type="service")
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 2, "type": "consulting"}
            if cursor:
                params["cursor"] = cursor
            page = (await admin.get("/v1/tech-contracts", params=params)).json()
            seen += [c["id"] for c in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 5 == len(set(seen))
        r = await admin.get(
            "/v1/tech-contracts",
            params={"registered_from": "2023-04-02", "registered_to": "2023-04-04"},
        )
        assert len(r.json()["items"]) == 3


class TestIndicators:
    async def _seed(self, admin: Any) -> dict[str, dict[str, Any]]:
        seeded = {
            # Nanning → Liuzhou: outflow Nanning, absorbed Liuzhou.
            "a": await create(admin, contract_amount="1000.00", tech_transaction_amount="800.00"),
            # Both in Nanning (a district): outflow and absorbed both in Nanning.
            "b": await create(
                admin,
                seller_region=WUMING,
                buyer_region=NANNING,
                contract_amount="500.50",
                tech_transaction_amount="500.50",
                registered_on="2023-01-01",
            ),
            # Guilin → Guangzhou: outflow Guilin only.
            "c": await create(
                admin,
                seller_region=GUILIN,
                buyer_region=GUANGZHOU,
                buyer_uscc=None,
                contract_amount="200.00",
                tech_transaction_amount="100.00",
                registered_on="2023-06-30",
                city=GUILIN,
            ),
            # Beijing → Liuzhou: absorbed Liuzhou only; its money is not outflow.
            "d": await create(
                admin,
                seller_region=BEIJING_HAIDIAN,
                seller_uscc=None,
                contract_amount="9999.00",
                tech_transaction_amount="9000.00",
            ),
            # Outside the period on both edges.
            "e": await create(admin, registered_on="2022-12-31"),
            "f": await create(admin, registered_on="2023-07-01"),
            # Revoked: never counts.
            "g": await create(admin, contract_amount="7777.00", tech_transaction_amount="0.00"),
        }
        r = await admin.post(
            f"/v1/tech-contracts/{seeded['g']['id']}/revoke", json={"revoked_on": "2023-08-01"}
        )
        assert r.status_code == 200
        return seeded

    async def test_known_answers(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await self._seed(admin)
        f = await figures(admin)
        assert {
            "transfer.contracts_outflow",
            "transfer.contracts_absorbed",
            "transfer.contracts_total",
            "transfer.contract_value",
            "transfer.tech_transaction_value",
        } <= set(f)
        out = f["transfer.contracts_outflow"]
        assert (out["value"], out["by_city"]) == (3, {NANNING: 2, GUILIN: 1})
        absorbed = f["transfer.contracts_absorbed"]
        assert (absorbed["value"], absorbed["by_city"]) == (3, {NANNING: 1, LIUZHOU: 2})
        total = f["transfer.contracts_total"]
        # b counts twice in Nanning: once as outflow, once as absorbed (rule 11).
        assert (total["value"], total["by_city"]) == (6, {NANNING: 3, LIUZHOU: 2, GUILIN: 1})
        value = f["transfer.contract_value"]
        assert value["unit"] == "yuan"
        assert value["value"] == "1700.50"
        assert value["by_city"] == {NANNING: "1500.50", GUILIN: "200.00"}
        tech = f["transfer.tech_transaction_value"]
        assert tech["value"] == "1400.50"
        assert tech["by_city"] == {NANNING: "1300.50", GUILIN: "100.00"}

    async def test_city_filter_and_records_add_up(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await self._seed(admin)
        f = await figures(admin, city=NANNING)
        assert f["transfer.contracts_total"]["value"] == 3
        assert f["transfer.contract_value"]["value"] == "1500.50"
        recs = await admin.get(
            "/v1/indicators/transfer.contracts_total/records", params={**H1, "limit": 2}
        )
        assert recs.status_code == 200, recs.text
        items = list(recs.json()["items"])
        cursor = recs.json()["next_cursor"]
        while cursor:
            more = await admin.get(
                "/v1/indicators/transfer.contracts_total/records",
                params={**H1, "limit": 2, "cursor": cursor},
            )
            items += more.json()["items"]
            cursor = more.json()["next_cursor"]
        assert len(items) == 6 == len({i["id"] for i in items})
        assert sorted(i["side"] for i in items) == ["absorbed"] * 3 + ["outflow"] * 3

    async def test_period_edges_are_inclusive(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await create(admin, registered_on="2023-01-01")
        await create(admin, registered_on="2023-06-30")
        await create(admin, registered_on="2023-07-01")
        f = await figures(admin, to="2023-06-30")
        assert f["transfer.contracts_outflow"]["value"] == 2
        f = await figures(admin, **{"from": "2023-07-01", "to": "2023-07-01"})
        assert f["transfer.contracts_outflow"]["value"] == 1

    async def test_empty_period_is_zero(self, svc: Any) -> None:
        f = await figures(svc.as_("admin"), **{"from": "2001-01-01", "to": "2001-12-31"})
        assert f["transfer.contracts_total"]["value"] == 0
        assert Decimal(f["transfer.contract_value"]["value"]) == 0

    async def test_city_bureau_figures_are_scoped(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await self._seed(admin)
        bureau = svc.as_("city_bureau", city=LIUZHOU)
        f = await figures(bureau)
        assert f["transfer.contracts_absorbed"]["value"] == 2
        assert f["transfer.contracts_outflow"]["value"] == 0
        r = await bureau.get("/v1/indicators", params={**H1, "city": NANNING})
        assert r.status_code == 403


class TestProvenance:
    async def test_every_contract_figure_equals_its_records(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await TestIndicators()._seed(admin)
        for city in (None, NANNING, LIUZHOU):
            scope = {"city": city} if city else {}
            f = await figures(admin, **scope)
            for code, column in (
                ("transfer.contracts_outflow", None),
                ("transfer.contracts_absorbed", None),
                ("transfer.contracts_total", None),
                ("transfer.contract_value", "contract_amount"),
                ("transfer.tech_transaction_value", "tech_transaction_amount"),
            ):
                r = await admin.get(
                    f"/v1/indicators/{code}/records", params={**H1, **scope, "limit": 1000}
                )
                items = r.json()["items"]
                expected = len(items) if column is None else sum(Decimal(i[column]) for i in items)
                got = f[code]["value"]
                assert (Decimal(got) if column else got) == expected, (code, city)
                if city is None:
                    per_city: dict[str, Any] = {}
                    for i in items:
                        add = 1 if column is None else Decimal(i[column])
                        per_city[i["city"]] = per_city.get(i["city"], 0) + add
                    got_by_city = {
                        k: (Decimal(v) if column else v) for k, v in f[code]["by_city"].items()
                    }
                    assert got_by_city == per_city, code
