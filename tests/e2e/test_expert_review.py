"""Issue 19 acceptance: 揭榜挂帅 expert review over the real stack (projects → talent over HTTP).

Ten demands and thirty experts in a field of their own, with planted conflicts: an
expert working at a demanding organisation (same USCC), one who declared a conflict by
USCC, one by name only, and every demand's own city excluded. Dated 2016 (the report's
2016-H1), which no other end-to-end test uses.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from projects_service.review import draw as drawing
from tests.e2e.conftest import Stack
from tests.e2e.gw import api_key, call, get, post, uscc

PJ, TA, RP = "/api/projects/v1", "/api/talent/v1", "/api/reporting/v1"
NANNING, LIUZHOU, GUILIN = "450100", "450200", "450300"
CITIES = (NANNING, LIUZHOU, GUILIN)
SUBMITTED, DECIDED = "2016-03-01", "2016-06-20"
CRITERIA = [
    {"key": "innovation", "name": "创新性", "weight": 40},
    {"key": "feasibility", "name": "可行性", "weight": 35},
    {"key": "benefit", "name": "效益", "weight": 25},
]
LISTING = {"reward_amount": "2000000.00", "deadline": "2016-12-31", "eligibility": "区内外均可"}


@dataclass
class World:
    field: str
    demands: list[dict[str, Any]]
    experts: list[dict[str, Any]]  # id, city, uscc, organisation, conflicts (USCCs and names)
    round: dict[str, Any]
    planted: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (expert, demand)

    def demand(self, demand_id: str) -> dict[str, Any]:
        return next(d for d in self.demands if d["id"] == demand_id)

    def expert(self, expert_id: str) -> dict[str, Any]:
        return next(e for e in self.experts if e["id"] == expert_id)


def _demands(admin: httpx.Client, tag: str, fld: str, n: int, serial: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        city = CITIES[i % 3]
        body = {
            "title": f"评审需求{i}",
            "organisation_name": f"需求单位{i}-{tag}",
            "organisation_uscc": uscc(city, serial + i),
            "city": city,
            "field": fld,
            "budget": "1000000.00",
            "submitted_on": SUBMITTED,
        }
        out.append(post(admin, f"{PJ}/challenge-demands", body))
    return out


def _round(admin: httpx.Client, demands: list[dict[str, Any]], fld: str) -> dict[str, Any]:
    body = {
        "name": "2016年第一批揭榜挂帅需求论证",
        "demand_ids": [d["id"] for d in demands],
        "reviewers_per_demand": 3,
        "fields": [fld],
        "criteria": CRITERIA,
        "deadline": "2099-12-31",
        "exclude_same_city": True,
        "max_demands_per_expert": 3,
        "list_threshold": "60",
    }
    return post(admin, f"{PJ}/review-rounds", body)


@pytest.fixture(scope="module")
def admin(stack: Stack) -> Iterator[httpx.Client]:
    with stack.client(api_key(stack, "admin")) as c:
        yield c


@pytest.fixture(scope="module")
def world(admin: httpx.Client) -> World:
    tag = uuid.uuid4().hex[:6]
    fld = f"评审测试领域{tag}"
    demands = _demands(admin, tag, fld, 10, 191000)
    # Planted: expert 0 works at demand 0's organisation; expert 1 declared a conflict with
    # demand 3 (by USCC), expert 2 with demand 6 (by name only). All three live in another
    # city than their demand, so only the planted tie can keep them off it.
    planted = {"same_organisation": (0, 0), "declared_uscc": (1, 3), "declared_name": (2, 6)}
    experts = []
    for j in range(30):
        city = CITIES[j % 3]
        org, org_uscc = f"专家单位{j}-{tag}", uscc(city, 192000 + j)
        conflicts: list[dict[str, Any]] = []
        if j == 0:
            city, org_uscc = LIUZHOU, demands[0]["organisation_uscc"]
        elif j == 1:
            city = GUILIN
            d = demands[3]
            conflicts = [
                {
                    "organisation_uscc": d["organisation_uscc"],
                    "organisation_name": d["organisation_name"],
                    "declared_on": "2015-01-01",
                }
            ]
        elif j == 2:
            city = GUILIN
            conflicts = [
                {"organisation_name": demands[6]["organisation_name"], "declared_on": "2015-01-01"}
            ]
        person = post(
            admin,
            f"{TA}/people",
            {
                "name": f"专家{j}",
                "organisation": org,
                "organisation_uscc": org_uscc,
                "city": city,
                "field": fld,
            },
        )
        expert = post(
            admin,
            f"{TA}/experts",
            {
                "person_id": person["id"],
                "fields": [fld],
                "added_on": "2015-01-01",
                "conflicts": conflicts,
            },
        )
        experts.append(
            {
                "id": expert["id"],
                "city": city,
                "uscc": org_uscc,
                "organisation": org,
                "conflict_usccs": {c.get("organisation_uscc") for c in conflicts} - {None},
                "conflict_names": {c["organisation_name"] for c in conflicts},
            }
        )
    rnd = _round(admin, demands, fld)
    assignments = post(admin, f"{PJ}/review-rounds/{rnd['id']}/draw")
    assert len(assignments) == 30
    return World(fld, demands, experts, get(admin, f"{PJ}/review-rounds/{rnd['id']}"), planted)


def _conflicted(w: World, expert_id: str, demand_id: str) -> str | None:
    e, d = w.expert(expert_id), w.demand(demand_id)
    if e["uscc"] == d["organisation_uscc"]:
        return "same organisation"
    if (
        d["organisation_uscc"] in e["conflict_usccs"]
        or d["organisation_name"] in e["conflict_names"]
    ):
        return "declared conflict"
    if e["city"] == d["city"]:
        return "same city"
    return None


def _live(admin: httpx.Client, round_id: str) -> list[dict[str, Any]]:
    items = get(admin, f"{PJ}/review-rounds/{round_id}/assignments")
    return [a for a in items if a["status"] in ("assigned", "scored")]


def _check_no_conflict(admin: httpx.Client, w: World) -> None:
    live = _live(admin, w.round["id"])
    bad = [
        (a["expert_id"], a["demand_id"], why)
        for a in live
        if (why := _conflicted(w, a["expert_id"], a["demand_id"]))
    ]
    assert bad == []
    assert max(Counter(a["expert_id"] for a in live).values()) <= 3
    # Talent's own record of each drawn expert's declared conflicts agrees.
    for a in live:
        declared = get(admin, f"{TA}/experts/{a['expert_id']}/conflicts")
        d = w.demand(a["demand_id"])
        assert not any(
            c["organisation_uscc"] == d["organisation_uscc"]
            or c["organisation_name"] == d["organisation_name"]
            for c in declared
        )


class TestExpertReview:
    def test_draw_never_assigns_a_conflicted_expert(
        self, admin: httpx.Client, world: World
    ) -> None:
        _check_no_conflict(admin, world)
        live = _live(admin, world.round["id"])
        assert Counter(a["demand_id"] for a in live) == {d["id"]: 3 for d in world.demands}
        draws = get(admin, f"{PJ}/review-rounds/{world.round['id']}/draws")
        pools = {d["demand_id"]: set(d["pool"]) for d in draws if d["kind"] == "initial"}
        for expert_index, demand_index in world.planted.values():
            expert_id = world.experts[expert_index]["id"]
            assert expert_id not in pools[world.demands[demand_index]["id"]]
        # The exclusions are specific: expert 0 (柳州) may review 桂林's demand 2.
        assert world.experts[0]["id"] in pools[world.demands[2]["id"]]
        for d in world.demands:
            cities = {world.expert(e)["city"] for e in pools[d["id"]]}
            assert d["city"] not in cities
            assert len(pools[d["id"]]) >= 17

    def test_draw_reruns_from_the_stored_seed(self, admin: httpx.Client, world: World) -> None:
        rid = world.round["id"]
        verification = get(admin, f"{PJ}/review-rounds/{rid}/draw/verify")
        assert verification["matches"] is True
        assert len(verification["draws"]) == 10
        # Re-run here from the record alone: the round's seed and the stored pools in order.
        draws = get(admin, f"{PJ}/review-rounds/{rid}/draws")
        pools = [(uuid.UUID(d["demand_id"]), d["pool"]) for d in draws if d["kind"] == "initial"]
        order = [uuid.UUID(i) for i in world.round["demand_ids"]]
        pools.sort(key=lambda p: order.index(p[0]))
        replayed = drawing.draw_round(world.round["seed"], pools, k=3, cap=3)
        assigned: dict[uuid.UUID, set[str]] = {}
        for a in get(admin, f"{PJ}/review-rounds/{rid}/assignments"):
            if any(d["id"] == a["draw_id"] and d["kind"] == "initial" for d in draws):
                assigned.setdefault(uuid.UUID(a["demand_id"]), set()).add(a["expert_id"])
        assert {k: set(v) for k, v in replayed.items()} == assigned
        # A different seed would give a different draw: the seed is what decides.
        other = drawing.draw_round(world.round["seed"] + 1, pools, k=3, cap=3)
        assert other != replayed

    def test_an_expert_sees_only_its_assignments(
        self, stack: Stack, admin: httpx.Client, world: World
    ) -> None:
        live = _live(admin, world.round["id"])
        mine_id = live[0]["expert_id"]
        mine = {a["id"] for a in live if a["expert_id"] == mine_id}
        others = [a for a in live if a["expert_id"] != mine_id]
        with stack.client(api_key(stack, "expert", expert=mine_id)) as expert:
            listed = get(expert, f"{PJ}/my-reviews")
            assert {r["assignment_id"] for r in listed} == mine
            assert [c["key"] for c in listed[0]["criteria"]] == [c["key"] for c in CRITERIA]
            one = get(expert, f"{PJ}/my-reviews/{next(iter(mine))}")
            assert one["demand"]["field"] == world.field
            r = call(expert, "GET", f"{PJ}/my-reviews/{others[0]['id']}")
            assert r.status_code == 404, r.text
            assert r.json()["code"] == "review_assignment_not_found"
            r = call(
                expert,
                "PUT",
                f"{PJ}/my-reviews/{others[0]['id']}/scores",
                json={"scores": [{"criterion": c["key"], "score": 50} for c in CRITERIA]},
            )
            assert r.status_code == 404, r.text
            # Nor the demands themselves, nor the round's record.
            r = call(expert, "GET", f"{PJ}/challenge-demands/{others[0]['demand_id']}")
            assert r.status_code == 403
            r = call(expert, "GET", f"{PJ}/review-rounds/{world.round['id']}/progress")
            assert r.status_code == 403

    def test_conflicts_redraw_and_a_complete_round_lists_what_the_admin_decides(
        self, stack: Stack, admin: httpx.Client, world: World
    ) -> None:
        rid = world.round["id"]

        def listed_figure() -> int:
            report = get(admin, f"{RP}/reports/consolidated", period="2016-H1")
            fig = next(
                i for i in report["indicators"] if i["code"] == "projects.challenge_demands_listed"
            )
            return int(fig["value"] or 0)

        before = listed_figure()
        # An expert declares a conflict it discovered: void, and a recorded re-draw.
        victim = next(a for a in _live(admin, rid) if a["demand_id"] == world.demands[1]["id"])
        keys: dict[str, str] = {}

        def expert_client(expert_id: str) -> httpx.Client:
            if expert_id not in keys:
                keys[expert_id] = api_key(stack, "expert", expert=expert_id)
            return stack.client(keys[expert_id])

        with expert_client(victim["expert_id"]) as c:
            voided = post(
                c, f"{PJ}/my-reviews/{victim['id']}/conflict", {"reason": "曾参与该单位项目"}
            )
            assert voided["status"] == "conflict"
            r = call(c, "GET", f"{PJ}/my-reviews/{victim['id']}")
            assert r.status_code == 404
        # … and talent's expert database has it now, so later rounds leave the expert out.
        recorded = get(admin, f"{TA}/experts/{victim['expert_id']}/conflicts")
        demand = world.demand(victim["demand_id"])
        mine = [
            c for c in recorded if c["source_ref"] == f"projects:review-assignment:{victim['id']}"
        ]
        assert [(c["organisation_uscc"], c["organisation_name"], c["reason"]) for c in mine] == [
            (demand["organisation_uscc"], demand["organisation_name"], "曾参与该单位项目")
        ]
        # An admin records a reviewer who declined.
        declined = next(a for a in _live(admin, rid) if a["demand_id"] == world.demands[4]["id"])
        body = {"reason": "declined", "note": "出差"}
        post(admin, f"{PJ}/review-rounds/{rid}/assignments/{declined['id']}/replace", body)
        redraws = [
            d for d in get(admin, f"{PJ}/review-rounds/{rid}/draws") if d["kind"] == "redraw"
        ]
        assert {d["replaces_id"] for d in redraws} == {victim["id"], declined["id"]}
        for d in redraws:
            assert len(d["picked"]) == 1
            assert victim["expert_id"] not in d["pool"] or d["demand_id"] != victim["demand_id"]
        _check_no_conflict(admin, world)
        live = _live(admin, rid)
        assert Counter(a["demand_id"] for a in live) == {d["id"]: 3 for d in world.demands}
        assert get(admin, f"{PJ}/review-rounds/{rid}/draw/verify")["matches"] is True

        # Every reviewer scores: even demands well (list), odd ones poorly (not list).
        index = {d["id"]: i for i, d in enumerate(world.demands)}
        for a in live:
            score = 80 if index[a["demand_id"]] % 2 == 0 else 40
            scores = [{"criterion": c["key"], "score": score, "comment": "意见"} for c in CRITERIA]
            with expert_client(a["expert_id"]) as c:
                r = call(c, "PUT", f"{PJ}/my-reviews/{a['id']}/scores", json={"scores": scores})
                assert r.status_code == 200, r.text
        progress = get(admin, f"{PJ}/review-rounds/{rid}/progress")
        rows = {p["demand_id"]: p for p in progress["demands"]}
        for d in world.demands:
            row = rows[d["id"]]
            assert row["complete"]
            assert row["scored"] == 3
            expected = "list" if index[d["id"]] % 2 == 0 else "not_list"
            assert row["recommendation"] == expected
        assert rows[world.demands[1]["id"]]["conflicts_declared"] == 1
        assert rows[world.demands[4]["id"]]["replaced"] == 1

        # The admin lists four of the five recommended and rejects the rest.
        chosen = {world.demands[i]["id"] for i in (0, 2, 4, 6)}
        for d in world.demands:
            decision: dict[str, Any] = {"decision": "rejected", "on": DECIDED}
            if d["id"] in chosen:
                decision = {"decision": "listed", "on": DECIDED, **LISTING}
            out = post(admin, f"{PJ}/review-rounds/{rid}/demands/{d['id']}/decision", decision)
            assert out["decision"] == decision["decision"]
        for d in world.demands:
            demand = get(admin, f"{PJ}/challenge-demands/{d['id']}")
            assert demand["status"] == ("listed" if d["id"] in chosen else "rejected")
            history = get(admin, f"{PJ}/challenge-demands/{d['id']}/history")
            assert rid in history[-1]["reason"]
        r = call(
            admin,
            "POST",
            f"{PJ}/review-rounds/{rid}/demands/{world.demands[0]['id']}/decision",
            json={"decision": "rejected", "on": DECIDED},
        )
        assert r.status_code == 409
        assert r.json()["code"] == "review_already_decided"
        assert listed_figure() == before + 4
        records = get(
            admin,
            f"{PJ}/indicators/projects.challenge_demands_listed/records",
            **{"from": "2016-01-01", "to": "2016-06-30"},
        )
        items = records["items"] if isinstance(records, dict) else records
        mine = {i["id"]: i for i in items if i["id"] in chosen}
        assert set(mine) == chosen
        assert all(
            i["review_round_id"] == rid and i["review_score"] == "80.00" for i in mine.values()
        )


def test_talent_down_during_a_draw_answers_503_and_assigns_nobody(
    stack: Stack, admin: httpx.Client, world: World
) -> None:
    demands = _demands(admin, uuid.uuid4().hex[:6], world.field, 2, 193000)
    rnd = _round(admin, demands, world.field)
    stack.stop("talent")
    try:
        for language, word in (("zh", "人才服务"), ("en", "talent")):
            r = call(
                admin,
                "POST",
                f"{PJ}/review-rounds/{rnd['id']}/draw",
                headers={"Accept-Language": language},
            )
            assert r.status_code == 503, r.text
            problem = r.json()
            assert problem["code"] == "talent_unavailable"
            assert word in problem["title"]
            assert "talent" in problem["detail"]
        assert get(admin, f"{PJ}/review-rounds/{rnd['id']}/assignments") == []
        assert get(admin, f"{PJ}/review-rounds/{rnd['id']}/draws") == []
        assert get(admin, f"{PJ}/review-rounds/{rnd['id']}")["seed"] is None
    finally:
        stack.start("talent")
    assert len(post(admin, f"{PJ}/review-rounds/{rnd['id']}/draw")) == 6


def test_a_conflict_declared_while_talent_is_down_reaches_it_before_the_next_draw(
    stack: Stack, admin: httpx.Client, world: World
) -> None:
    """The declaration never waits for talent; what talent missed goes before the next draw,
    and that draw then leaves the expert out for the organisation."""
    demands = _demands(admin, uuid.uuid4().hex[:6], world.field, 1, 195000)
    rnd = _round(admin, demands, world.field)
    first = post(admin, f"{PJ}/review-rounds/{rnd['id']}/draw")[0]
    key = api_key(stack, "expert", expert=first["expert_id"])
    ref = f"projects:review-assignment:{first['id']}"
    stack.stop("talent")
    try:
        with stack.client(key) as c:
            out = post(c, f"{PJ}/my-reviews/{first['id']}/conflict", {"reason": "亲属在该单位任职"})
        assert out["status"] == "conflict"
    finally:
        stack.start("talent")
    recorded = get(admin, f"{TA}/experts/{first['expert_id']}/conflicts")
    assert ref not in {c["source_ref"] for c in recorded}
    # The next draw, of a demand by the same organisation: the conflict goes first, and
    # talent then leaves the expert out.
    body = {k: demands[0][k] for k in ("organisation_name", "organisation_uscc", "city")}
    body |= {"title": "同一单位的第二项需求", "field": world.field}
    body |= {"budget": "1000000.00", "submitted_on": SUBMITTED}
    second = post(admin, f"{PJ}/challenge-demands", body)
    rnd2 = _round(admin, [second], world.field)
    drawn = post(admin, f"{PJ}/review-rounds/{rnd2['id']}/draw")
    recorded = get(admin, f"{TA}/experts/{first['expert_id']}/conflicts")
    assert [c["reason"] for c in recorded if c["source_ref"] == ref] == ["亲属在该单位任职"]
    assert first["expert_id"] not in {a["expert_id"] for a in drawn}
    pool = get(admin, f"{PJ}/review-rounds/{rnd2['id']}/draws")[0]["pool"]
    assert first["expert_id"] not in pool
