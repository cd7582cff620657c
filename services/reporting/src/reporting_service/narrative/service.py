"""The narrative report in Chinese, sentence by sentence after the seed report.

Each sentence keeps the seed's wording with every masked ``x`` replaced by the
computed figure in its unit, followed by its 同比 phrase where a comparison
exists (nothing where it does not). Qualitative lists come from the records.

The same code writes the generated text and the generated *template* (figures as
placeholders, see ``placeholders``): which sentences appear is decided on the figures
either way, so filling the generated template gives the generated text. A clause whose
figure is zero or absent is left out (never "0家", "—家" or "零大工程"); a section
with nothing left is dropped and the rest renumbered. In a city's report (``city``)
the city's figures are 本市's, region-only figures are left out and no sentence speaks
for the region (我区, 全区, 广西…合计).
"""

from __future__ import annotations

from dataclasses import dataclass

from reporting_service.catalogue.indicators import CATALOGUE
from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.narrative.placeholders import Resolver, area_name, placeholder
from reporting_service.narrative.schemas import (
    FrozenNarrative,
    NarrativeTemplate,
    RenderedNarrative,
    RenderedSection,
    SectionTemplate,
)
from reporting_service.narrative.wording import (
    NOT_COMPARABLE,
    cn_numeral,
    comparison_cell,
    fmt,
    sentence,
    series,
)

__all__ = [
    "SECTION_TITLES",
    "Narrative",
    "Section",
    "build_narrative",
    "comparison_cell",
    "fmt",
    "frozen_narrative",
    "generated_template",
    "render_template",
    "to_markdown",
]
MISSING = NOT_COMPARABLE  # what a table cell shows for an absent figure


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


class _Writer:
    """Writes the template: figures as placeholders, sentences chosen on the figures."""

    def __init__(self, report: ConsolidatedReport) -> None:
        self.rows = {r.code: r for r in report.indicators}
        self.city = report.city is not None

    def _p(self, name: str) -> str:
        return placeholder(name)

    def has(self, code: str) -> bool:
        """Some activity: a figure that is there and not zero."""
        row = self.rows.get(code)
        if row is None or row.value is None:
            return False
        raw = row.raw_value if row.raw_value is not None else row.value
        return raw != 0

    def q(self, code: str) -> str:
        return self._p(code)

    def c(self, code: str) -> str:
        return self._p(f"{code}.change")

    def qc(self, code: str) -> str:
        return self.q(code) + self.c(code)

    def cn(self, code: str) -> str:
        return self._p(f"{code}.cn")

    def items(self, code: str) -> str:
        row = self.rows.get(code)
        return self._p(f"{code}.items") if row is not None and row.items else ""

    @property
    def period(self) -> str:
        return self._p("period")

    @property
    def area(self) -> str:
        return self._p("area")

    def local(self, region: str, city: str) -> str:
        return city if self.city else region


def _section1(w: _Writer) -> list[str]:
    programs = w.items("projects.action_plan_programs")
    plan = ""
    if w.has("projects.action_plan_programs"):
        plan = sentence(
            "推动出台广西科技强桂三年行动方案",
            "布局实施"
            + (f"{programs}等" if programs else "")
            + f"{w.cn('projects.action_plan_programs')}大工程",
            "明确未来三年内科技工作重点和目标",
        )
    tasks = ""
    if w.has("projects.action_plan_tasks_completed"):
        tasks = sentence(f"{w.period}完成重点任务{w.qc('projects.action_plan_tasks_completed')}")
    return [plan + tasks]


