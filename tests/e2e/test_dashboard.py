"""Issue 9 acceptance: the dashboard in a real headless Chromium against the real stack.

Known 2023-H1 (and 2022-H1) records go in through the gateway's API; a browser signs in
through the page's development-issuer form, reads figures off the page and checks each
against the API's own answer for the same figure, switches city, opens the 揭榜挂帅
pipeline, publishes and downloads the DOCX and XLSX. A screenshot of every step lands in
test-artifacts/dashboard/.

Issue 15: the page opens on the latest half-year with data, writes comparisons as the
documents do (去年同期, "—" for nothing against nothing), shows a partial report naming the
missing figures while a service is stopped, draws the map and the trend, shows 明细 in
plain Chinese (no ids), the audit log with names, and /docs with every other host blocked.

Debian's Chromium drives the page (``make browser`` installs it); Playwright's Python
client talks to it through ``executable_path``, no browser download. Without Chromium
the module is skipped — and fails when ``CI`` is set.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from devstack.layout import REPO
from tests.e2e.conftest import CHROMIUM_ARGS, Stack
from tests.e2e.gw import api_key, get, list_all, post, uscc
from tests.reporting.documents import require_pdf_tools

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")
LATEST = "/api/reporting/v1/reports/latest-period"
TREND = "/api/reporting/v1/reports/trend"

ARTIFACTS = REPO / "test-artifacts" / "dashboard"
REPORT = "/api/reporting/v1/reports/consolidated"
P = "/api/projects/v1"
NANNING, GUILIN, BEIHAI = "450100", "450300", "450500"
COLLECTED, FUNDING = "projects.challenge_demands_collected", "projects.project_funding"


def unavailable(reason: str) -> None:
    """Skip on a developer machine; in CI a missing prerequisite is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def keys(stack: Stack) -> dict[str, str]:
    """API keys, made before the browser starts: Playwright's sync API keeps an event loop
    running in this thread, where the in-process key command cannot run its own."""
    return {
        "admin": api_key(stack, "admin"),
        "analyst": api_key(stack, "analyst"),
        "guilin": api_key(stack, "city_bureau", city=GUILIN),
    }


