"""Every component's migrations build exactly what its models declare."""

from __future__ import annotations

import os

import pytest
from alembic import command
from alembic.config import Config

from devstack.layout import ALL
from devstack.pytest_plugin import TestDatabase


@pytest.mark.parametrize("component", [c for c in ALL if c.alembic_ini], ids=lambda c: c.name)
def test_no_pending_autogenerate_changes(pg: TestDatabase, component: object) -> None:
    comp = component  # a devstack Component
    var = comp.env_prefix + "DATABASE_URL"  # type: ignore[attr-defined]
    os.environ[var] = pg.dsn(comp.name)  # type: ignore[attr-defined]
    try:
        command.check(Config(str(comp.alembic_ini)))  # type: ignore[attr-defined]
    finally:
        os.environ.pop(var, None)
