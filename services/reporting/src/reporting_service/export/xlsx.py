"""The report's figures as a spreadsheet someone can sum, filter and print.

Figures are numbers with number formats (counts ``#,##0``, money ``#,##0.00``,
rates and 同比 as true percentages ``0.0%``); headers, units and definitions are
Chinese, the indicator code sits in a last narrow column. Each sheet has a frozen
header, an autofilter and an A4 landscape print set-up one page wide with the
header repeated. A city's file holds that city only. The workbook's document
properties are fixed, so the same figures always give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reporting_service.catalogue.definitions import DEFINITIONS_ZH
from reporting_service.consolidated.schemas import ConsolidatedReport, IndicatorRow
from reporting_service.export import approvals
from reporting_service.export.archive import FIXED_TIME, normalise_zip
from reporting_service.export.labels import row_label, scope_name
from reporting_service.narrative.service import SECTION_TITLES
from shared_kit.codes import GUANGXI_CITIES

SERVICE_NAMES = {
    "projects": "科技项目",
    "enterprise": "企业创新",
    "talent": "科技人才",
    "transfer": "成果转化",
}
FONT = "宋体"
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_MAX_WIDTH = 48

Number = int | Decimal | None
CellValue = int | float | Decimal | str | None
Cells = Sequence[tuple[CellValue, str | None]]


def _number_format(value: int | Decimal, *, percent: bool = False) -> str:
    """``#,##0`` for counts, as many decimals as the figure has otherwise; a percentage
    keeps the decimals of its value in percent (12.5 → 0.0%)."""
    places = 0 if isinstance(value, int) else max(0, -int(value.as_tuple().exponent))
    decimals = "." + "0" * places if places else ""
    return f"0{decimals}%" if percent else f"#,##0{decimals}"


def _number(value: Number, *, percent: bool = False) -> tuple[Number, str | None]:
    """The cell value and its format; percentages are stored as fractions (12.5 % = 0.125)."""
    if value is None:
        return None, None
    number_format = _number_format(value, percent=percent)
    return (Decimal(value) / 100 if percent else value), number_format


def _text_width(value: object) -> float:
    text = "" if value is None else str(value)
    return sum(2.1 if ord(c) > 0x2E7F else 1.2 for c in text)


def _sheet(
    ws: Worksheet,
    title: str,
    header: Sequence[str],
    rows: Iterable[Cells],
    *,
    frozen_columns: int,
    widths: dict[int, float] | None = None,
) -> None:
    body = Font(name=FONT, size=11)
    bold = Font(name=FONT, size=11, bold=True)
    ws.append(list(header))
    for head in ws[1]:
        head.font = bold
        head.fill = _HEADER_FILL
        head.border = _BORDER
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    best = [_text_width(h) for h in header]
    for r, values in enumerate(rows, start=2):
        for c, (value, number_format) in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font = body
            cell.border = _BORDER
            if number_format is not None:
                cell.number_format = number_format
                cell.alignment = Alignment(horizontal="right", vertical="center")
            else:
                cell.alignment = Alignment(vertical="center", wrap_text=True)
            if number_format is not None and value is not None:
                best[c - 1] = max(best[c - 1], len(f"{value:,}") * 1.2 + 2)
            else:
                best[c - 1] = max(best[c - 1], _text_width(value))
    for c, width in enumerate(best, start=1):
        fixed = (widths or {}).get(c)
        ws.column_dimensions[get_column_letter(c)].width = (
            fixed if fixed is not None else min(_MAX_WIDTH, width + 2)
        )
    last = get_column_letter(len(header))
    ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"
    ws.auto_filter.ref = f"A1:{last}{ws.max_row}"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    page_head, page_foot = ws.oddHeader, ws.oddFooter
    assert page_head is not None
    assert page_foot is not None
    page_head.center.text, page_head.center.font = title, FONT
    page_foot.center.text, page_foot.center.font = "第 &P 页，共 &N 页", FONT


def _indicator_row(
    report: ConsolidatedReport, n: int, row: IndicatorRow
) -> list[tuple[CellValue, str | None]]:
    rate = row.unit == "%"
    return [
        (n, "0"),
        (SECTION_TITLES[row.section], None),
        (row_label(report, row), None),
        (row.unit, None),
        _number(row.value, percent=rate),
        _number(row.previous, percent=rate),
        _number(row.change_abs),
        _number(row.change_pct, percent=True),
        _number(row.change_pp),
        (SERVICE_NAMES.get(row.service, row.service), None),
        (DEFINITIONS_ZH.get(row.code, ""), None),
        (row.code, None),
    ]


INDICATOR_HEADER = (
    "序号",
    "板块",
    "指标",
    "单位",
    "本期",
    "去年同期",
    "增减（按单位）",
    "同比（%）",
    "同比（百分点）",
    "来源",
    "口径说明",
    "指标代码",
)


def render_xlsx(report: ConsolidatedReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标"
    heading = f"{report.title}（{scope_name(report)}）"
    _sheet(
        ws,
        heading,
        INDICATOR_HEADER,
        (_indicator_row(report, n, r) for n, r in enumerate(report.indicators, start=1)),
        frozen_columns=3,
        widths={2: 22, 11: 48, 12: 10},
    )
    if report.city is None:
        _city_sheet(wb.create_sheet("分市"), report, heading)
    if report.approvals:
        _approvals_sheet(wb.create_sheet("审批状态"), report)
    _about_sheet(wb.create_sheet("说明"), report)

    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = wb.properties.lastModifiedBy = "广西壮族自治区科学技术厅"
    wb.properties.title = heading
    wb.properties.language = "zh-CN"
    buf = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the current time as "modified".
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return normalise_zip(buf.getvalue())


def _city_sheet(ws: Worksheet, report: ConsolidatedReport, heading: str) -> None:
    """The region's figures by city: the 14 cities, what no city holds, and the total."""
    cities = list(GUANGXI_CITIES)
    header = ["指标", "单位", *GUANGXI_CITIES.values(), "未归属地市", "全区"]

    def line(row: IndicatorRow) -> list[tuple[CellValue, str | None]]:
        rate = row.unit == "%"
        by_city = row.by_city or {}
        values = [by_city.get(c) if row.by_city is not None else None for c in cities]
        return [
            (row.label, None),
            (row.unit, None),
            *(_number(v, percent=rate) for v in values),
            _number(row.unattributed, percent=rate),
            _number(row.value, percent=rate),
        ]

    _sheet(
        ws,
        f"{heading}分市情况",
        header,
        (line(r) for r in report.indicators),
        frozen_columns=2,
        widths={1: 34},
    )


