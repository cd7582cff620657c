"""Issue 19, the dashboard: an expert scores on its own page in a real Chromium, and the
admin's 揭榜挂帅 view shows the round's progress (reviewers, scores in).

Lean on purpose: two demands, four experts, one reviewer each; a browser is launched
only after the API keys are made (Playwright's sync API holds this thread's loop).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.conftest import CHROMIUM_ARGS, Stack
from tests.e2e.gw import api_key, get, post, uscc

PJ, TA = "/api/projects/v1", "/api/talent/v1"
CRITERIA = [
    {"key": "innovation", "name": "创新性", "weight": 60},
    {"key": "benefit", "name": "效益", "weight": 40},
]


@pytest.fixture(scope="module")
def browser(stack: Stack, drawn: dict[str, Any]) -> Iterator[Browser]:
    """Launched after ``drawn`` has made its keys."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("Chromium is not installed: run `make browser`")
    if httpx.get(stack.gateway + "/").status_code == 503:
        pytest.skip("the dashboard is not built: run `make web`")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def drawn(stack: Stack) -> dict[str, Any]:
    """A drawn round and the keys of an admin and of one drawn expert."""
    admin_key = api_key(stack, "admin")
    tag = uuid.uuid4().hex[:6]
    fld = f"看板评审领域{tag}"
    with stack.client(admin_key) as admin:
        demands = [
            post(
                admin,
                f"{PJ}/challenge-demands",
                {
                    "title": f"看板评审需求{i}",
                    "organisation_name": f"看板需求单位{i}-{tag}",
                    "organisation_uscc": uscc("450100", 194000 + i),
                    "city": "450100",
                    "field": fld,
                    "budget": "500000.00",
                    "submitted_on": "2016-04-01",
                },
            )
            for i in range(2)
        ]
        for j in range(4):
            person = post(
                admin,
                f"{TA}/people",
                {
                    "name": f"看板专家{j}",
                    "organisation": f"看板专家单位{j}-{tag}",
                    "city": "450300",
                    "field": fld,
                },
            )
            body = {"person_id": person["id"], "fields": [fld], "added_on": "2015-01-01"}
            post(admin, f"{TA}/experts", body)
        rnd = post(
            admin,
            f"{PJ}/review-rounds",
            {
                "name": f"看板测试轮次{tag}",
                "demand_ids": [d["id"] for d in demands],
                "reviewers_per_demand": 1,
                "fields": [fld],
                "criteria": CRITERIA,
                "deadline": "2099-12-31",
                "max_demands_per_expert": 1,
            },
        )
        assignments = post(admin, f"{PJ}/review-rounds/{rnd['id']}/draw")
    mine = assignments[0]
    return {
        "admin_key": admin_key,
        "expert_key": api_key(stack, "expert", expert=mine["expert_id"]),
        "round": rnd,
        "mine": mine,
        "other": assignments[1],
        "demands": {d["id"]: d for d in demands},
    }


def test_expert_scores_on_its_page_and_the_admin_sees_progress(
    browser: Browser, stack: Stack, drawn: dict[str, Any]
) -> None:
    context = browser.new_context(base_url=stack.gateway, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/")
    page.get_by_test_id("login-api-key").fill(drawn["expert_key"])
    page.get_by_test_id("login-key-submit").click()
    assert page.get_by_test_id("user-badge").get_attribute("data-role") == "expert"
    # Its own page only: no figures, no 揭榜挂帅 pipeline.
    assert page.get_by_test_id("nav-report").count() == 0
    assert page.get_by_test_id("nav-challenge").count() == 0
    page.locator("[data-testid=my-reviews][data-state=ready]").wait_for()
    cards = page.get_by_test_id("my-review")
    assert cards.count() == 1
    assert cards.first.get_attribute("data-assignment") == drawn["mine"]["id"]
    text = cards.first.inner_text()
    assert drawn["demands"][drawn["mine"]["demand_id"]]["title"] in text
    assert drawn["demands"][drawn["other"]["demand_id"]]["title"] not in text
    for key, score in (("innovation", "85"), ("benefit", "70")):
        page.locator(f"[data-testid=my-review-score][data-criterion={key}]").fill(score)
    page.get_by_test_id("my-review-overall").fill("方案可行")
    page.get_by_test_id("my-review-submit").click()
    page.get_by_test_id("my-review-done").wait_for()
    context.close()

    with stack.client(drawn["admin_key"]) as admin:
        progress = get(admin, f"{PJ}/review-rounds/{drawn['round']['id']}/progress")
    row = next(d for d in progress["demands"] if d["demand_id"] == drawn["mine"]["demand_id"])
    assert row["scored"] == 1
    assert row["weighted_score"] == "79.00"  # 85 × 60% + 70 × 40%

    context = browser.new_context(base_url=stack.gateway, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/")
    page.get_by_test_id("login-api-key").fill(drawn["admin_key"])
    page.get_by_test_id("login-key-submit").click()
    page.get_by_test_id("nav-challenge").click()
    page.get_by_test_id("review-round").select_option(drawn["round"]["id"])
    page.locator("[data-testid=review][data-state=ready]").wait_for()
    page.get_by_test_id("review-table").wait_for()
    rows = page.get_by_test_id("review-row")
    assert rows.count() == 2
    scored = page.locator(
        f"[data-testid=review-row][data-demand='{drawn['mine']['demand_id']}'] "
        "[data-testid=review-scored]"
    )
    assert scored.inner_text() == "1/1"
    assert "已评分" in page.get_by_test_id("review-progress").inner_text()
    context.close()
