from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import text

from projects_service.main import create_app

from .helpers import LIUZHOU, NANNING, demand, stage

pytestmark = pytest.mark.asyncio(loop_scope="session")

PATH_TO = {
    "submitted": [],
    "under_review": ["under_review"],
    "listed": ["under_review", "listed"],
    "rejected": ["under_review", "rejected"],
    "claimed": ["under_review", "listed", "claimed"],
    "contracted": ["under_review", "listed", "claimed", "contracted"],
    "accepted": ["under_review", "listed", "claimed", "contracted", "accepted"],
    "terminated": ["under_review", "listed", "claimed", "contracted", "terminated"],
    "withdrawn": ["withdrawn"],
}
ALLOWED = {
    "submitted": {"under_review", "rejected", "withdrawn"},
    "under_review": {"listed", "rejected", "withdrawn"},
    "listed": {"claimed", "terminated"},
    "claimed": {"contracted", "terminated"},
    "contracted": {"accepted", "terminated"},
    "rejected": set(),
    "accepted": set(),
    "terminated": set(),
    "withdrawn": set(),
}
STATUSES = list(PATH_TO)


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def make_demand(svc: Any, status: str = "submitted", **over: Any) -> dict[str, Any]:
    admin = svc.as_("admin")
    r = await admin.post("/v1/challenge-demands", json=demand(**over))
    assert r.status_code == 201, r.text
    d: dict[str, Any] = r.json()
    for to in PATH_TO[status]:
        r = await admin.post(f"/v1/challenge-demands/{d['id']}/transitions", json=stage(to))
        assert r.status_code == 200, r.text
        d = r.json()
    assert d["status"] == status
    return d


class TestEveryTransition:
    @pytest.mark.parametrize("current", STATUSES)
    async def test_each_target_allowed_or_refused_with_allowed_list(
        self, svc: Any, current: str
    ) -> None:
        admin = svc.as_("admin")
        # Refused transitions leave the demand as it was, so one demand serves them all.
        stuck = await make_demand(svc, current)
        for target in STATUSES:
            if target in ALLOWED[current]:
                d = await make_demand(svc, current)
                r = await admin.post(
                    f"/v1/challenge-demands/{d['id']}/transitions", json=stage(target)
                )
                assert r.status_code == 200, (target, r.text)
                assert r.json()["status"] == target
            else:
                r = await admin.post(
                    f"/v1/challenge-demands/{stuck['id']}/transitions", json=stage(target)
                )
                assert r.status_code == 409, (target, r.text)
                body = r.json()
                assert body["code"] == "illegal_transition"
                assert set(body["allowed"]) == ALLOWED[current]
                assert body["from"] == current
        got = (await admin.get(f"/v1/challenge-demands/{stuck['id']}")).json()
        assert got["status"] == current

    async def test_a_refusal_names_the_statuses_in_chinese(self, svc: Any) -> None:
        d = await make_demand(svc)
        path = f"/v1/challenge-demands/{d['id']}/transitions"
        r = await svc.as_("admin").post(path, json=stage("claimed"))
        assert r.status_code == 409
        assert r.json()["detail"] == "「已提交」的需求不能转为「已揭榜」"
        r = await svc.as_("admin").post(
            path, json=stage("claimed"), headers={"Accept-Language": "en"}
        )
        assert r.json()["detail"] == "a submitted demand cannot become claimed"
        r = await svc.as_("city_bureau", city=NANNING).post(path, json=stage("under_review"))
        assert r.status_code == 403
        assert r.json()["detail"] == "角色 'city_bureau' 不能将需求转为「论证遴选中」"
        d = await make_demand(svc, "under_review")
        r = await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions", json={"to": "listed"}
        )
        assert r.status_code == 422
        assert r.json()["detail"] == "转为「已张榜」所需的阶段字段有误"


class TestStageFields:
    async def test_listing_sets_terms_and_listed_on(self, svc: Any) -> None:
        d = await make_demand(svc, "listed")
        assert d["listed_on"] == "2023-04-01"
        assert d["reward_amount"] == "3000000.00"
        assert d["deadline"] == "2023-12-31"
        assert d["eligibility"]

    async def test_claim_records_solver(self, svc: Any) -> None:
        d = await make_demand(svc, "claimed")
        assert d["solver_name"] == "柳州某研究院"
        assert d["claimed_on"] == "2023-04-01"

    async def test_listing_without_terms_is_422(self, svc: Any) -> None:
        d = await make_demand(svc, "under_review")
        r = await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions", json={"to": "listed"}
        )
        assert r.status_code == 422
        fields = {e["field"] for e in r.json()["errors"]}
        assert fields == {"body.reward_amount", "body.deadline", "body.eligibility"}
        assert (await svc.as_("admin").get(f"/v1/challenge-demands/{d['id']}")).json()[
            "status"
        ] == "under_review"

    async def test_field_of_another_stage_is_422(self, svc: Any) -> None:
        d = await make_demand(svc)
        r = await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions",
            json=stage("under_review", solver_name="x"),
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "field_not_applicable"

    async def test_bad_uscc_and_money(self, svc: Any) -> None:
        d = await make_demand(svc, "listed")
        r = await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions",
            json=stage("claimed", solver_uscc="91350100M0001TGQXM"),
        )
        assert r.status_code == 422
        d = await make_demand(svc, "under_review")
        r = await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions",
            json=stage("listed", reward_amount="1.001"),
        )
        assert r.status_code == 422

    async def test_claim_after_deadline_is_422(self, svc: Any) -> None:
        d = await make_demand(svc, "listed")
        r = await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions", json=stage("claimed", on="2024-01-01")
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "deadline_passed"

    async def test_event_before_submission_is_422(self, svc: Any) -> None:
        d = await make_demand(svc)
        r = await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions",
            json=stage("under_review", on="2023-02-01"),
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "date_before_submission"

    async def test_unknown_target_is_422(self, svc: Any) -> None:
        d = await make_demand(svc)
        r = await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions", json={"to": "approved"}
        )
        assert r.status_code == 422


