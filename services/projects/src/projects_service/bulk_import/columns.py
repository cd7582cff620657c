"""Accepted column headers (Chinese labels or English field names) for each import kind."""

from __future__ import annotations

from dataclasses import dataclass

from shared_kit.tabular import normalise_header


@dataclass(frozen=True)
class Column:
    field: str
    labels: tuple[str, ...]
    required: bool = True


DEMAND_COLUMNS = (
    Column("external_ref", ("需求编号", "外部编号", "ref")),
    Column("title", ("需求名称", "项目需求名称", "名称")),
    Column("organisation_name", ("需求单位", "发榜单位", "单位名称")),
    Column("organisation_uscc", ("统一社会信用代码", "需求单位统一社会信用代码", "uscc")),
    Column("city", ("所属市", "所在市", "城市", "市")),
    Column("field", ("技术领域", "领域")),
    Column("goal", ("攻关目标", "目标", "需求描述"), required=False),
    Column("budget", ("预算(元)", "预算金额(元)", "预算")),
    Column("submitted_on", ("提交日期", "征集日期", "申报日期")),
)

PROJECT_COLUMNS = (
    Column("project_code", ("项目编号", "code")),
    Column("name", ("项目名称", "名称")),
    Column("category", ("项目类别", "类别")),
    Column("field", ("领域", "技术领域")),
    Column("lead_organisation_name", ("牵头单位", "承担单位", "lead_organisation")),
    Column(
        "lead_organisation_uscc",
        ("牵头单位统一社会信用代码", "统一社会信用代码", "uscc"),
    ),
    Column("city", ("所属市", "所在市", "城市", "市")),
    Column("approved_on", ("立项日期", "批准日期")),
    Column("funding_amount", ("资助经费(元)", "资助金额(元)", "资助经费")),
    Column("status", ("状态", "项目状态"), required=False),
)

CATEGORY_LABELS = {
    "科技重大专项": "major_special",
    "重大专项": "major_special",
    "重点研发计划": "key_rd",
    "重点研发": "key_rd",
    "平台建设": "platform",
    "平台": "platform",
}
STATUS_LABELS = {
    "立项": "approved",
    "在研": "in_progress",
    "结题": "completed",
    "撤销": "cancelled",
}


def header_index(columns: tuple[Column, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in columns:
        for label in (column.field, *column.labels):
            index[normalise_header(label)] = column.field
    return index
