"""The report as a DOCX laid out after GB/T 9704-2012 (党政机关公文格式), as far as it
applies to a work report.

A4 with the standard's margins, title in 小标宋 2号, body in 仿宋 3号 on a fixed
28.95 pt pitch (22 lines to the page), headings in 黑体 (一、) and 楷体 (（一）),
page numbers "— 1 —" in 宋体 4号 outside on odd and even pages, the issuing unit
and date under the text, the indicator table as an appendix on its own page.

Fonts are named as a Chinese government PC has them (方正小标宋简体, 仿宋_GB2312…);
each carries an ``altName`` in the font table and the PDF renderer maps them to
installed fonts (``fonts.conf``). Every style is set explicitly rather than by
theme, so no Western theme font or colour leaks in.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import _Row
from docx.text.paragraph import Paragraph

from reporting_service.catalogue.indicators import CATALOGUE
from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.export import approvals
from reporting_service.export.archive import FIXED_TIME, normalise_zip
from reporting_service.export.labels import row_label, scope_name
from reporting_service.narrative.service import (
    SECTION_TITLES,
    Narrative,
    build_narrative,
    comparison_cell,
    fmt,
)

# Font names as installed with Chinese Office / Windows, and what stands in for them.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
LATIN_FONT = "Times New Roman"
ALT_NAMES = {
    TITLE_FONT: "华文中宋",
    BODY_FONT: "仿宋",
    HEI_FONT: "SimHei",
    KAI_FONT: "楷体",
    SONG_FONT: "SimSun",
}

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
TABLE_SIZE = Pt(12)  # 小四
LINE_PITCH = Pt(28.95)  # 225 mm text block / 22 lines
TABLE_PITCH = Pt(18)
INDENT = Pt(32)  # two characters of 3号

# Text block 156 mm wide: 序号, 指标, 单位, 本期, 去年同期, 同比.
TABLE_COLUMNS = (
    ("序号", 11),
    ("指标", 55),
    ("单位", 13),
    ("本期", 25),
    ("去年同期", 25),
    ("同比", 27),
)
# The approvals appendix: 地市, 审核状态, 经办人, 时间, 退回意见或解锁原因 (156 mm in all).
APPROVAL_WIDTHS = (20, 22, 36, 34, 44)
CELL_MARGIN = Mm(1.2)
# What follows w:overflowPunct in a paragraph's properties (the schema fixes the order).
_AFTER_OVERFLOW_PUNCT = (
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
)
_LEVEL_TWO = re.compile(r"^（[一二三四五六七八九十]+）")
_CN_NUMBERS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Imprint:
    """Who issues the report and on which date (落款)."""

    issuer: str
    issued_on: date


def chinese_date(day: date) -> str:
    """2023年7月15日 (GB/T 9704-2012 7.3.5.1: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _set_fonts(parent: BaseOxmlElement, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Explicit fonts for every script on a style, run or default, no theme fonts."""
    rpr = parent.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        parent.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    fonts = OxmlElement("w:rFonts")
    rpr.insert(0, fonts)  # rFonts comes first in a run's properties
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _reset(style: ParagraphStyle) -> None:
    for child in list(style.element):
        if child.tag in (qn("w:pPr"), qn("w:rPr")):
            style.element.remove(child)


def _paragraph_style(
    document: Document,
    name: str,
    *,
    font: str,
    size: Pt,
    pitch: Pt = LINE_PITCH,
    # Left, not justified: LibreOffice drops a 。 that ends a full justified line.
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
    indent: Pt = INDENT,
    outline: int | None = None,
) -> ParagraphStyle:
    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
    assert isinstance(style, ParagraphStyle)
    _reset(style)
    if name != "Normal":
        style.base_style = styles["Normal"]
    _set_fonts(style.element, font)
    style.font.size = size
    style.font.bold = False
    style.font.color.rgb = None
    pf = style.paragraph_format
    pf.alignment = align
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = pitch
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = indent
    pf.widow_control = True
    # Punctuation stays inside the text block (LibreOffice would hang 。 in the margin).
    overflow = OxmlElement("w:overflowPunct")
    overflow.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().insert_element_before(overflow, *_AFTER_OVERFLOW_PUNCT)
    if outline is not None:
        pf.keep_with_next = True
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(lvl)
    return style


def _language(document: Document) -> None:
    """Chinese (zh-CN) as the language of the text, in the defaults every style inherits.

    ``w:val`` is the language of Latin-script characters only (digits, R&D): it stays
    en-US, as Chinese editions of Word write it, because with zh-CN there LibreOffice
    breaks numbers across lines (45|5).
    """
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert rpr is not None
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    _set_fonts(rpr.getparent(), BODY_FONT)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = OxmlElement("w:themeFontLang")
        settings.append(theme_lang)
    theme_lang.set(qn("w:val"), "en-US")
    theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _font_table(document: Document) -> None:
    """Declare the Chinese fonts with GB2312 charset and a fallback name each."""
    part = next(
        p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
    )
    root = parse_xml(part.blob)
    for name, alt in ALT_NAMES.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", alt), ("w:charset", "86"), ("w:family", "auto")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            font.append(el)
        root.append(font)
    part._blob = serialize_part_xml(root)


def _styles(document: Document) -> None:
    _language(document)
    _font_table(document)
    _paragraph_style(document, "Normal", font=BODY_FONT, size=BODY_SIZE)
    _paragraph_style(
        document,
        "Title",
        font=TITLE_FONT,
        size=TITLE_SIZE,
        pitch=Pt(36),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=Pt(0),
    )
    _paragraph_style(document, "Heading 1", font=HEI_FONT, size=BODY_SIZE, outline=0)
    _paragraph_style(document, "Heading 2", font=KAI_FONT, size=BODY_SIZE, outline=1)
    _paragraph_style(
        document,
        "公文落款",
        font=BODY_FONT,
        size=BODY_SIZE,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=Pt(0),
    )
    _paragraph_style(
        document,
        "附件标识",
        font=HEI_FONT,
        size=BODY_SIZE,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        indent=Pt(0),
    )
    _paragraph_style(
        document,
        "表格文字",
        font=BODY_FONT,
        size=TABLE_SIZE,
        pitch=TABLE_PITCH,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        indent=Pt(0),
    )
    _paragraph_style(
        document,
        "表头",
        font=HEI_FONT,
        size=TABLE_SIZE,
        pitch=TABLE_PITCH,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=Pt(0),
    )
    _paragraph_style(
        document,
        "页码",
        font=SONG_FONT,
        size=PAGE_NUMBER_SIZE,
        pitch=Pt(18),
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=Pt(0),
    )


def _page(document: Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The page number sits 7 mm under the text block (GB/T 9704-2012 7.5).
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = document.styles["页码"]
        p.alignment = align
        # Outside edge, one character in.
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = PAGE_NUMBER_SIZE
        else:
            p.paragraph_format.left_indent = PAGE_NUMBER_SIZE
        _page_number(p)


def _page_number(p: Paragraph) -> None:
    """— PAGE — with the number as a field, so every page shows its own."""
    p.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None)):
        run = p.add_run()
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text is not None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = "1"
    end = p.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)
    p.add_run(" —")


def _body_paragraph(document: Document, text: str) -> None:
    """A body paragraph; a leading （一） heading runs in, in 楷体 (GB/T 9704-2012 7.3.3)."""
    m = _LEVEL_TWO.match(text)
    if m is None:
        document.add_paragraph(text)
        return
    head_end = text.find("。", m.end())
    if head_end == -1:
        document.add_paragraph(text, style="Heading 2")
        return
    p = document.add_paragraph()
    head = p.add_run(text[: head_end + 1])
    _set_fonts(head._r, KAI_FONT)
    p.add_run(text[head_end + 1 :])


def _signature(document: Document, imprint: Imprint) -> None:
    """Issuer centred over the date, the date four characters from the right edge.

    The issuer and date never stand on a page of their own (GB/T 9704-2012 7.3.5): the
    text's last paragraph, the blank lines and the issuer are each kept with the next, so
    when the signature would spill over a page end the last lines of text go with it."""
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    for _ in range(2):
        document.add_paragraph().paragraph_format.keep_with_next = True
    when = chinese_date(imprint.issued_on)
    width = sum(0.5 if c.isascii() else 1 for c in when)
    date_indent = 4.0
    issuer_indent = max(0.0, date_indent + width / 2 - len(imprint.issuer) / 2)
    for text, chars in ((imprint.issuer, issuer_indent), (when, date_indent)):
        p = document.add_paragraph(text, style="公文落款")
        p.paragraph_format.right_indent = Pt(16 * chars)
        p.paragraph_format.keep_with_next = text == imprint.issuer


def _cell_text(cell_paragraph: Paragraph, text: str, style: str, align: WD_ALIGN_PARAGRAPH) -> None:
    cell_paragraph.style = style
    cell_paragraph.alignment = align
    cell_paragraph.add_run(text)


def _row_props(row: _Row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _grid(document: Document, columns: tuple[tuple[str, int], ...]) -> Any:
    """A fixed-width table with its header row (repeated on each page)."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed: the column widths below hold
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN.twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.insert_element_before(
        margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"
    )
    for col, (_, width) in zip(table.columns, columns, strict=True):
        col.width = Mm(width)
    header = table.rows[0]
    _row_props(header, header=True)
    for cell, (title, width) in zip(header.cells, columns, strict=True):
        cell.width = Mm(width)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(cell.paragraphs[0], title, "表头", WD_ALIGN_PARAGRAPH.CENTER)
    return table


def _approvals_table(document: Document, report: ConsolidatedReport) -> None:
    """Each city's approval state, who set it and when, on a page of its own."""
    if not report.approvals:
        return
    brk = document.add_paragraph()
    brk.add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph(approvals.HEADING, style="Title")
    document.add_paragraph()
    document.add_paragraph(approvals.summary(report))
    columns = tuple(zip(approvals.COLUMNS, APPROVAL_WIDTHS, strict=True))
    table = _grid(document, columns)
    aligns = (WD_ALIGN_PARAGRAPH.CENTER,) * 4 + (WD_ALIGN_PARAGRAPH.LEFT,)
    for a in report.approvals:
        row = table.add_row()
        _row_props(row)
        for cell, text, align, (_, width) in zip(
            row.cells, approvals.cells(a), aligns, columns, strict=True
        ):
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _cell_text(cell.paragraphs[0], text, "表格文字", align)


def _table(document: Document, report: ConsolidatedReport) -> None:
    table = _grid(document, TABLE_COLUMNS)
    header = table.rows[0]
    section = 0
    for n, row in enumerate(report.indicators, start=1):
        if row.section != section:
            section = row.section
            group = table.add_row()
            _row_props(group)
            merged = group.cells[0].merge(group.cells[-1])
            _cell_text(
                merged.paragraphs[0], SECTION_TITLES[section], "表头", WD_ALIGN_PARAGRAPH.LEFT
            )
        cells = table.add_row()
        _row_props(cells)
        values = (
            (str(n), WD_ALIGN_PARAGRAPH.CENTER),
            (row_label(report, row), WD_ALIGN_PARAGRAPH.LEFT),
            (row.unit, WD_ALIGN_PARAGRAPH.CENTER),
            (fmt(row.value), WD_ALIGN_PARAGRAPH.RIGHT),
            (fmt(row.previous), WD_ALIGN_PARAGRAPH.RIGHT),
            (comparison_cell(row), WD_ALIGN_PARAGRAPH.RIGHT),
        )
        for cell, (text, align), (_, width) in zip(cells.cells, values, TABLE_COLUMNS, strict=True):
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _cell_text(cell.paragraphs[0], text, "表格文字", align)
    for cell, (_, width) in zip(header.cells, TABLE_COLUMNS, strict=True):
        cell.width = Mm(width)


def _missing_note(document: Document, report: ConsolidatedReport) -> None:
    if not report.partial:
        return
    labels = {i.code: i.label for i in CATALOGUE}
    names = "、".join(labels.get(m.code, m.code) for m in report.missing)
    document.add_paragraph(f"注：部分数据来源暂未响应，以下指标缺失：{names}。")


def render_docx(
    report: ConsolidatedReport, imprint: Imprint, narrative: Narrative | None = None
) -> bytes:
    n = narrative or build_narrative(report)
    document = docx.Document()
    _styles(document)
    _page(document)
    # python-docx's template starts with one empty paragraph: the title takes its place.
    body = document.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    document.add_paragraph(n.title, style="Title")
    document.add_paragraph()
    document.add_paragraph(n.intro)
    for section in n.sections:
        document.add_paragraph(section.title, style="Heading 1")
        for paragraph in section.paragraphs:
            _body_paragraph(document, paragraph)
    _missing_note(document, report)
    _signature(document, imprint)

    # The indicator table as an appendix (附表) on a page of its own.
    brk = document.add_paragraph()
    brk.add_run().add_break(WD_BREAK.PAGE)
    brk.paragraph_format.first_line_indent = None
    brk.style = document.styles["附件标识"]
    brk.add_run("附表")
    document.add_paragraph()
    scope = scope_name(report)
    caption = n.title if report.city is None or scope in n.title else f"{scope}{n.title}"
    document.add_paragraph(f"{caption}主要指标", style="Title")
    document.add_paragraph()
    _table(document, report)
    _approvals_table(document, report)

    props = document.core_properties
    props.created = props.modified = FIXED_TIME
    props.last_printed = FIXED_TIME
    props.author = props.last_modified_by = imprint.issuer
    props.title = n.title
    props.language = "zh-CN"
    props.revision = 1
    # The template's thumbnail shows an empty English page: leave it out.
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rid]
    buf = io.BytesIO()
    document.save(buf)
    return normalise_zip(buf.getvalue())
