from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")

NANNING, LIUZHOU = "450100", "450200"
VALID = ("91350100M000100Y43", "91450200MAA7L76A5R", "914501005794165304")
BAD_CHECK = "91350100M0001TGQXM"


def body(uscc: str, **over: Any) -> dict[str, Any]:
    b = {"uscc": uscc, "name": "广西某科技有限公司", "city": NANNING, "industry": "电子信息"}
    b.update(over)
    return b


class TestUscc:
    @pytest.mark.parametrize("uscc", VALID)
    async def test_valid_examples_are_accepted(self, svc: Any, uscc: str) -> None:
        r = await svc.as_("admin").post("/v1/enterprises", json=body(uscc))
        assert r.status_code == 201, r.text
        assert r.json()["uscc"] == uscc
        assert r.json()["check_overridden"] is False

    async def test_lower_case_and_spaces_are_normalised(self, svc: Any) -> None:
        r = await svc.as_("admin").post("/v1/enterprises", json=body(" 91450200maa7l76a5r "))
        assert r.status_code == 201, r.text
        assert r.json()["uscc"] == "91450200MAA7L76A5R"

    async def test_failing_check_digit_is_invalid_uscc(self, svc: Any) -> None:
        r = await svc.as_("admin").post("/v1/enterprises", json=body(BAD_CHECK))
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert problem["code"] == "invalid_uscc"
        assert problem["errors"][0]["field"] == "body.uscc"
        assert "校验位应为 1" in problem["errors"][0]["message"]

    async def test_admin_override_accepts_legacy_code(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await admin.post("/v1/enterprises", json=body(BAD_CHECK, override_check=True))
        assert r.status_code == 201, r.text
        assert r.json()["check_overridden"] is True
        assert (await admin.get(f"/v1/enterprises/{BAD_CHECK}")).status_code == 200

    async def test_city_bureau_may_not_override(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post("/v1/enterprises", json=body(BAD_CHECK, override_check=True))
        assert r.status_code == 403
        assert r.json()["code"] == "override_not_allowed"
        r = await bureau.post("/v1/enterprises", json=body(BAD_CHECK))
        assert r.status_code == 422
        assert r.json()["code"] == "invalid_uscc"

    @pytest.mark.parametrize(
        "uscc",
        ["9145020", "91450200MAA7L76A5", "9145020OMAA7L76A5R", "91ABCDEFMAA7L76A5R"],
    )
    async def test_override_never_excuses_a_malformed_code(self, svc: Any, uscc: str) -> None:
        r = await svc.as_("admin").post("/v1/enterprises", json=body(uscc, override_check=True))
        assert r.status_code == 422
        assert r.json()["code"] == "invalid_uscc"

    async def test_duplicate_is_conflict(self, svc: Any) -> None:
        admin = svc.as_("admin")
        assert (await admin.post("/v1/enterprises", json=body(VALID[0]))).status_code == 201
        r = await admin.post("/v1/enterprises", json=body(VALID[0]))
        assert r.status_code == 409
        assert r.json()["code"] == "enterprise_exists"


class TestCityScope:
    async def test_other_city_is_404_and_absent_from_lists(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await admin.post("/v1/enterprises", json=body(VALID[2], city=NANNING))
        await admin.post("/v1/enterprises", json=body(VALID[1], city=LIUZHOU))
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/enterprises/{VALID[2]}")).status_code == 200
        r = await bureau.get(f"/v1/enterprises/{VALID[1]}")
        assert r.status_code == 404
        assert r.json()["code"] == "enterprise_not_found"
        items = (await bureau.get("/v1/enterprises")).json()["items"]
        assert [e["uscc"] for e in items] == [VALID[2]]
        r = await bureau.patch(f"/v1/enterprises/{VALID[1]}", json={"name": "x"})
        assert r.status_code == 404

    async def test_city_bureau_writes_only_own_city(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post("/v1/enterprises", json=body(VALID[1], city=LIUZHOU))
        assert r.status_code == 403
        assert r.json()["code"] == "city_not_allowed"
        assert (await bureau.post("/v1/enterprises", json=body(VALID[2]))).status_code == 201
        r = await bureau.patch(f"/v1/enterprises/{VALID[2]}", json={"city": LIUZHOU})
        assert r.status_code == 403

    async def test_analyst_reads_but_cannot_write(self, svc: Any) -> None:
        r = await svc.as_("analyst").post("/v1/enterprises", json=body(VALID[0]))
        assert r.status_code == 403
        assert (await svc.as_("analyst").get("/v1/enterprises")).status_code == 200


class TestHistory:
    async def test_name_and_city_changes_are_dated(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await admin.post("/v1/enterprises", json=body(VALID[2], name="旧名"))
        r = await admin.patch(
            f"/v1/enterprises/{VALID[2]}", json={"name": "新名", "effective_on": "2023-03-01"}
        )
        assert r.status_code == 200, r.text
        assert r.json()["name"] == "新名"
        r = await admin.patch(
            f"/v1/enterprises/{VALID[2]}",
            json={"city": LIUZHOU, "industry": "生物医药", "effective_on": "2023-05-02"},
        )
        assert r.json()["city"] == LIUZHOU
        assert r.json()["industry"] == "生物医药"
        # Same name again: not a change, no history row.
        await admin.patch(f"/v1/enterprises/{VALID[2]}", json={"name": "新名"})
        hist = (await admin.get(f"/v1/enterprises/{VALID[2]}/history")).json()
        assert [(h["field"], h["old_value"], h["new_value"], h["changed_on"]) for h in hist] == [
            ("name", "旧名", "新名", "2023-03-01"),
            ("city", NANNING, LIUZHOU, "2023-05-02"),
        ]

    async def test_empty_or_future_patch_is_rejected(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await admin.post("/v1/enterprises", json=body(VALID[2]))
        assert (await admin.patch(f"/v1/enterprises/{VALID[2]}", json={})).status_code == 422
        r = await admin.patch(
            f"/v1/enterprises/{VALID[2]}", json={"name": "n", "effective_on": "2999-01-01"}
        )
        assert r.status_code == 422


class TestListing:
    async def test_filters_and_pages(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await admin.post("/v1/enterprises", json=body(VALID[0], name="甲光电", city=NANNING))
        await admin.post("/v1/enterprises", json=body(VALID[1], name="乙汽车", city=LIUZHOU))
        await admin.post("/v1/enterprises", json=body(VALID[2], name="丙光电", industry="新能源"))
        r = await admin.get("/v1/enterprises", params={"city": NANNING})
        assert {e["uscc"] for e in r.json()["items"]} == {VALID[0], VALID[2]}
        r = await admin.get("/v1/enterprises", params={"name": "光电", "industry": "新能源"})
        assert [e["uscc"] for e in r.json()["items"]] == [VALID[2]]
        first = (await admin.get("/v1/enterprises", params={"limit": 2})).json()
        assert len(first["items"]) == 2
        assert first["next_cursor"]
        rest = (
            await admin.get("/v1/enterprises", params={"limit": 2, "cursor": first["next_cursor"]})
        ).json()
        assert len(rest["items"]) == 1
        assert rest["next_cursor"] is None
