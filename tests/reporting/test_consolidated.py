"""The consolidated figures over real HTTP semantics, with the services' HTTP replaced.

Only another service's HTTP is replaced here (httpx.MockTransport); the
end-to-end suite runs the same path against real service processes.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import pytest

from reporting_service.clients.workstream import WorkstreamCallFailed, WorkstreamClient
from reporting_service.consolidated.exceptions import UpstreamUnavailable
from reporting_service.consolidated.service import consolidated_report
from reporting_service.period.service import named_period
from shared_kit.i18n import Language, Text, language_var

pytestmark = pytest.mark.asyncio(loop_scope="session")

FIGURES: dict[str, dict[str, list[dict[str, Any]]]] = {
    "2023-01-01": {
        "projects": [
            {
                "code": "projects.challenge_demands_collected",
                "unit": "count",
                "value": 130,
                "by_city": {"450100": 100, "450200": 30},
            },
        ],
        "enterprise": [
            {
                "code": "enterprise.loan_amount",
                "unit": "yuan",
                "value": "1235117890.00",
                "by_city": {"450100": "1234567890.00"},
                "unattributed": "550000.00",
            },
            {
                "code": "enterprise.loan_listed_rate",
                "unit": "percent",
                "value": "42.86",
                "by_city": {},
                "numerator": 3,
                "denominator": 7,
            },
        ],
        "talent": [],
        "transfer": [
            {"code": "transfer.contracts_total", "unit": "count", "value": 1500, "by_city": {}},
        ],
    },
    "2022-01-01": {
        "projects": [
            {
                "code": "projects.challenge_demands_collected",
                "unit": "count",
                "value": 100,
                "by_city": {"450100": 100},
            },
        ],
        "enterprise": [
            {"code": "enterprise.loan_amount", "unit": "yuan", "value": "0", "by_city": {}},
            {
                "code": "enterprise.loan_listed_rate",
                "unit": "percent",
                "value": "40.00",
                "by_city": {},
            },
        ],
        "talent": [],
        "transfer": [
            {"code": "transfer.contracts_total", "unit": "count", "value": 1200, "by_city": {}},
        ],
    },
}


def clients(delay: dict[str, float] | None = None, down: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
    delay = delay or {}

    def make(name: str) -> WorkstreamClient:
        async def handler(request: httpx.Request) -> httpx.Response:
            if name in down:
                raise httpx.ConnectError("connection refused", request=request)
            await asyncio.sleep(delay.get(name, 0))
            start = request.url.params["from"]
            body = {
                "service": name,
                "from": start,
                "to": request.url.params["to"],
                "indicators": FIGURES[start][name],
            }
            return httpx.Response(200, json=body)

        return WorkstreamClient(
            name, "http://svc", deadline=1.0, retries=1, transport=httpx.MockTransport(handler)
        )

    return {n: make(n) for n in ("projects", "enterprise", "talent", "transfer")}


class TestFigures:
    async def test_units_and_comparisons(self) -> None:
        report = await consolidated_report(clients(), named_period("2023-H1"), None, 5.0)
        rows = {r.code: r for r in report.indicators}
        demands = rows["projects.challenge_demands_collected"]
        assert (demands.value, demands.previous, demands.change_abs) == (130, 100, 30)
        assert demands.change_pct == Decimal("30.0")
        loans = rows["enterprise.loan_amount"]
        assert loans.value == Decimal("12.35")  # 亿元, half-up
        assert loans.change_pct is None  # previous is 0
        assert loans.unattributed == Decimal("0.01")  # 55 万元 lent to unregistered firms, in 亿元
        assert loans.by_city == {"450100": Decimal("12.35")}
        rate = rows["enterprise.loan_listed_rate"]
        assert rate.value == Decimal("42.9")
        assert rate.change_pp == Decimal("2.9")
        assert rate.change_abs == rate.change_pp  # in percentage points (reading rule 1)
        assert rate.change_pct is None
        assert (rate.numerator, rate.denominator) == (3, 7)
        total = rows["transfer.contracts_total"]
        assert total.change_abs == 300
        assert report.title == "2023年上半年重点工作情况"
        assert str(report.previous_from) == "2022-01-01"


class TestFailures:
    async def test_down_service_is_named(self) -> None:
        with pytest.raises(UpstreamUnavailable) as err:
            await consolidated_report(clients(down={"talent"}), named_period("2023-H1"), None, 5.0)
        assert err.value.extra["service"] == "talent"

    async def test_outage_names_the_service_in_the_callers_language(self) -> None:
        with pytest.raises(UpstreamUnavailable) as err:
            await consolidated_report(clients(down={"talent"}), named_period("2023-H1"), None, 5.0)
        detail = err.value.detail
        assert isinstance(detail, Text)
        assert detail == "人才服务（talent）暂不可用：无法连接（ConnectError）"
        assert detail.en == "service talent is unavailable: unreachable (ConnectError)"
        assert err.value.extra["reasons"] == {"talent": "无法连接（ConnectError）"}
        token = language_var.set("en")
        report = named_period("2023-H1")
        try:
            with pytest.raises(UpstreamUnavailable) as err:
                await consolidated_report(clients(down={"talent"}), report, None, 5.0)
        finally:
            language_var.reset(token)
        assert err.value.extra["reasons"] == {"talent": "unreachable (ConnectError)"}

    async def test_the_callers_language_travels_to_the_services(self) -> None:
        asked: list[str | None] = []

        async def handler(request: httpx.Request) -> httpx.Response:
            asked.append(request.headers.get("accept-language"))
            return httpx.Response(404, json={"code": "not_found"})

        client = WorkstreamClient(
            "talent", "http://svc", deadline=1.0, retries=0, transport=httpx.MockTransport(handler)
        )
        period = named_period("2023-H1")
        languages: tuple[Language, ...] = ("zh", "en")
        for language in languages:
            token = language_var.set(language)
            try:
                with pytest.raises(WorkstreamCallFailed):
                    await client.indicators(period.start, period.end, None)
            finally:
                language_var.reset(token)
        assert asked == ["zh-CN", "en"]

    async def test_never_waits_past_the_deadline(self) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(UpstreamUnavailable):
            await consolidated_report(
                clients(delay={"transfer": 5.0}), named_period("2023-H1"), None, 0.3
            )
        assert loop.time() - started < 1.5

    async def test_calls_run_concurrently(self) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        slow = dict.fromkeys(("projects", "enterprise", "talent", "transfer"), 0.2)
        await consolidated_report(clients(delay=slow), named_period("2023-H1"), None, 5.0)
        # eight calls of 0.2 s each: sequential would take 1.6 s
        assert loop.time() - started < 0.8
