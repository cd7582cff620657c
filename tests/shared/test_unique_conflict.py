"""A unique violation read from a real PostgreSQL error becomes a 409 naming the fields."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from devstack.pytest_plugin import TestDatabase
from shared_kit.db import make_engine
from shared_kit.errors import AlreadyExists, Conflict, unique_conflict
from shared_kit.i18n import t
from shared_kit.settings import normalise_dsn

pytestmark = pytest.mark.asyncio(loop_scope="session")


class SeatTaken(Conflict):
    code, title = "seat_taken", t("座位已被占用", "The seat is taken")
    unique_constraints = ("uq_seats_row_number",)


async def _violation(pg: TestDatabase, constraint: str) -> IntegrityError:
    engine = make_engine(normalise_dsn(pg.dsn("projects")), pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execute(
                text(
                    "CREATE TEMP TABLE seats (row int, number int, "
                    f"CONSTRAINT {constraint} UNIQUE (row, number))"
                )
            )
            await conn.execute(text("INSERT INTO seats VALUES (1, 2)"))
            with pytest.raises(IntegrityError) as err:
                await conn.execute(text("INSERT INTO seats VALUES (1, 2)"))
            return err.value
    finally:
        await engine.dispose()


async def test_a_declared_constraint_lends_its_conflict(pg: TestDatabase) -> None:
    conflict = unique_conflict(await _violation(pg, "uq_seats_row_number"))
    assert isinstance(conflict, SeatTaken)
    assert conflict.errors is not None
    assert [e.field for e in conflict.errors] == ["body.row", "body.number"]


async def test_any_other_unique_violation_is_already_exists(pg: TestDatabase) -> None:
    conflict = unique_conflict(await _violation(pg, "uq_seats_somewhere"))
    assert type(conflict) is AlreadyExists
    assert conflict.status == 409
    assert conflict.detail is not None
    assert "row、number" in conflict.detail


async def test_other_errors_are_not_conflicts() -> None:
    assert unique_conflict(ValueError("x")) is None
    assert unique_conflict(asyncpg.exceptions.CheckViolationError("no")) is None
