"""The columns of the enterprise service's imports: one spec each (shared_kit.import_spec)."""

from __future__ import annotations

from shared_kit.import_spec import (
    CITIES,
    COUNTIES,
    DATE,
    LOOSE_DATE,
    USCC,
    WHOLE,
    YUAN,
    Choices,
    Column,
    Dataset,
)

EXAMPLE_USCC = "914501005794165304"
YES_NO = Choices("是否", (("是", "true"), ("否", "false")))
ENTERPRISE_USCC = Column(
    "enterprise_uscc",
    "统一社会信用代码",
    "企业的统一社会信用代码（须已在企业库登记）",
    EXAMPLE_USCC,
    format=USCC,
    aliases=("企业统一社会信用代码", "信用代码", "uscc"),
)
ATOMIC = "任何一行有错误时整份文件都不导入，所有错误一次列出。"

ENTERPRISES = Dataset(
    "enterprises",
    "企业库",
    (
        Column(
            "uscc",
            "统一社会信用代码",
            "企业的统一社会信用代码；已登记的代码即更新该企业",
            EXAMPLE_USCC,
            format=USCC,
            aliases=("社会信用代码", "信用代码", "credit_code"),
        ),
        Column(
            "name",
            "企业名称",
            "企业名称",
            "南宁某科技有限公司",
            aliases=("单位名称", "名称", "enterprise_name"),
            allowed="最长 200 个字符",
        ),
        Column(
            "city",
            "所在城市",
            "企业所在的设区市（名称或 6 位代码）；与区县代码至少填一项",
            "南宁市",
            required=False,
            aliases=("所在市", "所属地市", "地市", "设区市", "城市", "city_code"),
            choices=CITIES,
        ),
        Column(
            "county",
            "区县代码",
            "企业所在区县的 6 位行政区划代码；须属于所填城市",
            "450103",
            required=False,
            format="6 位数字",
            aliases=("所在区县代码", "行政区划代码", "区划代码", "county_code"),
            choices=COUNTIES,
        ),
        Column(
            "industry",
            "所属行业",
            "企业所属行业",
            "新材料",
            aliases=("行业类别", "行业", "industry_name"),
            allowed="最长 100 个字符",
        ),
        Column(
            "effective_on",
            "变更日期",
            "名称或城市变更的生效日期，不填为今天",
            "2023-03-01",
            required=False,
            format=LOOSE_DATE,
            aliases=("生效日期", "变更生效日期", "changed_on"),
        ),
        Column(
            "override_check",
            "校验码豁免",
            "旧试点代码校验位不符时由管理员豁免",
            "否",
            required=False,
            aliases=("豁免校验", "override"),
            choices=YES_NO,
        ),
    ),
    notes="按统一社会信用代码匹配：已登记的企业被更新，名称和城市的变更按变更日期留存历史。"
    "市科技局只能导入本市的企业。" + ATOMIC,
)

TRAINING = Dataset(
    "training-sessions",
    "科技培训",
    (
        Column(
            "city",
            "城市",
            "举办培训的设区市（名称或 6 位代码）",
            "南宁市",
            aliases=("所在城市", "所属市", "地市"),
            choices=CITIES,
        ),
        Column("topic", "培训主题", "培训的主题", "高企申报辅导", aliases=("主题",)),
        Column(
            "held_on",
            "培训日期",
            "举办日期，不晚于今天",
            "2023-03-01",
            format=DATE,
            aliases=("举办日期",),
        ),
        Column(
            "attendees",
            "参训人数",
            "参加培训的人数",
            "45",
            format=WHOLE,
            aliases=("人数",),
            allowed="0 至 100000",
        ),
        Column(
            "organiser",
            "主办单位",
            "主办或承办单位",
            "南宁市科技局",
            required=False,
            aliases=("承办单位",),
        ),
    ),
    notes="市科技局只能导入本市的培训。" + ATOMIC,
)

VOUCHERS = Dataset(
    "vouchers",
    "科技创新券",
    (
        ENTERPRISE_USCC,
        Column(
            "applied_on",
            "申请日期",
            "创新券申请日期，不晚于今天",
            "2023-01-05",
            format=DATE,
        ),
        Column("purpose", "用途", "申请用途", "检测服务", required=False, aliases=("申请用途",)),
        Column(
            "face_amount",
            "面额(元)",
            "已发放的券面金额；与发放日期同时填写或都不填",
            "50000.00",
            required=False,
            format=YUAN,
            aliases=("券面金额(元)", "面额"),
        ),
        Column(
            "issued_on",
            "发放日期",
            "创新券发放日期，不早于申请日期",
            "2023-02-01",
            required=False,
            format=DATE,
        ),
    ),
    notes="企业须已登记在企业库；市科技局只能导入本市企业的创新券；"
    "每家企业每年发放的面额合计不超过年度上限。" + ATOMIC,
)

RD_SUBSIDIES = Dataset(
    "rd-subsidy-applications",
    "研发费用补助申请",
    (
        ENTERPRISE_USCC,
        Column(
            "year",
            "研发年度",
            "研发投入所属年度",
            "2022",
            format=WHOLE,
            aliases=("年度",),
            allowed="2000 至 2100",
        ),
        Column(
            "requested_amount",
            "申请金额(元)",
            "申请的补助金额",
            "300000.00",
            format=YUAN,
            aliases=("申请金额",),
        ),
        Column(
            "submitted_on",
            "申报日期",
            "申报日期，不晚于今天",
            "2023-03-01",
            format=DATE,
            aliases=("提交日期",),
        ),
    ),
    notes="企业须已登记在企业库；市科技局只能导入本市企业的申请。" + ATOMIC,
)

DATASETS = (ENTERPRISES, TRAINING, VOUCHERS, RD_SUBSIDIES)
RECORD_DATASETS = {d.name: d for d in (TRAINING, VOUCHERS, RD_SUBSIDIES)}
