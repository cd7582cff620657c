"""Academician reserve, young-talent PhD grants, nominations, international talents, experts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.talent.conftest import GUILIN, LIUZHOU, NANNING, all_records, indicators, new_person

pytestmark = pytest.mark.asyncio(loop_scope="session")

H1 = ("2023-01-01", "2023-06-30")
USCC_NANNING = "914501005794165304"
USCC_LIUZHOU = "91450200MAA7L76A5R"


async def post(client: Any, url: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    r = await client.post(url, json=body)
    assert r.status_code == status, r.text
    return dict(r.json())


async def candidate(client: Any, person_id: str, **over: Any) -> dict[str, Any]:
    body = {"person_id": person_id, "discipline": "作物学", "selected_year": 2021, **over}
    return await post(client, "/v1/academician-candidates", body)


async def grant(client: Any, candidate_id: str, kind: str, amount: str, paid_on: str) -> Any:
    body = {"candidate_id": candidate_id, "kind": kind, "amount": amount, "paid_on": paid_on}
    return await post(client, "/v1/academician-grants", body)


async def young(client: Any, person_id: str, awarded_on: str) -> dict[str, Any]:
    body = {"person_id": person_id, "university": "清华大学", "awarded_on": awarded_on}
    return await post(client, "/v1/young-phd-grants", body)


async def nomination(client: Any, person_id: str, nominated_on: str) -> dict[str, Any]:
    body = {"person_id": person_id, "category": "科技创新领军人才", "nominated_on": nominated_on}
    return await post(client, "/v1/national-nominations", body)


async def international(client: Any, person_id: str, program: str, received_on: str) -> Any:
    body = {
        "person_id": person_id,
        "program": program,
        "origin": "越南" if program == "asean_young_scientist" else "香港",
        "host_organisation": "广西农业科学院",
        "received_on": received_on,
    }
    return await post(client, "/v1/international-talents", body)


async def expert(client: Any, person_id: str, **over: Any) -> dict[str, Any]:
    body = {"person_id": person_id, "fields": ["农业"], "added_on": "2023-03-01", **over}
    return await post(client, "/v1/experts", body)


class TestAcademician:
    async def test_candidate_and_grants(self, svc: Any) -> None:
        admin = svc.as_("admin")
        person = await new_person(admin)
        c = await candidate(admin, person["id"])
        assert (c["city"], c["status"], c["academy"]) == (NANNING, "active", "cae")
        g = await grant(admin, c["id"], "team_allowance", "300000.10", "2023-03-01")
        assert g["amount"] == "300000.10"
        r = await admin.patch(
            f"/v1/academician-candidates/{c['id']}", json={"valid_candidate_on": "2023-05-01"}
        )
        assert r.json()["valid_candidate_on"] == "2023-05-01"
        # One active candidacy per person.
        r = await admin.post(
            "/v1/academician-candidates",
            json={"person_id": person["id"], "discipline": "x", "selected_year": 2022},
        )
        assert r.status_code == 409
        listed = await admin.get("/v1/academician-grants", params={"candidate_id": c["id"]})
        assert [x["id"] for x in listed.json()["items"]] == [g["id"]]
        r = await admin.post(f"/v1/academician-grants/{g['id']}/revoke")
        assert r.json()["status"] == "revoked"
        r = await admin.post(f"/v1/academician-grants/{g['id']}/revoke")
        assert r.status_code == 409

    @pytest.mark.parametrize(
        ("over", "code"),
        [
            ({"amount": "1.234"}, "decimal_max_places"),
            ({"amount": "0"}, "greater_than"),
            ({"amount": "-5"}, "greater_than"),
            ({"amount": 1e20}, "decimal_max_digits"),
            ({"kind": "bonus"}, "literal_error"),
            ({"paid_on": "2999-01-01"}, "value_error"),
        ],
    )
    async def test_grant_validation(self, svc: Any, over: dict[str, Any], code: str) -> None:
        admin = svc.as_("admin")
        c = await candidate(admin, (await new_person(admin))["id"])
        body = {"candidate_id": c["id"], "kind": "team_allowance", "amount": "10.00"}
        body |= {"paid_on": "2023-03-01", **over}
        r = await admin.post("/v1/academician-grants", json=body)
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == code

    async def test_null_status_is_422_not_a_server_error(self, svc: Any) -> None:
        # Found by tests/reliability/test_fuzz.py: null reached the NOT NULL column.
        admin = svc.as_("admin")
        c = await candidate(admin, (await new_person(admin))["id"])
        r = await admin.patch(f"/v1/academician-candidates/{c['id']}", json={"status": None})
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == "body.status"
        r = await admin.patch(
            f"/v1/academician-candidates/{c['id']}", json={"valid_candidate_on": None}
        )
        assert r.status_code == 200, r.text

    async def test_unknown_person_and_roles(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await admin.post(
            "/v1/academician-candidates",
            json={
                "person_id": "00000000-0000-0000-0000-000000000000",
                "discipline": "x",
                "selected_year": 2022,
            },
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "unknown_person"
        person = await new_person(admin)
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post(
            "/v1/academician-candidates",
            json={"person_id": person["id"], "discipline": "x", "selected_year": 2022},
        )
        assert r.status_code == 403  # programmes are written by the department


class TestOtherProgrammes:
    async def test_young_nomination_international_roundtrip(self, svc: Any) -> None:
        admin = svc.as_("admin")
        p = await new_person(admin, city=LIUZHOU)
        y = await young(admin, p["id"], "2023-02-01")
        n = await nomination(admin, p["id"], "2023-02-02")
        t = await international(admin, p["id"], "asean_young_scientist", "2023-02-03")
        assert {y["city"], n["city"], t["city"]} == {LIUZHOU}
        assert n["programme"] == "万人计划"
        for url, rid in (
            ("/v1/young-phd-grants", y["id"]),
            ("/v1/national-nominations", n["id"]),
            ("/v1/international-talents", t["id"]),
        ):
            assert (await svc.as_("analyst").get(f"{url}/{rid}")).status_code == 200
            r = await svc.as_("city_bureau", city=NANNING).get(f"{url}/{rid}")
            assert r.status_code == 404, url
            assert r.json()["code"].endswith("_not_found")
            listed = (await svc.as_("city_bureau", city=NANNING).get(url)).json()["items"]
            assert listed == []
        r = await admin.patch(f"/v1/national-nominations/{n['id']}", json={"status": "withdrawn"})
        assert r.json()["status"] == "withdrawn"
        r = await admin.patch(f"/v1/national-nominations/{n['id']}", json={"status": "lost"})
        assert r.status_code == 422
        r = await admin.get(
            "/v1/international-talents", params={"program": "hong_kong_macao_taiwan"}
        )
        assert r.json()["items"] == []
        r = await admin.post(
            "/v1/international-talents",
            json={
                "person_id": p["id"],
                "program": "europe",
                "origin": "x",
                "host_organisation": "y",
                "received_on": "2023-01-01",
            },
        )
        assert r.status_code == 422


class TestExperts:
    async def test_eligible_excludes_conflicted_and_own_organisation(self, svc: Any) -> None:
        admin = svc.as_("admin")
        free = await expert(admin, (await new_person(admin, name="无冲突"))["id"])
        by_uscc = await expert(
            admin,
            (await new_person(admin, name="信用代码冲突"))["id"],
            conflicts=[
                {
                    "organisation_uscc": USCC_NANNING,
                    "organisation_name": "南宁某企业",
                    "declared_on": "2023-01-05",
                    "reason": "曾任顾问",
                }
            ],
        )
        by_name = await expert(admin, (await new_person(admin, name="名称冲突"))["id"])
        r = await admin.post(
            f"/v1/experts/{by_name['id']}/conflicts",
            json={"organisation_name": "柳州某研究院", "declared_on": "2023-02-01"},
        )
        assert r.status_code == 201, r.text
        works_there = await expert(
            admin,
            (
                await new_person(
                    admin, name="本单位", organisation="柳州某公司", organisation_uscc=USCC_LIUZHOU
                )
            )["id"],
        )
        other_field = await expert(
            admin, (await new_person(admin, name="别的领域"))["id"], fields=["医药"]
        )
        suspended = await expert(admin, (await new_person(admin, name="暂停"))["id"])
        await admin.patch(f"/v1/experts/{suspended['id']}", json={"status": "suspended"})

        async def eligible(**params: Any) -> set[str]:
            r = await admin.get("/v1/experts/eligible", params=params)
            assert r.status_code == 200, r.text
            return {e["name"] for e in r.json()["items"]}

        everyone = {"无冲突", "信用代码冲突", "名称冲突", "本单位", "别的领域"}
        assert await eligible() == everyone
        assert await eligible(field="农业") == everyone - {"别的领域"}
        assert await eligible(uscc=[USCC_NANNING]) == everyone - {"信用代码冲突"}
        assert await eligible(uscc=[USCC_LIUZHOU]) == everyone - {"本单位"}
        assert await eligible(organisation=["柳州某研究院"]) == everyone - {"名称冲突"}
        assert await eligible(organisation=["南宁某企业"]) == everyone - {"信用代码冲突"}
        assert await eligible(
            field="农业", uscc=[USCC_NANNING, USCC_LIUZHOU], organisation=["柳州某研究院"]
        ) == {"无冲突"}
        conflicts = (await admin.get(f"/v1/experts/{by_uscc['id']}/conflicts")).json()
        assert [c["organisation_uscc"] for c in conflicts] == [USCC_NANNING]
        assert free["fields"] == ["农业"]
        assert other_field["status"] == works_there["status"] == "active"
        r = await admin.get("/v1/experts/eligible", params={"uscc": "123"})
        assert r.status_code == 422

    async def test_a_conflict_sent_by_projects_lands_once(self, svc: Any) -> None:
        """projects sends the conflicts experts declare in review rounds with a reference; a
        re-send (its answer was lost) returns the same record; a bureau may not send one."""
        admin = svc.as_("admin")
        e = await expert(admin, (await new_person(admin, name="评审中申明回避"))["id"])
        ref = "projects:review-assignment:0b7c3f4e-2a1d-4c5b-9e8f-7a6b5c4d3e2f"
        body = {
            "organisation_uscc": USCC_NANNING,
            "organisation_name": "南宁某企业",
            "declared_on": "2023-04-01",
            "reason": "曾参与该单位项目",
            "source_ref": ref,
        }
        projects = svc.as_("service")
        first = await post(projects, f"/v1/experts/{e['id']}/conflicts", body)
        again = await post(projects, f"/v1/experts/{e['id']}/conflicts", body)
        assert again["id"] == first["id"]
        assert first["source_ref"] == ref
        listed = (await admin.get(f"/v1/experts/{e['id']}/conflicts")).json()
        assert [c["id"] for c in listed] == [first["id"]]
        r = await admin.get("/v1/experts/eligible", params={"uscc": [USCC_NANNING]})
        assert "评审中申明回避" not in {x["name"] for x in r.json()["items"]}
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post(f"/v1/experts/{e['id']}/conflicts", json=body)
        assert r.status_code == 403
        r = await projects.post(
            f"/v1/experts/{e['id']}/conflicts", json=body | {"source_ref": "free text"}
        )
        assert r.status_code == 422

    async def test_one_entry_per_person_and_validation(self, svc: Any) -> None:
        admin = svc.as_("admin")
        p = await new_person(admin)
        await expert(admin, p["id"])
        r = await admin.post(
            "/v1/experts", json={"person_id": p["id"], "fields": ["x"], "added_on": "2023-01-01"}
        )
        assert r.status_code == 409
        p2 = await new_person(admin)
        r = await admin.post(
            "/v1/experts", json={"person_id": p2["id"], "fields": [], "added_on": "2023-01-01"}
        )
        assert r.status_code == 422

    async def test_bureau_sees_its_city_only(self, svc: Any) -> None:
        admin = svc.as_("admin")
        mine = await expert(admin, (await new_person(admin, name="南宁专家"))["id"])
        other = await expert(admin, (await new_person(admin, name="柳州专家", city=LIUZHOU))["id"])
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/experts/{mine['id']}")).status_code == 200
        assert (await bureau.get(f"/v1/experts/{other['id']}")).status_code == 404
        r = await bureau.get("/v1/experts/eligible")
        assert [e["name"] for e in r.json()["items"]] == ["南宁专家"]


class TestIndicators:
    async def test_every_programme_figure_on_known_data(self, svc: Any) -> None:
        admin = svc.as_("admin")
        nn = await new_person(admin, name="南宁人")
        lz = await new_person(admin, name="柳州人", city=LIUZHOU)
        nn_c = await candidate(admin, nn["id"], valid_candidate_on="2023-01-01")
        lz_c = await candidate(admin, lz["id"], valid_candidate_on="2023-06-30")
        # Valid outside the period, and a withdrawn one inside it.
        gl = await new_person(admin, name="桂林人", city=GUILIN)
        await candidate(admin, gl["id"], valid_candidate_on="2023-07-01")
        gone = await candidate(
            admin, (await new_person(admin))["id"], valid_candidate_on="2023-03-01"
        )
        await admin.patch(f"/v1/academician-candidates/{gone['id']}", json={"status": "withdrawn"})

        await grant(admin, nn_c["id"], "team_allowance", "100000.50", "2023-01-01")
        await grant(admin, nn_c["id"], "team_allowance", "200000.25", "2023-06-30")
        await grant(admin, lz_c["id"], "team_allowance", "50000.00", "2023-04-01")
        await grant(admin, nn_c["id"], "team_allowance", "999.99", "2022-12-31")  # outside
        revoked = await grant(admin, lz_c["id"], "team_allowance", "777.00", "2023-04-01")
        await admin.post(f"/v1/academician-grants/{revoked['id']}/revoke")
        await grant(admin, nn_c["id"], "research_project", "1234567.89", "2023-02-01")
        await grant(admin, lz_c["id"], "research_project", "0.11", "2023-02-01")

        # Two young-talent grants to the same person count twice (records, not persons).
        await young(admin, nn["id"], "2023-01-01")
        await young(admin, nn["id"], "2023-06-30")
        await young(admin, lz["id"], "2023-07-01")  # outside
        revoked_young = await young(admin, lz["id"], "2023-05-05")
        await admin.patch(f"/v1/young-phd-grants/{revoked_young['id']}", json={"status": "revoked"})

        await nomination(admin, nn["id"], "2023-03-01")
        selected = await nomination(admin, lz["id"], "2023-03-02")
        await admin.patch(f"/v1/national-nominations/{selected['id']}", json={"status": "selected"})
        withdrawn = await nomination(admin, lz["id"], "2023-03-03")
        await admin.patch(
            f"/v1/national-nominations/{withdrawn['id']}", json={"status": "withdrawn"}
        )

        await expert(admin, nn["id"], added_on="2023-01-01")
        lz_e = await expert(admin, lz["id"], added_on="2023-06-30")
        await admin.patch(f"/v1/experts/{lz_e['id']}", json={"status": "suspended"})  # still counts
        gl_e = await expert(admin, gl["id"], added_on="2023-02-01")
        await admin.patch(f"/v1/experts/{gl_e['id']}", json={"status": "revoked"})  # never counts
        await expert(admin, (await new_person(admin))["id"], added_on="2022-12-31")  # outside

        await international(admin, nn["id"], "asean_young_scientist", "2023-01-01")
        await international(admin, lz["id"], "asean_young_scientist", "2023-06-30")
        await international(admin, lz["id"], "asean_young_scientist", "2023-07-01")  # outside
        cancelled = await international(admin, nn["id"], "asean_young_scientist", "2023-02-02")
        await admin.patch(
            f"/v1/international-talents/{cancelled['id']}", json={"status": "cancelled"}
        )
        await international(admin, lz["id"], "hong_kong_macao_taiwan", "2023-05-01")

        figs = await indicators(admin, *H1)
        expected: dict[str, tuple[Any, dict[str, Any]]] = {
            "talent.academician_team_allowance": (
                "350000.75",
                {NANNING: "300000.75", LIUZHOU: "50000.00"},
            ),
            "talent.academician_research_funding": (
                "1234568.00",
                {NANNING: "1234567.89", LIUZHOU: "0.11"},
            ),
            "talent.academician_valid_candidates": (2, {NANNING: 1, LIUZHOU: 1}),
            "talent.young_phd_funded": (2, {NANNING: 2}),
            "talent.national_talent_nominations": (2, {NANNING: 1, LIUZHOU: 1}),
            "talent.experts_added": (2, {NANNING: 1, LIUZHOU: 1}),
            "talent.asean_young_scientists": (2, {NANNING: 1, LIUZHOU: 1}),
            "talent.hmt_talents": (1, {LIUZHOU: 1}),
        }
        for code, (value, by_city) in expected.items():
            assert (figs[code]["value"], figs[code]["by_city"]) == (value, by_city), code
        assert figs["talent.academician_team_allowance"]["unit"] == "yuan"
        # The endpoint always returns every talent figure, in the document's order.
        assert list(figs) == [
            "talent.academician_team_allowance",
            "talent.academician_research_funding",
            "talent.academician_valid_candidates",
            "talent.young_phd_funded",
            "talent.national_talent_nominations",
            "talent.experts_added",
            "talent.asean_young_scientists",
            "talent.hmt_talents",
            "talent.commissioners_dispatched",
            "talent.commissioner_service_days",
            "talent.commissioner_villages_served",
        ]
        # Provenance: summing the listed records gives the figure, per city too.
        records = await all_records(admin, "talent.academician_team_allowance", *H1)
        assert sum(Decimal(r["amount"]) for r in records) == Decimal("350000.75")
        assert all(isinstance(r["amount"], str) for r in records)  # exact decimals, never floats
        lz_records = await all_records(admin, "talent.experts_added", *H1, city=LIUZHOU)
        assert [r["name"] for r in lz_records] == ["柳州人"]
        # city=… restricts every figure.
        only_lz = await indicators(admin, *H1, city=LIUZHOU)
        assert only_lz["talent.young_phd_funded"]["value"] == 0
        assert only_lz["talent.academician_team_allowance"]["value"] == "50000.00"
