"""Corrections and withdrawals of 揭榜挂帅 demands (shared_kit.corrections).

A city bureau corrects or withdraws its own demands with a reason while the period is
open; withdrawn is never counted; the listing terms and the city are the department's
(a correction request, approved or rejected by an admin).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from projects_service.main import create_app

from .helpers import LIUZHOU, NANNING, demand, project, stage
from .test_imports import DEMAND_HEADER, demand_row, demands, to_csv, upload

pytestmark = pytest.mark.asyncio(loop_scope="session")
H1 = {"from": "2023-01-01", "to": "2023-06-30"}
COLLECTED, LISTED = "projects.challenge_demands_collected", "projects.challenge_demands_listed"


@pytest_asyncio.fixture(loop_scope="session")
async def svc(service_client_factory: Any) -> Any:
    return await service_client_factory("projects", create_app)


async def new_demand(svc: Any, *, listed: bool = False, **over: Any) -> dict[str, Any]:
    admin = svc.as_("admin")
    r = await admin.post("/v1/challenge-demands", json=demand(**over))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    if listed:
        for to, on in (("under_review", "2023-03-10"), ("listed", "2023-04-01")):
            r = await admin.post(
                f"/v1/challenge-demands/{body['id']}/transitions", json=stage(to, on=on)
            )
            assert r.status_code == 200, r.text
        body = r.json()
    return body


async def figure(client: Any, code: str, city: str = NANNING) -> int:
    r = await client.get("/v1/indicators", params=H1)
    assert r.status_code == 200, r.text
    (found,) = [f for f in r.json()["indicators"] if f["code"] == code]
    return int((found["by_city"] or {}).get(city) or 0)


def bureau(svc: Any, city: str = NANNING) -> Any:
    return svc.as_("city_bureau", city=city)


async def test_withdrawing_a_listed_demand_takes_it_out_of_both_figures(svc: Any) -> None:
    d = await new_demand(svc, listed=True)
    nanning = bureau(svc)
    before = (await figure(nanning, COLLECTED), await figure(nanning, LISTED))

    r = await nanning.post(
        f"/v1/challenge-demands/{d['id']}/withdraw", json={"reason": "企业已自行解决"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn"
    assert r.json()["withdrawal_reason"] == "企业已自行解决"
    assert r.json()["withdrawn_at"] is not None

    assert (await figure(nanning, COLLECTED), await figure(nanning, LISTED)) == (
        before[0] - 1,
        before[1] - 1,
    )
    # Stored, but out of the default listing and the public 榜单.
    listed = (await nanning.get("/v1/challenge-demands", params={"limit": 1000})).json()
    assert d["id"] not in {x["id"] for x in listed["items"]}
    asked = await nanning.get("/v1/challenge-demands", params={"status": "withdrawn"})
    assert d["id"] in {x["id"] for x in asked.json()["items"]}
    board = (await nanning.get("/v1/challenge-list", params={"limit": 1000})).json()
    assert d["id"] not in {x["id"] for x in board["items"]}

    history = (await nanning.get(f"/v1/challenge-demands/{d['id']}/corrections")).json()
    assert [(h["action"], h["reason"], h["before"], h["after"]) for h in history] == [
        ("withdraw", "企业已自行解决", {"status": "listed"}, {"status": "withdrawn"})
    ]
    assert history[0]["actor_role"] == "city_bureau"
    steps = (await nanning.get(f"/v1/challenge-demands/{d['id']}/history")).json()
    assert (steps[-1]["from_status"], steps[-1]["to_status"]) == ("listed", "withdrawn")

    # A withdrawn record is not changed again.
    for path, body in (
        ("withdraw", {"reason": "再次撤回"}),
        ("corrections", {"changes": {"title": "新标题"}, "reason": "更正"}),
        ("correction-requests", {"changes": {"city": LIUZHOU}, "reason": "更正"}),
    ):
        r = await nanning.post(f"/v1/challenge-demands/{d['id']}/{path}", json=body)
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "record_withdrawn"


async def test_a_correction_moves_the_figure_and_is_kept_in_history(svc: Any) -> None:
    d = await new_demand(svc)
    nanning = bureau(svc)
    before = await figure(nanning, COLLECTED)
    r = await nanning.post(
        f"/v1/challenge-demands/{d['id']}/corrections",
        json={"changes": {"submitted_on": "2023-07-02", "budget": "99.00"}, "reason": "录错日期"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["submitted_on"], r.json()["budget"]) == ("2023-07-02", "99.00")
    assert await figure(nanning, COLLECTED) == before - 1
    (h,) = (await nanning.get(f"/v1/challenge-demands/{d['id']}/corrections")).json()
    assert h["action"] == "correct"
    assert h["reason"] == "录错日期"
    assert h["before"] == {"submitted_on": "2023-03-01", "budget": "1500000.50"}
    assert h["after"] == {"submitted_on": "2023-07-02", "budget": "99.00"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("withdraw", {}),
        ("withdraw", {"reason": "   "}),
        ("corrections", {"changes": {"title": "x"}}),
        ("correction-requests", {"changes": {"city": LIUZHOU}, "reason": ""}),
    ],
)
async def test_a_reason_is_required(svc: Any, path: str, body: dict[str, Any]) -> None:
    d = await new_demand(svc)
    r = await bureau(svc).post(f"/v1/challenge-demands/{d['id']}/{path}", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "reason_required"
    assert (await bureau(svc).get(f"/v1/challenge-demands/{d['id']}")).json()["status"] == (
        "submitted"
    )


async def test_another_city_cannot_see_or_change_it(svc: Any) -> None:
    d = await new_demand(svc)
    liuzhou = bureau(svc, LIUZHOU)
    for method, path, body in (
        ("post", "withdraw", {"reason": "r"}),
        ("post", "corrections", {"changes": {"title": "x"}, "reason": "r"}),
        ("post", "correction-requests", {"changes": {"city": LIUZHOU}, "reason": "r"}),
        ("get", "corrections", None),
    ):
        r = await getattr(liuzhou, method)(
            f"/v1/challenge-demands/{d['id']}/{path}", **({"json": body} if body else {})
        )
        assert r.status_code == 404, r.text
    # Analysts read the history but change nothing.
    analyst = svc.as_("analyst")
    assert (await analyst.get(f"/v1/challenge-demands/{d['id']}/corrections")).status_code == 200
    r = await analyst.post(f"/v1/challenge-demands/{d['id']}/withdraw", json={"reason": "r"})
    assert r.status_code == 403


async def test_department_only_fields_go_through_a_request(svc: Any) -> None:
    d = await new_demand(svc, listed=True)
    nanning, admin = bureau(svc), svc.as_("admin")
    r = await nanning.post(
        f"/v1/challenge-demands/{d['id']}/corrections",
        json={"changes": {"reward_amount": "1.00"}, "reason": "榜额写错"},
    )
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "correction_not_allowed"
    assert r.json()["fields"] == ["reward_amount"]

    filed = await nanning.post(
        f"/v1/challenge-demands/{d['id']}/correction-requests",
        json={"changes": {"city": LIUZHOU}, "reason": "需求单位实际在柳州"},
    )
    assert filed.status_code == 201, filed.text
    req = filed.json()
    assert (req["status"], req["city"], req["changes"]) == ("pending", NANNING, {"city": LIUZHOU})
    # A bureau sees its own requests only; the department sees every pending one.
    mine = (await nanning.get("/v1/correction-requests", params={"status": "pending"})).json()
    assert req["id"] in {x["id"] for x in mine["items"]}
    theirs = (await bureau(svc, LIUZHOU).get("/v1/correction-requests")).json()
    assert req["id"] not in {x["id"] for x in theirs["items"]}
    assert (await bureau(svc, LIUZHOU).get(f"/v1/correction-requests/{req['id']}")).status_code == (
        404
    )
    r = await nanning.post(f"/v1/correction-requests/{req['id']}/approve", json={})
    assert r.status_code == 403

    pending = (await admin.get("/v1/correction-requests", params={"status": "pending"})).json()
    assert req["id"] in {x["id"] for x in pending["items"]}
    liuzhou_before = await figure(admin, COLLECTED, LIUZHOU)
    r = await admin.post(f"/v1/correction-requests/{req['id']}/approve", json={"comment": "同意"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["comment"]) == ("approved", "同意")
    assert (await admin.get(f"/v1/challenge-demands/{d['id']}")).json()["city"] == LIUZHOU
    assert await figure(admin, COLLECTED, LIUZHOU) == liuzhou_before + 1
    (h,) = (await admin.get(f"/v1/challenge-demands/{d['id']}/corrections")).json()
    assert (h["request_id"], h["before"], h["after"]) == (
        req["id"],
        {"city": NANNING},
        {"city": LIUZHOU},
    )
    again = await admin.post(f"/v1/correction-requests/{req['id']}/reject", json={"comment": "x"})
    assert again.status_code == 409
    assert again.json()["code"] == "correction_request_decided"
    # The demand is Liuzhou's now: Nanning no longer sees it.
    assert (await nanning.get(f"/v1/challenge-demands/{d['id']}")).status_code == 404


async def test_a_rejection_needs_a_comment_and_changes_nothing(svc: Any) -> None:
    d = await new_demand(svc)
    admin = svc.as_("admin")
    filed = await bureau(svc).post(
        f"/v1/challenge-demands/{d['id']}/correction-requests",
        json={"changes": {"city": LIUZHOU}, "reason": "单位搬迁"},
    )
    rid = filed.json()["id"]
    r = await admin.post(f"/v1/correction-requests/{rid}/reject", json={})
    assert r.status_code == 422
    assert r.json()["code"] == "reason_required"
    r = await admin.post(f"/v1/correction-requests/{rid}/reject", json={"comment": "证明材料不足"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected"
    assert (await admin.get(f"/v1/challenge-demands/{d['id']}")).json()["city"] == NANNING
    assert (await admin.get(f"/v1/challenge-demands/{d['id']}/corrections")).json() == []


async def test_a_locked_period_refuses_every_change_and_approval_is_atomic(svc: Any) -> None:
    d = await new_demand(svc, city="450300", external_ref="CORR-LOCK")  # Guilin
    guilin, admin, service = bureau(svc, "450300"), svc.as_("admin"), svc.as_("service")
    filed = await guilin.post(
        f"/v1/challenge-demands/{d['id']}/correction-requests",
        json={"changes": {"city": LIUZHOU}, "reason": "单位搬迁"},
    )
    assert filed.status_code == 201, filed.text
    lock = "/v1/period-locks/450300/2023-H1"
    r = await service.put(lock, json={"start": "2023-01-01", "end": "2023-06-30"})
    assert r.status_code == 200, r.text
    try:
        for path, body in (
            ("withdraw", {"reason": "撤回"}),
            ("corrections", {"changes": {"title": "x"}, "reason": "更正"}),
            ("correction-requests", {"changes": {"city": LIUZHOU}, "reason": "更正"}),
        ):
            r = await guilin.post(f"/v1/challenge-demands/{d['id']}/{path}", json=body)
            assert r.status_code == 409, r.text
            assert r.json()["code"] == "period_locked"
        # The approval fails whole: the request stays pending, the record and history unchanged.
        r = await admin.post(f"/v1/correction-requests/{filed.json()['id']}/approve", json={})
        assert r.status_code == 409
        assert r.json()["code"] == "period_locked"
        assert (await admin.get(f"/v1/correction-requests/{filed.json()['id']}")).json()[
            "status"
        ] == "pending"
        assert (await admin.get(f"/v1/challenge-demands/{d['id']}")).json()["city"] == "450300"
        assert (await admin.get(f"/v1/challenge-demands/{d['id']}/corrections")).json() == []
    finally:
        assert (await service.delete(lock)).status_code == 204


async def test_a_programme_has_a_status_and_a_withdrawn_one_is_not_counted(svc: Any) -> None:
    admin = svc.as_("admin")
    r = await admin.post(
        "/v1/action-plans", json={"name": "更正测试行动方案", "start_year": 2030, "end_year": 2032}
    )
    assert r.status_code == 201, r.text
    plan = r.json()
    made = []
    for name in ("甲工程", "乙工程"):
        r = await admin.post("/v1/programs", json={"plan_id": plan["id"], "name": name})
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "active"
        made.append(r.json())
    period = {"from": "2031-01-01", "to": "2031-06-30"}

    async def programmes() -> int:
        r = await admin.get("/v1/indicators", params=period)
        (f,) = [f for f in r.json()["indicators"] if f["code"] == "projects.action_plan_programs"]
        return int(f["value"])

    assert await programmes() == 2
    # The department's own record: a city bureau may not touch it.
    r = await bureau(svc).post(f"/v1/programs/{made[0]['id']}/withdraw", json={"reason": "r"})
    assert r.status_code == 403
    r = await admin.post(
        f"/v1/programs/{made[0]['id']}/corrections",
        json={"changes": {"name": "甲工程（更名）"}, "reason": "按正式文件更名"},
    )
    assert r.status_code == 200, r.text
    r = await admin.post(f"/v1/programs/{made[0]['id']}/withdraw", json={"reason": "重复录入"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn"
    assert await programmes() == 1
    listed = (await admin.get("/v1/programs", params={"plan_id": plan["id"]})).json()["items"]
    assert [p["name"] for p in listed] == ["乙工程"]
    history = (await admin.get(f"/v1/programs/{made[0]['id']}/corrections")).json()
    assert [h["action"] for h in history] == ["correct", "withdraw"]


async def test_a_funded_project_withdrawn_or_corrected_moves_the_funding(svc: Any) -> None:
    admin, nanning = svc.as_("admin"), bureau(svc)
    r = await nanning.post("/v1/funded-projects", json=project(project_code="CORR-P1"))
    assert r.status_code == 201, r.text
    p = r.json()
    funding = "projects.project_funding"

    async def yuan() -> Decimal:
        r = await nanning.get("/v1/indicators", params=H1)
        (f,) = [f for f in r.json()["indicators"] if f["code"] == funding]
        return Decimal(str((f["by_city"] or {}).get(NANNING) or 0))

    before = await yuan()
    r = await nanning.post(
        f"/v1/funded-projects/{p['id']}/corrections",
        json={"changes": {"funding_amount": "4000000.00"}, "reason": "批复金额为400万元"},
    )
    assert r.status_code == 200, r.text
    assert await yuan() == before - Decimal("1000000.00")
    r = await nanning.post(
        f"/v1/funded-projects/{p['id']}/corrections",
        json={"changes": {"category": "key_rd"}, "reason": "类别"},
    )
    assert r.status_code == 403
    assert r.json()["code"] == "correction_not_allowed"
    r = await nanning.post(f"/v1/funded-projects/{p['id']}/withdraw", json={"reason": "误录"})
    assert r.status_code == 200, r.text
    assert await yuan() == before - Decimal("5000000.00")
    r = await nanning.patch(f"/v1/funded-projects/{p['id']}", json={"name": "改名"})
    assert r.status_code == 409
    assert r.json()["code"] == "record_withdrawn"
    listed = (await admin.get("/v1/funded-projects", params={"limit": 1000})).json()["items"]
    assert p["id"] not in {x["id"] for x in listed}


@pytest.mark.parametrize("path", ["corrections", "correction-requests"])
async def test_an_empty_change_is_refused(svc: Any, path: str) -> None:
    d = await new_demand(svc)
    r = await bureau(svc).post(
        f"/v1/challenge-demands/{d['id']}/{path}", json={"changes": {}, "reason": "无"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "correction_invalid"
    assert r.json()["errors"][0]["code"] == "no_changes"


async def test_problems_are_chinese_with_english_on_request(svc: Any) -> None:
    d = await new_demand(svc, listed=True)
    url = f"/v1/challenge-demands/{d['id']}/corrections"
    body = {"changes": {"city": LIUZHOU}, "reason": "搬迁"}
    zh = await bureau(svc).post(url, json=body)
    en = await bureau(svc).post(url, json=body, headers={"Accept-Language": "en"})
    assert zh.json()["code"] == en.json()["code"] == "correction_not_allowed"
    assert zh.json()["title"] == "该字段只能由科技厅更正，请提交更正申请"
    assert (
        en.json()["title"] == "only the department may change this field; file a correction request"
    )
    assert "city" in en.json()["detail"]
    assert "科技厅" in zh.json()["detail"]


async def test_a_key_lab_application_withdrawn_with_a_reason_stops_counting(svc: Any) -> None:
    admin, nanning = svc.as_("admin"), bureau(svc)
    r = await admin.post("/v1/key-lab-batches", json={"number": 77, "opened_on": "2023-03-01"})
    assert r.status_code == 201, r.text
    body = {
        "batch_id": r.json()["id"],
        "lab_name": "更正测试实验室",
        "organisation_name": "广西某大学",
        "city": NANNING,
        "submitted_on": "2023-04-01",
    }
    r = await nanning.post("/v1/key-lab-applications", json=body)
    assert r.status_code == 201, r.text
    app = r.json()
    code = "projects.key_lab_applications"
    before = await figure(nanning, code)
    r = await nanning.post(
        f"/v1/key-lab-applications/{app['id']}/withdraw", json={"reason": "单位决定暂不申报"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["withdrawal_reason"] == "单位决定暂不申报"
    assert await figure(nanning, code) == before - 1
    listed = (await nanning.get("/v1/key-lab-applications", params={"limit": 1000})).json()
    assert app["id"] not in {x["id"] for x in listed["items"]}


async def _key_lab_application(svc: Any, n: int) -> str:
    r = await svc.as_("admin").post(
        "/v1/key-lab-batches", json={"number": 900 + n, "opened_on": "2023-03-01"}
    )
    assert r.status_code == 201, r.text
    body = {
        "batch_id": r.json()["id"],
        "lab_name": f"实验室{n}",
        "organisation_name": "广西某大学",
        "city": NANNING,
        "submitted_on": "2023-04-01",
    }
    r = await bureau(svc).post("/v1/key-lab-applications", json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


KINDS = {
    # kind: (collection, a city bureau's own correction)
    "challenge_demand": ("/v1/challenge-demands", {"title": "更正后的标题"}),
    "funded_project": ("/v1/funded-projects", {"name": "更正后的项目名"}),
    "key_lab_application": ("/v1/key-lab-applications", {"lab_name": "更正后的实验室"}),
}


async def _make(svc: Any, kind: str, n: int) -> str:
    if kind == "challenge_demand":
        return str((await new_demand(svc))["id"])
    if kind == "funded_project":
        r = await bureau(svc).post("/v1/funded-projects", json=project(project_code=f"KIND-{n}"))
        assert r.status_code == 201, r.text
        return str(r.json()["id"])
    return await _key_lab_application(svc, n)


@pytest.mark.parametrize("kind", list(KINDS))
async def test_every_kind_is_corrected_withdrawn_and_kept_in_history(svc: Any, kind: str) -> None:
    collection, change = KINDS[kind]
    rid = await _make(svc, kind, len(kind))
    base = f"{collection}/{rid}"
    nanning, liuzhou = bureau(svc), bureau(svc, LIUZHOU)
    assert (await liuzhou.post(f"{base}/withdraw", json={"reason": "r"})).status_code == 404
    r = await nanning.post(f"{base}/corrections", json={"changes": change, "reason": "笔误"})
    assert r.status_code == 200, r.text
    assert all(r.json()[k] == v for k, v in change.items())
    r = await nanning.post(f"{base}/withdraw", json={"reason": "录入有误"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["withdrawal_reason"]) == ("withdrawn", "录入有误")
    r = await nanning.post(f"{base}/corrections", json={"changes": change, "reason": "再改"})
    assert r.status_code == 409
    assert r.json()["code"] == "record_withdrawn"
    history = (await nanning.get(f"{base}/corrections")).json()
    assert [(h["kind"], h["action"], h["reason"]) for h in history] == [
        (kind, "correct", "笔误"),
        (kind, "withdraw", "录入有误"),
    ]
    assert history[0]["after"] == change
    assert (await liuzhou.get(f"{base}/corrections")).status_code == 404


async def test_a_withdrawal_made_in_error_is_restored(svc: Any) -> None:
    d = await new_demand(svc, listed=True)
    nanning = bureau(svc)
    base = f"/v1/challenge-demands/{d['id']}"
    before = await figure(nanning, LISTED)
    r = await nanning.post(f"{base}/restore", json={"reason": "误撤"})
    assert r.status_code == 409
    assert r.json()["code"] == "record_not_withdrawn"
    assert (await nanning.post(f"{base}/withdraw", json={"reason": "撤回"})).status_code == 200
    assert await figure(nanning, LISTED) == before - 1
    r = await nanning.post(f"{base}/restore", json={"reason": ""})
    assert r.status_code == 422
    assert r.json()["code"] == "reason_required"
    r = await nanning.post(f"{base}/restore", json={"reason": "误撤，恢复张榜"})
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["status"], got["withdrawn_at"], got["closed_on"]) == ("listed", None, None)
    assert await figure(nanning, LISTED) == before
    history = (await nanning.get(f"{base}/corrections")).json()
    assert [(h["action"], h["after"]) for h in history] == [
        ("withdraw", {"status": "withdrawn"}),
        ("restore", {"status": "listed"}),
    ]
    steps = (await nanning.get(f"{base}/history")).json()
    assert (steps[-1]["from_status"], steps[-1]["to_status"]) == ("withdrawn", "listed")


async def test_a_withdrawal_through_the_workflow_is_the_same_withdrawal(svc: Any) -> None:
    # POST …/transitions {"to": "withdrawn"} goes through the corrections withdrawal: the
    # reason is in the corrections history, so a restore gives back the status it had.
    d = await new_demand(svc)
    base = f"/v1/challenge-demands/{d['id']}"
    r = await svc.as_("admin").post(f"{base}/transitions", json=stage("under_review"))
    assert r.status_code == 200, r.text
    nanning = bureau(svc)
    r = await nanning.post(
        f"{base}/transitions", json=stage("withdrawn", on="2023-05-02", reason="企业自行解决")
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["status"], got["withdrawal_reason"], got["closed_on"]) == (
        "withdrawn",
        "企业自行解决",
        "2023-05-02",
    )
    history = (await nanning.get(f"{base}/corrections")).json()
    assert [(h["action"], h["reason"], h["before"], h["actor_role"]) for h in history] == [
        ("withdraw", "企业自行解决", {"status": "under_review"}, "city_bureau")
    ]
    steps = (await nanning.get(f"{base}/history")).json()
    assert [(s["to_status"], s["occurred_on"], s["reason"]) for s in steps[-1:]] == [
        ("withdrawn", "2023-05-02", "企业自行解决")
    ]
    r = await nanning.post(f"{base}/restore", json={"reason": "误撤"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["closed_on"]) == ("under_review", None)


async def test_a_withdrawn_demand_is_not_brought_back_by_an_import(svc: Any) -> None:
    nanning = svc.as_("city_bureau", city=NANNING)
    body = to_csv(DEMAND_HEADER, [demand_row("WD-1")])
    r = await upload(nanning, "challenge-demands", "d.csv", body)
    assert r.status_code in (200, 201), r.text
    [stored] = [d for d in await demands(svc) if d.get("external_ref") == "WD-1"]
    r = await nanning.post(
        f"/v1/challenge-demands/{stored['id']}/withdraw", json={"reason": "重复征集"}
    )
    assert r.status_code == 200, r.text

    again = to_csv(DEMAND_HEADER, [demand_row("WD-1", title="改名后的需求")])
    r = await upload(nanning, "challenge-demands", "d.csv", again)
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["row"], error["field"], error["code"]) == (1, "需求编号", "record_withdrawn")
    r = await nanning.get(f"/v1/challenge-demands/{stored['id']}")
    assert (r.json()["status"], r.json()["title"]) == ("withdrawn", stored["title"])
