"""The approval state of each city the report covers, as a closing section of the text."""

from __future__ import annotations

from reporting_service.consolidated.schemas import ConsolidatedReport


def approvals_markdown(report: ConsolidatedReport) -> str:
    """A table of each city's state (未上报/已上报/已退回/已审核); nothing when unknown."""
    if not report.approvals:
        return ""
    approved = sum(a.state == "approved" for a in report.approvals)
    lines = [
        "",
        "## 附：各地市数据审核状态",
        "",
        f"{len(report.approvals)}个地市中，{approved}个已审核通过。",
        "",
        "| 地市 | 状态 |",
        "|---|---|",
        *(f"| {a.city_name} | {a.state_title} |" for a in report.approvals),
        "",
    ]
    return "\n".join(lines)
