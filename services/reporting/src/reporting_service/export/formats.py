"""The download formats of a report, how each is rendered and what its file is called."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import quote

from reporting_service.config import Settings
from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.export.approvals import approvals_markdown
from reporting_service.export.docx import Imprint, render_docx
from reporting_service.export.pdf import docx_to_pdf
from reporting_service.export.xlsx import render_xlsx
from reporting_service.narrative.service import Narrative, to_markdown
from shared_kit.codes import GUANGXI_CITIES

FileFormat = Literal["markdown", "docx", "xlsx", "pdf"]


@dataclass(frozen=True)
class Format:
    name: FileFormat
    extension: str
    media_type: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("markdown", "md", "text/markdown; charset=utf-8"),
        Format(
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Format("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Format("pdf", "pdf", "application/pdf"),
    )
}


@dataclass(frozen=True)
class RenderOptions:
    """What the files need besides the figures: the 落款 and the PDF renderer."""

    issuer: str
    issue_date: date | None
    soffice: str | None
    pdf_timeout_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RenderOptions:
        return cls(
            issuer=settings.issuer,
            issue_date=settings.issue_date,
            soffice=settings.soffice,
            pdf_timeout_seconds=settings.pdf_timeout_seconds,
        )

    def imprint(self, report: ConsolidatedReport) -> Imprint:
        # The report's own date, not the clock: the same report gives the same file.
        return Imprint(self.issuer, self.issue_date or report.generated_on)


async def render(
    fmt: FileFormat,
    report: ConsolidatedReport,
    options: RenderOptions,
    narrative: Narrative | None = None,
) -> bytes:
    """One file of the report; office files are built in a worker thread, off the event loop."""
    if fmt == "markdown":
        return (to_markdown(report, narrative) + approvals_markdown(report)).encode()
    if fmt == "xlsx":
        return await asyncio.to_thread(render_xlsx, report)
    docx = await asyncio.to_thread(render_docx, report, options.imprint(report), narrative)
    if fmt == "docx":
        return docx
    return await docx_to_pdf(docx, soffice=options.soffice, deadline=options.pdf_timeout_seconds)


async def render_all(
    report: ConsolidatedReport, options: RenderOptions, narrative: Narrative | None = None
) -> dict[str, bytes]:
    """Every format; the PDF is rendered from the very DOCX stored beside it."""
    docx = await render("docx", report, options, narrative)
    return {
        "markdown": await render("markdown", report, options, narrative),
        "docx": docx,
        "xlsx": await render("xlsx", report, options, narrative),
        "pdf": await docx_to_pdf(
            docx, soffice=options.soffice, deadline=options.pdf_timeout_seconds
        ),
    }


def period_key(period: str | None, start: date, end: date) -> str:
    """2023-H1, or 2023-01-01_2023-05-31 for an explicit range."""
    return period or f"{start.isoformat()}_{end.isoformat()}"


def filename(title: str, city: str | None, fmt: Format) -> str:
    """2023年上半年重点工作情况-桂林市.docx; the region's report has no suffix."""
    suffix = f"-{GUANGXI_CITIES.get(city, city)}" if city else ""
    return f"{title}{suffix}.{fmt.extension}"


def content_disposition(*, title: str, city: str | None, period: str, fmt: Format) -> str:
    """RFC 6266: the Chinese name in ``filename*``, an ASCII one (period, city code) before it
    for clients that do not read ``filename*``."""
    ascii_name = "-".join(["report", period, *([city] if city else [])]) + f".{fmt.extension}"
    return (
        f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(filename(title, city, fmt))}"
    )
