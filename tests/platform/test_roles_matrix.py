"""Every endpoint declares its roles, and the README's matrix is generated from them."""

from __future__ import annotations

import pytest

from devstack.layout import SERVICES
from devstack.roles import PAGE, render_page, service_rows


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    # Building an app only reads settings; no key is used.
    monkeypatch.setenv("PRINCIPAL_PUBLIC_KEY", "unused")


@pytest.mark.parametrize("service", [s.name for s in SERVICES])
def test_every_business_route_requires_a_principal(service: str) -> None:
    rows = service_rows(service)
    assert rows, f"{service} has no routes"
    public = [endpoint for endpoint, cells, _ in rows if "public" in cells]
    assert public == []


def test_roles_page_is_current() -> None:
    page = PAGE.read_text("utf-8")
    assert render_page(page) == page, "run `make roles` and commit docs/roles.md"