def _section2(w: _Writer) -> list[str]:
    fields = w.items("projects.special_plans_completed")
    plans = ""
    if w.has("projects.special_plans_completed"):
        plans = (
            "完成“十四五”广西"
            + (f"{fields}等" if fields else "")
            + f"{w.q('projects.special_plans_completed')}领域的科技重大专项实施方案编写。"
        )
    collected = w.has("projects.challenge_demands_collected")
    listed = w.has("projects.challenge_demands_listed")
    challenge = ""
    if collected or listed:
        challenge = sentence(
            w.local("启动“揭榜挂帅”工作", "“揭榜挂帅”工作中"),
            (
                w.local("面向全区征集到", "本市征集到")
                + f"{w.q('projects.challenge_demands_collected')}揭榜制科技项目需求"
                + w.c("projects.challenge_demands_collected")
            )
            if collected
            else "",
            f"论证遴选出{w.q('projects.challenge_demands_listed')}进入张榜榜单"
            + w.c("projects.challenge_demands_listed")
            if listed
            else "",
        )
    funded = series(
        [
            f"{w.q('projects.major_projects_funded')}科技重大项目"
            if w.has("projects.major_projects_funded")
            else "",
            f"{w.q('projects.key_rd_projects_funded')}"
            + w.local("广西重点研发计划项目", "自治区重点研发计划项目")
            if w.has("projects.key_rd_projects_funded")
            else "",
        ]
    )
    funding = ""
    if funded or w.has("projects.project_funding"):
        lead = f"{w.period}{w.local('', '本市')}"
        funding = sentence(
            f"{lead}累计资助{funded}" if funded else "",
            ("" if funded else lead) + f"资助经费{w.qc('projects.project_funding')}"
            if w.has("projects.project_funding")
            else "",
        )
    return [plans + challenge + funding]


def _section3(w: _Writer) -> list[str]:
    training = ""
    if w.has("enterprise.training_sessions"):
        training = sentence(
            f"组织开展{w.q('enterprise.training_sessions')}业务辅导班"
            + w.c("enterprise.training_sessions"),
            "加大对科技型企业培育和指导力度",
        )
    sme = ""
    if w.has("enterprise.tech_sme_registered"):
        batches = (
            f"已组织{w.cn('enterprise.tech_sme_batches')}批共"
            if w.has("enterprise.tech_sme_batches")
            else "共有"
        )
        sme = (
            f"{batches}{w.q('enterprise.tech_sme_registered')}企业通过评估进入国家科技型中小企业库"
            + w.c("enterprise.tech_sme_registered")
        )
    pool = ""
    if w.has("enterprise.hte_pool_entered"):
        pool = f"{w.q('enterprise.hte_pool_entered')}企业进入高新技术企业培育库" + w.c(
            "enterprise.hte_pool_entered"
        )
    registry = ""
    if sme or pool:
        first, *rest = [c for c in (sme, pool) if c]
        registry = sentence(f"{w.period}，{w.local('', '本市')}{first}", *rest)
    award = ""
    if w.has("enterprise.hte_recognition_award"):
        award = sentence(
            "对新认定或再次认定的高新技术企业下达认定奖励共计"
            + w.qc("enterprise.hte_recognition_award")
        )
    finance_clauses = [
        f"与{w.q('enterprise.partner_banks_signed')}银行开展战略合作"
        if w.has("enterprise.partner_banks_signed")
        else "",
        (
            w.local("向", "向本市")
            + f"{w.q('enterprise.voucher_enterprises')}科技型中小微企业发放创新券"
            + w.qc("enterprise.voucher_amount")
        )
        if w.has("enterprise.voucher_enterprises")
        else "",
        w.local("投放科创贷", "向本市企业投放科创贷") + w.qc("enterprise.loan_amount")
        if w.has("enterprise.loan_amount")
        else "",
        w.local("", "本市") + f"科创贷名单企业获贷率达{w.qc('enterprise.loan_listed_rate')}"
        if w.has("enterprise.loan_listed_rate")
        else "",
    ]
    finance = sentence(*finance_clauses)
    subsidy = ""
    if w.has("enterprise.rd_subsidy_applicants"):
        subsidy = sentence(
            "继续落实鼓励企业加大研发经费投入的财政奖补政策",
            f"{w.period}{w.local('', '本市')}共有{w.q('enterprise.rd_subsidy_applicants')}企业申报奖补"
            + w.c("enterprise.rd_subsidy_applicants"),
            f"金额合计{w.qc('enterprise.rd_subsidy_amount')}"
            if w.has("enterprise.rd_subsidy_amount")
            else "",
        )
    return [training + registry + award, finance, subsidy]


