"""HTTP semantics of every service, walked over every route (issue 13, finding 4).

- A method a path does not declare is a 405 problem whose ``Allow`` lists every method
  the path declares (Starlette listed the methods of the first route only).
- A fixed path segment never falls into a ``{id}`` route: ``GET …/imports`` where only
  ``POST …/imports`` exists is a 405, not a 422 about a malformed id.
- Query parameters are read as declared: a date is an ISO date (``?to=0`` was read as
  1970-01-01), a single-value parameter appears once.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.routing import compile_path

from devstack.layout import SERVICES
from shared_kit.routing import specificity
from shared_kit.strict_input import (
    QueryParam,
    body_problems,
    declared_query,
    query_problems,
    type_members,
)
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
        ("transfer", "/v1/imports/tech-contracts", "POST"),
        ("talent", "/v1/imports/commissioner-service-logs", "POST"),
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


def query_routes(service: str) -> list[tuple[str, str, dict[str, QueryParam]]]:
    """(method, path template, declared query parameters) of every route that has some."""
    app = importlib.import_module(f"{service}_service.main").create_app()
    out = []
    for route in iter_route_contexts(app.routes):
        original = route.original_route
        if isinstance(original, APIRoute) and route.include_in_schema:
            declared = declared_query(original.dependant)
            for method in sorted(original.methods - {"HEAD"}):
                if declared:
                    out.append((method, route.path or "", declared))
    return out


@asyncio_mark
@pytest.mark.parametrize("service", [s.name for s in SERVICES])
async def test_query_parameters_are_read_as_declared(
    service_client_factory: Any, service: str
) -> None:
    """A date parameter takes ISO dates only; a single-value parameter appears once."""
    create_app = importlib.import_module(f"{service}_service.main").create_app
    svc = await service_client_factory(service, create_app)
    admin = svc.as_("admin")
    wrong = []
    dates = repeats = 0
    for method, path, declared in query_routes(service):
        url = fill(path)
        for name, param in declared.items():
            sent: list[tuple[str, str]] = []
            if param.is_date:
                dates += 1
                for value in ("0", "20240101", "1700000000", "2024-1-1"):
                    sent.append((name, value))
                    r = await admin.request(method, url, params=[(name, value)])
                    if not _refused(r, name, "date_format"):
                        wrong.append((method, path, name, value, r.status_code))
            if not param.repeatable:
                repeats += 1
                r = await admin.request(method, url, params=[(name, "1"), (name, "1")])
                if not _refused(r, name, "repeated_parameter"):
                    wrong.append((method, path, name, "repeated", r.status_code))
    assert repeats > 0
    assert dates > 0 or service == "reporting"
    assert wrong == []


def _refused(r: Any, name: str, code: str) -> bool:
    if r.status_code != 422 or r.json().get("code") != "validation_error":
        return False
    return {"field": f"query.{name}", "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in r.json()["errors"]
    ]


@asyncio_mark
async def test_a_repeatable_parameter_may_repeat(service_client_factory: Any) -> None:
    from talent_service.main import create_app

    svc = await service_client_factory("talent", create_app)
    params = [("uscc", "91450100MA5K00012J"), ("uscc", "914501005794165304")]
    r = await svc.as_("admin").get("/v1/experts/eligible", params=params)
    assert r.status_code == 200, r.text


@asyncio_mark
async def test_an_iso_date_is_accepted(service_client_factory: Any) -> None:
    from transfer_service.main import create_app

    svc = await service_client_factory("transfer", create_app)
    r = await svc.as_("admin").get("/v1/transfer-records", params={"transferred_to": "2024-12-31"})
    assert r.status_code == 200, r.text


def body_dates(service: str) -> list[tuple[str, str, list[str]]]:
    """(method, path, top-level date fields) of every route whose JSON body has some."""
    app = importlib.import_module(f"{service}_service.main").create_app()
    out = []
    for route in iter_route_contexts(app.routes):
        original = route.original_route
        if not isinstance(original, APIRoute) or original.body_field is None:
            continue
        model = original.body_field.field_info.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        names = [
            info.alias or name
            for name, info in model.model_fields.items()
            if date in type_members(info.annotation)
            and datetime not in type_members(info.annotation)
        ]
        for method in sorted(original.methods):
            if names:
                out.append((method, route.path or "", names))
    return out


@asyncio_mark
@pytest.mark.parametrize("service", [s.name for s in SERVICES])
async def test_body_dates_are_iso_dates(service_client_factory: Any, service: str) -> None:
    """``{"opened_on": 0}`` was read as 1970-01-01; every date field now takes ISO dates only."""
    create_app = importlib.import_module(f"{service}_service.main").create_app
    svc = await service_client_factory(service, create_app)
    admin = svc.as_("admin")
    wrong = []
    probed = 0
    for method, path, names in body_dates(service):
        for name in names:
            for value in (0, 1700000000, "20240101", "2024-01-01T00:00:00"):
                probed += 1
                r = await admin.request(method, fill(path), json={name: value})
                errors = r.json().get("errors") or [] if r.status_code == 422 else []
                fields = {e["field"] for e in errors}
                if r.json().get("code") != "validation_error" or f"body.{name}" not in fields:
                    wrong.append((method, path, name, value, r.status_code))
    assert probed > 0 or service == "reporting"
    assert wrong == []


class Loan(BaseModel):
    amount: int
    rate: float
    on: date
    urgent: bool = False


class Batch(BaseModel):
    ref: str
    loans: list[Loan]
    closed_on: date | None = None


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (
            {"ref": "a", "loans": [{"amount": False, "rate": 1, "on": "2024-01-01"}]},
            "body.loans.0.amount",
            "type_mismatch",
        ),
        (
            {"ref": "a", "loans": [{"amount": 1, "rate": "1.5", "on": "2024-01-01"}]},
            "body.loans.0.rate",
            "type_mismatch",
        ),
        (
            {"ref": "a", "loans": [{"amount": 1, "rate": 1, "on": "2024-01-01", "urgent": 1}]},
            "body.loans.0.urgent",
            "type_mismatch",
        ),
        (
            {"ref": "a", "loans": [{"amount": "7", "rate": 1, "on": "2024-01-01"}]},
            "body.loans.0.amount",
            "type_mismatch",
        ),
        ({"ref": "a", "loans": [], "closed_on": 0}, "body.closed_on", "date_format"),
        ({"ref": 5, "loans": []}, "body.ref", "type_mismatch"),
    ],
)
def test_json_types_are_the_documented_ones(body: dict[str, Any], field: str, code: str) -> None:
    errors = body_problems(Batch, body, ("body",))
    assert [(e.field, e.code) for e in errors] == [(field, code)]


def test_a_well_typed_body_passes() -> None:
    body = {"ref": "a", "loans": [{"amount": 1, "rate": 2, "on": "2024-01-01"}], "closed_on": None}
    assert body_problems(Batch, body, ("body",)) == []


def test_a_datetime_query_parameter_takes_iso_date_times_only() -> None:
    declared = {"to": QueryParam(repeatable=False, is_date=False, is_datetime=True)}
    for value in ("0", "1700000000", "2024-01-01"):
        errors = query_problems(declared, [("to", value)])
        assert [(e.field, e.code) for e in errors] == [("query.to", "datetime_format")], value
    assert query_problems(declared, [("to", "2024-01-01T08:00:00+08:00")]) == []


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_no_route_is_shadowed_by_a_less_specific_one(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a literal and a ``{param}`` template both take a method, the literal is tried
    first (the 405 guard settles methods; dispatch between two routes is declaration order)."""
    monkeypatch.setenv("PRINCIPAL_PUBLIC_KEY", "unused")
    app = importlib.import_module(f"{service}_service.main").create_app()
    routes = [
        (r.path or "", set(r.methods or ()), compile_path(r.path or "")[0])
        for r in iter_route_contexts(app.routes)
        if isinstance(r.original_route, APIRoute)
    ]
    shadowed = [
        (method, later, earlier)
        for i, (earlier, earlier_methods, earlier_regex) in enumerate(routes)
        for later, later_methods, _ in routes[i + 1 :]
        if specificity(later) < specificity(earlier) and earlier_regex.match(fill(later))
        for method in earlier_methods & later_methods
    ]
    assert shadowed == []