def _approvals_sheet(ws: Worksheet, report: ConsolidatedReport) -> None:
    """Each city's approval state, who set it and when (the DOCX's appendix as a sheet)."""
    rows = ([(text or None, None) for text in approvals.cells(a)] for a in report.approvals)
    _sheet(
        ws,
        f"{report.title}{approvals.HEADING.removeprefix('附：')}",
        approvals.COLUMNS,
        rows,
        frozen_columns=1,
        widths={5: 48},
    )


def _about_sheet(ws: Worksheet, report: ConsolidatedReport) -> None:
    """What the workbook covers, and the codes behind the Chinese names."""
    scope = scope_name(report)
    rows: list[list[tuple[CellValue, str | None]]] = [
        [("报告", None), (report.title, None)],
        [("范围", None), (scope, None)],
        [("本期", None), (f"{report.from_.isoformat()}至{report.to.isoformat()}", None)],
        [
            ("去年同期", None),
            (f"{report.previous_from.isoformat()}至{report.previous_to.isoformat()}", None),
        ],
        [("百分比", None), ("获贷率等比率及同比以百分数显示，单元格中存为小数", None)],
    ]
    cities = GUANGXI_CITIES.items() if report.city is None else [(report.city, scope)]
    rows += [[(f"行政区划代码：{name}", None), (code, None)] for code, name in cities]
    _sheet(ws, f"{report.title}说明", ("项目", "内容"), rows, frozen_columns=1, widths={1: 24})