def _section4(w: _Writer) -> list[str]:
    funding = ""
    if w.has("projects.platform_funding"):
        funding = sentence(
            "依托重大项目",
            "积极带动科技创新平台、基地建设",
            w.local("下达专项项目经费", "向本市下达专项项目经费")
            + w.qc("projects.platform_funding"),
        )
    labs = ""
    if w.has("projects.key_lab_applications"):
        batch = w.items("projects.key_lab_applications")
        labs = sentence(
            w.local(
                f"启动{batch}自治区重点实验室组建申报工作", f"{batch}自治区重点实验室组建申报工作中"
            ),
            w.local("受理申报", "本市单位申报") + w.qc("projects.key_lab_applications"),
        )
    zones = ""
    if w.has("enterprise.hitech_zone_output"):
        count = (
            f"{w.q('enterprise.hitech_zones')}高新区"
            if w.has("enterprise.hitech_zones")
            else "高新区"
        )
        zones = sentence(
            f"{w.period}{w.local('全区', '本市')}{count}共实现园区生产总值"
            + w.qc("enterprise.hitech_zone_output")
        )
    platforms = ""
    if w.has("projects.national_platforms_added"):
        names = w.items("projects.national_platforms_added")
        platforms = (
            f"{w.local('我区', '本市')}新增{w.q('projects.national_platforms_added')}国家级创新平台"
            + (f"（{names}）" if names else "")
        )
    joint = ""
    if w.has("projects.joint_lab_plans_approved"):
        joint = (
            f"{w.q('projects.joint_lab_plans_approved')}省部共建国家重点实验室"
            + "建设运行实施方案通过科技部专家组论证"
        )
    added = sentence(f"{w.period}，{platforms}" if platforms else "", joint)
    if not platforms and joint:
        added = sentence(f"{w.period}，{w.local('', '本市')}{joint}")
    return [funding + labs + zones + added]


def _section5(w: _Writer) -> list[str]:
    academician = series(
        [
            f"学科团队建设津贴{w.qc('talent.academician_team_allowance')}"
            if w.has("talent.academician_team_allowance")
            else "",
            f"自主选题科研项目年度资助经费{w.qc('talent.academician_research_funding')}"
            if w.has("talent.academician_research_funding")
            else "",
        ]
    )
    local_parts = [
        sentence(
            "持续推进" + w.local("广西", "") + "院士后备人选培养工程实施",
            w.local("下达拨付", "向本市下达拨付") + academician,
        )
        if academician
        else "",
        sentence(
            f"{w.q('talent.academician_valid_candidates')}"
            + w.local("广西院士后备人选", "本市院士后备人选")
            + "成为中国工程院院士增选有效候选人"
        )
        if w.has("talent.academician_valid_candidates")
        else "",
        sentence(
            w.local("落实广西", "落实") + "青年创新创业人才培养方案科研补助政策",
            w.local("立项资助", "本市立项资助")
            + f"高水平大学博士毕业生{w.qc('talent.young_phd_funded')}",
        )
        if w.has("talent.young_phd_funded")
        else "",
        sentence(
            w.local(
                f"{w.period}向科技部推荐{w.q('talent.national_talent_nominations')}",
                f"{w.period}，本市{w.q('talent.national_talent_nominations')}人才被推荐为",
            )
            + "国家“万人计划”人选"
        )
        if w.has("talent.national_talent_nominations")
        else "",
    ]
    high_end = sentence(
        f"{w.local('', '本市')}新增入库专家{w.qc('talent.experts_added')}"
        if w.has("talent.experts_added")
        else "",
        f"接收东盟杰青人选{w.qc('talent.asean_young_scientists')}"
        if w.has("talent.asean_young_scientists")
        else "",
        f"港澳台英才{w.qc('talent.hmt_talents')}" if w.has("talent.hmt_talents") else "",
    )
    dispatched = (
        sentence(
            f"{w.period}{w.local('共选派', '向本市选派')}"
            + f"{w.q('talent.commissioners_dispatched')}科技特派员"
            + w.c("talent.commissioners_dispatched")
        )
        if w.has("talent.commissioners_dispatched")
        else ""
    )
    service = sentence(
        f"科技特派员累计开展下乡服务{w.qc('talent.commissioner_service_days')}"
        if w.has("talent.commissioner_service_days")
        else "",
        f"累计服务{w.q('talent.commissioner_villages_served')}村（社区）的种养基地、农户点"
        if w.has("talent.commissioner_villages_served")
        else "",
    )
    parts = [
        ("强化本土人才培养。", "".join(local_parts)),
        ("强化国内外高端科研人才队伍建设，", high_end),
        ("强化科技特派员服务力度，", dispatched + service),
    ]
    kept = [(lead, body) for lead, body in parts if body]
    return [f"{_ORDINAL_LEADS[i]}{lead}{body}" for i, (lead, body) in enumerate(kept)]


