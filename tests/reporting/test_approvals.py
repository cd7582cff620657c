"""Submission and approval with a real reporting database; the services' HTTP in memory.

The end-to-end test (tests/e2e/test_governance.py) shows the locks refusing writes in
the real services; these show what only a replaced service can: one that fails to take
the lock, and figures chosen to break a rule.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text

from reporting_service.clients.workstream import WorkstreamClient
from reporting_service.main import create_app
from shared_kit.auth import SERVICE_PRINCIPAL_HEADER
from tests.reporting.fakes import SERVICES, count, money

pytestmark = pytest.mark.asyncio(loop_scope="session")
NN, LZ = "450100", "450200"


class LockingWorkstreams:
    """Indicators by year, and the period-lock routes, of the four services."""

    def __init__(self, figures: dict[int, dict[str, list[dict[str, Any]]]]) -> None:
        self.figures = figures
        self.locks: dict[str, set[tuple[str, str]]] = {s: set() for s in SERVICES}
        self.failing: set[str] = set()
        self.lock_tokens: set[str] = set()

    def clients(self) -> dict[str, WorkstreamClient]:
        return {name: self._client(name) for name in SERVICES}

    def _client(self, name: str) -> WorkstreamClient:
        def handler(request: httpx.Request) -> httpx.Response:
            path = request.url.path
            if path.startswith("/v1/period-locks/"):
                if name in self.failing:
                    raise httpx.ConnectError("connection refused", request=request)
                self.lock_tokens.add(request.headers["x-principal"])
                _, _, _, city, period = path.split("/")
                if request.method == "PUT":
                    self.locks[name].add((city, period))
                    return httpx.Response(200, json={})
                self.locks[name].discard((city, period))
                return httpx.Response(204)
            start = request.url.params["from"]
            body = {
                "service": name,
                "from": start,
                "to": request.url.params["to"],
                "city": request.url.params.get("city"),
                "indicators": self.figures.get(int(start[:4]), {}).get(name, []),
            }
            return httpx.Response(200, json=body)

        return WorkstreamClient(
            name, "http://svc", deadline=2.0, retries=0, transport=httpx.MockTransport(handler)
        )


def quiet_years() -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Figures that break no rule and hold no outlier (2020–2023)."""
    out: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for year in range(2020, 2024):
        out[year] = {
            "projects": [
                count("projects.challenge_demands_collected", 100),
                count("projects.challenge_demands_listed", 40),
            ],
            "enterprise": [money("enterprise.loan_amount", "1000000.00")],
            "talent": [count("talent.commissioner_service_days", 500)],
            "transfer": [
                money("transfer.contract_value", "9000000.00"),
                money("transfer.tech_transaction_value", "8000000.00"),
            ],
        }
    return out


@pytest_asyncio.fixture(loop_scope="session")
async def reporting(service_client_factory: Any, tokens: Any) -> Any:
    svc = await service_client_factory("reporting", create_app)
    fake = LockingWorkstreams(quiet_years())
    svc.app.state.workstreams = fake.clients()
    svc.fake = fake
    # What the gateway adds on every request it forwards to reporting.
    svc.own = {SERVICE_PRINCIPAL_HEADER: tokens.token("service")}
    # A decision commits its intent on its own connection, which a test's rollback cannot
    # take back (nor the deletion, in the test's transaction, undo): start with none.
    async with svc.app.state.sessionmaker() as own, own.begin():
        await own.execute(text("DELETE FROM reporting.approval_intents"))
    return svc


async def intents(svc: Any) -> list[tuple[str, str, str]]:
    rows = await svc.connection.execute(
        text("SELECT period, city, action FROM reporting.approval_intents ORDER BY at")
    )
    return [tuple(r) for r in rows.all()]


async def leave_intent(svc: Any, city: str, action: str) -> None:
    """What a decision leaves when it dies after calling the services, before its commit."""
    await svc.connection.execute(
        text(
            "INSERT INTO reporting.approval_intents (id, period, city, action) "
            "VALUES (gen_random_uuid(), '2023-H1', :city, :action)"
        ),
        {"city": city, "action": action},
    )


async def act(svc: Any, role: str, path: str, body: Any = None, **kw: Any) -> httpx.Response:
    client = svc.as_(role, **kw)
    r: httpx.Response = await client.post(path, json=body, headers=svc.own)
    return r


async def state(svc: Any, city: str) -> dict[str, Any]:
    r = await svc.as_("admin").get(f"/v1/approvals/2023-H1/{city}")
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


