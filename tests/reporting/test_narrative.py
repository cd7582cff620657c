"""The narrative's text: city reports that read properly, official punctuation and
numerals, and the comparison wording shared by the text and the appendix table.

Reports are built from a whole-catalogue dataset with the services' HTTP replaced
(tests/reporting/fakes.py); no database is needed.
"""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal

import pytest

from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.consolidated.service import consolidated_report
from reporting_service.narrative.placeholders import NO_DATA, unknown_placeholders
from reporting_service.narrative.service import (
    Narrative,
    build_narrative,
    comparison_cell,
    generated_template,
    render_template,
    to_markdown,
)
from reporting_service.narrative.wording import cn_numeral, compare_phrase, official
from reporting_service.period.service import named_period, resolve_period
from shared_kit.codes import GUANGXI_CITIES
from tests.reporting.fakes import FakeWorkstreams
from tests.reporting.narrative_data import REGION_ONLY, dataset, empty_dataset

pytestmark = pytest.mark.asyncio(loop_scope="session")

UNITS = "家|项|个|名|人|位|期|批|天次|万元|亿元|元"
# A figure of nothing written out: "0家", "0.00亿元", "零大工程", "—项".
ZERO_FIGURE = re.compile(rf"(?<![\d.])0(?:\.0+)?(?:{UNITS})|零(?:大|批|家|项)|—(?:{UNITS}|大|批)")
REGION_WORDS = ("我区", "全区", "广西技术", "各市、各单位", "自治区科技厅重点工作")


async def report_for(city: str | None, data: object = None) -> ConsolidatedReport:
    fake = FakeWorkstreams(data or dataset(), REGION_ONLY)  # type: ignore[arg-type]
    return await consolidated_report(fake.clients(), named_period("2023-H1"), city, 5.0)


def sentences(n: Narrative) -> list[str]:
    return [
        n.title,
        n.intro,
        *(s.title for s in n.sections),
        *(p for s in n.sections for p in s.paragraphs),
    ]


@pytest.mark.parametrize("city", list(GUANGXI_CITIES))
async def test_every_city_report_reads_as_the_citys_own(city: str) -> None:
    report = await report_for(city)
    narrative = build_narrative(report)
    name = GUANGXI_CITIES[city]
    assert name in narrative.title
    assert name in narrative.intro
    assert narrative.title == f"2023年上半年{name}重点工作情况"
    text = "\n".join(sentences(narrative))
    assert not re.search(r"\d{6}", text), "a city code in the text"
    assert "—" not in text, "a dash inside a sentence"
    assert not [w for w in REGION_WORDS if w in text], "region wording in a city's report"
    assert "同比下降100" not in text
    assert not ZERO_FIGURE.search(text), ZERO_FIGURE.search(text)
    assert NO_DATA not in text
    # Region-only figures are left out, the city's own are 本市's.
    assert "银行开展战略合作" not in text
    assert "大工程" not in text
    assert "本市" in text
    # Every one of the city's figures with activity is in the text, none of the others.
    rows = {r.code: r for r in report.indicators}
    told = {
        "projects.major_projects_funded": "科技重大项目",
        "talent.commissioners_dispatched": "名科技特派员",
        "transfer.recruitment_intentions": "企业与高校达成初步合作意向",
    }
    for code, words in told.items():
        assert (words in text) is bool(rows[code].raw_value), (code, rows[code].value)
    # The Markdown carries the same text; its appendix table may mark "no comparison" —.
    md = to_markdown(report).split("## 附表")[0]
    assert "—" not in md
    assert not re.search(r"\d{6}", md)


async def test_nothing_vs_nothing_is_never_a_comparison() -> None:
    # In 南宁 (first city) some figures were 0 in both years, others only last year.
    report = await report_for("450100")
    rows = report.indicators
    both_zero = [r for r in rows if r.raw_value == 0 and r.raw_previous == 0]
    went_to_zero = [r for r in rows if r.raw_value == 0 and r.raw_previous]
    assert both_zero
    assert went_to_zero
    for r in both_zero:
        assert compare_phrase(r) == "", r.code
        assert comparison_cell(r) == "—", r.code
    text = "\n".join(sentences(build_narrative(report)))
    for r in went_to_zero:  # the item had no activity: it is left out, not "下降100.0%"
        assert r.label not in text


