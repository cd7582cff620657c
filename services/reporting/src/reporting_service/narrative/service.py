"""The narrative report in Chinese, sentence by sentence after the seed report.

Each sentence keeps the seed's wording with every masked ``x`` replaced by the
computed figure in its unit, followed by its 同比 phrase where a comparison
exists (nothing where it does not). Qualitative lists come from the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reporting_service.consolidated.schemas import ConsolidatedReport, IndicatorRow

SECTION_TITLES = {
    1: "一、制定广西科技强桂三年行动方案",
    2: "二、打好关键核心技术攻坚战",
    3: "三、加强企业培育及政策支持",
    4: "四、推进科技创新平台建设",
    5: "五、强化创新工作智力支撑",
    6: "六、加快促进科技成果转化",
}
MISSING = "—"
_CN_DIGITS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Narrative:
    title: str
    intro: str
    sections: list[Section]


def fmt(value: int | Decimal | None) -> str:
    if value is None:
        return MISSING
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def cn_small(n: int | Decimal | None) -> str:
    """六 for 6 (the seed writes small counts of programmes in words)."""
    if isinstance(n, int) and 0 <= n <= 10:
        return _CN_DIGITS[n]
    return fmt(n)


def compare_phrase(row: IndicatorRow | None) -> str:
    """，同比增长12.5% / ，同比下降3.0% / ，比去年同期增加120项 / ，同比提高2.1个百分点 / ''."""
    if row is None:
        return ""
    if row.change_pp is not None:
        if row.change_pp > 0:
            return f"，同比提高{fmt(row.change_pp)}个百分点"
        if row.change_pp < 0:
            return f"，同比下降{fmt(-row.change_pp)}个百分点"
        return "，与去年同期持平"
    if row.code == "transfer.contracts_total":
        if row.change_abs is None:
            return ""
        diff = int(row.change_abs)
        if diff >= 0:
            return f"，比去年同期增加{diff}{row.unit}"
        return f"，比去年同期减少{-diff}{row.unit}"
    if row.change_pct is None:
        return ""
    if row.change_pct > 0:
        return f"，同比增长{fmt(row.change_pct)}%"
    if row.change_pct < 0:
        return f"，同比下降{fmt(-row.change_pct)}%"
    return "，与去年同期持平"


class _Figures:
    def __init__(self, report: ConsolidatedReport) -> None:
        self.rows = {r.code: r for r in report.indicators}

    def v(self, code: str) -> str:
        row = self.rows.get(code)
        return fmt(row.value if row else None)

    def c(self, code: str) -> str:
        return compare_phrase(self.rows.get(code))

    def items(self, code: str) -> list[str]:
        row = self.rows.get(code)
        return list(row.items or []) if row else []

    def raw(self, code: str) -> int | Decimal | None:
        row = self.rows.get(code)
        return row.value if row else None


def build_narrative(report: ConsolidatedReport) -> Narrative:
    f = _Figures(report)
    t = report.title.removesuffix("重点工作情况")
    scope = "全区" if report.city is None else "本市"
    s: dict[int, list[str]] = {}

    programs = f.items("projects.action_plan_programs")
    prog_list = "、".join(programs)
    s[1] = [
        "推动出台广西科技强桂三年行动方案，布局实施"
        + (f"{prog_list}等" if prog_list else "")
        + f"{cn_small(f.raw('projects.action_plan_programs'))}大工程，明确未来三年内科技工作重点和目标。"
        + f"{t}完成重点任务{f.v('projects.action_plan_tasks_completed')}项"
        + f"{f.c('projects.action_plan_tasks_completed')}。"
    ]
    fields = "、".join(f.items("projects.special_plans_completed"))
    s[2] = [
        "完成“十四五”广西"
        + (f"{fields}等" if fields else "")
        + f"{f.v('projects.special_plans_completed')}个领域的科技重大专项实施方案编写。"
        + f"启动“揭榜挂帅”工作，面向{scope}征集到{f.v('projects.challenge_demands_collected')}"
        + f"项揭榜制科技项目需求{f.c('projects.challenge_demands_collected')}，"
        + f"论证遴选出{f.v('projects.challenge_demands_listed')}项进入张榜榜单"
        + f"{f.c('projects.challenge_demands_listed')}。"
        + f"{t}累计资助{f.v('projects.major_projects_funded')}个科技重大项目、"
        + f"{f.v('projects.key_rd_projects_funded')}个广西重点研发计划项目，"
        + f"资助经费{f.v('projects.project_funding')}亿元{f.c('projects.project_funding')}。"
    ]
    s[3] = [
        f"组织开展{f.v('enterprise.training_sessions')}期业务辅导班"
        + f"{f.c('enterprise.training_sessions')}，加大对科技型企业培育和指导力度。"
        + f"{t}，已组织{f.v('enterprise.tech_sme_batches')}批共"
        + f"{f.v('enterprise.tech_sme_registered')}家企业通过评估进入国家科技型中小企业库"
        + f"{f.c('enterprise.tech_sme_registered')}，"
        + f"{f.v('enterprise.hte_pool_entered')}家企业进入高新技术企业培育库"
        + f"{f.c('enterprise.hte_pool_entered')}。"
        + "对新认定或再次认定的高新技术企业下达认定奖励共计"
        + f"{f.v('enterprise.hte_recognition_award')}万元"
        + f"{f.c('enterprise.hte_recognition_award')}。",
        f"与{f.v('enterprise.partner_banks_signed')}家银行开展战略合作，"
        + f"向{f.v('enterprise.voucher_enterprises')}家科技型中小微企业发放创新券"
        + f"{f.v('enterprise.voucher_amount')}万元{f.c('enterprise.voucher_amount')}，"
        + f"投放科创贷{f.v('enterprise.loan_amount')}亿元{f.c('enterprise.loan_amount')}，"
        + f"科创贷名单企业获贷率达{f.v('enterprise.loan_listed_rate')}%"
        + f"{f.c('enterprise.loan_listed_rate')}。",
        f"继续落实鼓励企业加大研发经费投入的财政奖补政策，{t}共有"
        + f"{f.v('enterprise.rd_subsidy_applicants')}家企业申报奖补"
        + f"{f.c('enterprise.rd_subsidy_applicants')}，"
        + f"金额合计{f.v('enterprise.rd_subsidy_amount')}亿元"
        + f"{f.c('enterprise.rd_subsidy_amount')}。",
    ]
    batch = "、".join(f.items("projects.key_lab_applications"))
    platforms = "、".join(f.items("projects.national_platforms_added"))
    zone_output = f.raw("enterprise.hitech_zone_output")
    p4 = (
        "依托重大项目，积极带动科技创新平台、基地建设，下达专项项目经费"
        + f"{f.v('projects.platform_funding')}亿元{f.c('projects.platform_funding')}。"
        + f"启动{batch + '自治区' if batch else '自治区'}重点实验室组建申报工作，"
        + f"受理申报{f.v('projects.key_lab_applications')}项"
        + f"{f.c('projects.key_lab_applications')}。"
    )
    if zone_output is not None:
        p4 += (
            f"{t}{scope}{f.v('enterprise.hitech_zones')}家高新区共实现园区生产总值"
            + f"{f.v('enterprise.hitech_zone_output')}亿元{f.c('enterprise.hitech_zone_output')}。"
        )
    p4 += (
        f"{t}，我区新增{f.v('projects.national_platforms_added')}家国家级创新平台"
        + (f"（{platforms}）" if platforms else "")
        + f"，{f.v('projects.joint_lab_plans_approved')}家省部共建国家重点实验室"
        + "建设运行实施方案通过科技部专家组论证。"
    )
    s[4] = [p4]
    s[5] = [
        "一是强化本土人才培养。持续推进广西院士后备人选培养工程实施，下达拨付学科团队建设津贴"
        + f"{f.v('talent.academician_team_allowance')}万元"
        + f"{f.c('talent.academician_team_allowance')}、"
        + f"自主选题科研项目年度资助经费{f.v('talent.academician_research_funding')}万元"
        + f"{f.c('talent.academician_research_funding')}，"
        + f"{f.v('talent.academician_valid_candidates')}位广西院士后备人选"
        + "成为中国工程院院士增选有效候选人。"
        + "落实广西青年创新创业人才培养方案科研补助政策，立项资助高水平大学博士毕业生"
        + f"{f.v('talent.young_phd_funded')}人{f.c('talent.young_phd_funded')}。"
        + f"{t}向科技部推荐{f.v('talent.national_talent_nominations')}名"
        + "国家“万人计划”人选。",
        "二是强化国内外高端科研人才队伍建设，新增入库专家"
        + f"{f.v('talent.experts_added')}名{f.c('talent.experts_added')}，"
        + f"接收东盟杰青人选{f.v('talent.asean_young_scientists')}名，"
        + f"港澳台英才{f.v('talent.hmt_talents')}名。",
        f"三是强化科技特派员服务力度，{t}共选派"
        + f"{f.v('talent.commissioners_dispatched')}名科技特派员"
        + f"{f.c('talent.commissioners_dispatched')}。"
        + f"科技特派员累计开展下乡服务{f.v('talent.commissioner_service_days')}天次"
        + f"{f.c('talent.commissioner_service_days')}，"
        + f"累计服务{f.v('talent.commissioner_villages_served')}个村（社区）的种养基地、农户点。",
    ]
    s[6] = [
        "全面启动职务科技成果权属改革试点工作，"
        + f"{f.v('transfer.ownership_reform_pilots')}家单位开展职务科技成果权属改革试点，"
        + f"推动{f.v('transfer.evaluation_pilot_institutions')}家科技服务机构开展科技成果评价试点工作。"
        + f"启动科技成果转化中试基地建设工作，新建中试基地{f.v('transfer.pilot_bases')}家。"
        + f"{scope}{f.v('transfer.institutions_reporting')}家主要高校院所转化成果"
        + f"{f.v('transfer.institution_transfers')}项{f.c('transfer.institution_transfers')}，"
        + f"转化收入{f.v('transfer.institution_transfer_revenue')}万元"
        + f"{f.c('transfer.institution_transfer_revenue')}。"
        + f"持续加大科技招商力度，有{f.v('transfer.recruitment_intentions')}家企业"
        + "与高校达成初步合作意向。",
        f"{t}，广西技术输出和吸纳交易合同数合计达到{f.v('transfer.contracts_total')}项"
        + f"{f.c('transfer.contracts_total')}，"
        + f"完成技术合同成交额{f.v('transfer.contract_value')}亿元{f.c('transfer.contract_value')}，"
        + f"技术交易额{f.v('transfer.tech_transaction_value')}亿元"
        + f"{f.c('transfer.tech_transaction_value')}。"
        + f"全区各市、各单位推荐登记科技成果{f.v('transfer.achievements_registered')}项"
        + f"{f.c('transfer.achievements_registered')}。",
    ]
    intro = f"{t}自治区科技厅重点工作情况如下："
    if report.city is not None:
        intro = f"{t}（{report.city}）重点工作情况如下："
    return Narrative(
        title=report.title,
        intro=intro,
        sections=[Section(n, SECTION_TITLES[n], s[n]) for n in sorted(s)],
    )


def comparison_cell(row: IndicatorRow) -> str:
    if row.change_pp is not None:
        return f"{fmt(row.change_pp)}个百分点"
    if row.code == "transfer.contracts_total" and row.change_abs is not None:
        return f"{'+' if int(row.change_abs) >= 0 else ''}{int(row.change_abs)}{row.unit}"
    if row.change_pct is not None:
        return f"{fmt(row.change_pct)}%"
    return MISSING


def to_markdown(report: ConsolidatedReport, narrative: Narrative | None = None) -> str:
    n = narrative or build_narrative(report)
    lines = [f"# {n.title}", "", n.intro, ""]
    for section in n.sections:
        lines += [f"## {section.title}", ""]
        for p in section.paragraphs:
            lines += [p, ""]
    lines += [
        "## 附表：主要指标",
        "",
        "| 指标 | 单位 | 本期 | 去年同期 | 同比 |",
        "|---|---|---:|---:|---:|",
    ]
    for row in report.indicators:
        lines.append(
            f"| {row.label} | {row.unit} | {fmt(row.value)} | {fmt(row.previous)} | "
            f"{comparison_cell(row)} |"
        )
    if report.partial:
        lines += [
            "",
            "注：部分服务未响应，以下指标缺失：" + "、".join(m.code for m in report.missing),
        ]
    return "\n".join(lines) + "\n"
