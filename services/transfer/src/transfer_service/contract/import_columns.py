"""The columns of the technology-contract import (shared_kit.import_spec)."""

from __future__ import annotations

from shared_kit.import_spec import CITIES, GROUPED_YUAN, LOOSE_DATE, USCC, Choices, Column, Dataset

# Chinese type names as registrars write them (domain.md §3).
TYPE_NAMES = {
    "委托开发": "development_commissioned",
    "技术开发(委托)": "development_commissioned",
    "合作开发": "development_cooperative",
    "技术开发(合作)": "development_cooperative",
    "专利权转让": "transfer_patent",
    "专利申请权转让": "transfer_patent_application",
    "技术秘密转让": "transfer_know_how",
    "专利实施许可": "licence_patent",
    "技术秘密使用许可": "licence_know_how",
    "技术秘密许可": "licence_know_how",
    "技术咨询": "consulting",
    "技术服务": "service",
    "技术培训": "service_training",
    "技术中介": "service_intermediary",
}
# The drop-down offers the first name of each type; the importer reads every name above.
_FIRST_NAME: dict[str, str] = {}
for _name, _code in TYPE_NAMES.items():
    _FIRST_NAME.setdefault(_code, _name)
CONTRACT_TYPES = Choices("合同类型", tuple((name, code) for code, name in _FIRST_NAME.items()))
REGION = "6 位行政区划代码（GB/T 2260），可为全国任一地区"


def _party(side: str, key: str, uscc: str, region: str, name: str) -> tuple[Column, ...]:
    return (
        Column(
            f"{key}_name", f"{side}名称", f"{side}单位名称", name, aliases=(side, f"{side}单位")
        ),
        Column(
            f"{key}_uscc",
            f"{side}统一社会信用代码",
            f"{side}的统一社会信用代码（个人可不填）",
            uscc,
            required=False,
            format=USCC,
            aliases=(f"{side}信用代码",),
        ),
        Column(
            f"{key}_region",
            f"{side}行政区划代码",
            f"{side}所在地的区划代码，决定合同计入哪个城市的输出或吸纳",
            region,
            format=REGION,
            aliases=(f"{side}所在地区划代码", f"{side}所在地"),
        ),
    )


CONTRACTS = Dataset(
    "tech-contracts",
    "技术合同",
    (
        Column(
            "registration_no",
            "合同登记编号",
            "技术合同认定登记编号；再次导入同一编号即更新该合同",
            "23450101000001",
            format="6 至 32 位字母、数字或连字符",
            aliases=("登记编号", "合同编号", "登记号"),
        ),
        Column(
            "type",
            "合同类型",
            "技术合同的类型",
            "委托开发",
            aliases=("技术合同类型", "类型"),
            choices=CONTRACT_TYPES,
        ),
        Column(
            "title",
            "项目名称",
            "合同的项目名称",
            "智能装备研发",
            required=False,
            aliases=("合同名称", "名称"),
        ),
        *_party("卖方", "seller", "914501005794165304", "450100", "广西大学"),
        *_party("买方", "buyer", "91450200MAA7L76A5R", "450200", "柳州某公司"),
        Column(
            "contract_amount",
            "合同成交额",
            "合同成交金额",
            "1000000.00",
            format=GROUPED_YUAN,
            aliases=("合同金额", "成交额"),
        ),
        Column(
            "tech_transaction_amount",
            "技术交易额",
            "合同中技术部分的金额，不超过合同成交额",
            "800000.00",
            format=GROUPED_YUAN,
        ),
        Column(
            "signed_on",
            "签订日期",
            "合同签订日期",
            "2023-02-01",
            format=LOOSE_DATE,
            aliases=("合同签订日期",),
        ),
        Column(
            "registered_on",
            "登记日期",
            "认定登记日期，不早于签订日期",
            "2023-03-01",
            format=LOOSE_DATE,
            aliases=("认定登记日期",),
        ),
        Column(
            "city",
            "登记城市",
            "办理认定登记的设区市（名称或 6 位代码）",
            "南宁市",
            aliases=("登记地市", "登记机构所在市", "登记市"),
            choices=CITIES,
        ),
    ),
    strict=True,
    notes="按合同登记编号匹配：已登记的合同被更新。市科技局只能导入本市登记的合同。"
    "任何一行有错误时整份文件都不导入，所有错误一次列出。",
)

DATASETS = (CONTRACTS,)
