"""The consolidated report's files show each city's approval state, who set it and when:
the DOCX's approvals appendix (and so the PDF, rendered from it), the XLSX's 审批状态
sheet, the Markdown's closing table. The PDF's pages are left under test-artifacts/report/
(approvals-*.png) for a person to look at."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import docx
import openpyxl
import pytest
import pytest_asyncio
from sqlalchemy import text

from reporting_service.export.approvals import COLUMNS, HEADING
from reporting_service.main import create_app
from tests.reporting.documents import full_dataset, page_images, pdf_text, require_pdf_tools
from tests.reporting.fakes import FakeWorkstreams

pytestmark = pytest.mark.asyncio(loop_scope="session")
NN, LZ, GL = "450100", "450200", "450300"
# (city, state, who, when in UTC, comment); 2023-07-05 02:30 UTC is 10:30 in China.
STATES = [
    (NN, "approved", "科技厅-张审核", datetime(2023, 7, 5, 2, 30, tzinfo=UTC), None),
    (LZ, "returned", "科技厅-李审核", datetime(2023, 7, 6, 8, tzinfo=UTC), "请补录3月份技术合同"),
    (GL, "submitted", "桂林市科技局-王填报", datetime(2023, 7, 3, 1, 15, tzinfo=UTC), None),
]
EXPECTED = {
    "南宁市": ("已审核", "科技厅-张审核", "2023-07-05 10:30", ""),
    "柳州市": ("已退回", "科技厅-李审核", "2023-07-06 16:00", "请补录3月份技术合同"),
    "桂林市": ("已上报", "桂林市科技局-王填报", "2023-07-03 09:15", ""),
    "梧州市": ("未上报", "", "", ""),
}


@pytest_asyncio.fixture(loop_scope="session")
async def reporting(service_client_factory: Any) -> Any:
    svc = await service_client_factory("reporting", create_app)
    svc.app.state.workstreams = FakeWorkstreams(full_dataset()).clients()
    for city, state, who, when, comment in STATES:
        await svc.connection.execute(
            text(
                "INSERT INTO reporting.approvals (id, period, city, state, changed_by, "
                "changed_at, comment, warnings) VALUES (gen_random_uuid(), '2023-H1', :city, "
                ":state, :who, :when, :comment, '[]')"
            ),
            {"city": city, "state": state, "who": who, "when": when, "comment": comment},
        )
    return svc


async def download(svc: Any, fmt: str) -> bytes:
    r = await svc.as_("analyst").get(
        f"/v1/reports/consolidated/{fmt}", params={"period": "2023-H1"}
    )
    assert r.status_code == 200, r.text
    return bytes(r.content)


def by_city(rows: list[tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {row[0]: tuple(row[1:]) for row in rows}


async def test_the_docx_appendix_lists_every_city_with_who_and_when(reporting: Any) -> None:
    document = docx.Document(io.BytesIO(await download(reporting, "docx")))
    texts = [p.text for p in document.paragraphs]
    assert HEADING in texts
    assert "14个地市中，1个已审核通过。" in texts
    [table] = [t for t in document.tables if tuple(c.text for c in t.rows[0].cells) == COLUMNS]
    rows = [tuple(c.text for c in row.cells) for row in table.rows[1:]]
    assert len(rows) == 14
    got = by_city(rows)
    for city, expected in EXPECTED.items():
        assert got[city] == expected, city
    # The header row repeats on every page the table runs over.
    assert table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None


async def test_the_xlsx_has_an_approval_sheet(reporting: Any) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(await download(reporting, "xlsx")))
    assert "审批状态" in wb.sheetnames
    ws = wb["审批状态"]
    values = [
        tuple("" if v is None else str(v) for v in row) for row in ws.iter_rows(values_only=True)
    ]
    assert values[0] == COLUMNS
    assert len(values) == 15
    got = by_city(values[1:])
    for city, expected in EXPECTED.items():
        assert got[city] == expected, city


async def test_the_markdown_closes_with_the_same_table(reporting: Any) -> None:
    md = (await download(reporting, "markdown")).decode()
    assert f"## {HEADING}" in md
    assert "| 柳州市 | 已退回 | 科技厅-李审核 | 2023-07-06 16:00 | 请补录3月份技术合同 |" in md


async def test_the_pdf_shows_the_appendix(reporting: Any) -> None:
    require_pdf_tools()
    pdf = await download(reporting, "pdf")
    flat = "".join(pdf_text(pdf).split())
    assert "各地市数据审核状态" in flat
    for city, (state, who, when, comment) in EXPECTED.items():
        assert f"{city}{state}{who}" in flat, city
        assert when.replace(" ", "") in flat
        assert comment in flat
    pages = page_images(pdf, "approvals")
    assert pages
