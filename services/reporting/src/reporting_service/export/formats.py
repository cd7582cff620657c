"""The download formats of a report and how each is rendered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.export.approvals import approvals_markdown
from reporting_service.export.files import render_docx, render_xlsx
from reporting_service.narrative.service import to_markdown

FileFormat = Literal["markdown", "docx", "xlsx"]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    render: Callable[[ConsolidatedReport], bytes]


FORMATS: dict[str, Format] = {
    "markdown": Format(
        "markdown",
        "md",
        "text/markdown; charset=utf-8",
        lambda r: (to_markdown(r) + approvals_markdown(r)).encode(),
    ),
    "docx": Format(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render_docx,
    ),
    "xlsx": Format(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        render_xlsx,
    ),
}


def filename(report: ConsolidatedReport, fmt: Format) -> str:
    return f"{report.title}.{fmt.extension}"
