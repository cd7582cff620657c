"""City scoping of every resource: a city bureau sees and writes only its own city.

Another city's record answers 404 (as if missing) and never appears in a list;
a write naming another city answers 403.
"""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from projects_service.main import create_app

from .helpers import LIUZHOU, NANNING, demand, platform, project, stage

pytestmark = pytest.mark.asyncio(loop_scope="session")
NULL_ID = "00000000-0000-0000-0000-000000000000"


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def created(resp: Any) -> dict[str, Any]:
    r = await resp
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest_asyncio.fixture(loop_scope="session")
async def world(svc: Any) -> dict[str, dict[str, Any]]:
    """One record of each city-attributed resource in Nanning and in Liuzhou."""
    a = svc.as_("admin")
    batch = await created(
        a.post("/v1/key-lab-batches", json={"number": 9, "opened_on": "2023-04-01"})
    )
    out: dict[str, dict[str, Any]] = {}
    for city in (NANNING, LIUZHOU):
        d = await created(a.post("/v1/challenge-demands", json=demand(city=city)))
        p = await created(
            a.post("/v1/funded-projects", json=project(project_code=f"C-{city}", city=city))
        )
        m = await created(
            a.post(
                f"/v1/funded-projects/{p['id']}/milestones",
                json={"name": "m", "due_on": "2024-01-01"},
            )
        )
        pl = await created(a.post("/v1/platforms", json=platform(city=city)))
        app = await created(
            a.post(
                "/v1/key-lab-applications",
                json={
                    "batch_id": batch["id"],
                    "lab_name": "实验室",
                    "organisation_name": "单位",
                    "city": city,
                    "submitted_on": "2023-05-01",
                },
            )
        )
        out[city] = {"demand": d, "project": p, "milestone": m, "platform": pl, "application": app}
    out["batch"] = batch
    return out


LISTS = [
    "/v1/challenge-demands",
    "/v1/funded-projects",
    "/v1/platforms",
    "/v1/key-lab-applications",
]


class TestReads:
    @pytest.mark.parametrize("path", LISTS)
    async def test_lists_hold_only_own_city(self, svc: Any, world: Any, path: str) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        items = (await bureau.get(path)).json()["items"]
        assert items
        assert {i["city"] for i in items} == {NANNING}
        assert (await bureau.get(path, params={"city": LIUZHOU})).json()["items"] == []
        everyone = (await svc.as_("analyst").get(path)).json()["items"]
        assert {i["city"] for i in everyone} == {NANNING, LIUZHOU}

    @pytest.mark.parametrize(
        ("path", "key", "code"),
        [
            ("/v1/challenge-demands/{}", "demand", "challenge_demand_not_found"),
            ("/v1/challenge-demands/{}/history", "demand", "challenge_demand_not_found"),
            ("/v1/funded-projects/{}", "project", "funded_project_not_found"),
            ("/v1/platforms/{}", "platform", "platform_not_found"),
        ],
    )
    async def test_other_city_is_404_like_missing(
        self, svc: Any, world: Any, path: str, key: str, code: str
    ) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.get(path.format(world[NANNING][key]["id"]))).status_code == 200
        other = await bureau.get(path.format(world[LIUZHOU][key]["id"]))
        missing = await bureau.get(path.format(NULL_ID))
        assert other.status_code == missing.status_code == 404
        assert other.json()["code"] == missing.json()["code"] == code

    async def test_indicator_records_are_scoped(self, svc: Any, world: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        period = {"from": "2023-01-01", "to": "2023-06-30"}
        for code in (
            "projects.challenge_demands_collected",
            "projects.major_projects_funded",
            "projects.national_platforms_added",
            "projects.key_lab_applications",
        ):
            r = await bureau.get(f"/v1/indicators/{code}/records", params=period)
            assert r.status_code == 200, r.text
            assert {i["city"] for i in r.json()["items"]} == {NANNING}, code
            r = await bureau.get(
                f"/v1/indicators/{code}/records", params={**period, "city": LIUZHOU}
            )
            assert r.status_code == 403

    async def test_public_list_is_not_scoped(self, svc: Any, world: Any) -> None:
        a = svc.as_("admin")
        d = world[LIUZHOU]["demand"]
        for to in ("under_review", "listed"):
            await a.post(f"/v1/challenge-demands/{d['id']}/transitions", json=stage(to))
        items = (await svc.as_("city_bureau", city=NANNING).get("/v1/challenge-list")).json()
        assert [i["id"] for i in items["items"]] == [d["id"]]


class TestWrites:
    async def test_creates_for_another_city_are_403(self, svc: Any, world: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        for path, body in [
            ("/v1/challenge-demands", demand(city=LIUZHOU)),
            ("/v1/funded-projects", project(project_code="new", city=LIUZHOU)),
            (
                "/v1/key-lab-applications",
                {
                    "batch_id": world["batch"]["id"],
                    "lab_name": "x",
                    "organisation_name": "y",
                    "city": LIUZHOU,
                    "submitted_on": "2023-05-01",
                },
            ),
        ]:
            r = await bureau.post(path, json=body)
            assert r.status_code == 403, path
            assert r.json()["code"] == "city_not_allowed"

    async def test_changes_to_another_citys_records_are_404(self, svc: Any, world: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        other = world[LIUZHOU]
        calls = [
            (
                "post",
                f"/v1/challenge-demands/{other['demand']['id']}/transitions",
                stage("withdrawn"),
            ),
            ("patch", f"/v1/funded-projects/{other['project']['id']}", {"status": "cancelled"}),
            (
                "post",
                f"/v1/funded-projects/{other['project']['id']}/milestones",
                {"name": "x", "due_on": "2024-01-01"},
            ),
            (
                "patch",
                f"/v1/funded-projects/{other['project']['id']}/milestones/{other['milestone']['id']}",
                {"done_on": "2023-06-01"},
            ),
            (
                "patch",
                f"/v1/key-lab-applications/{other['application']['id']}",
                {"status": "withdrawn"},
            ),
        ]
        for method, path, body in calls:
            r = await getattr(bureau, method)(path, json=body)
            assert r.status_code == 404, (path, r.text)
        # and nothing changed
        a = svc.as_("admin")
        assert (await a.get(f"/v1/challenge-demands/{other['demand']['id']}")).json()[
            "status"
        ] == "submitted"
        assert (await a.get(f"/v1/funded-projects/{other['project']['id']}")).json()[
            "status"
        ] == "approved"

    async def test_own_city_changes_work(self, svc: Any, world: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        mine = world[NANNING]
        r = await bureau.patch(
            f"/v1/funded-projects/{mine['project']['id']}", json={"status": "in_progress"}
        )
        assert r.status_code == 200
        r = await bureau.patch(
            f"/v1/key-lab-applications/{mine['application']['id']}", json={"status": "withdrawn"}
        )
        assert r.status_code == 200

    async def test_department_only_resources(self, svc: Any, world: Any) -> None:
        bureau = svc.as_("city_bureau", city=NANNING)
        assert (await bureau.post("/v1/platforms", json=platform())).status_code == 403
        r = await bureau.patch(
            f"/v1/platforms/{world[NANNING]['platform']['id']}", json={"status": "revoked"}
        )
        assert r.status_code == 403
        r = await bureau.post("/v1/key-lab-batches", json={"number": 10, "opened_on": "2023-04-01"})
        assert r.status_code == 403
        assert (await bureau.get("/v1/key-lab-batches")).status_code == 200
