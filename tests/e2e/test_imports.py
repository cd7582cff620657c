"""导入 in the dashboard, end to end: real Chromium, every service a process, the gateway.

A city bureau signs in, downloads the technology-contract template (an XLSX with its 说明
sheet), fills it with two contracts of which one has an amount that is no amount, uploads
it and reads the Chinese error naming the column; it fixes the cell, uploads again, reads
what was imported, and the report's figure for its city moves.

It runs on the session's stack: its contracts are 南宁's in 2015-H1, a period no other
end-to-end test counts, with registration numbers of their own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from devstack.layout import REPO
from tests.e2e.conftest import CHROMIUM_ARGS, Stack
from tests.e2e.gw import api_key, call

NN = "450100"
ARTIFACTS = REPO / "test-artifacts" / "dashboard"
OUTFLOW = "transfer.contracts_outflow"  # contracts whose seller is in the region
# The template's example row, moved to this test's own period and numbers.
OWN = {"合同登记编号": "15450101900001", "签订日期": "2015-02-01", "登记日期": "2015-03-01"}


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (CI is set, so this fails instead of skipping)")
        pytest.skip("Chromium is not installed: run `make browser`")
    return exe


def _figure(page: Any) -> str:
    """南宁's 2015-H1 contract figure as the report shows it."""
    page.get_by_test_id("nav-report").click()
    page.get_by_test_id("period-year").select_option("2015")
    page.get_by_test_id("period-kind").select_option("H1")
    page.locator(
        f'[data-testid=report][data-state=ready][data-period="2015-H1"][data-city="{NN}"]'
    ).wait_for()
    row = page.locator(f'[data-testid=indicator-row][data-code="{OUTFLOW}"]')
    return str(row.get_by_test_id("indicator-value").inner_text())


def test_a_city_bureau_imports_from_the_template(stack: Stack, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    st = stack
    if httpx.get(st.gateway + "/").status_code == 503:
        pytest.skip("the dashboard is not built: run `make web`")
    exe = _chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                base_url=st.gateway, locale="zh-CN", accept_downloads=True
            )
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto("/")
            page.get_by_test_id("login-dev").wait_for()
            page.get_by_test_id("login-username").fill("nn-clerk")
            page.get_by_test_id("login-role").select_option("city_bureau")
            page.get_by_test_id("login-city").select_option(NN)
            page.get_by_test_id("login-submit").click()
            page.get_by_test_id("user-badge").wait_for()
            before = _figure(page)

            page.get_by_test_id("nav-imports").click()
            page.get_by_test_id("import-dataset").select_option("transfer/tech-contracts")
            with page.expect_download() as download:
                page.get_by_test_id("import-template-xlsx").click()
            assert download.value.suggested_filename == "技术合同导入模板.xlsx"
            template = tmp_path / "template.xlsx"
            download.value.save_as(template)

            book = load_workbook(template)
            assert "说明" in book.sheetnames
            sheet = book.worksheets[0]
            header = [c.value for c in sheet[1]]
            at = {name: i for i, name in enumerate(header)}
            for name, value in OWN.items():
                sheet.cell(row=2, column=at[name] + 1, value=value)
            second = [c.value for c in sheet[2]]
            second[at["合同登记编号"]] = "15450101900002"
            second[at["合同成交额"]] = "一百万"  # no amount
            sheet.append(second)
            filled = tmp_path / "合同.xlsx"
            book.save(filled)

            # The browser's own file input stays hidden: a button and the file name in Chinese.
            assert not page.get_by_test_id("import-file").is_visible()
            assert page.get_by_test_id("import-pick").inner_text() == "选择文件"
            assert page.get_by_test_id("import-file-name").inner_text() == "未选择文件"
            page.get_by_test_id("import-file").set_input_files(str(filled))
            assert page.get_by_test_id("import-file-name").inner_text() == "合同.xlsx"
            page.get_by_test_id("import-upload").click()
            errors = page.get_by_test_id("import-errors")
            errors.wait_for()
            cells = errors.locator("tbody tr").all()
            assert len(cells) == 1
            assert cells[0].locator("td").all_inner_texts() == [
                "2",
                "合同成交额",
                "第 2 行「合同成交额」不是有效金额",
            ]
            assert "未导入任何数据" in page.get_by_test_id("import-refused").inner_text()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "05-import-errors.png"), full_page=True)

            sheet.cell(row=3, column=at["合同成交额"] + 1, value="1000000.00")
            book.save(filled)
            page.get_by_test_id("import-file").set_input_files(str(filled))
            page.get_by_test_id("import-upload").click()
            ok = page.get_by_test_id("import-ok")
            ok.wait_for()
            assert "新增 2 条" in ok.inner_text()
            page.screenshot(path=str(ARTIFACTS / "05b-imported.png"), full_page=True)

            after = _figure(page)
            assert after != before
            assert after.startswith("2")
        finally:
            browser.close()

    # What the page said is what was stored.
    with httpx.Client(base_url=st.gateway, headers={"X-API-Key": api_key(st, "admin")}) as c:
        own = {"city": NN, "registered_from": "2015-01-01", "registered_to": "2015-06-30"}
        listed = call(c, "GET", "/api/transfer/v1/tech-contracts", params=own).json()
    assert {i["registration_no"] for i in listed["items"]} == {"15450101900001", "15450101900002"}
