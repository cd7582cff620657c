"""Narrative, downloads and publishing, with a real reporting database."""

from __future__ import annotations

import io
from typing import Any

import docx
import openpyxl
import pytest
import pytest_asyncio

from reporting_service.main import create_app
from tests.reporting.documents import pdf_text, require_pdf_tools
from tests.reporting.fakes import FakeWorkstreams, count, money

pytestmark = pytest.mark.asyncio(loop_scope="session")


def dataset() -> dict[int, dict[str, list[dict[str, Any]]]]:
    return {
        2023: {
            "projects": [
                count("projects.challenge_demands_collected", 130, {"450100": 100, "450200": 30}),
                count("projects.challenge_demands_listed", 40),
            ],
            "enterprise": [money("enterprise.loan_amount", "1234567890.00")],
            "talent": [count("talent.commissioner_service_days", 12345)],
            "transfer": [
                count("transfer.contracts_total", 1500),
                money("transfer.contract_value", "56789000000.00"),
            ],
        },
        2022: {
            "projects": [
                count("projects.challenge_demands_collected", 100),
                count("projects.challenge_demands_listed", 50),
            ],
            "enterprise": [money("enterprise.loan_amount", "1000000000.00")],
            "talent": [count("talent.commissioner_service_days", 10000)],
            "transfer": [
                count("transfer.contracts_total", 1200),
                money("transfer.contract_value", "50000000000.00"),
            ],
        },
    }


@pytest_asyncio.fixture(loop_scope="session")
async def reporting(service_client_factory: Any) -> Any:
    svc = await service_client_factory("reporting", create_app)
    fake = FakeWorkstreams(dataset())
    svc.app.state.workstreams = fake.clients()
    svc.fake = fake
    return svc


class TestNarrative:
    async def test_markdown_sentences_carry_figures_and_comparisons(self, reporting: Any) -> None:
        r = await reporting.as_("analyst").get(
            "/v1/reports/consolidated/markdown", params={"period": "2023-H1"}
        )
        assert r.status_code == 200, r.text
        md = r.text
        assert md.startswith("# 2023年上半年重点工作情况")
        assert "面向全区征集到130项揭榜制科技项目需求，同比增长30.0%" in md
        assert "论证遴选出40项进入张榜榜单，同比下降20.0%" in md
        assert "投放科创贷12.35亿元，同比增长23.5%" in md
        assert "下乡服务12345天次，同比增长23.5%" in md
        assert "合同数合计达到1500项，比去年同期增加300项" in md
        assert "完成技术合同成交额567.89亿元，同比增长13.6%" in md

    async def test_docx_and_xlsx_hold_the_same_figures(self, reporting: Any) -> None:
        admin = reporting.as_("admin")
        d = await admin.get("/v1/reports/consolidated/docx", params={"period": "2023-H1"})
        x = await admin.get("/v1/reports/consolidated/xlsx", params={"period": "2023-H1"})
        assert d.status_code == x.status_code == 200
        document = docx.Document(io.BytesIO(d.content))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "征集到130项揭榜制科技项目需求" in text
        table = document.tables[0]
        doc_rows = {r.cells[1].text: r.cells[3].text for r in table.rows[1:]}
        wb = openpyxl.load_workbook(io.BytesIO(x.content))
        xl_rows = {r[-1]: r for r in wb["指标"].iter_rows(min_row=2, values_only=True)}
        assert doc_rows["投放科创贷"] == "12.35"
        assert xl_rows["enterprise.loan_amount"][4] == 12.35
        assert doc_rows["征集揭榜制项目需求"] == "130"
        city_sheet = list(wb["分市"].iter_rows(values_only=True))
        assert city_sheet[0][2] == "南宁市"
        demand_row = next(r for r in city_sheet if r[0] == "征集揭榜制项目需求")
        assert demand_row[2] == 100
        assert demand_row[-1] == 130

    async def test_files_are_reproducible(self, reporting: Any) -> None:
        admin = reporting.as_("admin")
        a = await admin.get("/v1/reports/consolidated/docx", params={"period": "2023-H1"})
        b = await admin.get("/v1/reports/consolidated/docx", params={"period": "2023-H1"})
        assert a.content == b.content


class TestPublishing:
    async def test_snapshot_is_frozen_and_diff_shows_the_change(self, reporting: Any) -> None:
        require_pdf_tools()  # publishing renders the PDF
        admin = reporting.as_("admin")
        body = {"period": "2023-H1", "approval_override": "测试：未经审核发布"}
        r = await admin.post("/v1/reports/published", json=body)
        assert r.status_code == 201, r.text
        snap = r.json()
        assert {f["format"] for f in snap["files"]} == {"markdown", "docx", "xlsx", "pdf"}
        assert len(snap["content_hash"]) == 64
        before = await admin.get(f"/v1/reports/published/{snap['id']}/files/docx")
        pdf = await admin.get(f"/v1/reports/published/{snap['id']}/files/pdf")
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert "filename*=UTF-8''2023" in pdf.headers["content-disposition"]
        assert pdf.headers["x-content-sha256"] == next(
            f["sha256"] for f in snap["files"] if f["format"] == "pdf"
        )
        assert "征集到130项揭榜制科技项目需求" in "".join(pdf_text(pdf.content).split())

        # A record changes later: the live figure moves, the snapshot does not.
        reporting.fake.figures[2023]["projects"][0]["value"] = 131
        detail = (await admin.get(f"/v1/reports/published/{snap['id']}")).json()
        fig = next(
            i
            for i in detail["figures"]["indicators"]
            if i["code"] == "projects.challenge_demands_collected"
        )
        assert fig["value"] == 130
        after = await admin.get(f"/v1/reports/published/{snap['id']}/files/docx")
        assert after.content == before.content
        diff = (await admin.get(f"/v1/reports/published/{snap['id']}/diff")).json()
        assert [c["code"] for c in diff["changed"]] == ["projects.challenge_demands_collected"]
        assert diff["changed"][0]["published"] == 130
        assert diff["changed"][0]["live"] == 131

    async def test_only_admin_publishes(self, reporting: Any) -> None:
        r = await reporting.as_("analyst").post("/v1/reports/published", json={"period": "2023-H1"})
        assert r.status_code == 403

    async def test_partial_report_is_marked_and_not_publishable(self, reporting: Any) -> None:
        reporting.fake.down.add("talent")
        admin = reporting.as_("admin")
        r = await admin.get(
            "/v1/reports/consolidated", params={"period": "2023-H1", "allow_partial": "true"}
        )
        assert r.status_code == 200
        body = r.json()
        assert body["partial"] is True
        assert next(m["code"] for m in body["missing"]).startswith("talent.")
        assert {m["service"] for m in body["missing"]} == {"talent"}
        r = await admin.get("/v1/reports/consolidated", params={"period": "2023-H1"})
        assert r.status_code == 503
        assert r.json()["service"] == "talent"
        r = await admin.post("/v1/reports/published", json={"period": "2023-H1"})
        assert r.status_code == 503

    async def test_records_links(self, reporting: Any) -> None:
        body = (
            await reporting.as_("admin").get(
                "/v1/reports/consolidated", params={"period": "2023-H1"}
            )
        ).json()
        fig = next(
            i for i in body["indicators"] if i["code"] == "projects.challenge_demands_collected"
        )
        assert fig["records"] == (
            "/api/projects/v1/indicators/projects.challenge_demands_collected/records"
            "?from=2023-01-01&to=2023-06-30"
        )
        assert fig["by_city_records"]["450200"].endswith("&city=450200")
