"""The report's files as an official would open them: the DOCX after GB/T 9704-2012, the
PDF LibreOffice renders from it, the XLSX as a spreadsheet, and their file names.

Every catalogue indicator has a figure here, so every table row and sentence is drawn.
Only one test renders PDFs (LibreOffice takes seconds); it leaves page images under
test-artifacts/report/.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docx
import openpyxl
import pytest
import pytest_asyncio
from docx.oxml.ns import qn
from docx.shared import Mm

from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.consolidated.service import consolidated_report
from reporting_service.export import pdf as pdf_renderer
from reporting_service.export.docx import Imprint, render_docx
from reporting_service.main import create_app
from reporting_service.narrative.service import (
    Narrative,
    Section,
    build_narrative,
    comparison_cell,
    fmt,
)
from reporting_service.period.service import named_period
from shared_kit.codes import GUANGXI_CITIES
from tests.reporting.documents import (
    CITY,
    CITY_NAME,
    full_dataset,
    page_images,
    pdf_info,
    pdf_text,
    require_pdf_tools,
)
from tests.reporting.fakes import FakeWorkstreams

pytestmark = pytest.mark.asyncio(loop_scope="session")

PERIOD = {"period": "2023-H1"}
# Latin letters a Chinese work report legitimately carries.
ALLOWED_ABBREVIATIONS = {"R&D", "CTO", "GDP", "PCT", "AI"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest_asyncio.fixture(loop_scope="session")
async def reporting(service_client_factory: Any) -> Any:
    svc = await service_client_factory("reporting", create_app)
    svc.app.state.workstreams = FakeWorkstreams(full_dataset()).clients()
    return svc


async def _get(svc: Any, fmt: str, **params: str) -> Any:
    r = await svc.as_("analyst").get(f"/v1/reports/consolidated/{fmt}", params={**PERIOD, **params})
    assert r.status_code == 200, r.text
    return r


async def _report(city: str | None = None) -> ConsolidatedReport:
    """The report the routes render, built in-process (JSON would lose 25926.00's form)."""
    clients = FakeWorkstreams(full_dataset()).clients()
    return await consolidated_report(clients, named_period("2023-H1"), city, 5.0)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _document_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


class TestDocx:
    async def test_page_is_a4_with_the_standard_margins(self, reporting: Any) -> None:
        document = docx.Document(io.BytesIO((await _get(reporting, "docx")).content))
        [section] = document.sections
        sizes = [
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        ]
        # Stored in twentieths of a point, hence the rounding.
        assert [round(s.mm, 1) for s in sizes] == [210, 297, 37, 35, 28, 26]

    async def test_east_asian_fonts_sizes_and_language_are_declared(self, reporting: Any) -> None:
        data = (await _get(reporting, "docx")).content
        document = docx.Document(io.BytesIO(data))
        expected = {
            "Title": ("方正小标宋简体", 22),
            "Normal": ("仿宋_GB2312", 16),
            "Heading 1": ("黑体", 16),
            "Heading 2": ("楷体_GB2312", 16),
        }
        for name, (font, size) in expected.items():
            style = document.styles[name]
            fonts = style.element.rPr.find(qn("w:rFonts"))
            assert fonts.get(qn("w:eastAsia")) == font, name
            assert not [a for a in fonts.attrib if a.endswith("Theme")], name
            assert style.font.size.pt == size, name
            assert style.font.color.rgb is None, name
        normal = document.styles["Normal"].paragraph_format
        assert normal.line_spacing.pt == pytest.approx(28.95, abs=0.05)
        defaults = document.styles.element.find(qn("w:docDefaults"))
        lang = defaults.find(f"{W}rPrDefault/{W}rPr/{W}lang")
        # Chinese text in zh-CN; Latin characters (digits) en-US, see _language in the renderer.
        assert lang.get(qn("w:eastAsia")) == "zh-CN"
        assert lang.get(qn("w:val")) == "en-US"
        assert document.core_properties.language == "zh-CN"
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            font_table = z.read("word/fontTable.xml").decode()
            styles = z.read("word/styles.xml").decode()
        assert 'w:eastAsia="ja' not in styles
        assert "w:lang" not in styles.split("</w:docDefaults>")[1]  # no style overrides it
        assert 'w:name="仿宋_GB2312"' in font_table
        assert 'w:altName w:val="仿宋"' in font_table

    async def test_page_numbers_are_a_field_at_the_foot(self, reporting: Any) -> None:
        data = (await _get(reporting, "docx")).content
        document = docx.Document(io.BytesIO(data))
        section = document.sections[0]
        assert document.settings.odd_and_even_pages_header_footer
        for footer in (section.footer, section.even_page_footer):
            xml = footer._element.xml
            assert "PAGE" in "".join(t.text for t in footer._element.iter(f"{W}instrText"))
            assert xml.count('w:fldCharType="begin"') == 1
            assert footer.paragraphs[0].text.startswith("— ")
            assert footer.paragraphs[0].text.endswith(" —")

    async def test_issuer_and_date_follow_the_text(self, reporting: Any) -> None:
        document = docx.Document(io.BytesIO((await _get(reporting, "docx")).content))
        texts = [p.text for p in document.paragraphs]
        at = texts.index("广西壮族自治区科学技术厅")
        today = (await _report()).generated_on
        assert texts[at + 1] == f"{today.year}年{today.month}月{today.day}日"
        assert texts.index("附表") > at

    async def test_issuer_and_date_are_configurable(self, service_client_factory: Any) -> None:
        svc = await service_client_factory(
            "reporting",
            create_app,
            issuer="广西壮族自治区科技厅办公室",
            issue_date=date(2023, 7, 5),
        )
        svc.app.state.workstreams = FakeWorkstreams(full_dataset()).clients()
        texts = [
            p.text for p in docx.Document(io.BytesIO((await _get(svc, "docx")).content)).paragraphs
        ]
        at = texts.index("广西壮族自治区科技厅办公室")
        assert texts[at + 1] == "2023年7月5日"

    async def test_appendix_table_is_chinese_and_repeats_its_header(self, reporting: Any) -> None:
        report = await _report()
        document = docx.Document(io.BytesIO((await _get(reporting, "docx")).content))
        # The indicators, then each city's approval state (test_approval_documents.py).
        table, _ = document.tables
        header = table.rows[0]
        assert [c.text for c in header.cells] == [
            "序号",
            "指标",
            "单位",
            "本期",
            "去年同期",
            "同比",
        ]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert sum(grid) == pytest.approx(Mm(156).twips, abs=5)  # the text block's width
        rows = {r.cells[1].text: r for r in table.rows[1:] if r.cells[0].text.isdigit()}
        assert len(rows) == len(report.indicators) == 50
        for ind in report.indicators:
            cells = rows[ind.label].cells
            assert [c.text for c in cells[2:]] == [
                ind.unit,
                fmt(ind.value),
                fmt(ind.previous),
                comparison_cell(ind),
            ], ind.code
            for c in cells[3:]:
                assert c.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT

    async def test_a_city_table_marks_region_only_figures(self, reporting: Any) -> None:
        report = await _report(CITY)
        data = (await _get(reporting, "docx", city=CITY)).content
        document = docx.Document(io.BytesIO(data))
        labels = [r.cells[1].text for r in document.tables[0].rows[1:] if r.cells[0].text.isdigit()]
        want = [f"{i.label}（全区）" if i.region_only else i.label for i in report.indicators]
        assert labels == want
        assert any(i.region_only for i in report.indicators)
        # The appendix caption names the city.
        assert any(CITY_NAME in p.text and p.text.endswith("主要指标") for p in document.paragraphs)

    async def test_no_latin_letters_or_ascii_quotes_in_the_text(self, reporting: Any) -> None:
        for params in ({}, {"city": CITY}):
            document = docx.Document(io.BytesIO((await _get(reporting, "docx", **params)).content))
            text = _document_text(document)
            words = set(re.findall(r"[A-Za-z][A-Za-z&]*", text))
            assert words <= ALLOWED_ABBREVIATIONS, words - ALLOWED_ABBREVIATIONS
            assert '"' not in text
            assert "'" not in text

    async def test_level_two_headings_run_in_in_kaiti(self) -> None:
        report = await _report()
        narrative = Narrative(
            title="标题",
            intro="导语。",
            sections=[Section(5, "五、强化创新工作智力支撑", ["（一）强化本土人才培养。正文。"])],
        )
        data = render_docx(report, Imprint("某厅", date(2023, 7, 15)), narrative)
        document = docx.Document(io.BytesIO(data))
        p = next(p for p in document.paragraphs if p.text.startswith("（一）"))
        heading, body = p.runs
        assert heading.text == "（一）强化本土人才培养。"
        assert heading._r.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
        assert body.text == "正文。"
        assert p.style.name == "Normal"

    async def test_is_reproducible(self, reporting: Any) -> None:
        a = (await _get(reporting, "docx")).content
        b = (await _get(reporting, "docx")).content
        assert a == b


class TestFileNames:
    async def test_city_and_period_in_the_name(self, reporting: Any) -> None:
        for fmt_, ext in (("docx", "docx"), ("xlsx", "xlsx"), ("markdown", "md")):
            city = (await _get(reporting, fmt_, city=CITY)).headers["content-disposition"]
            name = quote(f"2023年上半年重点工作情况-{CITY_NAME}.{ext}")
            assert city == (
                f"attachment; filename=\"report-2023-H1-{CITY}.{ext}\"; filename*=UTF-8''{name}"
            )
            region = (await _get(reporting, fmt_)).headers["content-disposition"]
            assert f"filename*=UTF-8''{quote(f'2023年上半年重点工作情况.{ext}')}" in region
            assert f'filename="report-2023-H1.{ext}"' in region


class TestXlsx:
    async def test_figures_are_numbers_with_formats(self, reporting: Any) -> None:
        report = await _report()
        wb = openpyxl.load_workbook(io.BytesIO((await _get(reporting, "xlsx")).content))
        ws = wb["指标"]
        header = [c.value for c in ws[1]]
        assert header[:9] == [
            "序号",
            "板块",
            "指标",
            "单位",
            "本期",
            "去年同期",
            "增减（按单位）",
            "同比（%）",
            "同比（百分点）",
        ]
        assert header[-1] == "指标代码"
        rows = {r[-1].value: r for r in ws.iter_rows(min_row=2)}
        assert len(rows) == 50
        for ind in report.indicators:
            row = rows[ind.code]
            value, previous, change_pct = row[4], row[5], row[7]
            assert isinstance(value.value, int | float), ind.code
            if ind.unit == "%":
                assert value.number_format == "0.0%"
                assert Decimal(str(value.value)) * 100 == ind.value
            elif isinstance(ind.value, int):
                assert value.number_format == "#,##0"
                assert value.value == ind.value
            else:
                assert value.number_format == "#,##0.00"
                assert Decimal(str(value.value)) == ind.value
            assert isinstance(previous.value, int | float)
            if ind.change_pct is not None:
                assert change_pct.number_format == "0.0%"
                assert Decimal(str(change_pct.value)) * 100 == ind.change_pct
            assert row[2].value == ind.label
            # Chinese definitions, Chinese source names.
            assert row[10].value, ind.code
            assert not re.search(r"[A-Za-z]{3,}", row[10].value), ind.code
            assert row[9].value in {"科技项目", "企业创新", "科技人才", "成果转化"}

    async def test_sheets_are_set_up_for_screen_and_print(self, reporting: Any) -> None:
        wb = openpyxl.load_workbook(io.BytesIO((await _get(reporting, "xlsx")).content))
        assert wb.sheetnames == ["指标", "分市", "审批状态", "说明"]
        for ws in wb:
            assert ws.freeze_panes is not None, ws.title
            assert ws.freeze_panes.endswith("2"), ws.title
            assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
            assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
            assert ws.page_setup.orientation == "landscape"
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
            assert ws.print_title_rows == "$1:$1"
            for col in range(1, ws.max_column + 1):
                letter = ws.cell(1, col).column_letter
                assert ws.column_dimensions[letter].width >= 6, (ws.title, letter)
        label_width = wb["指标"].column_dimensions["C"].width
        longest = max(len(c.value) for c in wb["指标"]["C"][1:])
        assert label_width >= 2 * longest  # a CJK character takes two width units
        per_city = [c.value for c in wb["分市"][1]]
        assert per_city == ["指标", "单位", *GUANGXI_CITIES.values(), "未归属地市", "全区"]

    async def test_a_city_file_holds_that_city_only(self, reporting: Any) -> None:
        data = (await _get(reporting, "xlsx", city=CITY)).content
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert "分市" not in wb.sheetnames
        cells = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
        others = [n for code, n in GUANGXI_CITIES.items() if code != CITY]
        assert not [c for c in cells if any(n in c for n in others)]
        assert any(CITY_NAME in c for c in cells)

    async def test_two_downloads_are_identical(self, reporting: Any) -> None:
        a = (await _get(reporting, "xlsx")).content
        b = (await _get(reporting, "xlsx")).content
        assert a == b
        with zipfile.ZipFile(io.BytesIO(a)) as z:
            core = z.read("docProps/core.xml").decode()
        assert "<dcterms:modified" in core
        assert "2000-01-01T00:00:00Z" in core


class TestPdf:
    async def test_without_libreoffice_pdf_and_publishing_answer_503(
        self, service_client_factory: Any
    ) -> None:
        svc = await service_client_factory("reporting", create_app, soffice="/nonexistent/soffice")
        svc.app.state.workstreams = FakeWorkstreams(full_dataset()).clients()
        r = await svc.as_("analyst").get("/v1/reports/consolidated/pdf", params=PERIOD)
        assert r.status_code == 503
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "pdf_renderer_unavailable"
        admin = svc.as_("admin")
        r = await admin.post(
            "/v1/reports/published", json={**PERIOD, "approval_override": "测试：未经审核发布"}
        )
        assert r.status_code == 503
        assert r.json()["code"] == "pdf_renderer_unavailable"
        assert (await admin.get("/v1/reports/published")).json()["items"] == []

    async def test_a_failing_or_hanging_renderer_answers_503(
        self, service_client_factory: Any, tmp_path: Path
    ) -> None:
        broken = tmp_path / "soffice-broken"
        broken.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
        hanging = tmp_path / "soffice-hanging"
        hanging.write_text("#!/bin/sh\nsleep 30\n")
        for exe in (broken, hanging):
            exe.chmod(0o755)
            svc = await service_client_factory(
                "reporting", create_app, soffice=str(exe), pdf_timeout_seconds=0.5
            )
            svc.app.state.workstreams = FakeWorkstreams(full_dataset()).clients()
            started = time.monotonic()
            r = await svc.as_("analyst").get("/v1/reports/consolidated/pdf", params=PERIOD)
            assert r.status_code == 503, r.text
            assert r.json()["code"] == "pdf_render_failed"
            assert time.monotonic() - started < 10  # the deadline ends a hanging renderer

    async def test_pdf_dates_and_ids_are_pinned_at_the_same_length(self) -> None:
        pdf = (
            b"%PDF-1.6\n<</Producer(LibreOffice 7.4)/CreationDate(D:20261203101826Z')>>\n"
            b"trailer\n<</Size 3/ID [ <3599083B5C6D4A1FF73F636562E5559F>\n"
            b"<3599083B5C6D4A1FF73F636562E5559F> ]\n"
            b"/DocChecksum /98CF0A152714C8EA35A7B14C334BF38A\n>>"
        )
        a = pdf_renderer.stabilise(pdf, b"docx")
        later = pdf.replace(b"20261203101826", b"20270101120000").replace(b"98CF0A", b"11AA22")
        assert pdf_renderer.stabilise(later, b"docx") == a
        assert len(a) == len(pdf)
        assert b"D:20000101000000Z" in a
        assert b"3599083B" not in a
        assert pdf_renderer.stabilise(pdf, b"other docx") != a

    async def test_pdf_is_a4_and_holds_every_figure(self, reporting: Any) -> None:
        require_pdf_tools()
        report = await _report()
        r = await _get(reporting, "pdf")
        assert r.headers["content-type"] == "application/pdf"
        assert "report-2023-H1.pdf" in r.headers["content-disposition"]
        pdf = r.content
        info = pdf_info(pdf)
        assert info["Page size"].startswith("595.")
        assert "x 841.8" in info["Page size"]
        assert "(A4)" in info["Page size"]
        pages = int(info["Pages"])
        text = pdf_text(pdf)
        # One page number per page, "— 1 —" to "— n —".
        numbers = [int(n) for n in re.findall(r"—\s*(\d+)\s*—", text)]
        assert numbers == list(range(1, pages + 1))
        assert 3 <= pages <= 8
        # The text without the page numbers, which fall between a page's last and the next
        # page's first character.
        flat = re.sub(r"—\d+—", "", _squash(text))
        # No number is broken over two lines (as LibreOffice does when digits are zh-CN).
        assert not re.findall(r".{0,12}\d\n\d.{0,12}", re.sub(r"\n+—\s*\d+\s*—\n+", "\n", text))
        narrative = build_narrative(report)
        for paragraph in [narrative.intro, *(p for s in narrative.sections for p in s.paragraphs)]:
            assert _squash(paragraph) in flat, paragraph
        # Around a page break pdftotext may read the repeated header and a row's first
        # cells out of order: each row's label and its figures must each be there whole.
        header = re.compile("序号|指标|单位|本期|去年同期|同比")
        table = header.sub("", flat)
        for ind in report.indicators:
            figures = f"{ind.unit}{fmt(ind.value)}{fmt(ind.previous)}{comparison_cell(ind)}"
            assert header.sub("", _squash(ind.label)) in table, ind.code
            assert header.sub("", _squash(figures)) in table, ind.code
        # The issuer and date share their page with text (GB/T 9704-2012 7.3.5): never a
        # page holding only the signature and its page number.
        signed = next(page for page in text.split("\f") if "广西壮族自治区科学技术厅" in page)
        before = signed.split("广西壮族自治区科学技术厅")[0]
        assert re.sub(r"—\s*\d+\s*—|\s", "", before), "the signature stands alone on its page"
        assert page_images(pdf, "2023-H1")

        # Reproducible: a fresh LibreOffice run (not the cache) gives the same bytes.
        docx_bytes = (await _get(reporting, "docx")).content
        fresh = pdf_renderer.stabilise(
            await pdf_renderer._convert("soffice", docx_bytes, 60), docx_bytes
        )
        assert fresh == pdf
