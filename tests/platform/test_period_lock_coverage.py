"""Every write route of the four workstream services is covered by the period lock or
exempt with a reason (each service's ``period_locks.ROUTES``), and the triggers the
migrations installed are the ones the services' ``GUARDS`` generate today.

A new write route fails here until it is listed; a changed guard fails until a migration
re-installs it. The requests proving each guard are in tests/<service>/test_period_lock*.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import text

from shared_kit.period_lock import (
    Exempt,
    Guarded,
    declared_coverage,
    guard_function,
    guard_function_name,
    move_function,
)

SERVICES = ("enterprise", "projects", "talent", "transfer")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@functools.cache
def write_endpoints(service: str) -> dict[str, Any]:
    """Every write route of ``service`` ("POST /v1/…") and its endpoint."""
    app = importlib.import_module(f"{service}_service.main").create_app()
    found: dict[str, Any] = {}
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        path = str(route.path)
        if path.startswith("/v1/period-locks"):
            continue  # the lock itself, role service only
        for method in (route.methods or set()) & WRITES:
            found[f"{method} {path}"] = route.original_route.endpoint
    return found


def write_routes(service: str) -> list[str]:
    return sorted(write_endpoints(service))


def inventory(service: str) -> Any:
    return importlib.import_module(f"{service}_service.period_locks")


CASES = [(s, r) for s in SERVICES for r in write_routes(s)]


@pytest.mark.parametrize(("service", "route"), CASES, ids=[f"{s}:{r}" for s, r in CASES])
def test_every_write_route_is_covered_or_exempt(service: str, route: str) -> None:
    module = inventory(service)
    # Routes of a shared builder (corrections) declare their coverage on the endpoint.
    coverage = module.ROUTES.get(route) or declared_coverage(write_endpoints(service)[route])
    assert coverage is not None, (
        f"{service}: {route} is not in period_locks.ROUTES — guard it or exempt it with a reason"
    )
    if isinstance(coverage, Exempt):
        assert coverage.reason.strip()
    else:
        assert isinstance(coverage, Guarded)
        assert coverage.guards or coverage.checked
        names = {g.name for g in (*module.GUARDS, *getattr(module, "MOVES", ()))}
        assert set(coverage.guards) <= names, set(coverage.guards) - names


@pytest.mark.parametrize("service", SERVICES)
def test_the_inventory_names_only_existing_routes(service: str) -> None:
    assert set(inventory(service).ROUTES) - set(write_routes(service)) == set()


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("service", SERVICES)
async def test_installed_guards_are_the_generated_ones(
    service: str, service_client_factory: Any
) -> None:
    svc = await service_client_factory(
        service, importlib.import_module(f"{service}_service.main").create_app
    )
    guards = [g for g in inventory(service).GUARDS if g.trigger]
    moves = getattr(inventory(service), "MOVES", ())
    rows = await svc.connection.execute(
        text(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = :s AND p.proname LIKE 'period_lock_%'"
        ),
        {"s": service},
    )
    installed = dict(rows.all())
    assert installed == {
        **{guard_function_name(g): guard_function(g, service) for g in guards},
        **{guard_function_name(m): move_function(m, service) for m in moves},
    }, "GUARDS changed: add a migration running shared_kit.period_lock.guard_ddl again"
    triggers = await svc.connection.execute(
        text(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :s AND t.tgname LIKE 'period_lock_%'"
        ),
        {"s": service},
    )
    expected = {
        (g.table, f"{guard_function_name(g)}_{event}")
        for g in guards
        for event in ("insert", "update", "delete")
    } | {(m.table, guard_function_name(m)) for m in moves}
    assert set(triggers.all()) == expected
