"""Walk every route of every service with every role: refused roles get 403, allowed never.

The allowed roles come from each route's own ``require_roles`` declaration (the same
source as the README's matrix). Path parameters get placeholder values and there is no
body, so allowed roles usually answer 404 or 422; what matters is that the role check
alone decides 403 ``forbidden``.
"""

from __future__ import annotations

import importlib
import re
import uuid
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from devstack.layout import SERVICES
from devstack.roles import _roles_of
from shared_kit.auth import Role

pytestmark = pytest.mark.asyncio(loop_scope="session")

PRINCIPALS: dict[Role, dict[str, str]] = {
    Role.admin: {},
    Role.analyst: {},
    Role.city_bureau: {"city": "450100"},
    Role.bank: {"bank": "WALKBANK"},
    Role.service: {},
    Role.expert: {"expert": str(uuid.uuid4())},
}
_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")


def fill(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.endswith("id"):
            return str(uuid.uuid4())
        if name == "code":
            return "unknown.code"
        return "x"

    return _PARAM.sub(value, path)


def routes(service: str) -> list[tuple[str, str, set[str]]]:
    app = importlib.import_module(f"{service}_service.main").create_app()
    out = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        allowed, _ = _roles_of(route.dependant)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append((method, route.path, allowed or {r.value for r in Role}))
    return out


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRINCIPAL_PUBLIC_KEY", "unused")


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
async def test_every_route_with_every_role(service_client_factory: Any, service: str) -> None:
    create_app = importlib.import_module(f"{service}_service.main").create_app
    svc = await service_client_factory(service, create_app)
    mismatches = []
    walked = 0
    for method, path, allowed in routes(service):
        url = fill(path)
        for role, claims in PRINCIPALS.items():
            r = await svc.as_(role, **claims).request(method, url)
            walked += 1
            refused = r.status_code == 403 and r.json().get("code") == "forbidden"
            if (role.value in allowed) == refused:
                mismatches.append((method, path, role.value, r.status_code))
            # No workstream service runs here: reporting's routes that need one without
            # further input (the latest half-year with data) rightly answer 503 naming it.
            unreachable = r.status_code == 503 and r.json().get("code") == "upstream_unavailable"
            assert r.status_code < 500 or unreachable, (method, path, role.value, r.text)
    assert walked > 0
    assert mismatches == []
