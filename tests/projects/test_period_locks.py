"""Period locks in the projects service: demands, funded projects and their imports."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

import tests.projects.test_imports as imports
from projects_service.main import create_app

from .helpers import LIUZHOU, demand, project, stage

pytestmark = pytest.mark.asyncio(loop_scope="session")
LOCK = "/v1/period-locks/450100/2023-H1"
H1 = {"start": "2023-01-01", "end": "2023-06-30"}


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def test_locked_writes_are_refused_and_released(svc: Any) -> None:
    admin = svc.as_("admin")
    # Written before the lock: a demand submitted and a project approved in March.
    d = await admin.post("/v1/challenge-demands", json=demand(external_ref="LOCK-D1"))
    assert d.status_code == 201, d.text
    p = await admin.post("/v1/funded-projects", json=project(project_code="LOCK-P1"))
    assert p.status_code == 201, p.text

    # Only reporting (the service role) places locks.
    assert (await admin.put(LOCK, json=H1)).status_code == 403
    r = await svc.as_("service").put(LOCK, json=H1)
    assert r.status_code == 200, r.text

    refused = [
        await admin.post("/v1/challenge-demands", json=demand(submitted_on="2023-03-02")),
        await admin.post(
            f"/v1/challenge-demands/{d.json()['id']}/transitions",
            json=stage("withdrawn", on="2023-07-05", reason="撤回"),
        ),
        await admin.post("/v1/funded-projects", json=project(project_code="LOCK-P2")),
        await admin.patch(f"/v1/funded-projects/{p.json()['id']}", json={"name": "改名"}),
    ]
    for r in refused:
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "period_locked"
    # A file whose one changed row is locked is refused whole, naming that row.
    rows = [imports.project_row("LOCK-P3", city=LIUZHOU), imports.project_row("LOCK-P1", amount=1)]
    r = await imports.upload(
        admin, "funded-projects", "p.xlsx", imports.to_xlsx(imports.PROJECT_HEADER, rows)
    )
    assert r.status_code == 409, r.text
    assert [e["row"] for e in r.json()["errors"]] == [2]  # data rows, 1-based
    assert "LOCK-P3" not in (await admin.get("/v1/funded-projects")).text

    # Outside the period, and another city, pass.
    ok = [
        await admin.post("/v1/challenge-demands", json=demand(submitted_on="2023-07-01")),
        await admin.post("/v1/challenge-demands", json=demand(city=LIUZHOU)),
        await admin.post("/v1/funded-projects", json=project(project_code="LOCK-P4", city=LIUZHOU)),
    ]
    assert [r.status_code for r in ok] == [201, 201, 201]

    assert (await svc.as_("service").delete(LOCK)).status_code == 204
    r = await admin.patch(f"/v1/funded-projects/{p.json()['id']}", json={"name": "改名"})
    assert r.status_code == 200, r.text
    assert (await svc.as_("service").get("/v1/period-locks")).json() == []