class TestLocks:
    async def test_every_service_holds_the_lock_or_none_does(self, reporting: Any) -> None:
        fake = reporting.fake
        fake.failing = {"talent"}
        r = await act(reporting, "city_bureau", f"/v1/approvals/2023-H1/{NN}/submit", city=NN)
        assert r.status_code == 503, r.text
        problem = r.json()
        assert problem["code"] == "period_lock_unavailable"
        assert problem["service"] == "talent"
        assert "talent" in problem["detail"]
        # The three that had locked were released again; the state is still open.
        assert fake.locks == {s: set() for s in SERVICES}
        assert (await state(reporting, NN))["state"] == "open"
        assert (await state(reporting, NN))["history"] == []

        fake.failing = set()
        r = await act(reporting, "city_bureau", f"/v1/approvals/2023-H1/{NN}/submit", city=NN)
        assert r.status_code == 200, r.text
        assert fake.locks == {s: {(NN, "2023-H1")} for s in SERVICES}
        # The services were called as reporting itself (the service role), not as the bureau.
        assert fake.lock_tokens == {reporting.own[SERVICE_PRINCIPAL_HEADER]}

        # Releasing fails in one service: the return does not happen and every lock stays.
        fake.failing = {"enterprise"}
        r = await act(
            reporting, "admin", f"/v1/approvals/2023-H1/{NN}/return", {"comment": "请补录"}
        )
        assert r.status_code == 503, r.text
        assert fake.locks == {s: {(NN, "2023-H1")} for s in SERVICES}
        assert (await state(reporting, NN))["state"] == "submitted"

        fake.failing = set()
        r = await act(
            reporting, "admin", f"/v1/approvals/2023-H1/{NN}/return", {"comment": "请补录"}
        )
        assert r.status_code == 200, r.text
        assert fake.locks == {s: set() for s in SERVICES}

    async def test_a_decision_forgets_its_intent(self, reporting: Any) -> None:
        r = await act(reporting, "city_bureau", f"/v1/approvals/2023-H1/{NN}/submit", city=NN)
        assert r.status_code == 200, r.text
        assert await intents(reporting) == []
        reporting.fake.failing = {"transfer"}
        r = await act(reporting, "admin", f"/v1/approvals/2023-H1/{NN}/approve")
        assert r.status_code == 503, r.text
        assert await intents(reporting) == []  # undone everywhere: nothing left to heal

    async def test_locks_placed_before_a_lost_commit_are_released_on_read(
        self, reporting: Any
    ) -> None:
        """The submission placed every lock, then its commit failed: the state is open."""
        fake = reporting.fake
        fake.locks = {s: {(NN, "2023-H1")} for s in SERVICES}
        await leave_intent(reporting, NN, "submit")
        r = await reporting.as_("admin").get(
            "/v1/approvals", params={"period": "2023-H1"}, headers=reporting.own
        )
        assert r.status_code == 200, r.text
        assert fake.locks == {s: set() for s in SERVICES}
        assert await intents(reporting) == []
        assert (await state(reporting, NN))["state"] == "open"

    async def test_locks_released_before_a_lost_commit_are_placed_again_on_read(
        self, reporting: Any
    ) -> None:
        """An unlock released every lock, then its commit failed: the state is approved."""
        fake = reporting.fake
        for action in ("submit", "approve"):
            r = await act(reporting, "admin", f"/v1/approvals/2023-H1/{NN}/{action}")
            assert r.status_code == 200, r.text
        fake.locks = {s: set() for s in SERVICES}
        await leave_intent(reporting, NN, "unlock")
        # A service still down keeps the intent; the next read finishes the job.
        fake.failing = {"projects"}
        r = await reporting.as_("admin").get(f"/v1/approvals/2023-H1/{NN}", headers=reporting.own)
        assert r.status_code == 200, r.text
        assert await intents(reporting) == [("2023-H1", NN, "unlock")]
        fake.failing = set()
        r = await reporting.as_("admin").get(f"/v1/approvals/2023-H1/{NN}", headers=reporting.own)
        assert r.json()["state"] == "approved"
        assert fake.locks == {s: {(NN, "2023-H1")} for s in SERVICES}
        assert await intents(reporting) == []

    async def test_a_decision_in_flight_is_not_healed(self, reporting: Any) -> None:
        """Its intent is there while it calls the services: a read leaves the city alone."""
        fake = reporting.fake
        fake.locks = {s: {(NN, "2023-H1")} for s in SERVICES}
        await leave_intent(reporting, NN, "submit")
        async with reporting.app.state.sessionmaker() as other, other.begin():
            await other.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"approval:2023-H1:{NN}"},
            )
            r = await reporting.as_("admin").get(
                "/v1/approvals", params={"period": "2023-H1"}, headers=reporting.own
            )
            assert r.status_code == 200, r.text
        assert fake.locks == {s: {(NN, "2023-H1")} for s in SERVICES}
        assert await intents(reporting) == [("2023-H1", NN, "submit")]

    async def test_without_the_gateway_nothing_is_locked(self, reporting: Any) -> None:
        r = await reporting.as_("admin").post(f"/v1/approvals/2023-H1/{NN}/submit")
        assert r.status_code == 503
        assert r.json()["code"] == "service_principal_missing"
        assert reporting.fake.locks == {s: set() for s in SERVICES}

    async def test_only_half_years_and_years(self, reporting: Any) -> None:
        r = await act(reporting, "admin", f"/v1/approvals/2023-Q1/{NN}/submit")
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "invalid_period"
        r = await reporting.as_("admin").get("/v1/approvals", params={"period": "2023"})
        assert r.status_code == 200
        assert len(r.json()) == 14