@pytest.fixture(scope="module")
def browser(stack: Stack, keys: dict[str, str], loaded: dict[str, Any]) -> Iterator[Browser]:
    # Publishing renders the report's PDF with LibreOffice.
    require_pdf_tools()
    exe = chromium_path()
    if exe is None:
        unavailable("Chromium is not installed: run `make browser` (apt-get install chromium)")
    r = httpx.get(stack.gateway + "/")
    if r.status_code == 503:
        unavailable("the dashboard is not built: run `make web` (Node.js 20+)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def admin(stack: Stack, keys: dict[str, str]) -> Iterator[httpx.Client]:
    with stack.client(keys["admin"]) as c:
        yield c


@pytest.fixture(scope="module")
def loaded(admin: httpx.Client) -> dict[str, Any]:
    """Challenge demands through their workflow and funded projects in three cities,
    2023-H1 against 2022-H1, written through the gateway."""
    demands: list[tuple[str, str, list[str]]] = [
        # city, submitted_on, workflow steps after submission
        (NANNING, "2023-01-05", ["under_review", "listed", "claimed", "contracted", "accepted"]),
        (NANNING, "2023-02-10", ["under_review", "listed", "claimed"]),
        (NANNING, "2023-03-15", ["under_review", "listed"]),
        (NANNING, "2023-06-30", []),
        (GUILIN, "2023-04-01", ["under_review", "rejected"]),
        (GUILIN, "2023-05-20", ["withdrawn"]),
        (GUILIN, "2023-06-01", ["under_review"]),
        (BEIHAI, "2023-01-20", ["under_review", "listed", "claimed", "contracted"]),
        (NANNING, "2022-03-01", []),
        (GUILIN, "2022-05-05", []),
    ]
    stage_fields: dict[str, dict[str, Any]] = {
        "listed": {
            "reward_amount": "800000.00",
            "deadline": "2023-12-31",
            "eligibility": "区内外单位均可",
        },
        "claimed": {"solver_name": "广西某研究院", "solver_uscc": uscc(NANNING, 9001)},
        "rejected": {"reason": "论证未通过"},
        "withdrawn": {"reason": "企业撤回"},
    }
    for i, (city, day, steps) in enumerate(demands):
        d = post(
            admin,
            f"{P}/challenge-demands",
            {
                "title": f"看板测试需求{i:02d}",
                "organisation_name": f"看板测试企业{i:02d}",
                "organisation_uscc": uscc(city, 930000 + i),
                "city": city,
                "field": "新材料",
                "budget": "1000000.00",
                "submitted_on": day,
            },
        )
        for step in steps:
            post(
                admin,
                f"{P}/challenge-demands/{d['id']}/transitions",
                {"to": step, "on": day, **stage_fields.get(step, {})},
            )
    for code, city, day, amount in [
        ("DASH-M1", NANNING, "2023-02-01", "30000000.00"),
        ("DASH-M2", GUILIN, "2023-06-30", "12500000.00"),
        ("DASH-M0", NANNING, "2022-04-01", "10000000.00"),
    ]:
        post(
            admin,
            f"{P}/funded-projects",
            {
                "project_code": code,
                "name": f"项目{code}",
                "category": "major_special",
                "field": "先进制造",
                "lead_organisation_name": "某单位",
                "lead_organisation_uscc": uscc(city, 940000 + int(code[-1])),
                "city": city,
                "approved_on": day,
                "funding_amount": amount,
            },
        )
    return {"demands": demands}


# --------------------------------------------------------------------------- helpers


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def shot_of(page: Page, testid: str, name: str) -> None:
    """One part of the page, at full size (for reading it closely)."""
    page.get_by_test_id(testid).first.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def new_page(browser: Browser, stack: Stack, errors: list[str]) -> Page:
    context = browser.new_context(
        base_url=stack.gateway,
        viewport={"width": 1360, "height": 900},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
    )
    context.set_default_timeout(20_000)
    page = context.new_page()

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    return page


def sign_in(page: Page, username: str, role: str, city: str | None = None) -> None:
    """Through the page's development-issuer form, as a person would."""
    page.goto("/")
    page.get_by_test_id("login-dev").wait_for()
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-role").select_option(role)
    if city:
        page.get_by_test_id("login-city").select_option(city)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("user-badge").wait_for()


def open_report(page: Page, year: str, kind: str, city: str = "all") -> None:
    page.get_by_test_id("nav-report").click()
    page.get_by_test_id("period-year").select_option(year)
    page.get_by_test_id("period-kind").select_option(kind)
    wait_report(page, f"{year}-{kind}", city)


def wait_report(page: Page, period: str, city: str) -> None:
    page.locator(
        f'[data-testid=report][data-state=ready][data-period="{period}"][data-city="{city}"]'
    ).wait_for()


def page_figure(page: Page, code: str, cell: str = "indicator-value") -> str:
    """The figure as the page shows it (grouping commas removed), '—' when absent."""
    row = page.locator(f'[data-testid=indicator-row][data-code="{code}"]')
    text = row.get_by_test_id(cell).locator(".num").inner_text()
    return text.replace(",", "")


def api_figure(report: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in report["indicators"] if i["code"] == code)


def assert_same(page_text: str, api_value: Any) -> None:
    assert api_value is not None
    assert Decimal(page_text) == Decimal(str(api_value)), (page_text, api_value)


def assert_docx(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "word/document.xml" in z.namelist()
        assert "2023年上半年" in z.read("word/document.xml").decode()


def assert_xlsx(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "xl/workbook.xml" in z.namelist()


# --------------------------------------------------------------------------- tests


def test_page_is_served_with_a_strict_policy(stack: Stack) -> None:
    r = httpx.get(stack.gateway + "/")
    if r.status_code == 503:
        unavailable("the dashboard is not built: run `make web` (Node.js 20+)")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-cache"
    # Everything the page loads is bundled and served here: no other origin, no inline code.
    assert "http" not in r.text
    assert "<script>" not in r.text
    script = r.text.split('<script type="module" src="', 1)[1].split('"', 1)[0]
    asset = httpx.get(stack.gateway + script, headers={"Accept-Encoding": "gzip"})
    assert asset.status_code == 200
    assert asset.headers["content-type"].startswith("text/javascript")
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-encoding"] == "gzip"


def test_admin_report_city_challenge_publish_download_audit(
    browser: Browser, stack: Stack, admin: httpx.Client
) -> None:
    errors: list[str] = []
    page = new_page(browser, stack, errors)
    page.goto("/")
    page.get_by_test_id("login-dev").wait_for()
    shot(page, "01-login")

    sign_in(page, "王科长", "admin")
    badge = page.get_by_test_id("user-badge")
    assert badge.get_attribute("data-role") == "admin"
    assert "王科长" in badge.inner_text()

    # It opens on the latest half-year with data (this module's is 2023-H1), not on the
    # empty current half-year; the filter shows it.
    latest = get(admin, LATEST)
    assert latest["period"] is not None
    assert latest["period"] >= "2023-H1"
    year, kind = latest["period"].split("-")
    wait_report(page, latest["period"], "all")
    assert page.get_by_test_id("period-year").input_value() == year
    assert page.get_by_test_id("period-kind").input_value() == kind
    assert "已打开有数据的最近一期" in page.get_by_test_id("notice").inner_text()
    shot(page, "01b-opened-on-latest")

    # The 2023-H1 report: figures on the page are the API's figures.
    open_report(page, "2023", "H1")
    assert page.get_by_test_id("report-title").inner_text() == "2023年上半年重点工作情况"
    region = get(admin, REPORT, period="2023-H1")
    collected = api_figure(region, COLLECTED)
    assert collected["value"] >= 7  # this module's seven counted demands, maybe others'
    assert_same(page_figure(page, COLLECTED), collected["value"])
    assert_same(page_figure(page, COLLECTED, "indicator-previous"), collected["previous"])
    funding = api_figure(region, FUNDING)
    assert_same(page_figure(page, FUNDING), funding["value"])
    change = page.locator(f'[data-code="{COLLECTED}"] [data-testid=indicator-change]')
    assert change.get_attribute("data-dir") == "up"  # 2023-H1 outnumbers 2022-H1 here
    assert change.inner_text() == f"▲{collected['change_pct']}%"
    rows = page.get_by_test_id("indicator-row")
    assert rows.count() == len(region["indicators"])
    # The documents' words: 去年同期; nothing against nothing is "—", not 持平.
    headers = page.get_by_test_id("report-table").locator("thead th").all_inner_texts()
    assert "去年同期" in headers
    assert "上年同期" not in page.get_by_test_id("report").inner_text()
    empty = [
        i["code"]
        for i in region["indicators"]
        if i["value"] is not None and Decimal(str(i["value"])) == 0 == Decimal(str(i["previous"]))
    ]
    assert empty, "some figure is empty in both years in this module's data"
    for code in empty:
        cell = page.locator(f'[data-code="{code}"] [data-testid=indicator-change]')
        assert cell.inner_text() == "—", code
    chart = page.get_by_test_id("city-chart")
    assert chart.get_attribute("data-indicator") == COLLECTED
    assert chart.locator("canvas").count() >= 1

    # The map: cities without records read 无数据, not 0; the trend: six half-years from
    # the trend API.
    city_map = page.locator("[data-testid=city-map][data-state=ready]")
    city_map.wait_for()
    assert city_map.get_attribute("data-indicator") == COLLECTED
    assert city_map.locator("canvas").count() >= 1
    no_data = {c for c in (city_map.get_attribute("data-no-data") or "").split(",") if c}
    with_records = set(collected["by_city"])
    assert no_data == {CITY_NAMES[c] for c in CITY_NAMES if c not in with_records}
    trend = page.locator("[data-testid=trend-chart][data-state=ready]")
    trend.wait_for()
    api_trend = get(admin, TREND, code=COLLECTED, **{"from": "2020-H2", "to": "2023-H1"})
    assert trend.get_attribute("data-points") == ";".join(
        f"{p['period']}={p['value']}" for p in api_trend["points"]
    )
    assert len(api_trend["points"]) == 6
    assert trend.locator("canvas").count() >= 1
    shot(page, "02-report-2023-H1")

    # The records behind a figure, fetched with the user's credential.
    page.locator(f'[data-code="{COLLECTED}"] [data-testid=records-link]').click()
    page.get_by_test_id("records-table").wait_for()
    listed = list_all(admin, collected["records"])
    records = page.get_by_test_id("records-table")
    assert records.locator("tbody tr").count() == min(50, len(listed))
    # In plain words: Chinese column names, no ids, city names, Chinese status words.
    labels = records.locator("thead th").all_inner_texts()
    assert labels
    assert all(CJK.search(label) for label in labels), labels
    panel = page.get_by_test_id("records-panel").inner_text()
    assert not UUID.search(panel), panel[:500]
    assert "GET /api" not in panel
    assert "submitted" not in panel
    assert "listed" not in panel
    assert "已张榜" in panel
    assert "南宁市" in panel
    shot(page, "02b-records")
    shot_of(page, "records-panel", "02c-records-panel")
    shot_of(page, "figures", "02d-map-and-trend")

    # Switch to 桂林: the figure becomes that city's.
    page.get_by_test_id("city-select").select_option(GUILIN)
    wait_report(page, "2023-H1", GUILIN)
    guilin = api_figure(get(admin, REPORT, period="2023-H1", city=GUILIN), COLLECTED)
    assert guilin["value"] == collected["by_city"][GUILIN]
    assert guilin["value"] != collected["value"]
    assert_same(page_figure(page, COLLECTED), guilin["value"])
    assert_same(
        page_figure(page, FUNDING),
        api_figure(get(admin, REPORT, period="2023-H1", city=GUILIN), FUNDING)["value"],
    )
    assert "桂林市" in page.get_by_test_id("report-scope").inner_text()
    shot(page, "03-report-guilin")

    # 揭榜挂帅 (still 桂林, 2023-H1): counts per stage are the API's demands by status.
    page.get_by_test_id("nav-challenge").click()
    page.locator("[data-testid=challenge][data-state=ready]").wait_for()
    demands = list_all(
        admin,
        f"{P}/challenge-demands",
        city=GUILIN,
        submitted_from="2023-01-01",
        submitted_to="2023-06-30",
    )
    assert page_counts(page) == with_zeros(Counter(d["status"] for d in demands))
    everywhere = list_all(
        admin, f"{P}/challenge-demands", submitted_from="2023-01-01", submitted_to="2023-06-30"
    )
    page.get_by_test_id("city-select").select_option("")
    page.wait_for_function(
        "n => { const v = document.querySelector('[data-testid=challenge]').dataset;"
        " return v.state === 'ready' && v.total === String(n); }",
        arg=len(everywhere),
    )
    counts = page_counts(page)
    assert counts == with_zeros(Counter(d["status"] for d in everywhere))
    assert counts["accepted"] >= 1
    assert counts["contracted"] >= 1
    assert counts["rejected"] >= 1
    assert page.get_by_test_id("challenge-funnel").locator("canvas").count() >= 1
    board = list_all(admin, f"{P}/challenge-list")
    assert page.get_by_test_id("challenge-list-table").locator("tbody tr").count() == min(
        20, len(board)
    )
    shot(page, "04-challenge")

    # Publish 2023-H1 (region) and download the published DOCX and XLSX.
    page.get_by_test_id("nav-publish").click()
    page.locator("[data-testid=publish][data-state=ready]").wait_for()
    # No city has been approved: publishing takes a reason (kept in the snapshot).
    page.get_by_test_id("publish-override").fill("演示：未经审核发布")
    page.get_by_test_id("publish-button").click()
    success = page.get_by_test_id("publish-success")
    success.wait_for()
    report_id = success.get_attribute("data-id")
    published = get(admin, f"/api/reporting/v1/reports/published/{report_id}")
    assert published["period"] == "2023-H1"
    assert published["city"] is None
    assert page.get_by_test_id("publish-hash").inner_text() == published["content_hash"]
    assert published["published_by"] == "user:王科长"
    assert published["figures"]["indicators"][0]["code"] == region["indicators"][0]["code"]

    with page.expect_download() as info:
        page.get_by_test_id("download-docx").click()
    docx = info.value
    assert docx.suggested_filename == "2023年上半年重点工作情况.docx"
    docx_path = ARTIFACTS / "2023-H1.docx"
    docx.save_as(docx_path)
    assert_docx(docx_path.read_bytes())
    with page.expect_download() as info:
        page.get_by_test_id("download-xlsx").click()
    xlsx = info.value
    assert xlsx.suggested_filename == "2023年上半年重点工作情况.xlsx"
    xlsx_path = ARTIFACTS / "2023-H1.xlsx"
    xlsx.save_as(xlsx_path)
    assert_xlsx(xlsx_path.read_bytes())
    # Byte for byte the published files.
    for fmt, path in (("docx", docx_path), ("xlsx", xlsx_path)):
        r = admin.get(f"/api/reporting/v1/reports/published/{report_id}/files/{fmt}")
        assert r.content == path.read_bytes(), fmt
    published_row = page.locator(f'[data-testid=published-row][data-id="{report_id}"]')
    assert published_row.count() == 1
    assert published_row.get_by_test_id("published-by").inner_text() == "王科长"
    # Nothing moved since publication: the diff lists nothing.
    published_row.get_by_text("与当前比较").click()
    summary = page.get_by_test_id("diff-summary")
    summary.wait_for()
    assert "均未变动" in summary.inner_text()
    assert page.get_by_test_id("diff-row").count() == 0
    shot(page, "05-published")

    # The audit log shows the publication as the newest write, by this user.
    page.get_by_test_id("nav-audit").click()
    page.locator("[data-testid=audit][data-state=ready]").wait_for()
    first = page.get_by_test_id("audit-row").first
    assert "/api/reporting/v1/reports/published" in first.inner_text()
    assert "王科长" in first.inner_text()
    assert first.get_by_test_id("audit-action").inner_text() == "新增报告发布"
    # ISO dates typed as text; a wrong one is refused in Chinese, a right one filters.
    assert page.get_by_test_id("audit-from").get_attribute("type") == "text"
    page.get_by_test_id("audit-from").fill("2023/01/01")
    page.get_by_test_id("audit-search").click()
    page.locator("[data-testid=audit][data-state=error]").wait_for()
    assert "YYYY-MM-DD" in page.get_by_test_id("audit").get_by_test_id("error").inner_text()
    page.get_by_test_id("audit-from").fill("2099-01-01")
    page.get_by_test_id("audit-search").click()
    page.get_by_test_id("audit-empty").wait_for()
    page.get_by_test_id("audit-from").fill("")
    page.get_by_test_id("audit-method").select_option("POST")
    page.get_by_test_id("audit-path").fill("/api/projects/v1/funded-projects")
    page.get_by_test_id("audit-search").click()
    page.locator("[data-testid=audit][data-state=ready]").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=audit-row]')].every("
        "r => r.innerText.includes('/api/projects/v1/funded-projects'))"
    )
    assert page.get_by_test_id("audit-row").count() >= 3
    assert set(page.get_by_test_id("audit-action").all_inner_texts()) == {"新增立项项目"}
    # The key that wrote them is named, not shown as a UUID.
    key_rows = page.locator("[data-testid=audit-row]")
    assert not UUID.search(key_rows.first.locator("td").nth(1).inner_text())
    shot(page, "06-audit")
    shot_of(page, "audit-table", "06b-audit-table")

    page.get_by_test_id("logout").click()
    page.get_by_test_id("login").wait_for()
    assert page.evaluate("() => sessionStorage.length") == 0
    assert errors == []
    page.context.close()


CITY_NAMES = {
    "450100": "南宁市",
    "450200": "柳州市",
    "450300": "桂林市",
    "450400": "梧州市",
    "450500": "北海市",
    "450600": "防城港市",
    "450700": "钦州市",
    "450800": "贵港市",
    "450900": "玉林市",
    "451000": "百色市",
    "451100": "贺州市",
    "451200": "河池市",
    "451300": "来宾市",
    "451400": "崇左市",
}


def page_counts(page: Page) -> dict[str, int]:
    cells = page.get_by_test_id("challenge-count")
    out = {}
    for i in range(cells.count()):
        cell = cells.nth(i)
        value = cell.locator(".stat-value").inner_text().replace(",", "")
        out[str(cell.get_attribute("data-status"))] = int(value)
    return out


def with_zeros(counts: Counter[str]) -> dict[str, int]:
    statuses = (
        "submitted under_review listed rejected claimed contracted accepted terminated withdrawn"
    )
    return {s: counts.get(s, 0) for s in statuses.split()}


def test_city_bureau_sees_only_its_city(
    browser: Browser, stack: Stack, keys: dict[str, str]
) -> None:
    errors: list[str] = []
    page = new_page(browser, stack, errors)
    sign_in(page, "桂林市科技局", "city_bureau", GUILIN)
    city = page.get_by_test_id("city-select")
    assert city.is_disabled()
    assert city.locator("option").all_inner_texts() == ["桂林市"]
    assert page.get_by_test_id("nav-audit").count() == 0
    open_report(page, "2023", "H1", GUILIN)
    with stack.client(keys["guilin"]) as c:
        report = get(c, REPORT, period="2023-H1")
    assert report["city"] == GUILIN
    assert_same(page_figure(page, COLLECTED), api_figure(report, COLLECTED)["value"])
    # Region-only figures are not the city's to see.
    assert page_figure(page, "projects.action_plan_programs") == "—"
    chart = page.get_by_test_id("chart-note").inner_text()
    assert "桂林市" in chart
    # No publishing, no published list (the API refuses city bureaus both).
    page.get_by_test_id("nav-publish").click()
    page.locator("[data-testid=publish][data-state=ready]").wait_for()
    assert page.get_by_test_id("publish-button").count() == 0
    assert page.get_by_test_id("published-list").count() == 0
    # Asking for the audit view by address falls back to the report.
    page.goto("/#audit")
    page.locator("[data-testid=report][data-state=ready]").wait_for()
    assert page.get_by_test_id("audit").count() == 0
    shot(page, "07-city-bureau")
    assert errors == []
    page.context.close()


def test_api_key_sign_in_as_analyst_and_problems_shown(
    browser: Browser, stack: Stack, admin: httpx.Client, keys: dict[str, str]
) -> None:
    body = {"period": "2023-H1", "approval_override": "测试：未经审核发布"}
    post(admin, "/api/reporting/v1/reports/published", body)
    errors: list[str] = []
    page = new_page(browser, stack, errors)
    page.goto("/")
    # A wrong key: the gateway's problem is shown, not swallowed.
    page.get_by_test_id("login-api-key").fill("gxk_not-a-real-key")
    page.get_by_test_id("login-key-submit").click()
    problem = page.get_by_test_id("login-error").get_by_test_id("error")
    problem.wait_for()
    assert problem.get_attribute("data-code") == "invalid_api_key"
    assert "未提供有效的 API 密钥" in problem.inner_text()  # the gateway's words, in Chinese
    assert "Invalid API key" not in problem.inner_text()
    shot(page, "08-login-error")

    page.get_by_test_id("login-api-key").fill(keys["analyst"])
    page.get_by_test_id("login-key-submit").click()
    badge = page.get_by_test_id("user-badge")
    badge.wait_for()
    assert badge.get_attribute("data-role") == "analyst"
    assert page.get_by_test_id("nav-audit").count() == 0
    open_report(page, "2023", "H1")
    page.get_by_test_id("nav-publish").click()
    page.locator("[data-testid=publish][data-state=ready]").wait_for()
    assert page.get_by_test_id("publish-button").count() == 0
    assert page.get_by_test_id("published-row").count() >= 1  # analysts read published reports
    # A live export is open to analysts.
    with page.expect_download() as info:
        page.get_by_test_id("download-live-xlsx").click()
    assert_xlsx(Path(info.value.path()).read_bytes())
    shot(page, "09-analyst-publish")
    # Console errors are expected only from the refused key above (a 401 is logged).
    assert all("401" in e for e in errors), errors
    page.context.close()


SEED_SENTENCE = "出台广西创新驱动发展投资基金管理办法，持续推进企业首席技术官（CTO）培养计划。"


def test_admin_edits_the_report_text_with_a_preview(
    browser: Browser, stack: Stack, admin: httpx.Client
) -> None:
    """Issue 14: the 报告文稿 editor — the generated text as a template, a live preview of
    the edited text, an unknown placeholder shown as the API's problem, a saved version
    that the report's download then carries."""
    errors: list[str] = []
    page = new_page(browser, stack, errors)
    sign_in(page, "李处长", "admin")
    page.get_by_test_id("nav-narrative").click()
    page.get_by_test_id("period-year").select_option("2023")
    page.get_by_test_id("period-kind").select_option("H1")
    page.get_by_test_id("city-select").select_option(GUILIN)
    page.locator(
        f'[data-testid=narrative][data-state=ready][data-period="2023-H1"][data-city="{GUILIN}"]'
    ).wait_for()
    preview = page.get_by_test_id("narrative-preview")
    page.locator("[data-testid=narrative-preview][data-state=ready]").wait_for()

    # The generated text arrives as a template: figures as placeholders; the preview is
    # the city's report in its own words.
    first = page.get_by_test_id("section-text").first.input_value()
    assert "{{projects." in first
    assert page.get_by_test_id("preview-title").inner_text() == "2023年上半年桂林市重点工作情况"
    shown = preview.inner_text()
    assert "本市" in shown
    assert GUILIN not in shown
    assert "—" not in shown

    # A new section with a misspelt placeholder: the API's 422 is shown with its code.
    page.get_by_test_id("narrative-add-section").click()
    new = page.get_by_test_id("section-edit").last
    new.get_by_test_id("section-title").fill("加强企业培育及政策支持")
    new.get_by_test_id("section-text").fill("本市资助经费{{projects.funding}}。")
    page.locator("[data-testid=narrative-preview][data-state=error]").wait_for()
    problem = page.get_by_test_id("narrative-preview-error").get_by_test_id("error")
    assert problem.get_attribute("data-code") == "unknown_placeholder"
    assert "{{projects.funding}}" in problem.inner_text()

    text = (
        SEED_SENTENCE
        + "\n本市资助经费{{projects.project_funding}}{{projects.project_funding.change}}。"
    )
    new.get_by_test_id("section-text").fill(text)
    page.locator("[data-testid=narrative-preview][data-state=ready]").wait_for()
    funding = api_figure(get(admin, REPORT, period="2023-H1", city=GUILIN), FUNDING)
    paragraphs = page.get_by_test_id("preview-paragraph").all_inner_texts()
    assert SEED_SENTENCE in paragraphs
    assert any(p.startswith(f"本市资助经费{funding['value']}亿元") for p in paragraphs), paragraphs

    page.get_by_test_id("narrative-note").fill("加入管理办法和CTO培养")
    page.get_by_test_id("narrative-save").click()
    page.locator("[data-testid=narrative-save][data-saved]").wait_for()
    version = int(page.get_by_test_id("narrative-save").get_attribute("data-saved") or 0)
    page.locator(f'[data-testid=narrative-version][data-version="{version}"]').wait_for()
    drafts = list_all(admin, "/api/reporting/v1/narratives/drafts", period="2023-H1", city=GUILIN)
    saved = drafts[-1]
    assert (saved["version"], saved["note"]) == (version, "加入管理办法和CTO培养")
    assert saved["created_by"] == "user:李处长"
    detail = get(admin, f"/api/reporting/v1/narratives/drafts/{saved['id']}")
    assert detail["template"]["sections"][-1]["text"] == text
    # The city's report now carries the edited text.
    md = admin.get(f"{REPORT}/markdown", params={"period": "2023-H1", "city": GUILIN}).text
    assert SEED_SENTENCE in md
    shot(page, "10-narrative-editor")
    # The only console errors are the refused preview's (the browser logs the 422).
    assert all("422" in e for e in errors), errors


def test_a_stopped_service_gives_a_partial_report_naming_the_missing_figures(
    browser: Browser, stack: Stack, admin: httpx.Client
) -> None:
    errors: list[str] = []
    page = new_page(browser, stack, errors)
    sign_in(page, "李科员", "analyst")
    page.locator("[data-testid=report][data-state=ready]").wait_for()
    # While the report is on its way the page says so (a spinner), instead of an empty card.
    held: list[Any] = []

    def hold(route: Any) -> None:
        held.append(route)

    page.route("**/reports/consolidated?*", hold)
    page.get_by_test_id("period-kind").select_option("H2")
    page.get_by_test_id("report-loading").wait_for()
    assert page.locator("[data-testid=report][data-state=loading]").count() == 1
    assert "正在汇总" in page.get_by_test_id("report-loading").inner_text()
    shot(page, "09b-loading")
    for route in held:
        route.continue_()
    page.unroute("**/reports/consolidated?*")
    stack.stop("talent")
    try:
        open_report(page, "2023", "H1")
        partial = get(admin, REPORT, period="2023-H1", allow_partial="true")
        assert partial["partial"] is True
        banner = page.get_by_test_id("report-partial")
        text = banner.inner_text()
        assert "人才服务" in text
        assert "部分数据暂缺" in text
        assert not re.search(r"[A-Za-z]{4,}", text), text  # no raw English
        names = page.get_by_test_id("report-missing").inner_text().split("、")
        assert names == [m["label"] for m in partial["missing"]]
        assert "下乡服务天次" in names
        # The missing figures keep their rows, marked 暂缺; the others are there.
        missing_row = page.locator('[data-testid=indicator-row][data-missing="true"]')
        assert missing_row.count() == len(partial["missing"])
        assert "暂缺" in missing_row.first.inner_text()
        assert page_figure(page, COLLECTED) != "—"
        # A talent figure's trend cannot be had: said in Chinese, in its place.
        page.get_by_test_id("chart-indicator").select_option("talent.commissioner_service_days")
        missing_trend = page.get_by_test_id("trend-missing")
        missing_trend.wait_for()
        assert missing_trend.inner_text().startswith("走势暂缺：人才服务")
        shot(page, "10-partial-report")
        shot_of(page, "report-partial", "10b-partial-banner")
    finally:
        stack.start("talent")
    open_report(page, "2023", "H2")
    open_report(page, "2023", "H1")
    assert page.get_by_test_id("report-partial").count() == 0
    # The refused calls of the outage are not page errors.
    assert [e for e in errors if "503" not in e] == []
    page.context.close()


def test_docs_render_with_every_other_host_blocked(browser: Browser, stack: Stack) -> None:
    errors: list[str] = []
    page = new_page(browser, stack, errors)
    own = stack.gateway.split("://", 1)[1]
    blocked: list[str] = []

    def only_the_gateway(route: Any) -> None:
        url = route.request.url
        if url.split("://", 1)[-1].split("/", 1)[0] == own:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_the_gateway)
    page.goto("/docs")
    operations = page.locator(".opblock")
    operations.first.wait_for(timeout=60_000)
    assert operations.count() > 20
    assert (
        page.locator(".opblock-summary-path")
        .filter(has_text="/api/reporting/v1/reports/trend")
        .count()
        == 1
    )
    page.screenshot(path=str(ARTIFACTS / "11-docs-offline.png"))  # the first screen
    assert blocked == []
    assert errors == []
    page.context.close()
