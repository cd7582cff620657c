"""HTTP semantics of every service, walked over every route (issue 13, finding 4).

- A method a path does not declare is a 405 problem whose ``Allow`` lists every method
  the path declares (Starlette listed the methods of the first route only).
- A fixed path segment never falls into a ``{id}`` route: ``GET …/imports`` where only
  ``POST …/imports`` exists is a 405, not a 422 about a malformed id.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from devstack.layout import SERVICES
from shared_kit.routing import specificity
from tests.platform.test_roles_walk import fill

asyncio_mark = pytest.mark.asyncio(loop_scope="session")

PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def templates(service: str) -> dict[str, set[str]]:
    """Each public path template of ``service`` → the methods its routes declare."""
    app = importlib.import_module(f"{service}_service.main").create_app()
    out: dict[str, set[str]] = defaultdict(set)
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            out[route.path] |= route.methods or set()
    return out


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRINCIPAL_PUBLIC_KEY", "unused")


@asyncio_mark
@pytest.mark.parametrize("service", [s.name for s in SERVICES])
async def test_every_undeclared_method_is_405_listing_every_declared_one(
    service_client_factory: Any, service: str
) -> None:
    create_app = importlib.import_module(f"{service}_service.main").create_app
    svc = await service_client_factory(service, create_app)
    admin = svc.as_("admin")
    wrong = []
    probed = 0
    for path, methods in templates(service).items():
        for method in sorted(set(PROBED) - methods):
            r = await admin.request(method, fill(path))
            probed += 1
            allow = {m.strip() for m in r.headers.get("allow", "").split(",") if m.strip()}
            if r.status_code != 405 or allow != methods:
                wrong.append((method, path, r.status_code, sorted(allow), sorted(methods)))
            elif method != "HEAD":
                assert r.headers["content-type"] == "application/problem+json"
                assert r.json()["code"] == "method_not_allowed"
    assert probed > 0
    assert wrong == []


@asyncio_mark
@pytest.mark.parametrize(
    ("service", "path", "allow"),
    [
        ("transfer", "/v1/tech-contracts/imports", "POST"),
        ("talent", "/v1/commissioner-service-logs/import", "POST"),
        ("projects", "/v1/challenge-demands", "GET, POST"),
    ],
)
async def test_the_probed_cases(
    service_client_factory: Any, service: str, path: str, allow: str
) -> None:
    create_app = importlib.import_module(f"{service}_service.main").create_app
    svc = await service_client_factory(service, create_app)
    method = "DELETE" if "GET" in allow else "GET"
    r = await svc.as_("admin").request(method, path)
    assert r.status_code == 405, r.text
    assert r.headers["allow"] == allow


def test_a_literal_segment_sorts_before_a_parameter() -> None:
    assert specificity("/v1/a/imports") < specificity("/v1/a/{id}")
    assert specificity("/v1/a/{id}/b") < specificity("/v1/{x}/imports/b")
    assert specificity("/v1/a/{id}") == specificity("/v1/a/{other_id}")
    assert specificity("/v1/a/{id}") < specificity("/v1/a/{rest:path}")
    assert specificity("/v1/a/imports") < specificity("/v1/a/{rest:path}")
