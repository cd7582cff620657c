"""Rules of the programme records: conflicts, lifecycles, roles and city scope."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
NN, LZ = "914501005794165304", "91450200MAA7L76A5R"


@pytest_asyncio.fixture(loop_scope="session")
async def firms(register: Any) -> None:
    await register(NN, NANNING)
    await register(LZ, LIUZHOU)


def reg(uscc: str = NN, **over: Any) -> dict[str, Any]:
    body = {
        "enterprise_uscc": uscc,
        "year": 2023,
        "batch": 1,
        "registration_no": "2023450100A0000001",
        "registered_on": "2023-03-01",
    }
    body.update(over)
    return body


@pytest.mark.usefixtures("firms")
class TestTechSme:
    async def test_one_registration_per_year_and_number(self, svc: Any) -> None:
        admin = svc.as_("admin")
        first = await admin.post("/v1/tech-sme-registrations", json=reg())
        assert first.status_code == 201, first.text
        r = await admin.post(
            "/v1/tech-sme-registrations", json=reg(registration_no="2023450100A0000002")
        )
        assert r.status_code == 409
        assert r.json()["code"] == "tech_sme_registration_exists"
        r = await admin.post("/v1/tech-sme-registrations", json=reg(LZ))
        assert r.status_code == 409
        r = await admin.post(
            "/v1/tech-sme-registrations", json=reg(LZ, registration_no="bad-number")
        )
        assert r.status_code == 422

    async def test_revoke_once_and_scope(self, svc: Any) -> None:
        admin = svc.as_("admin")
        rid = (await admin.post("/v1/tech-sme-registrations", json=reg())).json()["id"]
        path = f"/v1/tech-sme-registrations/{rid}/revoke"
        r = await admin.post(path, json={"revoked_on": "2023-02-01"})
        assert r.status_code == 422
        assert r.json()["code"] == "date_order"
        assert (await admin.post(path, json={"revoked_on": "2023-04-01"})).status_code == 200
        r = await admin.post(path, json={"revoked_on": "2023-04-02"})
        assert r.status_code == 409
        lz = svc.as_("city_bureau", city=LIUZHOU)
        assert (await lz.get(f"/v1/tech-sme-registrations/{rid}")).status_code == 404
        assert (await lz.get("/v1/tech-sme-registrations")).json()["items"] == []
        r = await lz.post("/v1/tech-sme-registrations", json=reg())
        assert r.status_code == 403


@pytest.mark.usefixtures("firms")
class TestHte:
    async def test_recognitions_are_admin_only_and_unique(self, svc: Any) -> None:
        body = {
            "enterprise_uscc": NN,
            "certificate_no": "GR202345000123",
            "kind": "new",
            "issued_on": "2024-02-29",
        }
        r = await svc.as_("city_bureau", city=NANNING).post("/v1/hte-recognitions", json=body)
        assert r.status_code == 403
        r = await svc.as_("admin").post("/v1/hte-recognitions", json=body)
        assert r.status_code == 201
        assert r.json()["valid_until"] == "2027-02-28"
        r = await svc.as_("admin").post("/v1/hte-recognitions", json=body)
        assert r.status_code == 409
        bad = {**body, "certificate_no": "GF2023450001"}
        assert (await svc.as_("admin").post("/v1/hte-recognitions", json=bad)).status_code == 422

    async def test_pool_entry_scope(self, svc: Any) -> None:
        nn = svc.as_("city_bureau", city=NANNING)
        r = await nn.post(
            "/v1/hte-pool-entries", json={"enterprise_uscc": NN, "entered_on": "2023-01-01"}
        )
        assert r.status_code == 201
        eid = r.json()["id"]
        lz = svc.as_("city_bureau", city=LIUZHOU)
        assert (await lz.get(f"/v1/hte-pool-entries/{eid}")).status_code == 404
        r = await lz.post(
            f"/v1/hte-pool-entries/{eid}/withdraw", json={"withdrawn_on": "2023-02-01"}
        )
        assert r.status_code == 404


@pytest.mark.usefixtures("firms")
class TestRdSubsidy:
    async def test_lifecycle(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await admin.post(
            "/v1/rd-subsidy-applications",
            json={
                "enterprise_uscc": NN,
                "year": 2022,
                "requested_amount": "100.00",
                "submitted_on": "2023-03-01",
            },
        )
        aid = r.json()["id"]
        r = await admin.post(
            f"/v1/rd-subsidy-applications/{aid}/approve",
            json={"approved_amount": "100.01", "decided_on": "2023-04-01"},
        )
        assert r.status_code == 422
        assert r.json()["code"] == "exceeds_requested_amount"
        r = await admin.post(
            f"/v1/rd-subsidy-applications/{aid}/approve",
            json={"approved_amount": "80.00", "decided_on": "2023-04-01"},
        )
        assert r.status_code == 200
        assert r.json()["approved_amount"] == "80.00"
        r = await admin.post(
            f"/v1/rd-subsidy-applications/{aid}/withdraw", json={"decided_on": "2023-05-01"}
        )
        assert r.status_code == 409
        assert r.json()["allowed"] == []
        assert (r.json()["status"], r.json()["current_status"]) == (409, "approved")

    @pytest.mark.parametrize(
        ("path", "params"),
        [
            ("/v1/rd-subsidy-applications", {"year": 4114067310}),
            ("/v1/tech-sme-registrations", {"year": -(2**40)}),
            ("/v1/tech-sme-registrations", {"batch": 2**31}),
        ],
    )
    async def test_out_of_range_filters_are_422(
        self, svc: Any, path: str, params: dict[str, int]
    ) -> None:
        # Found by tests/reliability/test_fuzz.py: the int overflowed its int4 parameter (500).
        r = await svc.as_("admin").get(path, params=params)
        assert r.status_code == 422, r.text


@pytest.mark.usefixtures("firms")
class TestKcdList:
    async def test_one_open_listing_and_relisting(self, svc: Any) -> None:
        admin = svc.as_("admin")
        body = {"enterprise_uscc": NN, "listed_on": "2023-01-01"}
        lid = (await admin.post("/v1/kcd-listings", json=body)).json()["id"]
        r = await admin.post("/v1/kcd-listings", json=body)
        assert r.status_code == 409
        assert r.json()["code"] == "already_listed"
        await admin.post(f"/v1/kcd-listings/{lid}/delist", json={"delisted_on": "2023-03-01"})
        r = await admin.post(
            "/v1/kcd-listings", json={"enterprise_uscc": NN, "listed_on": "2023-02-01"}
        )
        assert r.status_code == 422
        r = await admin.post(
            "/v1/kcd-listings", json={"enterprise_uscc": NN, "listed_on": "2023-04-01"}
        )
        assert r.status_code == 201
        on = await admin.get("/v1/kcd-listings", params={"on_date": "2023-03-15"})
        assert on.json()["items"] == []
        r = await svc.as_("city_bureau", city=NANNING).post("/v1/kcd-listings", json=body)
        assert r.status_code == 403


class TestZonesAndBanks:
    async def test_zone_scope_and_bank_conflict(self, svc: Any) -> None:
        admin = svc.as_("admin")
        z = (
            await admin.post(
                "/v1/hitech-zones",
                json={
                    "name": "北海高新区",
                    "city": "450500",
                    "level": "regional",
                    "established_on": "2001-01-01",
                },
            )
        ).json()
        other = svc.as_("city_bureau", city=NANNING)
        assert (await other.get(f"/v1/hitech-zones/{z['id']}")).status_code == 404
        r = await other.put(
            f"/v1/hitech-zones/{z['id']}/quarters/2023/1", json={"gross_output": "1"}
        )
        assert r.status_code == 404
        own = svc.as_("city_bureau", city="450500")
        r = await own.put(f"/v1/hitech-zones/{z['id']}/quarters/2023/1", json={"gross_output": "1"})
        assert r.status_code == 200
        r = await own.put(f"/v1/hitech-zones/{z['id']}/quarters/2023/1", json={"gross_output": "2"})
        assert r.json()["gross_output"] == "2.00"
        quarters = (await own.get(f"/v1/hitech-zones/{z['id']}/quarters")).json()
        assert [(q["year"], q["quarter"], q["quarter_end"]) for q in quarters] == [
            (2023, 1, "2023-03-31")
        ]
        body = {"code": "ICBC-GX", "name": "工商银行广西分行", "agreement_signed_on": "2023-01-01"}
        assert (await admin.post("/v1/partner-banks", json=body)).status_code == 201
        assert (await admin.post("/v1/partner-banks", json=body)).status_code == 409
        assert (await own.post("/v1/partner-banks", json=body)).status_code == 403