class TestValidation:
    async def test_an_error_refuses_the_submission_with_the_violation(self, reporting: Any) -> None:
        figures = reporting.fake.figures[2023]["transfer"]
        figures[1] = money("transfer.tech_transaction_value", "9500000.00")
        r = await act(reporting, "city_bureau", f"/v1/approvals/2023-H1/{NN}/submit", city=NN)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["code"] == "validation_rules_failed"
        assert [(e["code"], e["message"]) for e in problem["errors"]] == [
            (
                "tech_value_within_contract_value",
                "技术交易额（9500000元）不应大于技术合同成交额（9000000元）",
            )
        ]
        assert reporting.fake.locks == {s: set() for s in SERVICES}
        assert (await state(reporting, NN))["state"] == "open"

        listed = await reporting.as_("city_bureau", city=NN).get(
            "/v1/validation", params={"period": "2023-H1"}
        )
        assert listed.status_code == 200, listed.text
        assert listed.json()["errors"] == 1
        assert listed.json()["violations"][0]["rule"] == "tech_value_within_contract_value"
        # A bureau validates only its own city.
        other = await reporting.as_("city_bureau", city=NN).get(
            "/v1/validation", params={"period": "2023-H1", "city": LZ}
        )
        assert other.status_code == 403

    async def test_warnings_pass_and_are_stored_with_the_submission(self, reporting: Any) -> None:
        projects = reporting.fake.figures[2023]["projects"]
        projects[1] = count("projects.challenge_demands_listed", 110)  # more listed than collected
        reporting.fake.figures[2023]["talent"] = [count("talent.commissioner_service_days", 5000)]
        r = await act(reporting, "city_bureau", f"/v1/approvals/2023-H1/{NN}/submit", city=NN)
        assert r.status_code == 200, r.text
        rules = {w["rule"] for w in r.json()["warnings"]}
        assert rules == {
            "demands_listed_within_collected",
            # 5000 against a mean of 500 for 2020–2022 H1: ten times, beyond the factor 3.
            "outlier:talent.commissioner_service_days",
        }
        detail = await state(reporting, NN)
        assert detail["state"] == "submitted"
        assert {w["rule"] for w in detail["warnings"]} == rules
        assert {w["rule"] for w in detail["history"][0]["warnings"]} == rules
        outlier = next(w for w in detail["warnings"] if w["rule"].endswith("service_days"))
        assert "前3年同期均值（500）" in outlier["message"]


class TestPublishing:
    async def test_not_approved_is_refused_unless_overridden(self, reporting: Any) -> None:
        admin = reporting.as_("admin")
        r = await admin.post("/v1/reports/published", json={"period": "2023-H1"})
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["code"] == "cities_not_approved"
        assert "南宁市（未上报）" in problem["detail"]
        assert len(problem["cities"]) == 14

        reason = "省政府急需上半年数据，部分地市尚未审核"
        body = {"period": "2023-H1", "approval_override": reason}
        r = await admin.post("/v1/reports/published", json=body)
        assert r.status_code == 201, r.text
        snap = (await admin.get(f"/v1/reports/published/{r.json()['id']}")).json()
        assert snap["approval_override"] == reason
        assert snap["approval_states"] == dict.fromkeys(snap["approval_states"], "open")
        assert len(snap["approval_states"]) == 14
        frozen = {a["city"]: a["state_title"] for a in snap["figures"]["approvals"]}
        assert frozen[NN] == "未上报"

    async def test_an_approved_city_publishes_without_override(self, reporting: Any) -> None:
        admin = reporting.as_("admin")
        submit = await act(reporting, "city_bureau", f"/v1/approvals/2023-H1/{NN}/submit", city=NN)
        assert submit.status_code == 200, submit.text
        # Submitted is not approved yet.
        r = await admin.post("/v1/reports/published", json={"period": "2023-H1", "city": NN})
        assert r.status_code == 409
        assert r.json()["cities"] == [NN]
        approve = await act(reporting, "admin", f"/v1/approvals/2023-H1/{NN}/approve")
        assert approve.status_code == 200, approve.text

        live = await admin.get("/v1/reports/consolidated", params={"period": "2023-H1"})
        states = {a["city"]: a["state"] for a in live.json()["approvals"]}
        assert states[NN] == "approved"
        assert states[LZ] == "open"
        md = await admin.get("/v1/reports/consolidated/markdown", params={"period": "2023-H1"})
        assert "| 南宁市 | 已审核 |" in md.text
        assert "| 柳州市 | 未上报 |" in md.text

        r = await admin.post("/v1/reports/published", json={"period": "2023-H1", "city": NN})
        assert r.status_code == 201, r.text
        assert r.json()["approval_states"] == {NN: "approved"}
        assert r.json()["approval_override"] is None
        # The whole region is still not approved.
        r = await admin.post("/v1/reports/published", json={"period": "2023-H1"})
        assert r.status_code == 409
        assert NN not in r.json()["cities"]
