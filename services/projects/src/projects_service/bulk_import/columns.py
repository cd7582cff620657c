"""The columns of the projects service's imports: one spec each (shared_kit.import_spec)."""

from __future__ import annotations

from shared_kit.import_spec import CITIES, DATE, USCC, YUAN, Choices, Column, Dataset

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
# The drop-down offers the first label of each category; the importer reads every label.
_FIRST_LABEL: dict[str, str] = {}
for _label, _code in CATEGORY_LABELS.items():
    _FIRST_LABEL.setdefault(_code, _label)
CATEGORIES = Choices("项目类别", tuple((label, code) for code, label in _FIRST_LABEL.items()))
STATUSES = Choices("项目状态", tuple((label, code) for label, code in STATUS_LABELS.items()))
EXAMPLE_USCC = "914501005794165304"

CITY = Column(
    "city", "所属市", "记录所属的设区市（名称或 6 位代码）", "南宁市",
    aliases=("所在市", "城市", "市"), choices=CITIES,
)  # fmt: skip

DEMANDS = Dataset(
    "challenge-demands",
    "揭榜挂帅需求",
    (
        Column(
            "external_ref", "需求编号", "需求的唯一编号；再次导入同一编号即更新该需求",
            "XQ-2023-001", aliases=("外部编号", "ref"), allowed="最长 64 个字符",
        ),
        Column("title", "需求名称", "技术需求的名称", "高端轴承材料国产化",
               aliases=("项目需求名称", "名称")),
        Column("organisation_name", "需求单位", "发布需求的单位", "南宁某科技有限公司",
               aliases=("发榜单位", "单位名称")),
        Column("organisation_uscc", "统一社会信用代码", "需求单位的统一社会信用代码",
               EXAMPLE_USCC, format=USCC, aliases=("需求单位统一社会信用代码", "uscc")),
        CITY,
        Column("field", "技术领域", "需求所属的技术领域", "新材料", aliases=("领域",)),
        Column("goal", "攻关目标", "攻关目标或需求描述", "实现轴承钢国产替代", required=False,
               aliases=("目标", "需求描述")),
        Column("budget", "预算(元)", "需求预算", "1500000.00", format=YUAN,
               aliases=("预算金额(元)", "预算")),
        Column("submitted_on", "提交日期", "需求提交（征集）日期，不晚于今天", "2023-03-01",
               format=DATE, aliases=("征集日期", "申报日期")),
    ),
    strict=True,
    notes="按需求编号匹配：已有编号的需求被更新，新编号的需求以“已提交”状态创建。"
    "任何一行有错误时整份文件都不导入，所有错误一次列出。",
)  # fmt: skip

PROJECTS = Dataset(
    "funded-projects",
    "立项资助项目",
    (
        Column("project_code", "项目编号", "项目的唯一编号；再次导入同一编号即更新该项目",
               "XM-2023-001", aliases=("code",), allowed="最长 64 个字符"),
        Column("name", "项目名称", "项目名称", "高性能铝合金研发", aliases=("名称",)),
        Column("category", "项目类别", "项目所属的计划类别", "科技重大专项",
               aliases=("类别",), choices=CATEGORIES),
        Column("field", "领域", "项目的技术领域", "新材料", aliases=("技术领域",)),
        Column("lead_organisation_name", "牵头单位", "项目牵头（承担）单位",
               "南宁某科技有限公司", aliases=("承担单位", "lead_organisation")),
        Column("lead_organisation_uscc", "牵头单位统一社会信用代码", "牵头单位的统一社会信用代码",
               EXAMPLE_USCC, format=USCC, aliases=("统一社会信用代码", "uscc")),
        CITY,
        Column("approved_on", "立项日期", "项目立项（批准）日期，不晚于今天", "2023-06-30",
               format=DATE, aliases=("批准日期",)),
        Column("funding_amount", "资助经费(元)", "财政资助经费", "1234567.89", format=YUAN,
               aliases=("资助金额(元)", "资助经费")),
        Column("status", "状态", "项目状态，不填为立项", "在研", required=False,
               aliases=("项目状态",), choices=STATUSES),
    ),
    strict=True,
    notes="按项目编号匹配：已有编号的项目只更新文件给出的列。"
    "任何一行有错误时整份文件都不导入，所有错误一次列出。",
)  # fmt: skip

DATASETS = (DEMANDS, PROJECTS)