async def test_region_report_in_official_style() -> None:
    narrative = build_narrative(await report_for(None))
    text = "\n".join(sentences(narrative))
    assert narrative.title == "2023年上半年重点工作情况"
    assert "第十二批自治区重点实验室" in text
    assert "第12批" not in text
    assert "已组织三批共" in text  # a count of batches in words
    assert "等三大工程" in text
    # 、 only inside lists: never after a 同比 clause.
    assert not re.search(r"(同比|去年同期)[^，。；、]*、", text)
    assert "同比增长55.6%；自主选题科研项目年度资助经费" in text
    # Chinese quotes, also around names that came from the records with ASCII ones.
    assert '"' not in text
    assert "广西“智能制造”国家重点实验室" in text
    # No clause said twice within a paragraph.
    for p in (p for s in narrative.sections for p in s.paragraphs):
        clauses = [c for c in re.split(r"[，。；]", p) if c and not c.startswith("同比")]
        assert len(clauses) == len(set(clauses)), p
    assert text.count("职务科技成果权属改革试点") == 1
    assert "我区新增70家国家级创新平台" in text
    assert "广西技术输出和吸纳交易合同数合计达到63项，比去年同期增加11项" in text
    assert [s.title[:2] for s in narrative.sections] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
    ]


async def test_empty_period_writes_no_zeros() -> None:
    narrative = build_narrative(await report_for(None, empty_dataset()))
    text = "\n".join(sentences(narrative))
    assert not ZERO_FIGURE.search(text)
    assert "持平" not in text
    assert "—" not in text
    assert [s.paragraphs for s in narrative.sections] == [["本期各项工作暂无统计数据。"]]


@pytest.mark.parametrize("city", [None, "450300"])
async def test_generated_template_fills_to_the_generated_text(city: str | None) -> None:
    report = await report_for(city)
    template = generated_template(report)
    text = "\n".join(s.text for s in template.sections)
    assert "{{transfer.contracts_total}}{{transfer.contracts_total.change}}" in text or city
    assert not re.search(r"\d+(?:\.\d+)?(?:亿元|万元)", text), "figures are placeholders"
    assert render_template(report, template) == build_narrative(report)
    assert unknown_placeholders([template.intro, text]) == []


async def test_comparison_cell_words_it_as_the_text_does() -> None:
    report = await report_for(None)
    text = "\n".join(sentences(build_narrative(report)))
    rows = {r.code: r for r in report.indicators}
    assert comparison_cell(rows["projects.challenge_demands_collected"]) == "增长55.6%"
    assert comparison_cell(rows["transfer.contracts_total"]) == "+11项"
    assert comparison_cell(rows["enterprise.loan_listed_rate"]) == "提高5.0个百分点"
    for r in report.indicators:
        cell, phrase = comparison_cell(r), compare_phrase(r)
        if cell == "—":
            assert phrase == "", r.code
        elif cell.startswith("+"):
            assert phrase == f"，比去年同期增加{cell[1:]}", r.code
        elif cell == "持平":
            assert phrase == "，与去年同期持平", r.code
        else:
            assert phrase.endswith(cell[2:]), r.code
            assert cell[:2] in phrase, r.code
        if phrase and r.code not in REGION_ONLY and r.raw_value:
            assert phrase in text, r.code


async def test_rates_carry_change_abs_in_percentage_points() -> None:
    rate = next(r for r in (await report_for(None)).indicators if r.unit == "%")
    assert rate.change_pp == Decimal("5.0")
    assert rate.change_abs == rate.change_pp


async def test_official_style_helpers() -> None:
    assert [cn_numeral(n) for n in (1, 2, 10, 12, 20, 105, 1010)] == [
        "一", "二", "十", "十二", "二十", "一百零五", "一千零一十",
    ]  # fmt: skip
    assert cn_numeral(2, count=True) == "两"
    assert official('启动第9批"揭榜挂帅",共(3)项') == "启动第九批“揭榜挂帅”，共（3）项"
    assert official("津贴1万元，同比增长5.0%、经费2万元") == "津贴1万元，同比增长5.0%；经费2万元"
    assert official("图1,2和3") == "图1,2和3"  # digits keep their comma


async def test_hostile_template_text_takes_linear_time() -> None:
    # An editor's paragraph is up to 20,000 characters; none of the patterns may backtrack.
    started = time.monotonic()
    for text in ("(" + "中" * 20000, "同比" * 10000, "{{" + " " * 20000, "中(" * 10000):
        official(text)
        unknown_placeholders([text])
    assert time.monotonic() - started < 1.0


async def test_an_explicit_range_is_named_in_words() -> None:
    fake = FakeWorkstreams(dataset(), REGION_ONLY)
    period = resolve_period(None, date(2023, 3, 5), date(2023, 6, 30))
    report = await consolidated_report(fake.clients(), period, None, 5.0)
    assert report.title == "2023年3月5日至6月30日重点工作情况"
    assert build_narrative(report).intro.startswith("2023年3月5日至6月30日自治区科技厅")
    span = resolve_period(None, date(2022, 7, 1), date(2023, 6, 30))
    assert span.title == "2022年7月1日至2023年6月30日"
