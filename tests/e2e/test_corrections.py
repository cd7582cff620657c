"""Issue 15 acceptance (corrections): a city bureau withdraws one of its records in the
dashboard, with a reason, and sees the report's figure move — real Chromium, real stack.

The records are 揭榜挂帅 demands of 崇左市 in 2017-H1, a city and period no other end-to-end
test counts; the figures are read before and after, so data another test adds elsewhere
cannot confuse them.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.e2e.conftest import CHROMIUM_ARGS, Stack
from tests.e2e.gw import api_key, get, post, uscc
from tests.e2e.test_dashboard import (
    ARTIFACTS,
    COLLECTED,
    REPORT,
    P,
    api_figure,
    chromium_path,
    new_page,
    open_report,
    page_figure,
    shot,
    sign_in,
    unavailable,
)

CHONGZUO = "451400"


@pytest.fixture(scope="module")
def demands(stack: Stack) -> tuple[str, list[dict[str, object]]]:
    key = api_key(stack, "city_bureau", city=CHONGZUO)
    with stack.client(key) as c:
        made = [
            post(
                c,
                f"{P}/challenge-demands",
                {
                    "title": f"更正测试需求{i}",
                    "organisation_name": f"崇左某企业{i}",
                    "organisation_uscc": uscc(CHONGZUO, 950000 + i),
                    "city": CHONGZUO,
                    "field": "海洋装备",
                    "budget": "500000.00",
                    "submitted_on": f"2017-0{i + 2}-15",
                },
            )
            for i in range(2)
        ]
    return key, made


@pytest.fixture(scope="module")
def browser(stack: Stack, demands: object) -> Iterator[Browser]:
    # After the key is made: Playwright's sync API keeps an event loop in this thread,
    # where the in-process key command cannot run its own.
    exe = chromium_path()
    if exe is None:
        unavailable("Chromium is not installed: run `make browser` (apt-get install chromium)")
    if httpx.get(stack.gateway + "/").status_code == 503:
        unavailable("the dashboard is not built: run `make web` (Node.js 20+)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def test_a_city_bureau_withdraws_a_demand_and_the_figure_moves(
    browser: Browser, stack: Stack, demands: tuple[str, list[dict[str, object]]]
) -> None:
    key, made = demands
    errors: list[str] = []
    page = new_page(browser, stack, errors)
    sign_in(page, "崇左市科技局", "city_bureau", CHONGZUO)
    open_report(page, "2017", "H1", CHONGZUO)
    before = int(page_figure(page, COLLECTED))
    assert before >= 2

    row = page.locator(f'[data-testid=indicator-row][data-code="{COLLECTED}"]')
    row.get_by_test_id("records-link").click()
    panel = page.get_by_test_id("records-panel")
    panel.get_by_test_id("record-row").first.wait_for()
    target = panel.get_by_test_id("record-row").filter(has_text="更正测试需求0")
    target.get_by_test_id("withdraw").click()
    form = panel.get_by_test_id("correction-form")
    # No reason, no withdrawal: the API's Chinese message is shown.
    form.get_by_test_id("withdraw-confirm").click()
    assert "原因" in form.get_by_test_id("correction-error").inner_text()
    shot(page, "20-withdraw-needs-a-reason")
    form.get_by_test_id("correction-reason").fill("企业已自行攻关解决，撤回需求")
    form.get_by_test_id("withdraw-confirm").click()

    # The report reloads: one demand fewer, as the API says.
    page.locator(
        f'[data-testid=indicator-row][data-code="{COLLECTED}"] .num:text-is("{before - 1}")'
    ).wait_for()
    shot(page, "21-withdrawn")
    with stack.client(key) as c:
        report = get(c, REPORT, period="2017-H1")
        assert api_figure(report, COLLECTED)["value"] == before - 1
        withdrawn = get(c, f"{P}/challenge-demands/{made[0]['id']}")
        assert withdrawn["status"] == "withdrawn"
        (h,) = get(c, f"{P}/challenge-demands/{made[0]['id']}/corrections")
        assert (h["action"], h["reason"]) == ("withdraw", "企业已自行攻关解决，撤回需求")
    assert page_figure(page, COLLECTED) == str(before - 1)
    # 400-level answers the page showed on purpose are logged by Chromium as failed loads.
    assert [e for e in errors if "422" not in e] == []
    page.context.close()


def test_the_department_approves_a_correction_request(
    browser: Browser, stack: Stack, demands: tuple[str, list[dict[str, object]]]
) -> None:
    key, made = demands
    target = made[1]["id"]
    with stack.client(key) as c:
        filed = post(
            c,
            f"{P}/challenge-demands/{target}/correction-requests",
            {"changes": {"reward_amount": "600000.00"}, "reason": "榜额按批复应为60万元"},
        )
    errors: list[str] = []
    page = new_page(browser, stack, errors)
    sign_in(page, "科技厅管理员", "admin")
    page.get_by_test_id("nav-corrections").click()
    view = page.locator("[data-testid=correction-requests][data-state=ready]")
    row = view.locator(f'[data-testid=request-row][data-id="{filed["id"]}"]')
    assert "榜额按批复应为60万元" in row.inner_text()
    assert "崇左市" in row.inner_text()
    row.get_by_test_id("approve").click()
    row.get_by_test_id("decision-confirm").click()
    view.locator(f'[data-testid=request-row][data-id="{filed["id"]}"]').wait_for(state="detached")
    view.wait_for()
    shot(page, "22-request-approved")
    with stack.client(key) as c:
        assert get(c, f"{P}/challenge-demands/{target}")["reward_amount"] == "600000.00"
        (h,) = get(c, f"{P}/challenge-demands/{target}/corrections")
        assert (h["request_id"], h["after"]) == (filed["id"], {"reward_amount": "600000.00"})
    assert errors == []
    page.context.close()
