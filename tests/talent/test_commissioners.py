"""科技特派员: commissioners, dispatches, service logs, city scoping and their indicators."""

from __future__ import annotations

from typing import Any

import pytest

from tests.talent.conftest import (
    GUILIN,
    LIUZHOU,
    LIUZHOU_COUNTY,
    LIUZHOU_VILLAGE,
    NANNING,
    NANNING_COUNTY,
    NANNING_VILLAGE,
    NANNING_VILLAGE_2,
    all_records,
    indicators,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

H1 = ("2023-01-01", "2023-06-30")


async def commissioner(client: Any, **over: Any) -> dict[str, Any]:
    body = {
        "name": "韦科技",
        "organisation": "广西大学",
        "kind": "individual",
        "home_city": NANNING,
    }
    body.update(over)
    r = await client.post("/v1/commissioners", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def dispatch_body(commissioner_id: str, **over: Any) -> dict[str, Any]:
    body = {
        "commissioner_id": commissioner_id,
        "year": 2023,
        "dispatching_unit": "自治区科技厅",
        "city": NANNING,
        "county": NANNING_COUNTY,
        "dispatched_on": "2023-03-01",
    }
    body.update(over)
    return body


async def dispatch(client: Any, commissioner_id: str, **over: Any) -> dict[str, Any]:
    body = dispatch_body(commissioner_id, **over)
    r = await client.post("/v1/commissioner-dispatches", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def log_body(dispatch_id: str, **over: Any) -> dict[str, Any]:
    body = {
        "dispatch_id": dispatch_id,
        "village_code": NANNING_VILLAGE,
        "served_on": "2023-04-01",
        "days": 3,
        "content": "柑橘病虫害防治培训",
        "outcome": "培训农户40人",
    }
    body.update(over)
    return body


async def service_log(client: Any, dispatch_id: str, **over: Any) -> dict[str, Any]:
    r = await client.post("/v1/commissioner-service-logs", json=log_body(dispatch_id, **over))
    assert r.status_code == 201, r.text
    return dict(r.json())


class TestCommissioners:
    async def test_create_get_and_filter(self, svc: Any) -> None:
        admin = svc.as_("admin")
        a = await commissioner(admin, name="甲", kind="team")
        await commissioner(admin, name="乙", home_city=LIUZHOU)
        got = await svc.as_("analyst").get(f"/v1/commissioners/{a['id']}")
        assert got.status_code == 200
        assert got.json()["kind"] == "team"
        teams = (await admin.get("/v1/commissioners", params={"kind": "team"})).json()["items"]
        assert [c["name"] for c in teams] == ["甲"]
        liuzhou = (await admin.get("/v1/commissioners", params={"home_city": LIUZHOU})).json()
        assert [c["name"] for c in liuzhou["items"]] == ["乙"]

    async def test_bad_kind_and_city_are_problems(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/commissioners",
            json={"name": "x", "organisation": "y", "kind": "robot", "home_city": "440100"},
        )
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        assert {e["field"] for e in r.json()["errors"]} == {"body.kind", "body.home_city"}

    async def test_city_bureau_registers_only_its_own_commissioners(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        await commissioner(bureau)
        r = await bureau.post(
            "/v1/commissioners",
            json={"name": "x", "organisation": "y", "kind": "individual", "home_city": LIUZHOU},
        )
        assert r.status_code == 403
        assert r.json()["code"] == "city_not_allowed"

    async def test_unknown_commissioner_is_404_and_analyst_cannot_write(self, svc: Any) -> None:
        r = await svc.as_("admin").get("/v1/commissioners/00000000-0000-0000-0000-000000000000")
        assert r.status_code == 404
        assert r.json()["code"] == "commissioner_not_found"
        r = await svc.as_("analyst").post(
            "/v1/commissioners",
            json={"name": "x", "organisation": "y", "kind": "individual", "home_city": NANNING},
        )
        assert r.status_code == 403


class TestDispatches:
    async def test_create_get_list_filters(self, svc: Any) -> None:
        admin = svc.as_("admin")
        c = await commissioner(admin)
        d = await dispatch(admin, c["id"])
        assert d["status"] == "active"
        await dispatch(
            admin,
            c["id"],
            city=LIUZHOU,
            county=LIUZHOU_COUNTY,
            year=2022,
            dispatched_on="2022-05-01",
        )
        got = await admin.get(f"/v1/commissioner-dispatches/{d['id']}")
        assert got.json()["county"] == NANNING_COUNTY
        by_year = (await admin.get("/v1/commissioner-dispatches", params={"year": 2022})).json()
        assert [x["city"] for x in by_year["items"]] == [LIUZHOU]
        in_range = await admin.get(
            "/v1/commissioner-dispatches",
            params={"dispatched_from": "2023-03-01", "dispatched_to": "2023-03-01"},
        )
        assert [x["id"] for x in in_range.json()["items"]] == [d["id"]]
        by_commissioner = await admin.get(
            "/v1/commissioner-dispatches", params={"commissioner_id": c["id"]}
        )
        assert len(by_commissioner.json()["items"]) == 2

    async def test_county_must_lie_in_city(self, svc: Any) -> None:
        admin = svc.as_("admin")
        c = await commissioner(admin)
        for county in (LIUZHOU_COUNTY, NANNING):  # another city's county; the city itself
            r = await admin.post(
                "/v1/commissioner-dispatches", json=dispatch_body(c["id"], county=county)
            )
            assert r.status_code == 422, county
            assert r.json()["errors"][0] == {
                "field": "body.county",
                "code": "county_not_in_city",
                "message": f"{county} 不是南宁市（{NANNING}）所辖的县级区划代码",
            }

    async def test_bad_fields_are_listed(self, svc: Any) -> None:
        admin = svc.as_("admin")
        c = await commissioner(admin)
        r = await admin.post(
            "/v1/commissioner-dispatches",
            json=dispatch_body(
                c["id"], city="440100", county="4501", dispatched_on="2999-01-01", year=1800
            ),
        )
        assert r.status_code == 422
        fields = {e["field"] for e in r.json()["errors"]}
        assert fields == {"body.city", "body.county", "body.dispatched_on", "body.year"}

    async def test_unknown_commissioner_is_422(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/commissioner-dispatches",
            json=dispatch_body("00000000-0000-0000-0000-000000000000"),
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "unknown_commissioner"

    async def test_cancel_once(self, svc: Any) -> None:
        admin = svc.as_("admin")
        d = await dispatch(admin, (await commissioner(admin))["id"])
        url = f"/v1/commissioner-dispatches/{d['id']}/cancel"
        r = await admin.post(url, json={"cancelled_on": "2023-05-01"})
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["cancelled_on"]) == ("cancelled", "2023-05-01")
        r = await admin.post(url, json={})
        assert r.status_code == 409
        assert r.json()["code"] == "dispatch_cancelled"


class TestCityScope:
    async def test_bureau_sees_only_its_city(self, svc: Any) -> None:
        admin = svc.as_("admin")
        c = await commissioner(admin)
        mine = await dispatch(admin, c["id"])
        other = await dispatch(admin, c["id"], city=LIUZHOU, county=LIUZHOU_COUNTY)
        my_log = await service_log(admin, mine["id"])
        other_log = await service_log(admin, other["id"], village_code=LIUZHOU_VILLAGE)
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(f"/v1/commissioner-dispatches/{mine['id']}")).status_code == 200
        r = await bureau.get(f"/v1/commissioner-dispatches/{other['id']}")
        assert r.status_code == 404
        assert r.json()["code"] == "commissioner_dispatch_not_found"
        r = await bureau.get(f"/v1/commissioner-service-logs/{my_log['id']}")
        assert r.status_code == 200
        r = await bureau.get(f"/v1/commissioner-service-logs/{other_log['id']}")
        assert r.status_code == 404
        assert r.json()["code"] == "commissioner_service_log_not_found"
        dispatches = (await bureau.get("/v1/commissioner-dispatches")).json()["items"]
        assert [d["id"] for d in dispatches] == [mine["id"]]
        logs = (await bureau.get("/v1/commissioner-service-logs")).json()["items"]
        assert [x["id"] for x in logs] == [my_log["id"]]
        # Even asking for the other city explicitly shows nothing.
        r = await bureau.get("/v1/commissioner-service-logs", params={"city": LIUZHOU})
        assert r.json()["items"] == []

    async def test_bureau_cannot_write_for_another_city(self, svc: Any) -> None:
        admin = svc.as_("admin")
        c = await commissioner(admin)
        other = await dispatch(admin, c["id"], city=LIUZHOU, county=LIUZHOU_COUNTY)
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post(
            "/v1/commissioner-dispatches",
            json=dispatch_body(c["id"], city=LIUZHOU, county=LIUZHOU_COUNTY),
        )
        assert r.status_code == 403
        assert r.json()["code"] == "city_not_allowed"
        r = await bureau.post(
            "/v1/commissioner-service-logs",
            json=log_body(other["id"], village_code=LIUZHOU_VILLAGE),
        )
        assert r.status_code == 403
        # Cancelling another city's dispatch: it does not exist for this bureau.
        r = await bureau.post(f"/v1/commissioner-dispatches/{other['id']}/cancel", json={})
        assert r.status_code == 404
        # Its own city works, including for a commissioner from another city.
        d = await dispatch(bureau, c["id"])
        await service_log(bureau, d["id"])


class TestServiceLogs:
    async def test_create_and_list_filters(self, svc: Any) -> None:
        admin = svc.as_("admin")
        c = await commissioner(admin)
        d = await dispatch(admin, c["id"])
        log = await service_log(admin, d["id"], village_code=NANNING_VILLAGE_2)
        assert (log["city"], log["days"]) == (NANNING, 3)
        await service_log(admin, d["id"], served_on="2023-05-02")
        r = await admin.get(
            "/v1/commissioner-service-logs", params={"village_code": NANNING_VILLAGE_2}
        )
        assert [x["id"] for x in r.json()["items"]] == [log["id"]]
        r = await admin.get(
            "/v1/commissioner-service-logs",
            params={"commissioner_id": c["id"], "served_from": "2023-05-01"},
        )
        assert [x["served_on"] for x in r.json()["items"]] == ["2023-05-02"]

    @pytest.mark.parametrize(
        ("over", "field", "code"),
        [
            ({"village_code": "45010300"}, "body.village_code", "string_pattern_mismatch"),
            ({"village_code": "4501030010012"}, "body.village_code", "string_pattern_mismatch"),
            ({"village_code": "45010300a001"}, "body.village_code", "string_pattern_mismatch"),
            ({"village_code": LIUZHOU_VILLAGE}, "body.village_code", "village_not_in_city"),
            ({"village_code": "450100001001"}, "body.village_code", "village_not_in_city"),
            ({"days": 0}, "body.days", "greater_than_equal"),
            ({"days": 32}, "body.days", "less_than_equal"),
            ({"served_on": "2023-02-28"}, "body.served_on", "served_before_dispatch"),
            ({"served_on": "2023-02-30"}, "body.served_on", "date_from_datetime_parsing"),
            ({"served_on": "2999-01-01"}, "body.served_on", "value_error"),
            ({"content": ""}, "body.content", "string_too_short"),
        ],
    )
    async def test_validation(self, svc: Any, over: dict[str, Any], field: str, code: str) -> None:
        admin = svc.as_("admin")
        d = await dispatch(admin, (await commissioner(admin))["id"])
        r = await admin.post("/v1/commissioner-service-logs", json=log_body(d["id"], **over))
        assert r.status_code == 422, r.text
        assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [(field, code)]

    async def test_unknown_and_cancelled_dispatch(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await admin.post(
            "/v1/commissioner-service-logs",
            json=log_body("00000000-0000-0000-0000-000000000000"),
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "unknown_dispatch"
        d = await dispatch(admin, (await commissioner(admin))["id"])
        await admin.post(f"/v1/commissioner-dispatches/{d['id']}/cancel", json={})
        r = await admin.post("/v1/commissioner-service-logs", json=log_body(d["id"]))
        assert r.status_code == 409
        assert r.json()["code"] == "dispatch_cancelled"


class TestIndicators:
    async def test_commissioners_dispatched_two_cities_and_edges(self, svc: Any) -> None:
        admin = svc.as_("admin")
        a = await commissioner(admin, name="两市特派员")
        b = await commissioner(admin, name="乙")
        c = await commissioner(admin, name="丙")
        e = await commissioner(admin, name="戊")
        # a: twice in Nanning (both period edges) and once in Liuzhou.
        await dispatch(admin, a["id"], dispatched_on="2023-01-01")
        await dispatch(admin, a["id"], dispatched_on="2023-06-30")
        await dispatch(admin, a["id"], city=LIUZHOU, county=LIUZHOU_COUNTY)
        await dispatch(admin, b["id"])
        # c: only outside the period (one day either side).
        await dispatch(admin, c["id"], dispatched_on="2022-12-31", year=2022)
        await dispatch(admin, c["id"], dispatched_on="2023-07-01")
        # e: dispatched in period but cancelled later: never counts.
        cancelled = await dispatch(admin, e["id"], city=LIUZHOU, county=LIUZHOU_COUNTY)
        await admin.post(f"/v1/commissioner-dispatches/{cancelled['id']}/cancel", json={})

        fig = (await indicators(admin, *H1))["talent.commissioners_dispatched"]
        assert fig["value"] == 2  # a once in the total, not three times
        assert fig["by_city"] == {NANNING: 2, LIUZHOU: 1}  # columns need not add up
        assert fig["unit"] == "count"
        liuzhou = (await indicators(admin, *H1, city=LIUZHOU))["talent.commissioners_dispatched"]
        assert (liuzhou["value"], liuzhou["by_city"]) == (1, {LIUZHOU: 1})
        # Provenance: the dispatches behind the figure, three of which are a's.
        records = await all_records(admin, "talent.commissioners_dispatched", *H1)
        assert len(records) == 4
        assert len({r["commissioner_id"] for r in records}) == 2
        # One day later the Jan-1 dispatch drops out but a still counts.
        later = await indicators(admin, "2023-01-02", "2023-06-30")
        assert later["talent.commissioners_dispatched"]["by_city"] == {NANNING: 2, LIUZHOU: 1}
        # Without both edges a's Nanning dispatches are gone; its Liuzhou one remains.
        inner = (await indicators(admin, "2023-01-02", "2023-06-29"))[
            "talent.commissioners_dispatched"
        ]
        assert (inner["value"], inner["by_city"]) == (2, {NANNING: 1, LIUZHOU: 1})
        only_edge = await indicators(admin, "2023-06-30", "2023-06-30")
        assert only_edge["talent.commissioners_dispatched"]["value"] == 1

    async def test_service_days_and_villages(self, svc: Any) -> None:
        admin = svc.as_("admin")
        a = await commissioner(admin)
        nn = await dispatch(admin, a["id"], dispatched_on="2022-06-01", year=2022)
        lz = await dispatch(
            admin,
            a["id"],
            city=LIUZHOU,
            county=LIUZHOU_COUNTY,
            dispatched_on="2022-06-01",
            year=2022,
        )
        await service_log(admin, nn["id"], served_on="2023-01-01", days=2)
        await service_log(admin, nn["id"], served_on="2023-06-30", days=5)  # same village
        await service_log(
            admin, nn["id"], served_on="2023-03-01", days=1, village_code=NANNING_VILLAGE_2
        )
        await service_log(
            admin, lz["id"], served_on="2023-02-01", days=4, village_code=LIUZHOU_VILLAGE
        )
        # Outside the period by one day.
        await service_log(admin, nn["id"], served_on="2022-12-31", days=10)
        await service_log(admin, nn["id"], served_on="2023-07-01", days=10)
        # A dispatch cancelled after its service was logged: its logs stop counting.
        gone = await dispatch(admin, a["id"], dispatched_on="2022-06-01", year=2022)
        await service_log(
            admin, gone["id"], served_on="2023-03-03", days=7, village_code="450103999"
        )
        await admin.post(f"/v1/commissioner-dispatches/{gone['id']}/cancel", json={})

        figs = await indicators(admin, *H1)
        days = figs["talent.commissioner_service_days"]
        assert days["value"] == 12
        assert days["by_city"] == {NANNING: 8, LIUZHOU: 4}
        villages = figs["talent.commissioner_villages_served"]
        assert villages["value"] == 3
        assert villages["by_city"] == {NANNING: 2, LIUZHOU: 1}
        records = await all_records(admin, "talent.commissioner_service_days", *H1)
        assert sum(r["days"] for r in records) == 12
        nanning = await all_records(admin, "talent.commissioner_service_days", *H1, city=NANNING)
        assert sum(r["days"] for r in nanning) == 8

    async def test_empty_period_gives_zero_and_all_figures_present(self, svc: Any) -> None:
        figs = await indicators(svc.as_("analyst"), "1999-01-01", "1999-12-31")
        for code in (
            "talent.commissioners_dispatched",
            "talent.commissioner_service_days",
            "talent.commissioner_villages_served",
        ):
            assert figs[code]["value"] == 0, code
            assert figs[code]["by_city"] == {}

    async def test_city_bureau_figures_are_scoped(self, svc: Any) -> None:
        admin = svc.as_("admin")
        a = await commissioner(admin)
        await dispatch(admin, a["id"])
        await dispatch(admin, a["id"], city=LIUZHOU, county=LIUZHOU_COUNTY)
        bureau = svc.as_("city_bureau", city=LIUZHOU)
        fig = (await indicators(bureau, *H1))["talent.commissioners_dispatched"]
        assert (fig["value"], fig["by_city"]) == (1, {LIUZHOU: 1})
        r = await bureau.get("/v1/indicators", params={"from": H1[0], "to": H1[1], "city": GUILIN})
        assert r.status_code == 403


class TestPagingAndOwnCancel:
    async def test_log_pages_cover_everything_once(self, svc: Any) -> None:
        admin = svc.as_("admin")
        d = await dispatch(admin, (await commissioner(admin))["id"])
        for day in range(1, 8):
            await service_log(admin, d["id"], served_on=f"2023-04-0{day}")
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            page = (await admin.get("/v1/commissioner-service-logs", params=params)).json()
            seen += [x["id"] for x in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert len(seen) == 7 == len(set(seen))

    async def test_bureau_cancels_its_own_dispatch(self, svc: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        d = await dispatch(bureau, (await commissioner(bureau))["id"])
        r = await bureau.post(f"/v1/commissioner-dispatches/{d['id']}/cancel", json={})
        assert r.status_code == 200
        assert r.json()["status"] == "cancelled"
        figs = await indicators(bureau, *H1)
        assert figs["talent.commissioners_dispatched"]["value"] == 0
