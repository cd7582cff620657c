"""Bad input the schemathesis suite (tests/reliability/test_fuzz.py) turned into server
errors or undocumented answers; each is now a 4xx the OpenAPI document states."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from projects_service.main import create_app

from .helpers import demand, platform, project

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def created(admin: Any, path: str, body: dict[str, Any]) -> str:
    r = await admin.post(path, json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def assert_null_refused(r: Any, field: str) -> None:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in r.json()["errors"]] == [f"body.{field}"]


class TestNullInPatch:
    """``{"field": null}`` used to reach a NOT NULL column: 500."""

    async def test_funded_project(self, svc: Any) -> None:
        admin = svc.as_("admin")
        pid = await created(admin, "/v1/funded-projects", project(project_code="NULL-1"))
        for field in ("name", "field", "funding_amount", "status"):
            r = await admin.patch(f"/v1/funded-projects/{pid}", json={field: None})
            assert_null_refused(r, field)
        mid = await created(
            admin, f"/v1/funded-projects/{pid}/milestones", {"name": "中期", "due_on": "2024-03-31"}
        )
        path = f"/v1/funded-projects/{pid}/milestones/{mid}"
        assert_null_refused(await admin.patch(path, json={"due_on": None}), "due_on")
        # done_on may be cleared: it is nullable.
        assert (await admin.patch(path, json={"done_on": None})).status_code == 200

    async def test_platform(self, svc: Any) -> None:
        admin = svc.as_("admin")
        pid = await created(admin, "/v1/platforms", platform())
        r = await admin.patch(f"/v1/platforms/{pid}", json={"status": None})
        assert_null_refused(r, "status")
        r = await admin.patch(f"/v1/platforms/{pid}", json={"plan_approved_on": None})
        assert r.status_code == 200, r.text

    async def test_special_field_and_task(self, svc: Any) -> None:
        admin = svc.as_("admin")
        fid = await created(admin, "/v1/special-fields", {"name": "空值测试"})
        r = await admin.patch(f"/v1/special-fields/{fid}", json={"plan_status": None})
        assert_null_refused(r, "plan_status")
        plan = await created(
            admin, "/v1/action-plans", {"name": "空值方案", "start_year": 2023, "end_year": 2025}
        )
        program = await created(admin, "/v1/programs", {"plan_id": plan, "name": "空值工程"})
        task = await created(
            admin,
            "/v1/action-plan-tasks",
            {"program_id": program, "title": "任务", "owner": "高新处", "due_on": "2023-12-31"},
        )
        for field in ("title", "owner", "due_on", "status"):
            r = await admin.patch(f"/v1/action-plan-tasks/{task}", json={field: None})
            assert_null_refused(r, field)


class TestDuplicates:
    async def test_external_ref_taken_is_409(self, svc: Any) -> None:
        admin = svc.as_("admin")
        await created(admin, "/v1/challenge-demands", demand(external_ref="EXT-DUP-1"))
        r = await admin.post("/v1/challenge-demands", json=demand(external_ref="EXT-DUP-1"))
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "external_ref_taken"

    async def test_creates_that_can_conflict_declare_409(self, svc: Any) -> None:
        paths = (await svc.as_("admin").get("/openapi.json")).json()["paths"]
        for path in ("/v1/challenge-demands", "/v1/action-plans", "/v1/programs"):
            assert "409" in paths[path]["post"]["responses"], path
        assert "409" in paths["/v1/special-fields"]["post"]["responses"]