class TestRoles:
    @pytest.mark.parametrize(
        ("current", "target"),
        [
            ("submitted", "under_review"),
            ("under_review", "listed"),
            ("under_review", "rejected"),
            ("claimed", "contracted"),
            ("contracted", "accepted"),
            ("contracted", "terminated"),
        ],
    )
    async def test_admin_only_steps_refuse_city_bureau(
        self, svc: Any, current: str, target: str
    ) -> None:
        d = await make_demand(svc, current)
        r = await svc.as_("city_bureau", city=NANNING).post(
            f"/v1/challenge-demands/{d['id']}/transitions", json=stage(target)
        )
        assert r.status_code == 403
        assert r.json()["code"] == "transition_not_allowed_for_role"

    @pytest.mark.parametrize(
        ("current", "target"), [("listed", "claimed"), ("submitted", "withdrawn")]
    )
    async def test_city_bureau_of_the_city_may_claim_and_withdraw(
        self, svc: Any, current: str, target: str
    ) -> None:
        d = await make_demand(svc, current)
        r = await svc.as_("city_bureau", city=NANNING).post(
            f"/v1/challenge-demands/{d['id']}/transitions", json=stage(target)
        )
        assert r.status_code == 200, r.text

    async def test_other_city_bureau_gets_404(self, svc: Any) -> None:
        d = await make_demand(svc, "listed")
        r = await svc.as_("city_bureau", city=LIUZHOU).post(
            f"/v1/challenge-demands/{d['id']}/transitions", json=stage("claimed")
        )
        assert r.status_code == 404
        r = await svc.as_("city_bureau", city=LIUZHOU).get(
            f"/v1/challenge-demands/{d['id']}/history"
        )
        assert r.status_code == 404

    @pytest.mark.parametrize("role", ["analyst", "bank", "service"])
    async def test_readers_cannot_transition(self, svc: Any, role: str) -> None:
        d = await make_demand(svc)
        r = await svc.as_(role, bank="B001" if role == "bank" else None).post(
            f"/v1/challenge-demands/{d['id']}/transitions", json=stage("withdrawn")
        )
        assert r.status_code == 403


class TestHistory:
    async def test_history_records_who_when_from_to_why(self, svc: Any) -> None:
        d = await make_demand(svc, "under_review")
        bureau = svc.as_("city_bureau", city=NANNING)
        r = await bureau.post(
            f"/v1/challenge-demands/{d['id']}/transitions",
            json=stage("withdrawn", on="2023-05-02", reason="企业自行解决"),
        )
        assert r.status_code == 200
        hist = (await svc.as_("analyst").get(f"/v1/challenge-demands/{d['id']}/history")).json()
        assert [(h["from_status"], h["to_status"]) for h in hist] == [
            (None, "submitted"),
            ("submitted", "under_review"),
            ("under_review", "withdrawn"),
        ]
        last = hist[-1]
        assert last["actor_role"] == "city_bureau"
        assert last["actor_subject"] == "test-city_bureau"
        assert last["reason"] == "企业自行解决"
        assert last["occurred_on"] == "2023-05-02"
        assert hist[0]["actor_role"] == "admin"

    async def test_refused_transition_leaves_no_history(self, svc: Any) -> None:
        d = await make_demand(svc)
        await svc.as_("admin").post(
            f"/v1/challenge-demands/{d['id']}/transitions", json=stage("accepted")
        )
        hist = (await svc.as_("admin").get(f"/v1/challenge-demands/{d['id']}/history")).json()
        assert len(hist) == 1

    async def test_database_refuses_history_rewrite(self, svc: Any) -> None:
        await make_demand(svc)
        conn = svc.connection
        async with conn.begin_nested() as sp:
            with pytest.raises(Exception, match="append-only"):
                await conn.execute(
                    text("UPDATE projects.challenge_demand_transitions SET reason = 'x'")
                )
            await sp.rollback()


class TestChallengeList:
    async def test_public_list_has_only_listed_demands_for_every_role(self, svc: Any) -> None:
        listed = await make_demand(svc, "listed")
        other_city = await make_demand(svc, "listed", city=LIUZHOU)
        await make_demand(svc, "claimed")
        await make_demand(svc, "under_review")
        for role, extra in [
            ("admin", {}),
            ("analyst", {}),
            ("service", {}),
            ("bank", {"bank": "B001"}),
            ("city_bureau", {"city": NANNING}),
        ]:
            r = await svc.as_(role, **extra).get("/v1/challenge-list")
            assert r.status_code == 200, (role, r.text)
            ids = {i["id"] for i in r.json()["items"]}
            assert ids == {listed["id"], other_city["id"]}, role
            item = r.json()["items"][0]
            assert "organisation_uscc" not in item
            assert item["reward_amount"] == "3000000.00"

    async def test_needs_a_principal(self, svc: Any) -> None:
        assert (await svc.http.get("/v1/challenge-list")).status_code == 401
