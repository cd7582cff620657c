"""The approval state of each city the report covers: one wording for every format.

Markdown closes with it; the DOCX (and so the PDF) has it as a second appendix table;
the XLSX as its 审批状态 sheet. Times are China time, to the minute.
"""

from __future__ import annotations

from reporting_service.consolidated.schemas import CHINA, CityApproval, ConsolidatedReport

HEADING = "附：各地市数据审核状态"
COLUMNS = ("地市", "审核状态", "经办人", "时间", "退回意见或解锁原因")


def summary(report: ConsolidatedReport) -> str:
    approved = sum(a.state == "approved" for a in report.approvals)
    return f"{len(report.approvals)}个地市中，{approved}个已审核通过。"


def cells(a: CityApproval) -> tuple[str, str, str, str, str]:
    """One city's line: name, state, who and when (empty while it was never submitted)."""
    when = a.changed_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if a.changed_at else ""
    return (a.city_name, a.state_title, a.changed_by or "", when, a.comment or "")


def _md_row(values: tuple[str, ...]) -> str:
    return "| " + " | ".join(v.replace("|", "／") for v in values) + " |"


def approvals_markdown(report: ConsolidatedReport) -> str:
    """A table of each city's state (未上报/已上报/已退回/已审核); nothing when unknown."""
    if not report.approvals:
        return ""
    lines = [
        "",
        f"## {HEADING}",
        "",
        summary(report),
        "",
        _md_row(COLUMNS),
        "|" + "---|" * len(COLUMNS),
        *(_md_row(cells(a)) for a in report.approvals),
        "",
    ]
    return "\n".join(lines)
