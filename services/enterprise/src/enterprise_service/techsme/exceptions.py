from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class RegistrationNotFound(NotFound):
    code = "tech_sme_registration_not_found"
    title = t("未找到科技型中小企业入库登记", "Tech-SME registration not found")


class RegistrationExists(Conflict):
    code = "tech_sme_registration_exists"
    title = t(
        "该企业当年已入库登记，或登记编号已被使用",
        "The enterprise is already registered that year, or the number is taken",
    )
    unique_constraints = (
        "uq_tech_sme_registrations_enterprise_uscc_year",
        "uq_tech_sme_registrations_registration_no",
    )


class RegistrationRevoked(Conflict):
    code = "tech_sme_registration_revoked"
    title = t("入库登记已撤销", "The registration is already revoked")
