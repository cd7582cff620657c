from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ValidationFailed
from shared_kit.i18n import t


class TechContractNotFound(NotFound):
    code = "tech_contract_not_found"
    title = t("未找到技术合同", "Technology contract not found")


class RegistrationNoTaken(Conflict):
    code = "registration_no_taken"
    title = t(
        "该登记编号的合同已登记", "A contract with this registration number is already registered"
    )


class ContractAlreadyRevoked(Conflict):
    code = "contract_already_revoked"
    title = t("合同已撤销", "The contract is already revoked")


class TechAmountExceedsContract(ValidationFailed):
    code = "tech_amount_exceeds_contract"
    title = t(
        "技术交易额不能超过合同金额",
        "The technology transaction amount exceeds the contract amount",
    )


class RegisteredBeforeSigned(ValidationFailed):
    code = "registered_before_signed"
    title = t("合同不能在签订前登记", "A contract cannot be registered before it is signed")
