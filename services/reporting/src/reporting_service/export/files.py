"""DOCX and XLSX renderings of a report, byte-for-byte reproducible.

Office files are zip archives that normally carry the time they were written
(in zip entries and document properties); both are pinned so the same figures
always give the same bytes and the same content hash.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.narrative.service import build_narrative, comparison_cell, fmt
from shared_kit.codes import GUANGXI_CITIES

FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _normalise_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _cell(value: object) -> object:
    return fmt(value) if value is not None else None  # type: ignore[arg-type]


def render_docx(report: ConsolidatedReport) -> bytes:
    narrative = build_narrative(report)
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    document.add_heading(narrative.title, level=0)
    document.add_paragraph(narrative.intro)
    for section in narrative.sections:
        document.add_heading(section.title, level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
    document.add_heading("附表：主要指标", level=1)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ["代码", "指标", "单位", "本期", "去年同期", "同比"], strict=True
    ):
        cell.text = text
    for row in report.indicators:
        cells = table.add_row().cells
        values = [
            row.code,
            row.label,
            row.unit,
            fmt(row.value),
            fmt(row.previous),
            comparison_cell(row),
        ]
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    props = document.core_properties
    props.created = props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.author = props.last_modified_by = "广西壮族自治区科技厅"
    props.title = narrative.title
    props.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    return _normalise_zip(buf.getvalue())


def render_xlsx(report: ConsolidatedReport) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标"
    header = [
        "代码",
        "指标",
        "单位",
        "本期",
        "去年同期",
        "增减",
        "同比(%)",
        "同比(百分点)",
        "来源服务",
        "定义",
    ]
    ws.append(header)
    for row in report.indicators:
        ws.append(
            [
                row.code,
                row.label,
                row.unit,
                _cell(row.value),
                _cell(row.previous),
                _cell(row.change_abs),
                _cell(row.change_pct),
                _cell(row.change_pp),
                row.service,
                row.definition,
            ]
        )
    cities = list(GUANGXI_CITIES)
    per_city = wb.create_sheet("分市")
    per_city.append(
        ["代码", "指标", "单位", *[GUANGXI_CITIES[c] for c in cities], "未归属地市", "全区"]
    )
    per_city.append(["", "", "", *cities, "unattributed", "450000"])
    for row in report.indicators:
        values = [_cell(row.by_city.get(c)) if row.by_city is not None else None for c in cities]
        values.append(_cell(row.unattributed))
        per_city.append([row.code, row.label, row.unit, *values, _cell(row.value)])
    for sheet in (ws, per_city):
        for c in sheet[1]:
            c.font = Font(bold=True)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "广西壮族自治区科技厅"
    wb.properties.title = report.title
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())
