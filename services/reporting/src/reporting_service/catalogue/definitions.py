"""Each indicator's definition in Chinese (口径说明), for readers of the report's files.

The English definitions in ``indicators.py`` name the records and fields behind a
figure for the people who maintain it; these say the same for the department.
"""

from __future__ import annotations

DEFINITIONS_ZH: dict[str, str] = {
    "projects.action_plan_programs": "行动方案中实施年度覆盖本期各年份的工程",
    "projects.action_plan_tasks_completed": "本期内完成的行动方案重点任务",
    "projects.special_plans_completed": "本期内完成实施方案编写的科技重大专项领域",
    "projects.challenge_demands_collected": "本期内提交的揭榜制项目需求；按需求单位所在市统计",
    "projects.challenge_demands_listed": "本期内进入张榜榜单的需求",
    "projects.major_projects_funded": "本期内立项的科技重大专项项目",
    "projects.key_rd_projects_funded": "本期内立项的重点研发计划项目",
    "projects.project_funding": "本期内立项的科技重大专项和重点研发计划项目资助经费合计",
    "enterprise.training_sessions": "本期内举办的业务辅导班；按举办地所在市统计",
    "enterprise.tech_sme_batches": "本期内科技型中小企业入库登记涉及的批次（按年度和批次计）",
    "enterprise.tech_sme_registered": "本期内登记入库的科技型中小企业（同一企业只计一次）",
    "enterprise.hte_pool_entered": "本期内进入高新技术企业培育库的企业（同一企业只计一次）",
    "enterprise.hte_recognition_award": "本期内下达的高新技术企业认定奖励金额合计",
    "enterprise.partner_banks_signed": "本期内签订战略合作协议的银行",
    "enterprise.voucher_enterprises": "本期内获发创新券的企业（同一企业只计一次）",
    "enterprise.voucher_amount": "本期内发放的创新券面额合计",
    "enterprise.loan_amount": "本期内投放的科创贷金额合计；按借款企业所在市统计",
    "enterprise.loan_listed_rate": "期末名单企业中本期内获得科创贷的企业所占比例",
    "enterprise.rd_subsidy_applicants": "本期内申报研发经费奖补的企业（同一企业只计一次）",
    "enterprise.rd_subsidy_amount": "上述奖补申报的申请金额合计",
    "projects.platform_funding": "本期内立项的平台建设类项目经费合计",
    "projects.national_platforms_added": "本期内获批的国家级创新平台",
    "projects.joint_lab_plans_approved": "本期内建设运行实施方案通过论证的省部共建国家重点实验室",
    "projects.key_lab_applications": "本期内受理的自治区重点实验室组建申报",
    "enterprise.hitech_zones": "期末在册的高新区",
    "enterprise.hitech_zone_output": "完全落在本期内各季度的高新区园区生产总值合计",
    "talent.academician_team_allowance": "本期内拨付的院士后备人选学科团队建设津贴",
    "talent.academician_research_funding": "本期内拨付的院士后备人选自主选题科研项目经费",
    "talent.academician_valid_candidates": "本期内成为中国工程院院士增选有效候选人的后备人选",
    "talent.young_phd_funded": "本期内立项资助的高水平大学博士毕业生",
    "talent.national_talent_nominations": "本期内向科技部推荐的国家“万人计划”人选",
    "talent.experts_added": "本期内新增入库的专家",
    "talent.asean_young_scientists": "本期内接收的东盟杰出青年科学家人选",
    "talent.hmt_talents": "本期内接收的港澳台英才",
    "talent.commissioners_dispatched": (
        "本期内选派的科技特派员（同一人只计一次）；按派驻地所在市统计"
    ),
    "talent.commissioner_service_days": "本期内科技特派员下乡服务天数合计",
    "talent.commissioner_villages_served": "上述服务涉及的村（社区），同一村（社区）只计一次",
    "transfer.ownership_reform_pilots": "本期内启动职务科技成果权属改革试点的单位",
    "transfer.evaluation_pilot_institutions": "本期内启动科技成果评价试点的科技服务机构",
    "transfer.pilot_bases": "本期内建成的中试基地",
    "transfer.institutions_reporting": "本期内有成果转化记录的高校院所",
    "transfer.institution_transfers": "本期内高校院所的成果转化记录",
    "transfer.institution_transfer_revenue": "上述成果转化的收入合计",
    "transfer.recruitment_intentions": "本期内与高校签订合作意向的企业（同一企业只计一次）",
    "transfer.contracts_outflow": "本期内登记、卖方在区内的技术合同",
    "transfer.contracts_absorbed": "本期内登记、买方在区内的技术合同",
    "transfer.contracts_total": (
        "技术输出合同与技术吸纳合同之和（买卖双方均在区内的合同两边各计一次）"
    ),
    "transfer.contract_value": "技术输出合同成交金额合计",
    "transfer.tech_transaction_value": "技术输出合同中技术交易金额合计",
    "transfer.achievements_registered": "本期内登记的科技成果；按登记单位所在市统计",
}
