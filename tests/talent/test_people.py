"""People: identifiers encrypted at rest, full for admins, masked for every other role."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from talent_service.main import create_app
from tests.talent.conftest import LIUZHOU, NANNING, PII_KEY, new_person

pytestmark = pytest.mark.asyncio(loop_scope="session")

ID_NUMBER, PHONE = "450102199003071238", "13812345678"


class TestIdentifiers:
    async def test_admin_sees_full_others_see_masked(self, svc: Any) -> None:
        admin = svc.as_("admin")
        created = await new_person(admin, id_number=ID_NUMBER, phone=PHONE)
        assert (created["id_number"], created["phone"]) == (ID_NUMBER, PHONE)
        assert created["identifiers_masked"] is False
        url = f"/v1/people/{created['id']}"
        full = (await admin.get(url)).json()
        assert (full["id_number"], full["phone"], full["id_kind"]) == (
            ID_NUMBER,
            PHONE,
            "resident_id",
        )
        for role, city in (("analyst", None), ("service", None), ("city_bureau", NANNING)):
            seen = (await svc.as_(role, city=city).get(url)).json()
            assert seen["id_number"] == "4501**********1238", role
            assert seen["phone"] == "138****5678", role
            assert seen["identifiers_masked"] is True
        listed = (await svc.as_("analyst").get("/v1/people")).json()["items"]
        assert listed[0]["id_number"] == "4501**********1238"
        listed = (await admin.get("/v1/people")).json()["items"]
        assert listed[0]["id_number"] == ID_NUMBER

    async def test_a_city_bureau_creating_sees_masked_values(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        created = await new_person(bureau, id_number="11010519491231002x", phone="0771-5551234")
        assert created["id_number"] == "1101**********002X"
        assert created["phone"] == "077*****1234"

    async def test_stored_only_encrypted(self, svc: Any) -> None:
        admin = svc.as_("admin")
        created = await new_person(admin, id_number=ID_NUMBER, phone=PHONE)
        row = (
            await svc.connection.execute(
                text(
                    "SELECT id_number_cipher, phone_cipher, id_number_digest FROM talent.people "
                    "WHERE id = :id"
                ),
                {"id": created["id"]},
            )
        ).one()
        blob = b"".join(bytes(v) for v in row)
        assert ID_NUMBER.encode() not in blob
        assert PHONE.encode() not in blob
        assert b"19900307" not in blob
        # The masked forms are stored too (they are what non-admins see), never the clear text.
        dumped = (
            await svc.connection.execute(
                text("SELECT people::text FROM talent.people people WHERE id = :id"),
                {"id": created["id"]},
            )
        ).scalar_one()
        assert ID_NUMBER not in dumped
        assert PHONE not in dumped

    async def test_ciphertext_is_bound_to_its_row(self, svc: Any) -> None:
        admin = svc.as_("admin")
        a = await new_person(admin, id_number=ID_NUMBER, name="甲")
        b = await new_person(admin, id_number="450203198511110026", name="乙")
        # Copy a's ciphertext into b's row: decrypting it there must fail, not leak a's ID.
        await svc.connection.execute(
            text(
                "UPDATE talent.people SET id_number_cipher = "
                "(SELECT id_number_cipher FROM talent.people WHERE id = :a) WHERE id = :b"
            ),
            {"a": a["id"], "b": b["id"]},
        )
        r = await admin.get(f"/v1/people/{b['id']}")
        assert r.status_code == 500
        assert ID_NUMBER not in r.text

    async def test_same_document_twice_is_a_conflict(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await new_person(admin, id_number=ID_NUMBER)
        r = await admin.post("/v1/people", json=person_body(id_number=ID_NUMBER, name="别人"))
        assert r.status_code == 409
        assert r.json()["code"] == "person_conflict"

    @pytest.mark.parametrize(
        ("over", "field"),
        [
            ({"id_number": "450102199003071237"}, "body.id_number"),  # wrong check character
            ({"id_number": "450102199002301238"}, "body.id_number"),  # 30 February
            ({"id_number": "45010219900307123"}, "body.id_number"),  # 17 characters
            ({"id_kind": "passport", "id_number": "E1"}, "body.id_number"),
            ({"phone": "12345"}, "body.phone"),
            ({"city": "440100"}, "body.city"),
            ({"organisation_uscc": "91350100M0001TGQXM"}, "body.organisation_uscc"),
        ],
    )
    async def test_validation(self, svc: Any, over: dict[str, Any], field: str) -> None:
        r = await svc.as_("admin").post("/v1/people", json=person_body(**over))
        assert r.status_code == 422, r.text
        assert [e["field"] for e in r.json()["errors"]] == [field]
        assert "19900307" not in r.text  # a rejected ID number is not echoed back

    async def test_passport_is_accepted_and_masked(self, svc: Any) -> None:
        created = await new_person(svc.as_("admin"), id_kind="passport", id_number="e12345678")
        r = await svc.as_("analyst").get(f"/v1/people/{created['id']}")
        assert r.json()["id_number"] == "E******78"
        assert created["id_number"] == "E12345678"

    async def test_without_key_identifiers_are_refused(self, service_client_factory: Any) -> None:
        keyless = await service_client_factory("talent", create_app, pii_key="")
        admin = keyless.as_("admin")
        r = await admin.post("/v1/people", json=person_body(id_number=ID_NUMBER))
        assert r.status_code == 503
        assert r.json()["code"] == "pii_key_missing"
        # People without identifiers still work.
        assert (await admin.post("/v1/people", json=person_body())).status_code == 201

    async def test_placeholder_key_is_rejected_at_start(self) -> None:
        from talent_service.config import Settings

        with pytest.raises(ValueError, match="placeholder"):
            Settings(pii_key="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        with pytest.raises(ValueError, match="32 bytes"):
            Settings(pii_key="c2hvcnQ=")
        assert Settings(pii_key=PII_KEY).pii_key_bytes() is not None


def person_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "李研究",
        "organisation": "广西大学",
        "city": NANNING,
        "field": "农业",
    }
    body.update(over)
    return body


class TestScope:
    async def test_city_bureau_reads_and_writes_own_city(self, svc: Any) -> None:
        admin = svc.as_("admin")
        mine = await new_person(admin)
        other = await new_person(admin, city=LIUZHOU)
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/people/{mine['id']}")).status_code == 200
        r = await bureau.get(f"/v1/people/{other['id']}")
        assert r.status_code == 404
        assert r.json()["code"] == "person_not_found"
        listed = (await bureau.get("/v1/people")).json()["items"]
        assert [p["id"] for p in listed] == [mine["id"]]
        r = await bureau.post("/v1/people", json=person_body(city=LIUZHOU))
        assert r.status_code == 403
        assert r.json()["code"] == "city_not_allowed"