_ORDINAL_LEADS = ("一是", "二是", "三是")


def _section6(w: _Writer) -> list[str]:
    pilots = sentence(
        (
            w.local(
                "全面启动职务科技成果权属改革试点工作，确定试点单位",
                "本市职务科技成果权属改革试点单位",
            )
            + w.q("transfer.ownership_reform_pilots")
        )
        if w.has("transfer.ownership_reform_pilots")
        else "",
        w.local("推动", "本市")
        + f"{w.q('transfer.evaluation_pilot_institutions')}科技服务机构开展科技成果评价试点工作"
        if w.has("transfer.evaluation_pilot_institutions")
        else "",
    )
    bases = ""
    if w.has("transfer.pilot_bases"):
        bases = sentence(
            w.local("启动科技成果转化中试基地建设工作，新建中试基地", "本市新建中试基地")
            + w.q("transfer.pilot_bases")
        )
    transfers = ""
    if w.has("transfer.institution_transfers"):
        institutions = (
            f"{w.q('transfer.institutions_reporting')}主要高校院所"
            if w.has("transfer.institutions_reporting")
            else "主要高校院所"
        )
        transfers = sentence(
            f"{w.local('全区', '本市')}{institutions}转化成果{w.qc('transfer.institution_transfers')}",
            f"转化收入{w.qc('transfer.institution_transfer_revenue')}"
            if w.has("transfer.institution_transfer_revenue")
            else "",
        )
    recruitment = ""
    if w.has("transfer.recruitment_intentions"):
        recruitment = sentence(
            "持续加大科技招商力度",
            f"{w.local('', '本市')}有{w.q('transfer.recruitment_intentions')}企业与高校达成初步合作意向",
        )
    contracts = sentence(
        f"{w.period}，{w.local('广西', '本市')}技术输出和吸纳交易合同数合计达到"
        + w.qc("transfer.contracts_total")
        if w.has("transfer.contracts_total")
        else "",
        f"完成技术合同成交额{w.qc('transfer.contract_value')}"
        if w.has("transfer.contract_value")
        else "",
        f"技术交易额{w.qc('transfer.tech_transaction_value')}"
        if w.has("transfer.tech_transaction_value")
        else "",
    )
    if contracts and not w.has("transfer.contracts_total"):
        contracts = f"{w.period}，{w.local('', '本市')}" + contracts
    achievements = ""
    if w.has("transfer.achievements_registered"):
        achievements = sentence(
            w.local("全区各市、各单位推荐登记科技成果", "本市推荐登记科技成果")
            + w.qc("transfer.achievements_registered")
        )
    return [pilots + bases + transfers + recruitment, contracts + achievements]


