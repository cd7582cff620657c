"""The consolidated report's indicators: label, display unit, owner and comparison.

Transcribed from docs/indicators.md; the owning service computes each figure,
this catalogue only says how the report shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Compare = Literal["pct", "pp", "abs"]
MONEY_UNITS = {"万元": 10**4, "亿元": 10**8}


@dataclass(frozen=True)
class Indicator:
    code: str
    section: int  # 1..6, the report's 一…六
    label: str
    unit: str  # display unit
    definition: str
    region_only: bool = False
    compare: Compare = "pct"
    # A stock (what stands at the period's end) rather than what happened in the period:
    # non-zero in every period, so it says nothing about whether a period has data.
    stock: bool = False

    @property
    def service(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def money_divisor(self) -> int | None:
        return MONEY_UNITS.get(self.unit)


def _i(
    code: str,
    section: int,
    label: str,
    unit: str,
    definition: str,
    *,
    region_only: bool = False,
    compare: Compare = "pct",
    stock: bool = False,
) -> Indicator:
    return Indicator(code, section, label, unit, definition, region_only, compare, stock)


CATALOGUE: tuple[Indicator, ...] = (
    _i(
        "projects.action_plan_programs",
        1,
        "行动方案布局工程数",
        "项",
        "programs of the action plan whose plan years cover every year the period touches",
        region_only=True,
        stock=True,
    ),
    _i(
        "projects.action_plan_tasks_completed",
        1,
        "完成重点任务数",
        "项",
        "action-plan tasks with completed_on in period",
        region_only=True,
    ),
    _i(
        "projects.special_plans_completed",
        2,
        "完成重大专项实施方案编写领域数",
        "个",
        "special-project fields whose implementation plan has completed_on in period",
        region_only=True,
    ),
    _i(
        "projects.challenge_demands_collected",
        2,
        "征集揭榜制项目需求",
        "项",
        "challenge demands with submitted_on in period; city of the demanding organisation",
    ),
    _i(
        "projects.challenge_demands_listed",
        2,
        "进入张榜榜单",
        "项",
        "demands with listed_on in period",
    ),
    _i(
        "projects.major_projects_funded",
        2,
        "资助科技重大项目",
        "个",
        "funded projects of category major_special with approved_on in period",
    ),
    _i(
        "projects.key_rd_projects_funded",
        2,
        "资助重点研发计划项目",
        "个",
        "funded projects of category key_rd with approved_on in period",
    ),
    _i(
        "projects.project_funding",
        2,
        "资助经费",
        "亿元",
        "sum of funding_amount of major_special and key_rd projects approved in period",
    ),
    _i(
        "enterprise.training_sessions",
        3,
        "业务辅导班",
        "期",
        "training sessions with held_on in period; host city",
    ),
    _i(
        "enterprise.tech_sme_batches",
        3,
        "科技型中小企业入库批次",
        "批",
        "distinct (year, batch) among tech-SME registrations in period",
        region_only=True,
    ),
    _i(
        "enterprise.tech_sme_registered",
        3,
        "进入国家科技型中小企业库企业",
        "家",
        "distinct enterprises with a registration registered_on in period",
    ),
    _i(
        "enterprise.hte_pool_entered",
        3,
        "进入高新技术企业培育库企业",
        "家",
        "distinct enterprises with a pool entry entered_on in period",
    ),
    _i(
        "enterprise.hte_recognition_award",
        3,
        "高企认定奖励",
        "万元",
        "sum of recognition awards with awarded_on in period",
    ),
    _i(
        "enterprise.partner_banks_signed",
        3,
        "新开展战略合作银行",
        "家",
        "partner banks with agreement_signed_on in period",
        region_only=True,
    ),
    _i(
        "enterprise.voucher_enterprises",
        3,
        "发放创新券企业",
        "家",
        "distinct enterprises with a voucher issued_on in period",
    ),
    _i(
        "enterprise.voucher_amount",
        3,
        "创新券发放金额",
        "万元",
        "sum of voucher face amounts issued_on in period",
    ),
    _i(
        "enterprise.loan_amount",
        3,
        "投放科创贷",
        "亿元",
        "sum of loan amount with disbursed_on in period; borrower's city",
    ),
    _i(
        "enterprise.loan_listed_rate",
        3,
        "科创贷名单企业获贷率",
        "%",
        "listed enterprises at period end with a loan disbursed in period / listed enterprises",
        compare="pp",
    ),
    _i(
        "enterprise.rd_subsidy_applicants",
        3,
        "研发经费奖补申报企业",
        "家",
        "distinct enterprises with an R&D subsidy application submitted_on in period",
    ),
    _i(
        "enterprise.rd_subsidy_amount",
        3,
        "研发经费奖补申报金额",
        "亿元",
        "sum of requested amounts of those applications",
    ),
    _i(
        "projects.platform_funding",
        4,
        "平台建设专项经费",
        "亿元",
        "sum of funding_amount of category platform approved in period",
    ),
    _i(
        "projects.national_platforms_added",
        4,
        "新增国家级创新平台",
        "家",
        "platforms of level national with approved_on in period",
    ),
    _i(
        "projects.joint_lab_plans_approved",
        4,
        "省部共建国家重点实验室方案通过论证",
        "家",
        "platforms of kind joint_state_key_lab with plan_approved_on in period",
    ),
    _i(
        "projects.key_lab_applications",
        4,
        "自治区重点实验室组建申报",
        "项",
        "key-lab applications submitted_on in period",
    ),
    _i(
        "enterprise.hitech_zones",
        4,
        "高新区",
        "家",
        "high-tech zones active at period end",
        region_only=True,
        stock=True,
    ),
    _i(
        "enterprise.hitech_zone_output",
        4,
        "高新区园区生产总值",
        "亿元",
        "sum of zone quarterly gross_output for quarters wholly inside the period",
    ),
    _i(
        "talent.academician_team_allowance",
        5,
        "院士后备人选学科团队建设津贴",
        "万元",
        "grants of kind team_allowance with paid_on in period",
    ),
    _i(
        "talent.academician_research_funding",
        5,
        "院士后备人选自主选题科研经费",
        "万元",
        "grants of kind research_project with paid_on in period",
    ),
    _i(
        "talent.academician_valid_candidates",
        5,
        "成为院士增选有效候选人",
        "位",
        "reserve candidates with valid_candidate_on in period",
    ),
    _i(
        "talent.young_phd_funded",
        5,
        "资助高水平大学博士毕业生",
        "人",
        "young-talent grants with awarded_on in period",
    ),
    _i(
        "talent.national_talent_nominations",
        5,
        "推荐国家“万人计划”人选",
        "名",
        "nominations with nominated_on in period",
    ),
    _i("talent.experts_added", 5, "新增入库专家", "名", "experts with added_on in period"),
    _i(
        "talent.asean_young_scientists",
        5,
        "接收东盟杰青人选",
        "名",
        "international talents of program asean_young_scientist received in period",
    ),
    _i(
        "talent.hmt_talents",
        5,
        "港澳台英才",
        "名",
        "international talents of program hong_kong_macao_taiwan received in period",
    ),
    _i(
        "talent.commissioners_dispatched",
        5,
        "选派科技特派员",
        "名",
        "distinct commissioners with a dispatch dispatched_on in period; dispatch city",
    ),
    _i(
        "talent.commissioner_service_days",
        5,
        "下乡服务天次",
        "天次",
        "sum of days of service logs with served_on in period",
    ),
    _i(
        "talent.commissioner_villages_served",
        5,
        "服务村（社区）",
        "个",
        "distinct village/community codes among those logs",
    ),
    _i(
        "transfer.ownership_reform_pilots",
        6,
        "职务科技成果权属改革试点单位",
        "家",
        "pilots of kind ownership_reform with started_on in period",
    ),
    _i(
        "transfer.evaluation_pilot_institutions",
        6,
        "科技成果评价试点服务机构",
        "家",
        "pilots of kind achievement_evaluation with started_on in period",
    ),
    _i(
        "transfer.pilot_bases",
        6,
        "新建中试基地",
        "家",
        "pilot-scale bases with established_on in period",
    ),
    _i(
        "transfer.institutions_reporting",
        6,
        "主要高校院所",
        "家",
        "distinct universities/institutes with at least one transfer record in period",
    ),
    _i(
        "transfer.institution_transfers",
        6,
        "高校院所转化成果",
        "项",
        "transfer records with transferred_on in period",
    ),
    _i(
        "transfer.institution_transfer_revenue",
        6,
        "转化收入",
        "万元",
        "sum of revenue of those records",
    ),
    _i(
        "transfer.recruitment_intentions",
        6,
        "科技招商达成合作意向企业",
        "家",
        "distinct enterprises with a cooperation intention signed_on in period",
    ),
    _i(
        "transfer.contracts_outflow",
        6,
        "技术输出合同",
        "项",
        "registered technology contracts in period whose seller is in the region",
    ),
    _i(
        "transfer.contracts_absorbed",
        6,
        "技术吸纳合同",
        "项",
        "registered technology contracts in period whose buyer is in the region",
    ),
    _i(
        "transfer.contracts_total",
        6,
        "技术输出和吸纳交易合同数合计",
        "项",
        "outflow + absorbed (a contract with both parties in the region counts in both)",
        compare="abs",
    ),
    _i(
        "transfer.contract_value",
        6,
        "技术合同成交额",
        "亿元",
        "sum of contract_amount of outflow contracts",
    ),
    _i(
        "transfer.tech_transaction_value",
        6,
        "技术交易额",
        "亿元",
        "sum of tech_transaction_amount of outflow contracts",
    ),
    _i(
        "transfer.achievements_registered",
        6,
        "登记科技成果",
        "项",
        "achievements with registered_on in period; registering organisation's city",
    ),
)

BY_CODE = {i.code: i for i in CATALOGUE}
WORKSTREAM_SERVICES = ("projects", "enterprise", "talent", "transfer")
