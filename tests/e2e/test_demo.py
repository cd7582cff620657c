"""``make demo`` at a tiny scale against a real stack of its own: a full 2023-H1 report.

The demo gets its own database (``gxst_demo``) and processes, so its records stay out
of the way of the other end-to-end tests' exact figures.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal

import pytest

from devstack import demo
from devstack.pytest_plugin import TestDatabase
from tests.e2e.conftest import Stack, start_stack
from tests.e2e.gw import api_key


@pytest.fixture(scope="module")
def demo_stack(pg: TestDatabase) -> Iterator[Stack]:
    with start_stack(pg, "gxst_demo") as st:
        yield st


def nonzero(value: object) -> bool:
    return value is not None and Decimal(str(value)) != 0


def test_demo_fills_every_indicator_with_a_comparison(demo_stack: Stack) -> None:
    stats = asyncio.run(
        demo.load(demo_stack.gateway, demo_stack.dsns["gateway"], scale=0.0002, log=print)
    )
    assert stats.rows["loans (signed bank batches)"] == 56
    key = api_key(demo_stack, "analyst")
    with demo_stack.client(key) as c:
        r = c.get("/api/reporting/v1/reports/consolidated", params={"period": "2023-H1"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert not report["partial"]
    assert report["previous_from"] == "2022-01-01"
    empty = [f["code"] for f in report["indicators"] if not nonzero(f["value"])]
    assert empty == [], f"empty in 2023-H1: {empty}"
    no_previous = [f["code"] for f in report["indicators"] if not nonzero(f["previous"])]
    assert no_previous == [], f"empty in 2022-H1: {no_previous}"
    uncompared = [
        f["code"]
        for f in report["indicators"]
        if f["change_pct"] is None and f["change_pp"] is None
    ]
    assert uncompared == [], f"no comparison: {uncompared}"
    assert len(report["indicators"]) >= 50


def test_second_run_adds_nothing(demo_stack: Stack) -> None:
    stats = asyncio.run(
        demo.load(demo_stack.gateway, demo_stack.dsns["gateway"], scale=0.0002, log=print)
    )
    assert stats.rows == {}


def test_a_gateway_on_another_database_is_refused(demo_stack: Stack, pg: TestDatabase) -> None:
    """Keys made in one database, a gateway running on another: said plainly, no load."""
    other = pg.fresh_database("gxst_demo_other")
    with pytest.raises(demo.OtherStack, match="runs on another one"):
        asyncio.run(demo.load(demo_stack.gateway, other["gateway"], scale=0.0002, log=print))
