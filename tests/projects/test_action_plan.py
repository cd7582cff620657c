from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from projects_service.main import create_app

from .helpers import NANNING

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def make_plan(admin: Any, **over: Any) -> dict[str, Any]:
    body = {"name": "科技强桂三年行动方案", "start_year": 2023, "end_year": 2025} | over
    r = await admin.post("/v1/action-plans", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def make_program(admin: Any, plan_id: str, name: str = "千企科技创新工程") -> dict[str, Any]:
    r = await admin.post("/v1/programs", json={"plan_id": plan_id, "name": name})
    assert r.status_code == 201, r.text
    return dict(r.json())


class TestPlans:
    async def test_plan_program_task_round_trip(self, svc: Any) -> None:
        admin = svc.as_("admin")
        plan = await make_plan(admin)
        program = await make_program(admin, plan["id"])
        r = await admin.post(
            "/v1/action-plan-tasks",
            json={
                "program_id": program["id"],
                "title": "培育科技型企业",
                "owner": "高新处",
                "due_on": "2023-12-31",
            },
        )
        assert r.status_code == 201, r.text
        task = r.json()
        assert task["status"] == "planned"
        r = await admin.patch(
            f"/v1/action-plan-tasks/{task['id']}",
            json={"status": "completed", "completed_on": "2023-06-30"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["completed_on"] == "2023-06-30"
        listed = (
            await svc.as_("analyst").get("/v1/action-plan-tasks", params={"status": "completed"})
        ).json()["items"]
        assert [t["id"] for t in listed] == [task["id"]]
        progs = (
            await svc.as_("city_bureau", city=NANNING).get(
                "/v1/programs", params={"plan_id": plan["id"]}
            )
        ).json()["items"]
        assert [p["name"] for p in progs] == ["千企科技创新工程"]

    async def test_reversed_years_are_422(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/action-plans", json={"name": "x", "start_year": 2025, "end_year": 2023}
        )
        assert r.status_code == 422

    async def test_duplicate_program_name_is_409(self, svc: Any) -> None:
        admin = svc.as_("admin")
        plan = await make_plan(admin)
        await make_program(admin, plan["id"])
        r = await admin.post(
            "/v1/programs", json={"plan_id": plan["id"], "name": "千企科技创新工程"}
        )
        assert r.status_code == 409
        assert r.json()["code"] == "duplicate_name"

    async def test_program_of_unknown_plan_is_404(self, svc: Any) -> None:
        r = await svc.as_("admin").post(
            "/v1/programs",
            json={"plan_id": "00000000-0000-0000-0000-000000000000", "name": "x"},
        )
        assert r.status_code == 404
        assert r.json()["code"] == "action_plan_not_found"

    async def test_completion_needs_a_date_and_only_then(self, svc: Any) -> None:
        admin = svc.as_("admin")
        plan = await make_plan(admin)
        program = await make_program(admin, plan["id"])
        base = {"program_id": program["id"], "title": "t", "owner": "o", "due_on": "2023-12-31"}
        r = await admin.post("/v1/action-plan-tasks", json=base | {"status": "completed"})
        assert r.status_code == 422
        r = await admin.post("/v1/action-plan-tasks", json=base | {"completed_on": "2023-01-01"})
        assert r.status_code == 422
        task = (await admin.post("/v1/action-plan-tasks", json=base)).json()
        r = await admin.patch(f"/v1/action-plan-tasks/{task['id']}", json={"status": "completed"})
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "completion_inconsistent"
        # The Chinese message names the status's word, not its code.
        message = r.json()["errors"][0]["message"]
        assert message == "状态为「已完成」时须填写完成日期（completed_on）"

    @pytest.mark.parametrize("role", ["analyst", "city_bureau", "service"])
    async def test_only_admin_writes(self, svc: Any, role: str) -> None:
        client = svc.as_(role, city=NANNING if role == "city_bureau" else None)
        r = await client.post(
            "/v1/action-plans", json={"name": "x", "start_year": 2023, "end_year": 2025}
        )
        assert r.status_code == 403
        r = await client.post("/v1/special-fields", json={"name": "生物医药创制"})
        assert r.status_code == 403

    async def test_bank_cannot_read(self, svc: Any) -> None:
        r = await svc.as_("bank", bank="B001").get("/v1/action-plans")
        assert r.status_code == 403


class TestSpecialFields:
    async def test_complete_a_field_plan(self, svc: Any) -> None:
        admin = svc.as_("admin")
        r = await admin.post("/v1/special-fields", json={"name": "新一代人工智能"})
        assert r.status_code == 201, r.text
        fid = r.json()["id"]
        r = await admin.patch(
            f"/v1/special-fields/{fid}",
            json={"plan_status": "completed", "completed_on": "2023-05-01"},
        )
        assert r.status_code == 200, r.text
        r = await admin.patch(f"/v1/special-fields/{fid}", json={"plan_status": "drafting"})
        assert r.json()["completed_on"] is None
        r = await admin.post("/v1/special-fields", json={"name": "新一代人工智能"})
        assert r.status_code == 409
