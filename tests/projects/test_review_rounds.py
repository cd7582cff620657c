"""Review rounds in the projects service alone: rules, draw exclusions, failures, scoring.

Talent is replaced at the network only (an ``httpx.MockTransport`` behind the real
client); the end-to-end acceptance over real HTTP is tests/e2e/test_expert_review.py.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import pytest_asyncio

from projects_service.clients.talent import TalentClient
from projects_service.main import create_app
from projects_service.review import draw as drawing
from shared_kit.auth import SERVICE_PRINCIPAL_HEADER

from .helpers import GUILIN, LIUZHOU, NANNING, USCC_NANNING, demand

pytestmark = pytest.mark.asyncio(loop_scope="session")

CRITERIA = [
    {"key": "innovation", "name": "创新性", "weight": 50},
    {"key": "feasibility", "name": "可行性", "weight": 50},
]


class FakeTalent:
    """Talent's /v1/experts/eligible at the network: experts by field, minus any working at
    the asked USCC (as talent does); records what projects asked and as whom."""

    def __init__(self, experts: list[dict[str, Any]]) -> None:
        self.experts, self.calls, self.status = experts, [], 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if self.status != 200:
            return httpx.Response(self.status, json={"code": "boom"})
        q = request.url.params
        items = [
            {k: e[k] for k in ("id", "name", "organisation", "city", "fields")}
            | {"person_id": str(uuid.uuid4())}
            for e in self.experts
            if q["field"] in e["fields"] and e.get("uscc") != q["uscc"]
        ]
        return httpx.Response(200, json={"items": items, "next_cursor": None})


def expert(city: str, **over: Any) -> dict[str, Any]:
    e = {
        "id": str(uuid.uuid4()),
        "name": "专家",
        "organisation": "某大学",
        "city": city,
        "fields": ["新材料"],
    }
    return e | over


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


def use_talent(svc: Any, experts: list[dict[str, Any]]) -> FakeTalent:
    fake = FakeTalent(experts)
    svc.app.state.talent = TalentClient(
        "http://talent.test", deadline=2, retries=0, transport=httpx.MockTransport(fake)
    )
    return fake


async def demands(svc: Any, *cities: str) -> list[str]:
    out = []
    for city in cities:
        r = await svc.as_("admin").post("/v1/challenge-demands", json=demand(city=city))
        assert r.status_code == 201, r.text
        out.append(r.json()["id"])
    return out


def rules(ids: list[str], **over: Any) -> dict[str, Any]:
    body = {
        "name": "测试轮次",
        "demand_ids": ids,
        "reviewers_per_demand": 2,
        "fields": ["新材料"],
        "criteria": CRITERIA,
        "deadline": "2099-12-31",
        "exclude_same_city": True,
        "max_demands_per_expert": 2,
    }
    return body | over


async def draw(svc: Any, round_id: str, **headers: str) -> httpx.Response:
    own = {SERVICE_PRINCIPAL_HEADER: svc.tokens.token("service")}
    return await svc.as_("admin").post(f"/v1/review-rounds/{round_id}/draw", headers=own | headers)


class TestOpening:
    async def test_rules_are_checked(self, svc: Any) -> None:
        admin = svc.as_("admin")
        ids = await demands(svc, NANNING)
        bad = [{"key": "a", "name": "甲", "weight": 60}, {"key": "b", "name": "乙", "weight": 30}]
        r = await admin.post("/v1/review-rounds", json=rules(ids, criteria=bad))
        assert r.status_code == 422
        assert r.json()["code"] == "review_round_invalid"
        assert r.json()["errors"][0]["code"] == "weights_not_100"
        r = await admin.post("/v1/review-rounds", json=rules(ids, fields=["电子信息"]))
        assert r.status_code == 422
        assert r.json()["errors"][0]["code"] == "field_not_covered"
        r = await admin.post(
            "/v1/review-rounds",
            json=rules(ids, criteria=CRITERIA),
            headers={"Accept-Language": "en"},
        )
        assert r.status_code == 201, r.text

    async def test_only_submitted_demands_and_opening_moves_them(self, svc: Any) -> None:
        admin = svc.as_("admin")
        ids = await demands(svc, NANNING, LIUZHOU)
        r = await admin.post("/v1/review-rounds", json=rules(ids))
        assert r.status_code == 201, r.text
        round_id = r.json()["id"]
        for demand_id in ids:
            d = (await admin.get(f"/v1/challenge-demands/{demand_id}")).json()
            assert d["status"] == "under_review"
            history = (await admin.get(f"/v1/challenge-demands/{demand_id}/history")).json()
            assert round_id in history[-1]["reason"]
        # Already in a round (no longer submitted): refused, nothing opened.
        r = await admin.post("/v1/review-rounds", json=rules(ids[:1]))
        assert r.status_code == 409
        assert r.json()["code"] == "demand_not_reviewable"
        r = await admin.post("/v1/review-rounds", json=rules([str(uuid.uuid4())]))
        assert r.status_code == 404

    async def test_roles(self, svc: Any) -> None:
        ids = await demands(svc, NANNING)
        for role, claims in (("analyst", {}), ("city_bureau", {"city": NANNING})):
            r = await svc.as_(role, **claims).post("/v1/review-rounds", json=rules(ids))
            assert r.status_code == 403
        r = await svc.as_("expert", expert=str(uuid.uuid4())).get("/v1/review-rounds")
        assert r.status_code == 403
        # An expert principal must name its expert.
        r = await svc.as_("expert").get("/v1/my-reviews")
        assert r.status_code == 401


class TestDrawing:
    async def test_exclusions_cap_and_the_question_asked(self, svc: Any) -> None:
        # Four demands in 南宁; four experts elsewhere, two in 南宁, one at the demanding
        # organisation (talent leaves it out): with a cap of 2 the four others fill all 8
        # slots, which the least-loaded-first draw always manages.
        others = [expert(LIUZHOU), expert(LIUZHOU), expert(GUILIN), expert(GUILIN)]
        locals_ = [expert(NANNING), expert(NANNING)]
        colleague = expert(GUILIN, uscc=USCC_NANNING)
        fake = use_talent(svc, others + locals_ + [colleague])
        ids = await demands(svc, NANNING, NANNING, NANNING, NANNING)
        round_id = (await svc.as_("admin").post("/v1/review-rounds", json=rules(ids))).json()["id"]
        r = await draw(svc, round_id)
        assert r.status_code == 200, r.text
        drawn = r.json()
        assert len(drawn) == 8
        counts: dict[str, int] = {}
        for a in drawn:
            counts[a["expert_id"]] = counts.get(a["expert_id"], 0) + 1
        assert counts == {e["id"]: 2 for e in others}
        # Asked as projects itself, with the demanding organisation's USCC and name.
        assert len(fake.calls) == 4
        call = fake.calls[0]
        assert call.headers["x-principal"] == svc.tokens.token("service")
        assert call.url.params["uscc"] == USCC_NANNING
        assert call.url.params["organisation"] == "南宁某企业"
        # Drawn once only; the record replays.
        assert (await draw(svc, round_id)).json()["code"] == "review_round_already_drawn"
        v = (await svc.as_("analyst").get(f"/v1/review-rounds/{round_id}/draw/verify")).json()
        assert v["matches"] is True

    async def test_too_few_experts_draws_nobody(self, svc: Any) -> None:
        use_talent(svc, [expert(LIUZHOU), expert(GUILIN), expert(NANNING)])
        ids = await demands(svc, NANNING)
        round_id = (
            await svc.as_("admin").post(
                "/v1/review-rounds", json=rules(ids, reviewers_per_demand=3)
            )
        ).json()["id"]
        r = await draw(svc, round_id)
        assert r.status_code == 409
        assert r.json()["code"] == "review_pool_too_small"
        assert r.json()["demand_ids"] == ids
        assigned = await svc.as_("admin").get(f"/v1/review-rounds/{round_id}/assignments")
        assert assigned.json() == []

    async def test_talent_failing_or_no_own_principal_is_503(self, svc: Any) -> None:
        fake = use_talent(svc, [expert(LIUZHOU), expert(GUILIN)])
        fake.status = 500
        ids = await demands(svc, NANNING)
        round_id = (await svc.as_("admin").post("/v1/review-rounds", json=rules(ids))).json()["id"]
        r = await draw(svc, round_id, **{"Accept-Language": "en"})
        assert r.status_code == 503
        assert r.json()["code"] == "talent_unavailable"
        assert "talent" in r.json()["title"]
        assert "500" in r.json()["detail"]
        r = await svc.as_("admin").post(f"/v1/review-rounds/{round_id}/draw")
        assert r.status_code == 503
        assert r.json()["code"] == "service_principal_missing"
        round_ = (await svc.as_("admin").get(f"/v1/review-rounds/{round_id}")).json()
        assert round_["seed"] is None


class TestScoringAndDeciding:
    async def test_scores_must_match_the_criteria_and_decisions_wait_for_them(
        self, svc: Any
    ) -> None:
        pool = [expert(LIUZHOU), expert(GUILIN), expert(GUILIN)]
        use_talent(svc, pool)
        ids = await demands(svc, NANNING)
        admin = svc.as_("admin")
        round_id = (await admin.post("/v1/review-rounds", json=rules(ids))).json()["id"]
        drawn = (await draw(svc, round_id)).json()
        first, second = drawn
        me = svc.as_("expert", expert=first["expert_id"])
        url = f"/v1/my-reviews/{first['id']}/scores"
        r = await me.put(url, json={"scores": [{"criterion": "innovation", "score": 90}]})
        assert r.status_code == 422
        assert r.json()["code"] == "review_scores_invalid"
        both = [{"criterion": "innovation", "score": 90}, {"criterion": "feasibility", "score": 70}]
        r = await me.put(url, json={"scores": both, "comment": "好"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "scored"
        decide = f"/v1/review-rounds/{round_id}/demands/{ids[0]}/decision"
        r = await admin.post(decide, json={"decision": "listed"})
        assert r.status_code == 409
        assert r.json()["code"] == "review_scores_incomplete"
        other = svc.as_("expert", expert=second["expert_id"])
        both2 = [
            {"criterion": "innovation", "score": 50},
            {"criterion": "feasibility", "score": 40},
        ]
        assert (
            await other.put(f"/v1/my-reviews/{second['id']}/scores", json={"scores": both2})
        ).status_code == 200
        progress = (await admin.get(f"/v1/review-rounds/{round_id}/progress")).json()
        row = progress["demands"][0]
        assert row["weighted_score"] == "62.50"  # (80 + 45) / 2
        assert row["recommendation"] == "list"
        # Listing needs the 张榜 terms (the workflow's own rule).
        r = await admin.post(decide, json={"decision": "listed"})
        assert r.status_code == 422
        terms = {"reward_amount": "100.00", "deadline": "2099-01-01", "eligibility": "不限"}
        r = await admin.post(decide, json={"decision": "listed", **terms})
        assert r.status_code == 200, r.text
        assert r.json()["decision"] == "listed"
        # Decided: scores are closed.
        r = await me.put(url, json={"scores": both})
        assert r.status_code == 409
        assert r.json()["code"] == "review_assignment_closed"


class TestDrawFunction:
    async def test_same_seed_same_draw_and_the_cap_holds(self) -> None:
        pools = [(uuid.uuid4(), [f"e{i}" for i in range(10)]) for _ in range(6)]
        a = drawing.draw_round(42, pools, k=3, cap=2)
        assert a == drawing.draw_round(42, pools, k=3, cap=2)
        assert a != drawing.draw_round(43, pools, k=3, cap=2)
        load: dict[str, int] = {}
        for picked in a.values():
            assert len(picked) == 3
            for e in picked:
                load[e] = load.get(e, 0) + 1
        assert max(load.values()) <= 2


class TestTalentTimeout:
    async def test_talent_timing_out_is_503_naming_talent(self, svc: Any) -> None:
        def stall(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("stalled", request=request)

        svc.app.state.talent = TalentClient(
            "http://talent.test", deadline=2, retries=0, transport=httpx.MockTransport(stall)
        )
        ids = await demands(svc, NANNING)
        round_id = (await svc.as_("admin").post("/v1/review-rounds", json=rules(ids))).json()["id"]
        r = await draw(svc, round_id)
        assert r.status_code == 503
        assert r.json()["code"] == "talent_unavailable"
        assert "talent" in r.json()["detail"]
        assigned = await svc.as_("admin").get(f"/v1/review-rounds/{round_id}/assignments")
        assert assigned.json() == []

    async def test_least_loaded_first_never_strands_a_tight_round(self) -> None:
        # 4 demands × 2 reviewers from 4 experts capped at 2: every seed fills every slot.
        pools = [(uuid.uuid4(), ["a", "b", "c", "d"]) for _ in range(4)]
        for seed in range(200):
            drawn = drawing.draw_round(seed, pools, k=2, cap=2)
            assert all(len(picked) == 2 for picked in drawn.values()), seed
