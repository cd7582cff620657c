"""Every projects.* figure on hand-built data with known answers (docs/indicators.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from projects_service.indicator.compute import compute_all
from projects_service.indicator.specs import SPECS
from projects_service.main import create_app
from shared_kit.indicators import PeriodQuery, compute_figure

from .helpers import GUILIN, LIUZHOU, NANNING, demand, platform, project, stage

pytestmark = pytest.mark.asyncio(loop_scope="session")

H1 = {"from": "2023-01-01", "to": "2023-06-30"}
CODES = {
    "projects.action_plan_programs",
    "projects.action_plan_tasks_completed",
    "projects.special_plans_completed",
    "projects.challenge_demands_collected",
    "projects.challenge_demands_listed",
    "projects.major_projects_funded",
    "projects.key_rd_projects_funded",
    "projects.project_funding",
    "projects.platform_funding",
    "projects.national_platforms_added",
    "projects.joint_lab_plans_approved",
    "projects.key_lab_applications",
}
REGION_ONLY = {
    "projects.action_plan_programs",
    "projects.action_plan_tasks_completed",
    "projects.special_plans_completed",
}
MONEY = {"projects.project_funding", "projects.platform_funding"}


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def ok(resp: Any, status: int = 201) -> dict[str, Any]:
    r = await resp
    assert r.status_code == status, r.text
    return dict(r.json())


async def demand_through(admin: Any, steps: list[tuple[str, str]], **over: Any) -> None:
    d = await ok(admin.post("/v1/challenge-demands", json=demand(**over)))
    for to, on in steps:
        await ok(
            admin.post(f"/v1/challenge-demands/{d['id']}/transitions", json=stage(to, on)), 200
        )


async def build(svc: Any) -> None:
    """The data set; the comment beside each record says whether H1 2023 counts it."""
    a = svc.as_("admin")
    # Action plan: plan A covers 2023-2025, plan B 2021-2023.
    plan_a = await ok(
        a.post("/v1/action-plans", json={"name": "A", "start_year": 2023, "end_year": 2025})
    )
    plan_b = await ok(
        a.post("/v1/action-plans", json={"name": "B", "start_year": 2021, "end_year": 2023})
    )
    p1 = await ok(a.post("/v1/programs", json={"plan_id": plan_a["id"], "name": "科技惠民工程"}))
    await ok(a.post("/v1/programs", json={"plan_id": plan_a["id"], "name": "千企科技创新工程"}))
    await ok(a.post("/v1/programs", json={"plan_id": plan_b["id"], "name": "旧工程"}))
    task = {"program_id": p1["id"], "title": "t", "owner": "o", "due_on": "2023-12-31"}
    for status, completed_on in [
        ("completed", "2023-06-30"),  # yes: on `to`
        ("completed", "2023-01-01"),  # yes: on `from`
        ("completed", "2023-07-01"),  # no: `to` + 1
        ("completed", "2022-12-31"),  # no
        ("in_progress", None),  # no
        ("cancelled", None),  # no
    ]:
        await ok(
            a.post(
                "/v1/action-plan-tasks",
                json=task | {"status": status, "completed_on": completed_on},
            )
        )
    for name, status, on in [
        ("生物医药创制", "completed", "2023-06-30"),  # yes
        ("新一代人工智能", "completed", "2023-02-01"),  # yes
        ("机械制造与高端装备", "completed", "2023-07-01"),  # no
        ("现代特色农业科技", "drafting", None),  # no
    ]:
        await ok(
            a.post(
                "/v1/special-fields", json={"name": name, "plan_status": status, "completed_on": on}
            )
        )

    # Challenge demands.
    await demand_through(
        a, [("under_review", "2023-06-30"), ("rejected", "2023-06-30")], submitted_on="2023-06-30"
    )  # collected (rejected later still counts)
    await demand_through(
        a,
        [
            ("under_review", "2023-01-02"),
            ("listed", "2023-06-30"),
            ("claimed", "2023-07-05"),
            ("contracted", "2023-08-01"),
            ("terminated", "2023-09-01"),
        ],
        submitted_on="2023-01-01",
        city=LIUZHOU,
    )  # collected and listed (terminated later still counts)
    await demand_through(a, [("withdrawn", "2023-03-02")], submitted_on="2023-03-01")  # never
    await demand_through(
        a, [("under_review", "2023-03-02"), ("withdrawn", "2023-03-03")], submitted_on="2023-03-01"
    )  # never
    await demand_through(a, [], submitted_on="2023-07-01")  # no
    await demand_through(
        a, [("under_review", "2023-05-02"), ("listed", "2023-07-01")], submitted_on="2023-05-01"
    )  # collected, not listed
    await demand_through(
        a, [("under_review", "2022-12-02"), ("listed", "2023-01-01")], submitted_on="2022-12-01"
    )  # listed, not collected

    # Funded projects.
    for code, category, city, on, amount, status in [
        ("M1", "major_special", NANNING, "2023-06-30", "100.10", "approved"),  # yes
        ("M2", "major_special", LIUZHOU, "2023-01-01", "200.00", "completed"),  # yes
        ("M3", "major_special", NANNING, "2023-07-01", "1000.00", "approved"),  # no
        ("M4", "major_special", NANNING, "2023-02-01", "5000.00", "cancelled"),  # never
        ("K1", "key_rd", LIUZHOU, "2023-03-01", "0.01", "in_progress"),  # yes
        ("K2", "key_rd", NANNING, "2022-12-31", "7.00", "approved"),  # no
        ("P1", "platform", NANNING, "2023-04-01", "300.00", "approved"),  # platform only
        ("P2", "platform", NANNING, "2023-04-02", "999.00", "cancelled"),  # never
    ]:
        body = project(
            project_code=code,
            category=category,
            city=city,
            approved_on=on,
            funding_amount=amount,
            status=status,
        )
        await ok(a.post("/v1/funded-projects", json=body))

    # Platforms.
    for over in [
        {"name": "国家A", "approved_on": "2023-06-30"},  # national yes
        {"name": "国家B", "approved_on": "2023-07-01"},  # no
        {"name": "国家C", "approved_on": "2023-03-01", "revoke": True},  # never
        {
            "name": "自治区D",
            "level": "regional",
            "kind": "regional_key_lab",
            "approved_on": "2023-03-01",
        },
        {
            "name": "共建E",
            "kind": "joint_state_key_lab",
            "approved_on": None,
            "plan_approved_on": "2023-06-30",
            "city": LIUZHOU,
        },  # joint plan yes
        {
            "name": "共建F",
            "kind": "joint_state_key_lab",
            "approved_on": None,
            "plan_approved_on": "2023-07-01",
        },
    ]:
        revoke = over.pop("revoke", False)
        made = await ok(a.post("/v1/platforms", json=platform(**over)))
        if revoke:
            await ok(a.patch(f"/v1/platforms/{made['id']}", json={"status": "revoked"}), 200)

    # Key-lab applications.
    b9 = await ok(a.post("/v1/key-lab-batches", json={"number": 9, "opened_on": "2023-04-01"}))
    b8 = await ok(a.post("/v1/key-lab-batches", json={"number": 8, "opened_on": "2022-04-01"}))
    for batch, city, on, withdraw in [
        (b9, NANNING, "2023-06-30", False),  # yes
        (b9, GUILIN, "2023-01-01", False),  # yes
        (b9, NANNING, "2023-03-01", True),  # never
        (b9, NANNING, "2023-07-01", False),  # no
        (b8, NANNING, "2022-12-31", False),  # no
    ]:
        app = await ok(
            a.post(
                "/v1/key-lab-applications",
                json={
                    "batch_id": batch["id"],
                    "lab_name": "实验室",
                    "organisation_name": "单位",
                    "city": city,
                    "submitted_on": on,
                },
            )
        )
        if withdraw:
            await ok(
                a.patch(f"/v1/key-lab-applications/{app['id']}", json={"status": "withdrawn"}), 200
            )


async def figures(client: Any, **params: str) -> dict[str, dict[str, Any]]:
    r = await client.get("/v1/indicators", params=params)
    assert r.status_code == 200, r.text
    return {f["code"]: f for f in r.json()["indicators"]}


class TestEveryFigure:
    async def test_known_answers_for_h1_2023(self, svc: Any) -> None:
        await build(svc)
        f = await figures(svc.as_("analyst"), **H1)
        assert set(f) == CODES
        expect_values: dict[str, Any] = {
            "projects.action_plan_programs": 3,
            "projects.action_plan_tasks_completed": 2,
            "projects.special_plans_completed": 2,
            "projects.challenge_demands_collected": 3,
            "projects.challenge_demands_listed": 2,
            "projects.major_projects_funded": 2,
            "projects.key_rd_projects_funded": 1,
            "projects.project_funding": "300.11",
            "projects.platform_funding": "300.00",
            "projects.national_platforms_added": 1,
            "projects.joint_lab_plans_approved": 1,
            "projects.key_lab_applications": 2,
        }
        assert {c: f[c]["value"] for c in CODES} == expect_values
        expect_cities: dict[str, Any] = {
            "projects.challenge_demands_collected": {NANNING: 2, LIUZHOU: 1},
            "projects.challenge_demands_listed": {NANNING: 1, LIUZHOU: 1},
            "projects.major_projects_funded": {NANNING: 1, LIUZHOU: 1},
            "projects.key_rd_projects_funded": {LIUZHOU: 1},
            "projects.project_funding": {NANNING: "100.10", LIUZHOU: "200.01"},
            "projects.platform_funding": {NANNING: "300.00"},
            "projects.national_platforms_added": {NANNING: 1},
            "projects.joint_lab_plans_approved": {LIUZHOU: 1},
            "projects.key_lab_applications": {NANNING: 1, GUILIN: 1},
        }
        assert {c: f[c]["by_city"] for c in expect_cities} == expect_cities
        for code in REGION_ONLY:
            assert f[code]["region_only"] is True
            assert f[code]["by_city"] is None
        assert f["projects.action_plan_programs"]["items"] == [
            "千企科技创新工程",
            "旧工程",
            "科技惠民工程",
        ]
        assert f["projects.special_plans_completed"]["items"] == ["新一代人工智能", "生物医药创制"]
        assert f["projects.national_platforms_added"]["items"] == ["国家A"]
        assert f["projects.key_lab_applications"]["items"] == ["第9批"]
        assert f["projects.project_funding"]["unit"] == "yuan"

    async def test_city_restriction(self, svc: Any) -> None:
        await build(svc)
        f = await figures(svc.as_("admin"), **H1, city=NANNING)
        for code in REGION_ONLY:
            assert f[code]["value"] is None
        assert f["projects.challenge_demands_collected"]["value"] == 2
        assert f["projects.project_funding"]["value"] == "100.10"
        assert f["projects.key_lab_applications"]["items"] == ["第9批"]
        assert f["projects.joint_lab_plans_approved"]["value"] == 0
        bureau = await figures(svc.as_("city_bureau", city=LIUZHOU), **H1)
        assert bureau["projects.project_funding"]["value"] == "200.01"
        assert bureau["projects.project_funding"]["by_city"] == {LIUZHOU: "200.01"}

    async def test_next_day_window_sees_the_to_plus_one_records(self, svc: Any) -> None:
        await build(svc)
        f = await figures(svc.as_("admin"), **{"from": "2023-07-01", "to": "2023-07-01"})
        assert f["projects.challenge_demands_collected"]["value"] == 1
        assert f["projects.challenge_demands_listed"]["value"] == 1
        assert f["projects.major_projects_funded"]["value"] == 1
        assert f["projects.project_funding"]["value"] == "1000.00"
        assert f["projects.action_plan_tasks_completed"]["value"] == 1
        assert f["projects.special_plans_completed"]["items"] == ["机械制造与高端装备"]
        assert f["projects.national_platforms_added"]["items"] == ["国家B"]
        assert f["projects.joint_lab_plans_approved"]["value"] == 1
        assert f["projects.key_lab_applications"]["value"] == 1

    async def test_programs_need_every_touched_year(self, svc: Any) -> None:
        await build(svc)
        f = await figures(svc.as_("admin"), **{"from": "2023-07-01", "to": "2024-06-30"})
        assert f["projects.action_plan_programs"]["items"] == ["千企科技创新工程", "科技惠民工程"]
        f = await figures(svc.as_("admin"), **{"from": "2022-12-01", "to": "2023-01-31"})
        assert f["projects.action_plan_programs"]["items"] == ["旧工程"]
        f = await figures(svc.as_("admin"), **{"from": "2020-12-01", "to": "2026-01-31"})
        assert f["projects.action_plan_programs"]["value"] == 0
        assert f["projects.action_plan_programs"]["items"] == []

    async def test_empty_period_gives_zero(self, svc: Any) -> None:
        await build(svc)
        f = await figures(svc.as_("admin"), **{"from": "2010-01-01", "to": "2010-12-31"})
        assert {c: f[c]["value"] for c in MONEY} == dict.fromkeys(MONEY, "0.00")
        assert all(f[c]["value"] == 0 for c in CODES - MONEY)

    async def test_records_add_up_to_every_figure(self, svc: Any) -> None:
        await build(svc)
        admin = svc.as_("admin")
        f = await figures(admin, **H1)
        for code in CODES:
            r = await admin.get(f"/v1/indicators/{code}/records", params={**H1, "limit": 1000})
            assert r.status_code == 200, r.text
            items = r.json()["items"]
            if code in MONEY:
                total = sum((Decimal(i["funding_amount"]) for i in items), Decimal("0"))
                assert total == Decimal(f[code]["value"]), code
            else:
                assert len(items) == f[code]["value"], code
        for code in ("projects.challenge_demands_collected", "projects.challenge_demands_listed"):
            items = (
                await admin.get(f"/v1/indicators/{code}/records", params={**H1, "limit": 1000})
            ).json()["items"]
            assert "withdrawn" not in {i["status"] for i in items}
        statuses = {
            i["status"]
            for i in (
                await admin.get(
                    "/v1/indicators/projects.challenge_demands_collected/records", params=H1
                )
            ).json()["items"]
        }
        assert "rejected" in statuses
        listed = (
            await admin.get("/v1/indicators/projects.challenge_demands_listed/records", params=H1)
        ).json()["items"]
        assert "terminated" in {i["status"] for i in listed}


class TestBatchedEqualsPerFigure:
    async def test_one_statement_gives_what_compute_figure_gives(self, svc: Any) -> None:
        await build(svc)
        for start, end, city in [
            ("2023-01-01", "2023-06-30", None),
            ("2023-01-01", "2023-06-30", NANNING),
            ("2023-07-01", "2024-06-30", None),
            ("2010-01-01", "2010-12-31", LIUZHOU),
        ]:
            period = PeriodQuery(date.fromisoformat(start), date.fromisoformat(end), city)
            async with svc.session_maker() as session:
                batched = await compute_all(session, period)
                single = [await compute_figure(session, spec, period) for spec in SPECS]
            assert [f.model_dump() for f in batched] == [f.model_dump() for f in single], period