SECTIONS = (
    ("制定广西科技强桂三年行动方案", _section1),
    ("打好关键核心技术攻坚战", _section2),
    ("加强企业培育及政策支持", _section3),
    ("推进科技创新平台建设", _section4),
    ("强化创新工作智力支撑", _section5),
    ("加快促进科技成果转化", _section6),
)
# The six sections' fixed headings (一、…), as the appendix table and the spreadsheet group
# figures; the text renumbers when a section has nothing to say.
SECTION_TITLES = {
    n: f"{'一二三四五六'[n - 1]}、{title}" for n, (title, _) in enumerate(SECTIONS, 1)
}


def generated_template(report: ConsolidatedReport) -> NarrativeTemplate:
    """The generated text with every figure as a placeholder: where editing starts.
    Filled with the same report's figures it gives the generated text."""
    w = _Writer(report)
    intro = (
        f"{w.period}{w.area}重点工作情况如下："
        if w.city
        else f"{w.period}自治区科技厅重点工作情况如下："
    )
    sections: list[SectionTemplate] = []
    for title, write in SECTIONS:
        paragraphs = [p for p in write(w) if p]
        if paragraphs:
            sections.append(SectionTemplate(title=title, text="\n".join(paragraphs)))
    if not sections:
        sections.append(SectionTemplate(title="总体情况", text="本期各项工作暂无统计数据。"))
    return NarrativeTemplate(intro=intro, sections=sections)


def narrative_title(report: ConsolidatedReport) -> str:
    if report.city is None:
        return report.title
    return report.title.replace("重点工作情况", f"{area_name(report)}重点工作情况")


def render_template(report: ConsolidatedReport, template: NarrativeTemplate) -> Narrative:
    """A template filled with the report's figures; sections numbered 一、二、… in order."""
    fill = Resolver(report)
    sections: list[Section] = []
    for section in template.sections:
        paragraphs = [fill.render(p.strip()) for p in section.text.splitlines() if p.strip()]
        if not paragraphs:
            continue
        number = len(sections) + 1
        title = f"{cn_numeral(number)}、{fill.render(section.title.strip())}"
        sections.append(Section(number, title, paragraphs))
    return Narrative(
        title=narrative_title(report), intro=fill.render(template.intro.strip()), sections=sections
    )


def build_narrative(report: ConsolidatedReport, *, generated: bool = False) -> Narrative:
    """The report's text: its edited template when it carries one (unless ``generated``),
    else the text generated from the figures."""
    edited = report.narrative
    if edited is not None and not generated:
        return render_template(report, edited.template)
    return render_template(report, generated_template(report))


def rendered(narrative: Narrative) -> RenderedNarrative:
    return RenderedNarrative(
        title=narrative.title,
        intro=narrative.intro,
        sections=[
            RenderedSection(title=s.title, paragraphs=s.paragraphs) for s in narrative.sections
        ],
    )


def frozen_narrative(report: ConsolidatedReport) -> FrozenNarrative:
    """The text the report is told with and where it came from, to keep with a snapshot."""
    text = rendered(build_narrative(report))
    edited = report.narrative
    if edited is None:
        return FrozenNarrative(
            **text.model_dump(), source="generated", template=generated_template(report)
        )
    return FrozenNarrative(
        **text.model_dump(),
        source="draft",
        draft_id=edited.draft_id,
        version=edited.version,
        template=edited.template,
    )


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
            "注：部分服务未响应，以下指标缺失："
            + "、".join(_label(m.code) for m in report.missing),
        ]
    return "\n".join(lines) + "\n"


def _label(code: str) -> str:
    return next((i.label for i in CATALOGUE if i.code == code), code)
